# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.serial_tracking.models.product_template import (
    tracks_serials_physically,
)

# Validations of Track Serials lines: through the speed path, or Odoo's code.
# Counted where the speed path decides, not by extending _action_done: the
# speed path steps aside when another module extends that.
VALIDATED = {"batched": 0, "unbatched": 0}


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _serial_action_done_batched(self, batch, rows):
        done = super()._serial_action_done_batched(batch, rows)
        if done:
            VALIDATED["batched"] += 1
        elif any(tracks_serials_physically(line.product_id) for line in self):
            VALIDATED["unbatched"] += 1
        return done

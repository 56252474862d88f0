# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def button_validate(self):
        # No "you need to supply a serial number" dead end for auto-numbered products.
        self.move_ids._serial_fill_from_format()
        return super().button_validate()

    def action_print_serial_labels(self):
        """Labels of the serials this transfer moved (or will move)."""
        return self.move_line_ids.lot_id._serial_print_labels()

    def action_export_epcis(self):
        """The EPCIS document of the serial events of these transfers."""
        name = self[:1].name if len(self) == 1 else self.env._("Transfers")
        return self.env["serial.epcis.export"]._epcis_action(
            [("res_model", "=", "stock.picking"), ("res_id", "in", self.ids)], name
        )

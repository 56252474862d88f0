# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    @api.model
    def _serial_subcontracting_ids(self, locations):
        """Ids of the given locations that stand for a subcontractor's premises
        (Odoo's Subcontracting app: the company's subcontracting location, the
        places under it and a subcontractor's own location); empty without
        the app."""
        if "subcontractor_ids" not in self._fields:
            return set()
        locations = self.browse([location.id for location in locations]).sudo()
        return {
            location.id
            for location in locations
            if location.is_subcontract() or location.subcontractor_ids
        }

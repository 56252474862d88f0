from odoo import models

from .stock_lot import trusted_serial_flow


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _create_and_assign_production_lot(self):
        # Receiving new serial numbers is part of the transfer the user may edit.
        with trusted_serial_flow():
            return super()._create_and_assign_production_lot()

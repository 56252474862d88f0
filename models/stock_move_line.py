from odoo import api, models

from .product_template import tracks_serials_physically
from .stock_lot import check_company_in_bulk, trusted_serial_flow
from .stock_move import INTERNAL_USAGES
from .stock_quant import serial_quant_batch


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        # reserving: one quant update per new line, held back and written together
        def keys():
            return [
                (vals.get("product_id"), vals.get("location_id"), vals.get("lot_id"))
                for vals in vals_list
                if not vals.get("package_id") and not vals.get("owner_id")
            ]

        with serial_quant_batch(self.env, keys):
            return super().create(vals_list)

    def _action_done(self):
        # validating: three quant updates per line, held back and written together
        def keys():
            lines = self.exists().filtered(
                lambda ml: ml.lot_id and not ml.package_id and not ml.result_package_id
                and not ml.owner_id
            )
            return [
                (line.product_id.id, location.id, line.lot_id.id)
                for line in lines
                for location in (line.location_id, line.location_dest_id)
            ]

        def leaving():
            return [
                (line.product_id.id, line.location_id.id, line.lot_id.id)
                for line in self.exists()
                if line.lot_id and line.location_id.usage in INTERNAL_USAGES and line.quantity
            ]

        with serial_quant_batch(self.env, keys, leaving):
            return super()._action_done()

    def _check_company(self, fnames=None):
        return check_company_in_bulk(
            self, self.filtered(lambda ml: tracks_serials_physically(ml.product_id)), fnames,
            lambda records: super(StockMoveLine, records)._check_company(fnames),
        )

    def _create_and_assign_production_lot(self):
        # Receiving new serial numbers is part of the transfer the user may edit.
        with trusted_serial_flow():
            return super()._create_and_assign_production_lot()

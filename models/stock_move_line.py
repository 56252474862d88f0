from odoo import api, models

from .product_template import tracks_serials_physically
from .stock_lot import QUIET_CONTEXT, check_company_in_bulk, trusted_serial_flow
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
        keys, leaving = [], []

        def collect():
            # one pass over the lines for both lists, when the batch first needs them
            if keys or leaving:
                return
            for line in self.exists():
                if not line.lot_id:
                    continue
                product_id, lot_id = line.product_id.id, line.lot_id.id
                source, destination = line.location_id, line.location_dest_id
                if source.usage in INTERNAL_USAGES and line.quantity:
                    leaving.append((product_id, source.id, lot_id))
                if not line.package_id and not line.result_package_id and not line.owner_id:
                    keys.extend(((product_id, source.id, lot_id),
                                 (product_id, destination.id, lot_id)))

        def candidate_keys():
            collect()
            return keys

        def leaving_keys():
            collect()
            return leaving

        with serial_quant_batch(self.env, candidate_keys, leaving_keys):
            return super()._action_done()

    def _check_company(self, fnames=None):
        return check_company_in_bulk(
            self, self.filtered(lambda ml: tracks_serials_physically(ml.product_id)), fnames,
            lambda records: super(StockMoveLine, records)._check_company(fnames),
        )

    def _create_and_assign_production_lot(self):
        # Receiving new serial numbers is part of the transfer the user may edit;
        # the serial history records it, so no chatter message per unit.
        tracked = self.filtered(lambda ml: tracks_serials_physically(ml.product_id))
        with trusted_serial_flow():
            if tracked:
                super(StockMoveLine, tracked.with_context(**QUIET_CONTEXT)
                      )._create_and_assign_production_lot()
            if self - tracked:
                super(StockMoveLine, self - tracked)._create_and_assign_production_lot()

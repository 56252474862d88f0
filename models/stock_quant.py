# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_compare

from .stock_speed_path import (
    _QUANT_BATCH,
    quant_digits,
    reserve_quantity,
    speed_path_applies,
)


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(
        self,
        product_id,
        location_id,
        quantity=False,
        reserved_quantity=False,
        lot_id=None,
        package_id=None,
        owner_id=None,
        in_date=None,
    ):
        batch = _QUANT_BATCH.get()
        if batch is not None:
            if (quantity or reserved_quantity) and batch.takes(
                self.env, product_id, location_id, lot_id, package_id, owner_id
            ):
                return batch.update(
                    product_id,
                    location_id,
                    lot_id,
                    quantity,
                    reserved_quantity,
                    in_date,
                )
            batch.flush(self.env)
        return super()._update_available_quantity(
            product_id,
            location_id,
            quantity=quantity,
            reserved_quantity=reserved_quantity,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            in_date=in_date,
        )

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo validates a move line with ``quants_cache=None`` in the context
        # while it frees another reservation; a quant created then (the line
        # re-reserved elsewhere, the speed path's quant batch writing what it
        # held back) would be added to that missing cache. None means no
        # cache: leave the key out. With the speed path off, Odoo's own create.
        if (
            "quants_cache" in self.env.context
            and self.env.context["quants_cache"] is None
            and speed_path_applies(self)
        ):
            context = dict(self.env.context)
            del context["quants_cache"]
            # the whole context, to drop a key: with_context(**kwargs) keeps it
            return super(
                StockQuant,
                self.with_context(context),  # pylint: disable=context-overridden
            ).create(vals_list)
        return super().create(vals_list)

    @api.model
    def _serial_untracked_quantity(self, product_id, location):
        """Units of a product at ``location`` and below that have no serial."""
        quants = self.sudo().search(
            [
                ("product_id", "=", product_id),
                ("location_id", "child_of", location.id),
                ("lot_id", "=", False),
                ("quantity", ">", 0),
            ]
        )
        return sum(quants.mapped("quantity"))

    def _gather(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        qty=0,
    ):
        # whoever reads quants while updates are held back reads them written;
        # untracked quants (strict, no lot) are never held back
        batch = _QUANT_BATCH.get()
        if batch is not None and (lot_id or not strict):
            batch.flush(self.env)
        return super()._gather(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            qty=qty,
        )

    def _get_reserve_quantity(
        self,
        product_id,
        location_id,
        quantity,
        uom_id=None,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        if (
            strict
            or lot_id
            or package_id
            or owner_id
            or not speed_path_applies(self, product_id)
            or self._get_removal_strategy(product_id, location_id) == "least_packages"
            or float_compare(quantity, 0, precision_digits=quant_digits(self.env)) <= 0
        ):
            return super()._get_reserve_quantity(
                product_id,
                location_id,
                quantity,
                uom_id=uom_id,
                lot_id=lot_id,
                package_id=package_id,
                owner_id=owner_id,
                strict=strict,
            )
        return reserve_quantity(self.sudo(), product_id, location_id, quantity, uom_id)

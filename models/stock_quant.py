# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_compare

from .product_template import tracks_serials_physically
from .stock_speed_path import (
    _QUANT_BATCH,
    ServedQuantCache,
    prelocked_quants,
    prepare_quants_cache,
    quant_digits,
    reserve_quantity,
    speed_path_enabled,
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
        # re-reserved elsewhere) would be added to that missing cache. None
        # means no cache: leave the key out.
        if (
            "quants_cache" in self.env.context
            and self.env.context["quants_cache"] is None
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
        cache = self.env.context.get("quants_cache")
        if isinstance(cache, ServedQuantCache) and not (
            strict and cache.serves(product_id, location_id, lot_id)
        ):
            # a reservation's cache holds only the places of its serials
            context = dict(self.env.context)
            del context["quants_cache"]
            # the whole context, to drop a key: with_context(**kwargs) keeps it
            self = self.with_context(context)  # pylint: disable=context-overridden
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
            or product_id.tracking != "serial"
            or not tracks_serials_physically(product_id)
            or self._get_removal_strategy(product_id, location_id) == "least_packages"
            or float_compare(quantity, 0, precision_digits=quant_digits(self.env)) <= 0
            or not speed_path_enabled(self.env)
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

    def _get_quants_by_products_locations(
        self, product_ids, location_ids, extra_domain=False
    ):
        quants_cache = super()._get_quants_by_products_locations(
            product_ids, location_ids, extra_domain=extra_domain
        )
        # the cache Odoo's move line _action_done reads for its loop (the one
        # call with a lot condition): completed once for the whole transfer
        validation = prelocked_quants()
        if validation is not None and extra_domain and not validation.prepared:
            self._serial_prepare_quants_cache(validation, quants_cache)
        return quants_cache

    @api.model
    def _serial_prepare_quants_cache(self, validation, quants_cache):
        """The speed path's Odoo-method validation (``prepare_quants_cache``);
        False when it had nothing to prepare."""
        return prepare_quants_cache(validation, quants_cache)

    @api.private
    def try_lock_for_update(self, *, allow_referencing=False, limit=None):
        # Odoo locks the first quant it may write, skipping those another
        # transaction holds; the speed path locked the transfer's quants with
        # the same clause already, and a lock is held until the transaction ends
        validation = prelocked_quants()
        if (
            validation is not None
            and allow_referencing
            and limit
            and self._ids[:limit]
            and all(quant_id in validation.locked for quant_id in self._ids[:limit])
        ):
            return self.browse(self._ids[:limit])
        return super().try_lock_for_update(
            allow_referencing=allow_referencing, limit=limit
        )

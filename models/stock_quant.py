# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, float_compare, float_is_zero, split_every

from .product_template import tracks_serials_physically
from .stock_speed_path import (
    _QUANT_BATCH,
    SERIAL_QUANT_COLUMNS,
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
            or float_compare(quantity, 0, precision_digits=self._serial_digits()) <= 0
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
        return self.sudo()._serial_reserve_quantity(
            product_id, location_id, quantity, uom_id
        )

    def _serial_reserve_quantity(self, product_id, location_id, quantity, uom_id):
        """Odoo's ``_get_reserve_quantity`` for a reservation of serial units
        (not strict, any lot, package or owner), on values read with one query:
        Odoo reads each quant through the ORM several times, which for 10,000
        serials costs two seconds. Same quants, same order, same quantities."""
        digits = self._serial_digits()

        def compare(value1, value2):
            return float_compare(value1, value2, precision_digits=digits)

        quants = self._gather(product_id, location_id, qty=quantity)
        columns = [
            "quantity",
            "reserved_quantity",
            "location_id",
            "lot_id",
            "package_id",
            "owner_id",
        ]
        quants.flush_recordset(columns)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM stock_quant WHERE id = ANY(%s)",
                SQL(", ").join(map(SQL.identifier, columns)),
                quants.ids,
            )
        )
        # a quant created by a reservation alone has no quantity (NULL)
        values = {
            quant_id: (on_hand or 0.0, reserved or 0.0, *place)
            for quant_id, on_hand, reserved, *place in self.env.cr.fetchall()
        }
        rows = [(quant, *values[quant.id]) for quant in quants]
        # _get_available_quantity: what is free per serial (and without serial),
        # counting only what is positive
        free_by_lot = defaultdict(float)
        for _quant, on_hand, reserved, _location, lot, _package, _owner in rows:
            free_by_lot[lot or "untracked"] += on_hand - reserved
        available_quantity = sum(
            free for free in free_by_lot.values() if compare(free, 0) > 0
        )
        packaging_uom = self.env.context.get("packaging_uom_id")
        if (
            packaging_uom
            and product_id.product_tmpl_id.categ_id.packaging_reserve_method == "full"
        ):
            available_quantity = packaging_uom._check_qty(
                available_quantity, product_id.uom_id, "DOWN"
            )
        quantity = min(quantity, available_quantity)
        if uom_id and product_id.uom_id != uom_id:
            quantity_move_uom = product_id.uom_id._compute_quantity(
                quantity, uom_id, rounding_method="DOWN"
            )
            quantity = uom_id._compute_quantity(
                quantity_move_uom, product_id.uom_id, rounding_method="HALF-UP"
            )
        if compare(quantity, int(quantity)) != 0 or compare(quantity, 0) <= 0:
            return []
        available_quantity = sum(
            row[1] for row in rows if compare(row[1], 0) > 0
        ) - sum(row[2] for row in rows)
        negative_free = defaultdict(float)
        for _quant, on_hand, reserved, *place in rows:
            if compare(on_hand - reserved, 0) < 0:
                negative_free[tuple(place)] += on_hand - reserved
        reserved_quants = []
        for quant, on_hand, reserved, *place in rows:
            free = on_hand - reserved
            if compare(free, 0) <= 0:
                continue
            negative = negative_free[tuple(place)]
            if negative:
                taken_by_negative = min(abs(negative), free)
                negative_free[tuple(place)] += taken_by_negative
                free -= taken_by_negative
            if compare(free, 0) <= 0:
                continue
            free = min(free, quantity)
            reserved_quants.append((quant, free))
            quantity -= free
            available_quantity -= free
            if float_is_zero(quantity, precision_digits=digits) or float_is_zero(
                available_quantity, precision_digits=digits
            ):
                break
        return reserved_quants

    def _serial_digits(self):
        """The precision uom.uom.compare rounds quantities to."""
        return self.env["decimal.precision"].precision_get("Product Unit")

    @api.model
    def _serial_create_quants(self, vals_list):
        """Quants as ``create`` makes them outside inventory mode, in one
        INSERT: Odoo's ``create`` makes them one at a time (about 1 ms each).
        Only the quant fields of Odoo's stock and stock_account are known
        here; when another module stores more, ``create`` does the work."""
        if (
            self._is_inventory_mode()
            or set(self._serial_stored_fields()) - SERIAL_QUANT_COLUMNS
        ):
            return self.create(
                [{"inventory_quantity_set": False, **vals} for vals in vals_list]
            )
        locations = self.env["stock.location"].browse(
            {vals["location_id"] for vals in vals_list}
        )
        company_of = {
            location.id: location.company_id.id or None for location in locations
        }
        # Odoo's _compute_inventory_date: only internal and transit quants get one
        next_count_of = {
            location.id: location._get_next_inventory_date() or None
            for location in locations
        }
        defaults = self.default_get(["reserved_quantity", "in_date"])
        now, uid = self.env.cr.now(), self.env.uid
        columns = [
            "product_id",
            "location_id",
            "lot_id",
            "package_id",
            "owner_id",
            "quantity",
            "reserved_quantity",
            "in_date",
            "company_id",
            "inventory_date",
            "inventory_quantity_set",
            "inventory_diff_quantity",
            "create_uid",
            "create_date",
            "write_uid",
            "write_date",
        ]
        rows = [
            (
                vals["product_id"],
                vals["location_id"],
                vals.get("lot_id") or None,
                vals.get("package_id") or None,
                vals.get("owner_id") or None,
                vals.get("quantity") or 0.0,
                vals.get("reserved_quantity", defaults["reserved_quantity"]) or 0.0,
                vals.get("in_date") or defaults["in_date"],
                company_of[vals["location_id"]],
                next_count_of[vals["location_id"]],
                False,
                0.0,
                uid,
                now,
                uid,
                now,
            )
            for vals in vals_list
        ]
        ids = []
        for chunk in split_every(1000, rows):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO stock_quant (%s) VALUES %s RETURNING id",
                    SQL(", ").join(map(SQL.identifier, columns)),
                    SQL(", ").join(chunk),
                )
            )
            ids.extend(row[0] for row in self.env.cr.fetchall())
        quants = self.browse(ids)
        # the values just written, as a read would put them in the cache
        for index, fname in enumerate(columns[:12]):
            self._fields[fname]._insert_cache(quants, [row[index] for row in rows])
        # what create does after its INSERT: caches of the inverse one2many
        # fields, computed fields depending on quants, constraints
        for fname in ("product_id", "location_id", "lot_id", "company_id"):
            for inverse in self.pool.field_inverses[self._fields[fname]]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        computed = [
            self._fields[fname] for fname in columns if self._fields[fname].compute
        ]
        with self.env.protecting(computed, quants):
            quants.modified(list(self._fields), create=True)
        quants._validate_fields(columns)
        cache = self.env.context.get("quants_cache")
        if cache is not None:
            for quant, vals in zip(quants, vals_list, strict=True):
                cache[
                    vals["product_id"],
                    vals["location_id"],
                    vals.get("lot_id") or False,
                    vals.get("package_id") or False,
                    vals.get("owner_id") or False,
                ] |= quant
        return quants

    @api.model
    def _serial_stored_fields(self):
        return [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type
        ]

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, split_every

from .product_template import tracks_serials_physically

# the stored fields of stock.quant in Odoo's stock and stock_account
SERIAL_QUANT_COLUMNS = {
    "id", "product_id", "company_id", "location_id", "lot_id", "package_id", "owner_id",
    "quantity", "reserved_quantity", "in_date", "inventory_quantity", "inventory_diff_quantity",
    "inventory_date", "inventory_quantity_set", "user_id", "accounting_date",
    "create_uid", "create_date", "write_uid", "write_date",
}

_QUANT_BATCH = ContextVar("serial_quant_batch", default=None)


class SerialQuantBatch:
    """Quant updates of serial numbers, held back and written together.

    Odoo moves stock one unit at a time: for each serial of a transfer it
    searches the unit's quant, locks it, writes it and reads the available
    quantity back (three or four times per unit when a delivery is reserved
    and validated). For the serials of Track Serials products, each on one
    quant of its own at a location holding no untracked units of the product,
    this batch applies the very same rules to the quants it locked beforehand
    (:meth:`update` mirrors ``stock.quant._update_available_quantity``) and
    writes the results with one write per distinct value and one create.
    Anything else goes to Odoo's own code, after what is held back is written.
    """

    def __init__(self, candidate_keys, leaving_keys=None):
        # called once, at the first update: the move lines may not exist before
        self.candidate_keys = candidate_keys
        self.leaving_keys = leaving_keys
        self.states = None  # (product, location, lot) ids -> quant state, once prepared
        self.pending = False
        self.changed_order = []

    # -- preparation ---------------------------------------------------
    def prepare(self, env):
        if self.states is None:
            self._prepare(env)

    def _prepare(self, env):
        self.states = {}
        # what uom.uom.compare rounds to, looked up once instead of per unit
        self.digits = env["stock.quant"]._serial_digits()
        keys = {key for key in self.candidate_keys() if all(key)}
        products = env["product.product"].browse({key[0] for key in keys}).filtered(
            lambda product: product.is_storable and tracks_serials_physically(product)
        )
        product_ids = set(products.ids)
        keys = [key for key in keys if key[0] in product_ids]
        if not keys:
            return
        Quant = env["stock.quant"].sudo()
        Quant.flush_model()
        # Odoo locks each quant before writing it; lock them all, in one
        # order, reading them under the lock
        env.cr.execute(SQL(
            """SELECT id, product_id, location_id, lot_id, quantity, reserved_quantity, in_date,
                      inventory_quantity, inventory_quantity_set
                 FROM stock_quant
                WHERE product_id = ANY(%s) AND location_id = ANY(%s)
                  AND (lot_id = ANY(%s) OR lot_id IS NULL)
                  AND package_id IS NULL AND owner_id IS NULL
             ORDER BY id
                  FOR NO KEY UPDATE""",
            list(product_ids), list({key[1] for key in keys}), list({key[2] for key in keys}),
        ))
        rows = env.cr.fetchall()
        # the values just read, in the cache as a read under the lock puts them
        quants = Quant.browse([row[0] for row in rows])
        columns = ("quantity", "reserved_quantity", "in_date")
        quants.invalidate_recordset(columns)
        for index, fname in enumerate(columns, start=4):
            Quant._fields[fname]._insert_cache(quants, [row[index] for row in rows])
        by_key, untracked = defaultdict(list), set()
        for quant_id, product_id, location_id, lot_id, *values in rows:
            if lot_id:
                by_key[product_id, location_id, lot_id].append((quant_id, *values))
            else:
                untracked.add((product_id, location_id))
        locations = env["stock.location"].browse({key[1] for key in keys})
        bypass = {location.id: location.should_bypass_reservation() for location in locations}
        for key in keys:
            found = by_key.get(key, [])
            if (key[0], key[1]) in untracked or len(found) > 1:
                continue
            quant_id, quantity, reserved, in_date, counted, counted_set = (
                found[0] if found else (None, 0.0, 0.0, False, 0.0, False))
            self.states[key] = {
                "quant_id": quant_id,
                "quantity": quantity or 0.0,
                "reserved_quantity": reserved or 0.0,
                "in_date": in_date or False,
                "written": {"quantity": quantity, "reserved_quantity": reserved,
                            "in_date": in_date},
                "counted": counted if counted_set else None,
                "bypass": bypass[key[1]],
                "changed": False,
            }
        if self.leaving_keys:
            self._check_leaving(env)

    def _check_leaving(self, env):
        """A unit leaves stock only if it is there, checked under the lock: a
        transaction that shipped it meanwhile has emptied its quant."""
        missing = [
            key for key in self.leaving_keys()
            if key in self.states
            and float_compare(self.states[key]["quantity"], 1, precision_digits=self.digits) < 0
        ]
        if missing:
            lots = env["stock.lot"].browse([key[2] for key in missing])
            locations = env["stock.location"].browse([key[1] for key in missing])
            raise UserError("\n".join(
                env._("%(serial)s cannot leave %(location)s: it is not there%(where)s.",
                      serial=lot.name, location=location.display_name, where="")
                for lot, location in list(zip(lots, locations))[:20]
            ))

    def takes(self, env, product, location, lot, package, owner):
        if not lot or package or owner:
            return False
        self.prepare(env)
        return (product.id, location.id, lot.id) in self.states

    # -- Odoo's rules, on the held-back state ----------------------------
    def update(self, product, location, lot, quantity, reserved_quantity, in_date):
        return self.update_key((product.id, location.id, lot.id), quantity, reserved_quantity,
                               in_date)

    def update_key(self, key, quantity, reserved_quantity, in_date):
        """``stock.quant._update_available_quantity`` for the quant of ``key``
        ((product, location, lot) ids): returns the available quantity and the
        incoming date, as Odoo does."""
        state = self.states[key]
        exists = state["quant_id"] is not None or state["changed"]
        dates = []
        if exists and not state["bypass"] and state["in_date"] and \
                float_compare(state["quantity"], 0, precision_digits=self.digits) > 0:
            dates.append(state["in_date"])
        if in_date:
            dates.append(in_date)
        in_date = min(dates) if dates else fields.Datetime.now()
        if exists:
            if quantity:
                state["quantity"] += quantity
            if reserved_quantity:
                state["reserved_quantity"] = max(0, state["reserved_quantity"] + reserved_quantity)
        else:
            state["quantity"] = quantity or 0.0
            state["reserved_quantity"] = reserved_quantity or 0.0
        state["in_date"] = in_date
        if not state["changed"]:
            # quants are created in the order Odoo would create them: the
            # oldest-first removal breaks ties on the quant id
            self.changed_order.append(key)
        state["changed"] = self.pending = True
        return state["quantity"] - state["reserved_quantity"], in_date

    def flush(self, env):
        """Write what is held back: one write per distinct set of values, one
        create for the new quants."""
        if not self.pending:
            return
        self.pending = False
        Quant = env["stock.quant"].sudo()
        writes, creates = defaultdict(list), []
        changed, self.changed_order = self.changed_order, []
        for product_id, location_id, lot_id in changed:
            state = self.states[product_id, location_id, lot_id]
            state["changed"] = False
            values = {
                "quantity": state["quantity"],
                "reserved_quantity": state["reserved_quantity"],
                "in_date": state["in_date"],
            }
            if state["quant_id"] is None:
                creates.append({"product_id": product_id, "location_id": location_id,
                                "lot_id": lot_id, "package_id": False, "owner_id": False,
                                **values})
                continue
            values = {name: value for name, value in values.items()
                      if state["written"][name] != value}
            state["written"].update(values)
            if "quantity" in values:
                # written with the quantity, as Odoo computes it: otherwise
                # every quant whose quantity moved is written a second time
                counted = state["counted"]
                values["inventory_diff_quantity"] = (
                    counted - values["quantity"] if counted is not None else 0
                )
            if values:
                writes[tuple(sorted(values.items()))].append(state["quant_id"])
        for items, quant_ids in writes.items():
            Quant.browse(quant_ids).write(dict(items))
        if creates:
            created = Quant._serial_create_quants(creates)
            for quant, vals in zip(created, creates):
                state = self.states[vals["product_id"], vals["location_id"], vals["lot_id"]]
                state["quant_id"] = quant.id
                state["written"] = {name: vals[name]
                                    for name in ("quantity", "reserved_quantity", "in_date")}
                state["counted"] = None


@contextmanager
def serial_quant_batch(env, candidate_keys, leaving_keys=None):
    """Hold back quant updates while the block runs, for the (product,
    location, lot) ids ``candidate_keys()`` gives; written when it ends. The
    units of ``leaving_keys()`` must be there (checked under the lock)."""
    if _QUANT_BATCH.get() is not None:
        yield None
        return
    batch = SerialQuantBatch(candidate_keys, leaving_keys)
    token = _QUANT_BATCH.set(batch)
    try:
        yield batch
        batch.flush(env)
    finally:
        _QUANT_BATCH.reset(token)


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, quantity=False,
                                   reserved_quantity=False, lot_id=None, package_id=None,
                                   owner_id=None, in_date=None):
        batch = _QUANT_BATCH.get()
        if batch is not None:
            if (quantity or reserved_quantity) and batch.takes(
                self.env, product_id, location_id, lot_id, package_id, owner_id
            ):
                return batch.update(product_id, location_id, lot_id, quantity,
                                    reserved_quantity, in_date)
            batch.flush(self.env)
        return super()._update_available_quantity(
            product_id, location_id, quantity=quantity, reserved_quantity=reserved_quantity,
            lot_id=lot_id, package_id=package_id, owner_id=owner_id, in_date=in_date,
        )

    def _gather(self, product_id, location_id, lot_id=None, package_id=None, owner_id=None,
                strict=False, qty=0):
        # whoever reads quants while updates are held back reads them written;
        # untracked quants (strict, no lot) are never held back
        batch = _QUANT_BATCH.get()
        if batch is not None and (lot_id or not strict):
            batch.flush(self.env)
        return super()._gather(product_id, location_id, lot_id=lot_id, package_id=package_id,
                               owner_id=owner_id, strict=strict, qty=qty)

    def _get_reserve_quantity(self, product_id, location_id, quantity, uom_id=None, lot_id=None,
                              package_id=None, owner_id=None, strict=False):
        if (
            strict or lot_id or package_id or owner_id
            or product_id.tracking != "serial" or not tracks_serials_physically(product_id)
            or self._get_removal_strategy(product_id, location_id) == "least_packages"
            or float_compare(quantity, 0, precision_digits=self._serial_digits()) <= 0
        ):
            return super()._get_reserve_quantity(
                product_id, location_id, quantity, uom_id=uom_id, lot_id=lot_id,
                package_id=package_id, owner_id=owner_id, strict=strict,
            )
        return self.sudo()._serial_reserve_quantity(product_id, location_id, quantity, uom_id)

    def _serial_reserve_quantity(self, product_id, location_id, quantity, uom_id):
        """Odoo's ``_get_reserve_quantity`` for a reservation of serial units
        (not strict, any lot, package or owner), on values read with one query:
        Odoo reads each quant through the ORM several times, which for 10,000
        serials costs two seconds. Same quants, same order, same quantities."""
        digits = self._serial_digits()

        def compare(value1, value2):
            return float_compare(value1, value2, precision_digits=digits)

        quants = self._gather(product_id, location_id, qty=quantity)
        columns = ["quantity", "reserved_quantity", "location_id", "lot_id", "package_id",
                   "owner_id"]
        quants.flush_recordset(columns)
        self.env.cr.execute(SQL(
            "SELECT id, %s FROM stock_quant WHERE id = ANY(%s)",
            SQL(", ").join(map(SQL.identifier, columns)), quants.ids,
        ))
        values = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        rows = [(quant, *values[quant.id]) for quant in quants]
        # _get_available_quantity: what is free per serial (and without serial),
        # counting only what is positive
        free_by_lot = defaultdict(float)
        for _quant, on_hand, reserved, _location, lot, _package, _owner in rows:
            free_by_lot[lot or "untracked"] += on_hand - reserved
        available_quantity = sum(free for free in free_by_lot.values() if compare(free, 0) > 0)
        packaging_uom = self.env.context.get("packaging_uom_id")
        if packaging_uom and product_id.product_tmpl_id.categ_id.packaging_reserve_method == "full":
            available_quantity = packaging_uom._check_qty(available_quantity, product_id.uom_id, "DOWN")
        quantity = min(quantity, available_quantity)
        if uom_id and product_id.uom_id != uom_id:
            quantity_move_uom = product_id.uom_id._compute_quantity(
                quantity, uom_id, rounding_method="DOWN")
            quantity = uom_id._compute_quantity(
                quantity_move_uom, product_id.uom_id, rounding_method="HALF-UP")
        if compare(quantity, int(quantity)) != 0 or compare(quantity, 0) <= 0:
            return []
        available_quantity = (
            sum(row[1] for row in rows if compare(row[1], 0) > 0) - sum(row[2] for row in rows)
        )
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
            if float_is_zero(quantity, precision_digits=digits) or \
                    float_is_zero(available_quantity, precision_digits=digits):
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
        if self._is_inventory_mode() or set(self._serial_stored_fields()) - SERIAL_QUANT_COLUMNS:
            return self.create([{"inventory_quantity_set": False, **vals} for vals in vals_list])
        locations = self.env["stock.location"].browse({vals["location_id"] for vals in vals_list})
        company_of = {location.id: location.company_id.id or None for location in locations}
        # Odoo's _compute_inventory_date: only internal and transit quants get one
        next_count_of = {location.id: location._get_next_inventory_date() or None
                         for location in locations}
        defaults = self.default_get(["reserved_quantity", "in_date"])
        now, uid = self.env.cr.now(), self.env.uid
        columns = ["product_id", "location_id", "lot_id", "package_id", "owner_id", "quantity",
                   "reserved_quantity", "in_date", "company_id", "inventory_date",
                   "inventory_quantity_set", "inventory_diff_quantity",
                   "create_uid", "create_date", "write_uid", "write_date"]
        rows = [(
            vals["product_id"], vals["location_id"], vals.get("lot_id") or None,
            vals.get("package_id") or None, vals.get("owner_id") or None,
            vals.get("quantity") or 0.0,
            vals.get("reserved_quantity", defaults["reserved_quantity"]) or 0.0,
            vals.get("in_date") or defaults["in_date"],
            company_of[vals["location_id"]], next_count_of[vals["location_id"]],
            False, 0.0, uid, now, uid, now,
        ) for vals in vals_list]
        ids = []
        for chunk in split_every(1000, rows):
            self.env.cr.execute(SQL(
                "INSERT INTO stock_quant (%s) VALUES %s RETURNING id",
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL(", ").join(chunk),
            ))
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
        computed = [self._fields[fname] for fname in columns if self._fields[fname].compute]
        with self.env.protecting(computed, quants):
            quants.modified(list(self._fields), create=True)
        quants._validate_fields(columns)
        cache = self.env.context.get("quants_cache")
        if cache is not None:
            for quant, vals in zip(quants, vals_list):
                cache[vals["product_id"], vals["location_id"], vals.get("lot_id") or False,
                      vals.get("package_id") or False, vals.get("owner_id") or False] |= quant
        return quants

    @api.model
    def _serial_stored_fields(self):
        return [name for name, field in self._fields.items() if field.store and field.column_type]

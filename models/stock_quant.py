from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.stock.models.stock_quant import StockQuant as StockQuantBase

from .product_template import tracks_serials_physically

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
    def _prepare(self, env):
        self.states = {}
        keys = {key for key in self.candidate_keys() if all(key)}
        products = env["product.product"].browse({key[0] for key in keys}).filtered(
            lambda product: product.is_storable and tracks_serials_physically(product)
        )
        keys = [key for key in keys if key[0] in products.ids]
        if not keys:
            return
        Quant = env["stock.quant"].sudo()
        Quant.flush_model()
        quants = Quant.search([
            ("product_id", "in", products.ids),
            ("location_id", "in", list({key[1] for key in keys})),
            "|", ("lot_id", "in", list({key[2] for key in keys})), ("lot_id", "=", False),
            ("package_id", "=", False),
            ("owner_id", "=", False),
        ], order="id")
        if quants:
            # Odoo locks each quant before writing it; lock them all, in one
            # order, and read them again under the lock.
            env.cr.execute(
                "SELECT id FROM stock_quant WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                [tuple(quants.ids)],
            )
            quants.invalidate_recordset(["quantity", "reserved_quantity", "in_date"])
        by_key, untracked = defaultdict(list), set()
        for quant in quants:
            if quant.lot_id:
                by_key[quant.product_id.id, quant.location_id.id, quant.lot_id.id].append(quant)
            else:
                untracked.add((quant.product_id.id, quant.location_id.id))
        locations = env["stock.location"].browse({key[1] for key in keys})
        bypass = {location.id: location.should_bypass_reservation() for location in locations}
        for key in keys:
            found = by_key.get(key, [])
            if (key[0], key[1]) in untracked or len(found) > 1:
                continue
            quant = found[0] if found else None
            self.states[key] = {
                "quant": quant,
                "quantity": quant.quantity if quant else 0.0,
                "reserved_quantity": quant.reserved_quantity if quant else 0.0,
                "in_date": quant.in_date if quant else False,
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
            if key in self.states and env["product.product"].browse(key[0]).uom_id.compare(
                self.states[key]["quantity"], 1) < 0
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
        if self.states is None:
            self._prepare(env)
        return (product.id, location.id, lot.id) in self.states

    # -- Odoo's rules, on the held-back state ----------------------------
    def update(self, product, location, lot, quantity, reserved_quantity, in_date):
        key = (product.id, location.id, lot.id)
        state = self.states[key]
        exists = state["quant"] is not None or state["changed"]
        dates = []
        if exists and not state["bypass"] and state["in_date"] and \
                product.uom_id.compare(state["quantity"], 0) > 0:
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
            quant = state["quant"]
            values = {
                "quantity": state["quantity"],
                "reserved_quantity": state["reserved_quantity"],
                "in_date": state["in_date"],
            }
            if quant is None:
                creates.append({"product_id": product_id, "location_id": location_id,
                                "lot_id": lot_id, "package_id": False, "owner_id": False,
                                **values})
                continue
            values = {name: value for name, value in values.items() if quant[name] != value}
            if values:
                writes[tuple(sorted(values.items()))].append(quant.id)
        for items, quant_ids in writes.items():
            Quant.browse(quant_ids).write(dict(items))
        if creates:
            created = Quant._serial_create_quants(creates)
            for quant in created:
                self.states[quant.product_id.id, quant.location_id.id, quant.lot_id.id]["quant"] = quant


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

    @api.model
    def _serial_create_quants(self, vals_list):
        """Quants as ``create`` makes them outside inventory mode, in one batch:
        Odoo's ``create`` makes them one at a time (about 1 ms each)."""
        if self._is_inventory_mode():
            return self.create(vals_list)
        for vals in vals_list:
            vals.setdefault("inventory_quantity_set", False)
        quants = super(StockQuantBase, self).create(vals_list)
        cache = self.env.context.get("quants_cache")
        if cache is not None:
            for quant in quants:
                cache[quant.product_id.id, quant.location_id.id, quant.lot_id.id,
                      quant.package_id.id, quant.owner_id.id] |= quant
        return quants

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The stock speed path: where the addon runs Odoo's own stock rules on values
read once, for transfers of thousands of Track Serials units.

Odoo moves stock one unit at a time, through the ORM, several queries per
serial. For Track Serials products in physical mode the addon batches that
work. Every piece that repeats Odoo 19.0 arithmetic instead of calling it is
listed here with the Odoo method it mirrors, so that a reader checks it
against Odoo's code when Odoo changes:

* :class:`SerialQuantBatch` (``update_key``, ``flush``) mirrors
  ``stock.quant._update_available_quantity`` (stock/models/stock_quant.py,
  lines 1025-1093);
* ``stock.quant._serial_create_quants`` mirrors quant ``create`` outside
  inventory mode (stock/models/stock_quant.py, lines 253-314);
* ``stock.quant._serial_reserve_quantity`` mirrors
  ``stock.quant._get_reserve_quantity`` and ``_get_available_quantity``
  (stock/models/stock_quant.py, lines 789-910);
* ``stock.move._serial_reserve_units`` mirrors
  ``stock.move._update_reserved_quantity_vals`` (stock/models/stock_move.py,
  lines 1752-1797);
* ``stock.move._get_out_move_lines`` (linear) mirrors Odoo's method of that
  name (stock_account/models/stock_move.py, lines 491-509);
* ``stock.move.line._serial_action_done_batched`` mirrors the checks and the
  quant loop of ``stock.move.line._action_done`` (stock/models/
  stock_move_line.py, lines 604-700);
* ``stock.move.line._apply_putaway_strategy`` skips Odoo's putaway
  (stock/models/stock_move_line.py, line 257) where its answer is the
  destination itself.

Line numbers are those of Odoo 19.0 (November 2025).

All of it sits behind one switch, the system parameter
``serial_tracking.speed_path`` (``0`` turns it off): without it, Odoo's code
does all the work. ``make compat`` runs Odoo's own tests both ways.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import fields
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tools import SQL, float_compare

from .product_template import tracks_serials_physically

SPEED_PATH_PARAM = "serial_tracking.speed_path"


def speed_path_enabled(env):
    """Whether the speed path may do the work (system parameter, on unless 0)."""
    return env["ir.config_parameter"].sudo().get_param(SPEED_PATH_PARAM, "1") != "0"


def extended_elsewhere(records, method_names, odoo_module):
    """Whether a module other than Odoo's stock and this addon extends one of
    these methods of ``records``' model: a batched copy of Odoo's code would
    leave its code out, so the speed path steps aside."""
    own = {f"odoo.addons.stock.models.{odoo_module}"}
    return any(
        name in vars(cls)
        and cls.__module__.startswith("odoo.addons.")
        and cls.__module__ not in own
        and not cls.__module__.startswith("odoo.addons.serial_tracking.")
        for cls in type(records).__mro__
        for name in method_names
    )


# the stored fields of stock.quant in Odoo's stock and stock_account
SERIAL_QUANT_COLUMNS = {
    "id",
    "product_id",
    "company_id",
    "location_id",
    "lot_id",
    "package_id",
    "owner_id",
    "quantity",
    "reserved_quantity",
    "in_date",
    "inventory_quantity",
    "inventory_diff_quantity",
    "inventory_date",
    "inventory_quantity_set",
    "user_id",
    "accounting_date",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
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
        products = (
            env["product.product"]
            .browse({key[0] for key in keys})
            .filtered(
                lambda product: product.is_storable
                and tracks_serials_physically(product)
            )
        )
        product_ids = set(products.ids)
        keys = [key for key in keys if key[0] in product_ids]
        if not keys:
            return
        Quant = env["stock.quant"].sudo()
        Quant.flush_model()
        where = SQL(
            """product_id = ANY(%s) AND location_id = ANY(%s)
               AND (lot_id = ANY(%s) OR lot_id IS NULL)
               AND package_id IS NULL AND owner_id IS NULL""",
            list(product_ids),
            list({key[1] for key in keys}),
            list({key[2] for key in keys}),
        )
        # Odoo locks each quant before writing it, skipping those another
        # transaction holds (it never waits); lock them all, in one order,
        # reading them under the lock
        env.cr.execute(
            SQL(
                """SELECT id, product_id, location_id, lot_id, quantity,
                      reserved_quantity, in_date, inventory_quantity,
                      inventory_quantity_set
                 FROM stock_quant WHERE %s ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
                where,
            )
        )
        rows = env.cr.fetchall()
        env.cr.execute(SQL("SELECT count(*) FROM stock_quant WHERE %s", where))
        if env.cr.fetchone()[0] != len(rows):
            # Where Odoo would make a second, negative quant of a unit that
            # another transaction is moving, the batch does not wait either:
            # Odoo's request layer runs the validation again a moment later,
            # when the unit is either still there or gone.
            raise ConcurrencyError(
                env._(
                    "Another operation is moving some of these units right now; "
                    "validate again in a moment."
                )
            )
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
        bypass = {
            location.id: location.should_bypass_reservation() for location in locations
        }
        for key in keys:
            found = by_key.get(key, [])
            if (key[0], key[1]) in untracked or len(found) > 1:
                continue
            quant_id, quantity, reserved, in_date, counted, counted_set = (
                found[0] if found else (None, 0.0, 0.0, False, 0.0, False)
            )
            self.states[key] = {
                "quant_id": quant_id,
                "quantity": quantity or 0.0,
                "reserved_quantity": reserved or 0.0,
                "in_date": in_date or False,
                "written": {
                    "quantity": quantity,
                    "reserved_quantity": reserved,
                    "in_date": in_date,
                },
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
            key
            for key in self.leaving_keys()
            if key in self.states
            and float_compare(
                self.states[key]["quantity"], 1, precision_digits=self.digits
            )
            < 0
        ]
        if missing:
            lots = env["stock.lot"].browse([key[2] for key in missing])
            locations = env["stock.location"].browse([key[1] for key in missing])
            raise UserError(
                "\n".join(
                    env._(
                        "%(serial)s cannot leave %(location)s: it is not "
                        "there%(where)s.",
                        serial=lot.name,
                        location=location.display_name,
                        where="",
                    )
                    for lot, location in list(zip(lots, locations, strict=True))[:20]
                )
            )

    def takes(self, env, product, location, lot, package, owner):
        if not lot or package or owner:
            return False
        self.prepare(env)
        return (product.id, location.id, lot.id) in self.states

    # -- Odoo's rules, on the held-back state ----------------------------
    def update(self, product, location, lot, quantity, reserved_quantity, in_date):
        return self.update_key(
            (product.id, location.id, lot.id), quantity, reserved_quantity, in_date
        )

    def update_key(self, key, quantity, reserved_quantity, in_date):
        """``stock.quant._update_available_quantity`` for the quant of ``key``
        ((product, location, lot) ids): returns the available quantity and the
        incoming date, as Odoo does."""
        state = self.states[key]
        exists = state["quant_id"] is not None or state["changed"]
        dates = []
        if (
            exists
            and not state["bypass"]
            and state["in_date"]
            and float_compare(state["quantity"], 0, precision_digits=self.digits) > 0
        ):
            dates.append(state["in_date"])
        if in_date:
            dates.append(in_date)
        in_date = min(dates) if dates else fields.Datetime.now()
        if exists:
            if quantity:
                state["quantity"] += quantity
            if reserved_quantity:
                state["reserved_quantity"] = max(
                    0, state["reserved_quantity"] + reserved_quantity
                )
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
                creates.append(
                    {
                        "product_id": product_id,
                        "location_id": location_id,
                        "lot_id": lot_id,
                        "package_id": False,
                        "owner_id": False,
                        **values,
                    }
                )
                continue
            values = {
                name: value
                for name, value in values.items()
                if state["written"][name] != value
            }
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
            for quant, vals in zip(created, creates, strict=True):
                state = self.states[
                    vals["product_id"], vals["location_id"], vals["lot_id"]
                ]
                state["quant_id"] = quant.id
                state["written"] = {
                    name: vals[name]
                    for name in ("quantity", "reserved_quantity", "in_date")
                }
                state["counted"] = None


@contextmanager
def serial_quant_batch(env, candidate_keys, leaving_keys=None):
    """Hold back quant updates while the block runs, for the (product,
    location, lot) ids ``candidate_keys()`` gives; written when it ends. The
    units of ``leaving_keys()`` must be there (checked under the lock)."""
    if _QUANT_BATCH.get() is not None or not speed_path_enabled(env):
        yield None
        return
    batch = SerialQuantBatch(candidate_keys, leaving_keys)
    token = _QUANT_BATCH.set(batch)
    try:
        yield batch
        batch.flush(env)
    finally:
        _QUANT_BATCH.reset(token)

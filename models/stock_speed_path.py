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
* :func:`create_quants` mirrors quant ``create`` outside inventory mode
  (stock/models/stock_quant.py, lines 253-314);
* :func:`reserve_quantity` mirrors ``stock.quant._get_reserve_quantity`` and
  ``_get_available_quantity`` (stock/models/stock_quant.py, lines 789-910);
* :func:`reserve_units` mirrors ``stock.move._update_reserved_quantity_vals``
  (stock/models/stock_move.py, lines 1752-1797);
* :func:`out_move_lines` (linear) mirrors ``stock.move._get_out_move_lines``
  (stock_account/models/stock_move.py, lines 491-509);
* :func:`action_done_batched` mirrors the checks and the quant loop of
  ``stock.move.line._action_done`` (stock/models/stock_move_line.py, lines
  604-700);
* :func:`putaway_is_destination` lets ``_apply_putaway_strategy``
  (stock/models/stock_move_line.py, line 257) skip Odoo's putaway where its
  answer is the destination itself.

The models' overrides (``stock.quant._update_available_quantity``, ``_gather``
and ``_get_reserve_quantity``, ``stock.move._update_reserved_quantity_vals``
and ``_get_out_move_lines``, ``stock.move.line.create``, ``_action_done`` and
``_apply_putaway_strategy``) only decide whether the speed path applies and
call these functions.

Line numbers are those of Odoo 19.0 (November 2025).

All of it sits behind one switch, the system parameter
``serial_tracking.speed_path``:

* ``1`` (the default): the copies above;
* ``2``: Odoo's own methods do every computation (its reservation in move
  line ``create``, its ``_action_done``, its per-unit
  ``_update_available_quantity``), and the addon only gives them the
  transfer's quants read, locked and created once (see "Odoo's own methods,
  on quants read and locked once" below); the one line still mirrored is
  ``stock.quant.create``'s outside inventory mode
  (:func:`create_quants_without_quantity`). It is correct (the comparisons
  of tests/test_quant_batching.py run both ways) but its per-unit ORM work
  keeps it short of the delivery target: the README's *Speed path: copies
  and Odoo's own methods* gives the measured ratios;
* ``0``: off, Odoo's code does all the work.

``make compat`` runs Odoo's own tests with any value (``SPEED_PATH=``).
"""

from collections import defaultdict, namedtuple
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import fields
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tools import (
    SQL,
    OrderedSet,
    float_compare,
    float_is_zero,
    float_round,
    split_every,
)

from odoo.addons.stock.models.stock_quant import StockQuant as OdooStockQuant

from .product_template import tracks_serials_physically

SPEED_PATH_PARAM = "serial_tracking.speed_path"

# the stored values of move lines that Odoo's _action_done works with
SERIAL_LINE_COLUMNS = (
    "move_id",
    "product_id",
    "lot_id",
    "location_id",
    "location_dest_id",
    "quantity",
    "quantity_product_uom",
    "product_uom_id",
    "package_id",
    "result_package_id",
    "owner_id",
)
SerialLineRow = namedtuple("SerialLineRow", ("id", *SERIAL_LINE_COLUMNS))


# the values of the switch: Odoo's code only; the copies of Odoo's arithmetic
# (SerialQuantBatch, action_done_batched); Odoo's own methods on quants read
# and locked once (odoo_methods_validation)
SPEED_PATH_OFF, SPEED_PATH_COPIES, SPEED_PATH_ODOO = "0", "1", "2"
SPEED_PATH_DEFAULT = SPEED_PATH_COPIES


def speed_path_mode(env):
    """The switch's value; anything unknown counts as the default."""
    value = (
        env["ir.config_parameter"]
        .sudo()
        .get_param(SPEED_PATH_PARAM, SPEED_PATH_DEFAULT)
    )
    if value in (SPEED_PATH_OFF, SPEED_PATH_COPIES, SPEED_PATH_ODOO):
        return value
    return SPEED_PATH_DEFAULT


def speed_path_enabled(env):
    """Whether the speed path may do the work (system parameter, on unless 0)."""
    return speed_path_mode(env) != SPEED_PATH_OFF


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
        self.digits = quant_digits(env)
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
                found[0] if found else (None, None, 0.0, False, 0.0, False)
            )
            self.states[key] = {
                "quant_id": quant_id,
                "quantity": quantity or 0.0,
                # a quant made by a reservation alone has no quantity (NULL)
                "quantity_set": quantity is not None,
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
        if quantity:
            state["quantity_set"] = True
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
                "quantity": state["quantity"] if state["quantity_set"] else None,
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
            created = create_quants(Quant, creates)
            for quant, vals in zip(created, creates, strict=False):
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
    if _QUANT_BATCH.get() is not None or speed_path_mode(env) != SPEED_PATH_COPIES:
        yield None
        return
    batch = SerialQuantBatch(candidate_keys, leaving_keys)
    token = _QUANT_BATCH.set(batch)
    try:
        yield batch
        batch.flush(env)
    finally:
        _QUANT_BATCH.reset(token)


def reserve_quantity(Quant, product_id, location_id, quantity, uom_id):
    """Odoo's ``_get_reserve_quantity`` for a reservation of serial units
    (not strict, any lot, package or owner), on values read with one query:
    Odoo reads each quant through the ORM several times, which for 10,000
    serials costs two seconds. Same quants, same order, same quantities."""
    digits = quant_digits(Quant.env)

    def compare(value1, value2):
        return float_compare(value1, value2, precision_digits=digits)

    quants = Quant._gather(product_id, location_id, qty=quantity)
    columns = [
        "quantity",
        "reserved_quantity",
        "location_id",
        "lot_id",
        "package_id",
        "owner_id",
    ]
    quants.flush_recordset(columns)
    Quant.env.cr.execute(
        SQL(
            "SELECT id, %s FROM stock_quant WHERE id = ANY(%s)",
            SQL(", ").join(map(SQL.identifier, columns)),
            quants.ids,
        )
    )
    # a quant created by a reservation alone has no quantity (NULL)
    values = {
        quant_id: (on_hand or 0.0, reserved or 0.0, *place)
        for quant_id, on_hand, reserved, *place in Quant.env.cr.fetchall()
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
    packaging_uom = Quant.env.context.get("packaging_uom_id")
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
    available_quantity = sum(row[1] for row in rows if compare(row[1], 0) > 0) - sum(
        row[2] for row in rows
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
        if float_is_zero(quantity, precision_digits=digits) or float_is_zero(
            available_quantity, precision_digits=digits
        ):
            break
    return reserved_quants


def quant_digits(env):
    """The precision uom.uom.compare rounds quantities to."""
    return env["decimal.precision"].precision_get("Product Unit")


def create_quants(Quant, vals_list):
    """Quants as ``create`` makes them outside inventory mode, in one
    INSERT: Odoo's ``create`` makes them one at a time (about 1 ms each).
    Only the quant fields of Odoo's stock and stock_account are known
    here; when another module stores more, ``create`` does the work."""
    if (
        Quant._is_inventory_mode()
        or set(stored_quant_fields(Quant)) - SERIAL_QUANT_COLUMNS
    ):
        return Quant.create(
            [{"inventory_quantity_set": False, **vals} for vals in vals_list]
        )
    locations = Quant.env["stock.location"].browse(
        {vals["location_id"] for vals in vals_list}
    )
    company_of = {location.id: location.company_id.id or None for location in locations}
    # Odoo's _compute_inventory_date: only internal and transit quants get one
    next_count_of = {
        location.id: location._get_next_inventory_date() or None
        for location in locations
    }
    defaults = Quant.default_get(["reserved_quantity", "in_date"])
    now, uid = Quant.env.cr.now(), Quant.env.uid
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
            vals.get("quantity"),
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
        Quant.env.cr.execute(
            SQL(
                "INSERT INTO stock_quant (%s) VALUES %s RETURNING id",
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL(", ").join(chunk),
            )
        )
        ids.extend(row[0] for row in Quant.env.cr.fetchall())
    quants = Quant.browse(ids)
    # the values just written, as a read would put them in the cache
    for index, fname in enumerate(columns[:12]):
        # a NULL quantity reads as 0.0, as the ORM reads it
        Quant._fields[fname]._insert_cache(
            quants,
            [
                0.0 if row[index] is None and fname == "quantity" else row[index]
                for row in rows
            ],
        )
    # what create does after its INSERT: caches of the inverse one2many
    # fields, computed fields depending on quants, constraints
    for fname in ("product_id", "location_id", "lot_id", "company_id"):
        for inverse in Quant.pool.field_inverses[Quant._fields[fname]]:
            Quant.env[inverse.model_name].invalidate_model([inverse.name])
    computed = [
        Quant._fields[fname] for fname in columns if Quant._fields[fname].compute
    ]
    with Quant.env.protecting(computed, quants):
        quants.modified(list(Quant._fields), create=True)
    quants._validate_fields(columns)
    cache = Quant.env.context.get("quants_cache")
    if cache is not None:
        for quant, vals in zip(quants, vals_list, strict=False):
            cache[
                vals["product_id"],
                vals["location_id"],
                vals.get("lot_id") or False,
                vals.get("package_id") or False,
                vals.get("owner_id") or False,
            ] |= quant
    return quants


def stored_quant_fields(Quant):
    return [
        name
        for name, field in Quant._fields.items()
        if field.store and field.column_type
    ]


def reserve_units(move, need, location_id):
    """Odoo's ``_update_reserved_quantity_vals`` for serial units: one line
    per unit, the line values built once for the move (Odoo builds them
    per unit, a second for 10,000). Odoo's ``_prepare_move_line_vals``
    takes only the location, serial, package and owner from the quant;
    those are set per unit."""
    move.ensure_one()
    reserved = (
        move.env["stock.quant"]
        .with_context(packaging_uom_id=move.packaging_uom_id)
        ._get_reserve_quantity(
            move.product_id, location_id, need, uom_id=move.product_uom, strict=False
        )
    )
    grouped = {}
    for quant, quantity in reserved:
        place = (
            quant.location_id.id,
            quant.lot_id.id,
            quant.package_id.id,
            quant.owner_id.id,
        )
        if place in grouped:
            grouped[place][1] += quantity
        else:
            grouped[place] = [quant, quantity]
    vals_list, taken_quantity, unit_vals = [], 0, None
    for place, (quant, quantity) in grouped.items():
        taken_quantity += quantity
        if unit_vals is None:
            unit_vals = move._prepare_move_line_vals(quantity=1, reserved_quant=quant)
        location, lot, package, owner = place
        vals_list.extend(
            {
                **unit_vals,
                "location_id": location,
                "lot_id": lot or False,
                "package_id": package or False,
                "owner_id": owner or False,
            }
            for _unit in range(int(quantity))
        )
    return vals_list, taken_quantity


def line_rows(lines):
    """The stored values Odoo's ``_action_done`` works with, one query for
    all lines, in the order of ``lines``."""
    lines.flush_recordset(SERIAL_LINE_COLUMNS)
    lines.env.cr.execute(
        SQL(
            "SELECT id, %s FROM stock_move_line WHERE id = ANY(%s)",
            SQL(", ").join(map(SQL.identifier, SERIAL_LINE_COLUMNS)),
            lines.ids,
        )
    )
    by_id = {row[0]: SerialLineRow(*row) for row in lines.env.cr.fetchall()}
    return [by_id[line_id] for line_id in lines.ids if line_id in by_id]


def action_done_batched(lines, batch, known_rows):
    """Odoo's ``_action_done`` for lines that each move one serial unit of a
    Track Serials product, without package or owner, between places the
    batch holds: the same checks and the same three quant updates per
    line, on values read once instead of through the ORM per line (two
    seconds for 10,000 serials); ``known_rows`` gets the lines' values
    when they qualify. Returns False, having changed nothing, for any
    other set of lines: Odoo's code then does the work."""
    if not lines or extended_elsewhere(
        lines, ("_action_done", "_synchronize_quant"), "stock_move_line"
    ):
        return False
    # read here, not kept unless the lines qualify: serials Odoo creates
    # for lines that name them come before the quant updates
    rows = line_rows(lines)
    if len(rows) != len(lines):
        return False
    products = lines.env["product.product"].browse({row.product_id for row in rows})
    serial_products = set(
        products.filtered(
            lambda product: product.is_storable
            and product.tracking == "serial"
            and tracks_serials_physically(product)
        ).ids
    )
    if any(
        row.product_id not in serial_products
        or not row.move_id
        or not row.lot_id
        or row.package_id
        or row.result_package_id
        or row.owner_id
        for row in rows
    ):
        return False
    # the quantity checks, once per unit of measure and quantities (the
    # lines of a transfer share them)
    digits = lines.env["decimal.precision"].precision_get("Product Unit")
    for uom_id, quantity, quantity_product_uom in {
        (row.product_uom_id, row.quantity, row.quantity_product_uom) for row in rows
    }:
        uom = lines.env["uom.uom"].browse(uom_id)
        if (
            uom.compare(quantity, 0) <= 0
            or uom.is_zero(quantity_product_uom)
            # Odoo refuses a quantity its unit of measure cannot round to
            or float_compare(
                uom.round(quantity, rounding_method="HALF-UP"),
                float_round(
                    quantity, precision_digits=digits, rounding_method="HALF-UP"
                ),
                precision_digits=digits,
            )
            != 0
        ):
            return False
    batch.prepare(lines.env)
    if any(
        (row.product_id, location, row.lot_id) not in batch.states
        for row in rows
        for location in (row.location_id, row.location_dest_id)
    ):
        return False
    lines._check_company()
    bypass = {
        (move_id, location_id): lines.env["stock.move"]
        .browse(move_id)
        ._should_bypass_reservation(lines.env["stock.location"].browse(location_id))
        for move_id, location_id in {(row.move_id, row.location_id) for row in rows}
    }
    # Odoo's loop: unreserve, take out, put in; a unit taken out that
    # another line had reserved frees that reservation
    ignored_line_ids = OrderedSet()
    for row in rows:
        source = (row.product_id, row.location_id, row.lot_id)
        quantity = row.quantity_product_uom
        if not bypass[row.move_id, row.location_id]:
            batch.update_key(source, False, -quantity, False)
        available_quantity, in_date = batch.update_key(source, -quantity, False, False)
        batch.update_key(
            (row.product_id, row.location_dest_id, row.lot_id), quantity, False, in_date
        )
        if available_quantity < 0:
            line = lines.browse(row.id)
            line.with_context(quants_cache=None)._free_reservation(
                line.product_id,
                line.location_id,
                abs(available_quantity),
                lot_id=line.lot_id,
                package_id=line.package_id,
                owner_id=line.owner_id,
                ml_ids_to_ignore=ignored_line_ids,
            )
        ignored_line_ids.add(row.id)
    lines.write({"date": fields.Datetime.now()})
    return True


def putaway_is_destination(lines):
    if (
        not speed_path_enabled(lines.env)
        or extended_elsewhere(lines, ("_apply_putaway_strategy",), "stock_move_line")
        or extended_elsewhere(
            lines.env["stock.location"], ("_get_putaway_strategy",), "stock_location"
        )
    ):
        return False
    asked = {
        location.id
        for location in lines.move_id.location_dest_id
        if location.usage != "view"
        and not location._check_access_putaway().putaway_rule_ids
    }
    products = set(lines.product_id.filtered(tracks_serials_physically).ids)
    return all(
        line.move_id
        and not line.result_package_id
        and line.product_id.id in products
        and line.location_dest_id == line.move_id.location_dest_id
        and line.location_dest_id.id in asked
        for line in lines
    )


def out_move_lines(moves, lot=None):
    """Odoo's ``_get_out_move_lines``, collected in an ordered set: Odoo grows
    a recordset line by line, which is quadratic (a minute for 10,000
    serials)."""
    line_ids = OrderedSet()
    valued = {}
    for move_line in moves.move_line_ids:
        if lot and move_line.lot_id != lot:
            continue
        if not move_line.picked or move_line._should_exclude_for_valuation():
            continue
        source, destination = move_line.location_id, move_line.location_dest_id
        if (source, destination) not in valued:
            valued[source, destination] = (
                source._should_be_valued() and not destination._should_be_valued()
            )
        if valued[source, destination]:
            line_ids.add(move_line.id)
    return moves.env["stock.move.line"].browse(line_ids)


# -- Odoo's own methods, on quants read and locked once ----------------------
#
# With the switch at 2, ``stock.move.line._action_done`` is Odoo's own: every
# quant field is computed by Odoo's ``_update_available_quantity``, written
# through the ORM and flushed by it in batches. What Odoo does once per unit
# and the addon does once per transfer:
#
# * the quants of the transfer are read by Odoo itself, into the quant cache
#   its ``_gather`` accepts (``_get_quants_by_products_locations``, one
#   query), and their values are fetched with one more query instead of one
#   per quant;
# * the quant Odoo locks per unit (``try_lock_for_update``, ``FOR NO KEY
#   UPDATE SKIP LOCKED``, the quant of the unit's place) is locked for all
#   units with one query, with the same clause; Odoo's call is answered from
#   that set, and asks the database for anything else;
# * the quants Odoo would create one by one (the serial's place holds none:
#   at the destinations, and at a vendor's location the unit comes from) are
#   created with one ``create``, without quantity (a quant made by a
#   reservation alone has none either), so that Odoo finds them in its cache
#   and writes the quantity and incoming date it computes;
# * the same for the reservation of new move lines (Odoo's ``create`` of
#   stock.move.line), with a quant cache served to ``_gather`` only for the
#   places it was read for.

_VALIDATION = ContextVar("serial_odoo_method_validation", default=None)


class PrelockedQuants:
    """The quants of one validation or reservation that this transaction has
    locked (a lock is held until the transaction ends, so an enclosing one's
    locks count too)."""

    def __init__(self, lines=None):
        self.lines = lines
        self.prepared = False
        outer = _VALIDATION.get()
        self.locked = outer.locked if outer is not None else set()


@contextmanager
def odoo_methods_validation(lines):
    """Run Odoo's ``_action_done`` of ``lines`` on their quants read, locked
    and (where Odoo would create them one by one) created once: see
    :func:`prepare_quants_cache`."""
    token = _VALIDATION.set(PrelockedQuants(lines))
    try:
        yield
    finally:
        _VALIDATION.reset(token)


def prelocked_quants():
    """The validation or reservation whose quants are locked already, if one
    is running."""
    return _VALIDATION.get()


class ServedQuantCache(defaultdict):
    """Odoo's quant cache (``quants_cache``) for the serials of a
    reservation: ``_gather`` is served from it only for the products,
    locations and serials it was read for (:meth:`serves`); any other
    place is searched as Odoo searches it."""

    def __init__(self, env, products, locations, lots):
        super().__init__(lambda: env["stock.quant"])
        self.products, self.locations, self.lots = products, locations, lots

    def serves(self, product, location, lot):
        return (
            bool(lot)
            and product.id in self.products
            and location.id in self.locations
            and lot.id in self.lots
        )


@contextmanager
def odoo_methods_reservation(env, vals_list):
    """Around Odoo's move line ``create``: the quants its reservation of each
    new line updates, read with one query into a :class:`ServedQuantCache`
    (yielded, for the context key ``quants_cache``; None when no line
    reserves a serial of a Track Serials product), their values fetched
    and the quant Odoo will lock for each line locked, with one query each."""
    places = {
        (
            vals["product_id"],
            vals["location_id"],
            vals["lot_id"],
            vals.get("package_id") or False,
            vals.get("owner_id") or False,
        )
        for vals in vals_list
        if vals.get("product_id")
        and vals.get("location_id")
        and vals.get("lot_id")
        and vals.get("quantity")
        and vals.get("move_id")
    }
    products = (
        env["product.product"]
        .browse({place[0] for place in places})
        .filtered(
            lambda product: product.is_storable and tracks_serials_physically(product)
        )
    )
    places = [place for place in places if place[0] in products.ids]
    if not places or extended_elsewhere(
        env["stock.quant"],
        ("_update_available_quantity", "_gather"),
        "stock_quant",
    ):
        yield None
        return
    Quant = env["stock.quant"].sudo()
    locations = env["stock.location"].browse({place[1] for place in places})
    lots = [place[2] for place in places]
    cache = ServedQuantCache(env, set(products.ids), set(locations.ids), set(lots))
    cache.update(
        Quant._get_quants_by_products_locations(
            products,
            locations,
            extra_domain=["|", ("lot_id", "in", lots), ("lot_id", "=", False)],
        )
    )
    validation = PrelockedQuants()
    validation.prepared = True
    token = _VALIDATION.set(validation)
    try:
        _fetch_and_lock(env, cache, places, validation)
        yield cache
    finally:
        _VALIDATION.reset(token)


QUANT_FIELDS_READ = (
    "product_id",
    "location_id",
    "lot_id",
    "package_id",
    "owner_id",
    "quantity",
    "reserved_quantity",
    "in_date",
)


def _fetch_and_lock(env, quants_cache, keys, validation):
    """Fetch the values of the cached quants (one query) and lock the quant
    of each key that holds exactly one, as Odoo's ``try_lock_for_update``
    locks it (one query). A quant another transaction holds is refused, as
    the copies refuse it: Odoo would make a second quant of the unit."""
    env["stock.quant"].browse(
        OrderedSet(
            quant_id for quants in quants_cache.values() for quant_id in quants.ids
        )
    ).fetch(QUANT_FIELDS_READ)
    # the quant Odoo locks for a unit: the one of its place (where a place
    # holds several, Odoo's own call chooses and locks)
    wanted = (
        OrderedSet(
            quants_cache[key].id for key in keys if len(quants_cache.get(key, ())) == 1
        )
        - validation.locked
    )
    if not wanted:
        return
    env.cr.execute(
        SQL(
            """SELECT id FROM stock_quant WHERE id = ANY(%s)
             ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
            list(wanted),
        )
    )
    locked = {row[0] for row in env.cr.fetchall()}
    validation.locked.update(locked)
    if len(locked) != len(wanted):
        raise ConcurrencyError(
            env._(
                "Another operation is moving some of these units right now; "
                "validate again in a moment."
            )
        )


def _line_places(lines):
    """Keys of Odoo's quant cache (product, location, serial, package, owner
    ids) of the source and the destination of the lines that move a serial
    of a Track Serials product, and whether the source reserves nothing."""
    products = lines.product_id.filtered(
        lambda product: product.is_storable and tracks_serials_physically(product)
    )
    places = []
    for line in lines:
        if (
            line.product_id not in products
            or not line.lot_id
            or line.product_uom_id.is_zero(line.quantity)
        ):
            continue
        product, lot, owner = line.product_id.id, line.lot_id.id, line.owner_id.id
        places.append(
            (
                (product, line.location_id.id, lot, line.package_id.id, owner),
                (
                    product,
                    line.location_dest_id.id,
                    lot,
                    line.result_package_id.id,
                    owner,
                ),
                # Odoo reserves nothing there: a quant taken from it is not
                # unreserved first
                line.move_id._should_bypass_reservation(line.location_id),
            )
        )
    return places


def prepare_quants_cache(validation, quants_cache):
    """Complete the quant cache Odoo's ``_action_done`` just read (once, for
    the call that builds it): fetch the cached quants' values with one
    query, create with one ``create`` the quants Odoo would create one by
    one (at the destinations, and at sources that do not reserve, such as
    a vendor location), and lock with one query the quant Odoo will lock
    for each unit. Returns whether there was any such work."""
    validation.prepared = True
    lines = validation.lines.exists()
    env = lines.env
    if extended_elsewhere(
        lines, ("_action_done", "_synchronize_quant"), "stock_move_line"
    ) or extended_elsewhere(
        env["stock.quant"], ("_update_available_quantity", "_gather"), "stock_quant"
    ):
        return False
    places = _line_places(lines)
    if not places:
        return False
    Quant = env["stock.quant"].sudo()
    # Odoo's _update_available_quantity creates a quant where the unit's place
    # holds none of the serial (a unit taken out also takes an untracked one
    # with quantity, which is left to Odoo); in the order Odoo's loop would
    missing = OrderedSet()
    for source, destination, bypasses in places:
        untracked = (*source[:2], False, *source[3:])
        if (
            bypasses
            and not quants_cache.get(source)
            and not any(quant.quantity > 0 for quant in quants_cache.get(untracked, ()))
        ):
            missing.add(source)
        if not quants_cache.get(destination):
            missing.add(destination)
    created = create_quants_without_quantity(Quant, list(missing))
    for key, quant in zip(missing, created, strict=True):
        quants_cache[key] = quant
    validation.locked.update(created.ids)
    _fetch_and_lock(
        env,
        quants_cache,
        [
            key
            for source, destination, _bypasses in places
            for key in (source, destination)
        ],
        validation,
    )
    return True


def create_quants_without_quantity(Quant, keys):
    """The quants of ``keys`` ((product, location, serial, package, owner)
    ids), as Odoo's ``_update_available_quantity`` creates them, less the
    quantity and incoming date that it writes on them when it finds them in
    its cache: one ``create`` of the ORM. Odoo's ``stock.quant.create``
    creates one record per call; outside inventory mode all it adds is
    ``inventory_quantity_set`` (stock/models/stock_quant.py, lines 306-311,
    mirrored here), so the ORM's create below it does the batch, unless
    another module extends ``create``."""
    vals_list = [
        {
            "product_id": product,
            "location_id": location,
            "lot_id": lot,
            "package_id": package or False,
            "owner_id": owner or False,
            "inventory_quantity_set": False,
        }
        for product, location, lot, package, owner in keys
    ]
    if not vals_list:
        return Quant
    if Quant._is_inventory_mode() or extended_elsewhere(
        Quant, ("create",), "stock_quant"
    ):
        return Quant.create(vals_list)
    return super(OdooStockQuant, Quant).create(vals_list)

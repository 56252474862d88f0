# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.serial_flow import (
    ASSIGN_LATER,
    IN_THE_FOREGROUND,
    format_lot_names,
    keeping_expected,
    trusted_serial_flow,
)
from ..tools.serial_rules import (
    AVAILABLE_STATUSES,
    EXPECTED_STATUS,
    INTERNAL_USAGES,
    SERIAL_DOCUMENT_KINDS,
    announces_serials,
    classify_move,
    move_kind,
)
from ..tools.serial_stock_rules import SerialLineRow
from .product_template import tracks_serials_physically
from .serial_bulk import format_serials
from .serial_count import current_count
from .stock_speed_path import (
    PICKED_QUANTITY_METHODS,
    all_lines_picked,
    lot_blank_lines,
    name_blank_lines,
    out_move_lines,
    reserve_units,
    speed_path_applies,
)

# the stored values of move lines a validation reads once (SerialLineRow)
SERIAL_LINE_FIELDS = (
    "product_id",
    "lot_id",
    "lot_name",
    "location_id",
    "location_dest_id",
    "quantity",
    "picking_id",
    "move_id",
    "company_id",
    "quantity_product_uom",
    "product_uom_id",
    "package_id",
    "result_package_id",
    "owner_id",
)


def serial_line_rows(env, where, order_ids=None):
    """The move lines of Track Serials products in physical mode that match
    ``where`` (a condition on ``ml``, the line), as :class:`SerialLineRow`
    (tools/serial_stock_rules.py): what the stock rules, the speed path's
    quant updates and the serial history need, read with two queries (a large
    transfer's lines would otherwise be read field by field), in the order of
    ``order_ids`` when given, else by id. Only fields with no pending change
    are read: flushing the lines here would write them twice when the
    transfer then changes their date."""
    env["stock.move.line"].flush_model(SERIAL_LINE_FIELDS)
    env["stock.lot"].flush_model(["name", "is_serial", "date_received"])
    env.cr.execute(
        SQL(
            """SELECT ml.id, ml.product_id, ml.lot_id, ml.lot_name, ml.location_id,
                  ml.location_dest_id, ml.quantity, ml.picking_id, ml.move_id,
                  ml.company_id, ml.quantity_product_uom, ml.product_uom_id,
                  ml.package_id, ml.result_package_id, ml.owner_id
             FROM stock_move_line ml
            WHERE %s
         ORDER BY ml.id""",
            where,
        )
    )
    lines = env.cr.fetchall()
    # the serials are read apart, not joined: a transfer's lines and serials
    # created in this transaction are not yet in the table statistics, and
    # PostgreSQL may then read one table again for each row of the other
    lots = {}
    if lot_ids := list({line[2] for line in lines if line[2]}):
        env.cr.execute(
            SQL(
                "SELECT id, name, is_serial, date_received FROM stock_lot"
                " WHERE id = ANY(%s)",
                lot_ids,
            )
        )
        lots = {lot[0]: lot[1:] for lot in env.cr.fetchall()}
    products = env["product.product"].browse({line[1] for line in lines})
    tracked = set(products.filtered(tracks_serials_physically).ids)
    rows = []
    for (
        line_id,
        product_id,
        lot_id,
        lot_name,
        location_id,
        location_dest_id,
        quantity,
        picking_id,
        move_id,
        company_id,
        *units_and_packages,
    ) in lines:
        if product_id not in tracked:
            continue
        name, is_serial, date_received = lots.get(lot_id, (lot_name, None, None))
        rows.append(
            SerialLineRow(
                line_id,
                product_id,
                lot_id,
                name,
                location_id,
                location_dest_id,
                quantity,
                picking_id,
                move_id,
                date_received,
                company_id,
                is_serial,
                *units_and_packages,
            )
        )
    if order_ids is not None:
        position = {line_id: index for index, line_id in enumerate(order_ids)}
        rows.sort(key=lambda row: position.get(row.id, len(position)))
    return rows


# The rows of the move lines validated within one stock.move._action_done, by
# line id: stock.move.line._action_done read them once and hands them on, as
# they stand after the validation, to the serial history of the moves.
_VALIDATED_ROWS = ContextVar("serial_validated_rows", default=None)


def hand_on_validated_rows(rows):
    """Give the history of the moves being validated the rows of their lines
    just validated (none is kept outside a move's validation)."""
    validated = _VALIDATED_ROWS.get()
    if validated is not None:
        validated.update((row.id, row) for row in rows)


def serial_rows_now(env, rows):
    """``rows`` as they stand now, without reading the lines again: those
    without quantity dropped (Odoo deletes them as it validates), and the
    serial a line got since it was read (Odoo's checks, or the speed path,
    give a receipt's lines their new serials) taken from the cache, with its
    name, kind and date received."""
    unnamed = env["stock.move.line"].browse(
        [row.id for row in rows if row.quantity and not row.lot_id]
    )
    # read together, from the cache where the serials were just given
    lot_of = {line.id: line.lot_id for line in unnamed}
    now = []
    for row in rows:
        if not row.quantity:
            continue
        lot = lot_of.get(row.id)
        if lot:
            row = row._replace(
                lot_id=lot.id,
                serial=lot.name,
                is_serial=lot.is_serial,
                date_received=lot.date_received or None,
            )
        now.append(row)
    return now


# A line as Odoo makes it for a unit to come: no serial, no serial name, one
# unit, no package or owner, not done.
BLANK_LINE = SQL(
    """lot_id IS NULL AND COALESCE(lot_name, '') = '' AND quantity = 1
       AND state NOT IN ('done', 'cancel') AND package_id IS NULL
       AND result_package_id IS NULL AND owner_id IS NULL"""
)


# Cartons the entry dialog names one by one under their pallet; beyond, only
# the pallets are summed up.
PACKAGES_SHOWN_ONE_BY_ONE = 20


@dataclass
class _NoticeOutcome:
    """What validating a receipt with a shipping notice does to its units
    (see ``stock.move._serial_notice_outcome``): the units received, the
    Expected units not received, and of those the ones on the lines Odoo
    deletes, by move, with their package, to carry to the backorder."""

    received: object
    missing: object
    missing_names: list = field(default_factory=list)
    carried: dict = field(default_factory=dict)
    package_of: dict = field(default_factory=dict)


class StockMove(models.Model):
    _name = "stock.move"
    _inherit = ["stock.move", "serial.entry.target"]

    serial_assign_pending = fields.Boolean(
        copy=False,
        readonly=True,
        help="A Mark as To Do left this move's lines to the background job "
        "(large transfers of Track Serials products); set until it made them.",
    )

    serial_names_to_announce = fields.Text(
        copy=False,
        readonly=True,
        help="Technical: the serials of an entry too large for the dialog's "
        "request, one per line, which the background job puts on this receipt's "
        "lines as Expected units.",
    )
    serial_names_announced = fields.Integer(
        copy=False,
        readonly=True,
        help="Technical: how many of those serials the job has put on the lines.",
    )
    serial_names_entered = fields.Integer(
        copy=False,
        readonly=True,
        help="Technical: on a receipt with a shipping notice, how many of those "
        "serials were entered (the first ones); the others are units the notice "
        "announced and the entry left out, which stay on their lines, not picked.",
    )
    serial_lots_to_take = fields.Json(
        copy=False,
        readonly=True,
        help="Technical: the units selected in an entry too large for the "
        "dialog's request (their ids, in order), which the background job puts "
        "on this move's lines.",
    )
    serial_lots_taken = fields.Integer(
        copy=False,
        readonly=True,
        help="Technical: how many of those units the job has put on the lines.",
    )
    serial_notice_packages = fields.Json(
        copy=False,
        readonly=True,
        help="Technical: {serial: package id} of a shipping notice's units the "
        "background job puts on this receipt's lines, for the package each line "
        "goes into.",
    )

    serial_required = fields.Boolean(compute="_compute_serial_required")
    serial_display = fields.Char(string="Serials", compute="_compute_serial_display")

    @api.model
    def action_generate_lot_line_vals(
        self, context_data, mode, first_lot, count, lot_text
    ):
        """Odoo's Generate Serials dialog, for a product following its serial
        number format: the serials come from the format's counter (see
        ``serial.tracking.counter._take_serials_from``), then Odoo builds the
        lines as usual."""
        product = self.env["product.product"].browse(
            context_data.get("default_product_id")
        )
        template = product.product_tmpl_id
        if (
            mode != "generate"
            or context_data.get("default_tracking") != "serial"
            or not template._serial_follows_format()
            or not isinstance(count, int)
            or count <= 0
        ):
            return super().action_generate_lot_line_vals(
                context_data, mode, first_lot, count, lot_text
            )
        Counter = self.env["serial.tracking.counter"]
        company = (
            self.env["res.company"]
            .browse(context_data.get("default_company_id"))
            .exists()
            or self.env.company
        )
        first = (first_lot or "").strip()
        names = (
            Counter._take_serials_from(template, first, count, company)
            if first
            else Counter._take_serials(template, count, company)
        )
        if names is None:
            return super().action_generate_lot_line_vals(
                context_data, mode, first_lot, count, lot_text
            )
        with format_lot_names(names):
            return super().action_generate_lot_line_vals(
                context_data, mode, first_lot, count, lot_text
            )

    def _compute_serial_required(self):
        for move in self:
            move.serial_required = tracks_serials_physically(move.product_id)

    def _compute_serial_display(self):
        for move in self:
            if not tracks_serials_physically(move.product_id):
                move.serial_display = False
                continue
            names = move._serial_line_names()
            move.serial_display = (
                f"{format_serials(self.env, names, limit=3) or '-'} "
                f"({len(names)} / {int(move.product_qty)})"
            )

    def _serial_line_names(self):
        """The serials (or serial names) of this move's lines: asked of the
        database for a saved move, so that showing a large move does not read
        its lines one by one."""
        self.ensure_one()
        if not isinstance(self.id, int):
            names = self.move_line_ids.mapped(
                lambda ml: ml.lot_id.name or ml.lot_name or ""
            )
            return [name for name in names if name]
        return [name for _line_id, name in self._serial_named_lines(one_unit=False)]

    def _get_picked_quantity(self):
        # the stock speed path: when every line is picked, Odoo's answer is
        # the move's quantity, which it knows only after reading every line
        if (
            self.picked
            and speed_path_applies(
                self, self.product_id, steps_aside_for=PICKED_QUANTITY_METHODS
            )
            and all_lines_picked(self)
        ):
            return self.quantity
        return super()._get_picked_quantity()

    def _get_out_move_lines(self, lot=None):
        if not speed_path_applies(self, self.product_id):
            return super()._get_out_move_lines(lot=lot)
        return out_move_lines(self, lot)

    def _update_reserved_quantity_vals(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        if (
            strict
            or lot_id
            or package_id
            or owner_id
            or not speed_path_applies(self, self.product_id)
            or not (
                self.picking_type_id.use_create_lots
                or self.picking_type_id.use_existing_lots
            )
        ):
            return super()._update_reserved_quantity_vals(
                need,
                location_id,
                lot_id=lot_id,
                package_id=package_id,
                owner_id=owner_id,
                strict=strict,
            )
        return reserve_units(self, need, location_id)

    def _create_lot_ids_from_move_line_vals(
        self, vals_list, product_id, company_id=False
    ):
        # serials generated for a transfer the user may edit (Odoo's mass
        # generation on a receipt, a subcontracted receipt) are assigned
        # through that document, as entered ones are
        if self and tracks_serials_physically(
            self.env["product.product"].browse(product_id)
        ):
            self.check_access("write")
            with trusted_serial_flow():
                return super()._create_lot_ids_from_move_line_vals(
                    vals_list, product_id, company_id=company_id
                )
        return super()._create_lot_ids_from_move_line_vals(
            vals_list, product_id, company_id=company_id
        )

    def _action_assign(self, force_qty=False):
        # a Mark as To Do of a large transfer leaves its serial units' lines
        # to the background job (stock.picking._serial_assign_slice), which
        # makes them with force_qty; until then nobody else (Odoo's
        # scheduler, another transfer's validation) makes them in one go
        moves = self
        if not force_qty:
            later = self.env.context.get(ASSIGN_LATER)
            if later:
                self.filtered(
                    lambda move: move.picking_id.id in later
                    and tracks_serials_physically(move.product_id)
                ).serial_assign_pending = True
            moves = self.filtered(lambda move: not move.serial_assign_pending)
        return super(StockMove, moves)._action_assign(force_qty=force_qty)

    # ------------------------------------------------------------------
    # History and status of every done move line
    # ------------------------------------------------------------------
    def _action_done(self, cancel_backorder=False):
        outcomes = self._serial_notice_outcomes()
        carried = [
            lot.id
            for outcome in outcomes.values()
            for lots in outcome.carried.values()
            for lot in lots
        ]
        token = _VALIDATED_ROWS.set({})
        try:
            with keeping_expected(carried):
                moves = super()._action_done(cancel_backorder=cancel_backorder)
            moves._serial_record_done(_VALIDATED_ROWS.get())
        finally:
            _VALIDATED_ROWS.reset(token)
        for picking, outcome in outcomes.items():
            # a slice of a validation in the background leaves the receipt
            # open (and, taking picked lines only, no unit to carry): its
            # notice is closed once, by the validation that makes it done
            if picking.state == "done":
                picking._serial_close_notice(outcome)
        return moves

    def _serial_notice_outcomes(self):
        """{receipt: _NoticeOutcome} of these moves' receipts that have a
        shipping notice, read before Odoo validates them."""
        Lot = self.env["stock.lot"]
        outcomes = {}
        for move in self:
            picking = move.picking_id
            if move.state in ("done", "cancel") or not picking._serial_has_notice():
                continue
            outcome = outcomes.setdefault(picking, _NoticeOutcome(Lot, Lot))
            lines = move.move_line_ids
            picked = lines.filtered("picked") if move.picked else lines.browse()
            left = (lines - picked).filtered(
                lambda line: line.lot_id.serial_status == EXPECTED_STATUS
            )
            outcome.received |= picked.lot_id
            outcome.missing |= left.lot_id
            outcome.missing_names += left.lot_id.mapped("name")
            if move.picked and left:
                # Odoo deletes these lines: their units go to the backorder
                outcome.carried[move] = left.lot_id
                outcome.package_of.update(
                    (line.lot_id.name, line.result_package_id.id)
                    for line in left
                    if line.result_package_id
                )
        return outcomes

    def _serial_carry_expected(self, lots, package_of):
        """The Expected units ``lots`` put on this move's lines (a backorder's),
        each into its package of ``package_of`` ({serial: package id})."""
        names = [name for _line_id, name in self._serial_named_lines()]
        self._serial_set_move_lines(names=names + lots.mapped("name"), announce=True)
        self._serial_pack_lines(
            {lot.name: package_of[lot.name] for lot in lots if lot.name in package_of}
        )

    def _serial_record_done(self, validated=None):
        """The history and status of the serials of these moves' done lines:
        the lines as their validation read them (``validated``, by line id),
        those of moves whose lines were validated elsewhere read here."""
        validated = validated or {}
        move_ids = set(self.ids)
        handed_on = {row.move_id for row in validated.values()}
        unread = self.filtered(
            lambda move: move.id not in handed_on
            and tracks_serials_physically(move.product_id)
        )
        lines = [row for row in validated.values() if row.move_id in move_ids]
        if unread:
            lines += serial_line_rows(self.env, SQL("ml.move_id = ANY(%s)", unread.ids))
        lines = sorted((row for row in lines if row.is_serial), key=lambda row: row.id)
        # state and date change as the transfer ends: read from the cache
        records = self.env["stock.move.line"].browse([line.id for line in lines])
        done = [
            (line, record.date)
            for line, record in zip(lines, records, strict=True)
            if record.state == "done"
        ]
        if not done:
            return
        places = {
            location.id: location
            for location in self.env["stock.location"].browse(
                {
                    location
                    for line, _date in done
                    for location in (line.location_id, line.location_dest_id)
                }
            )
        }
        pickings = self.env["stock.picking"].browse(
            {line.picking_id for line, _date in done if line.picking_id}
        )
        moves = self.env["stock.move"].browse({line.move_id for line, _date in done})
        picking_of = {picking.id: picking for picking in pickings}
        move_of = {move.id: move for move in moves}
        subcontracted = moves._serial_subcontracting_facts()
        # units a point-of-sale till sold or took back name its order
        till_orders = self.env["serial.point.of.sale"]._till_orders(
            pickings, [line for line, _date in done]
        )
        # a count being applied names itself on the rows of the units it moves
        counting = current_count()
        events, transitions, first_receipts = [], [], {}
        # lines of one transfer share locations, documents and dates: worked out once
        classified, warranty_start, document_of = {}, {}, {}
        for line, date in done:
            lot_id, picking_id, move_id = line.lot_id, line.picking_id, line.move_id
            source, destination = line.location_id, line.location_dest_id
            if (source, destination) not in classified:
                classified[source, destination] = classify_move(
                    places[source].usage, places[destination].usage
                )
            event, status = classified[source, destination]
            if move_id in subcontracted:
                # received from the subcontractor: a receipt, though both
                # places are ours; their production is recorded before it
                kind, when, subcontractor = subcontracted[move_id]
                if kind == "receipt":
                    receipt = SERIAL_DOCUMENT_KINDS["subcontracted_receipt"]
                    event, status = receipt.event, receipt.status
                else:
                    date = when or date
            if (picking_id, move_id) not in document_of:
                move, picking = move_of[move_id], picking_of.get(picking_id)
                document_of[picking_id, move_id] = (
                    (picking.partner_id if picking else None)
                    or move.partner_id
                    or subcontracted.get(move_id, (None, None, move.partner_id))[2],
                    picking or move.scrap_id or move,
                )
            partner, document = document_of[picking_id, move_id]
            till_order = till_orders.get((picking_id, lot_id))
            if till_order:
                partner, document = till_order.partner_id, till_order
            values = {}
            if status:
                values["serial_status"] = status
            if event == "SHIP":
                if till_order:
                    start = self.env["serial.point.of.sale"]._till_warranty_start(
                        till_order
                    )
                else:
                    if date not in warranty_start:
                        warranty_start[date] = fields.Date.context_today(self, date)
                    start = warranty_start[date]
                values["last_customer_id"] = partner.id
                values["warranty_date_start"] = start
            if status == "in_stock" and not line.date_received:
                first_receipts[lot_id] = None
            transitions.append((lot_id, values))
            events.append(
                {
                    "lot": lot_id,
                    "event_type": event,
                    "date": date,
                    "quantity": line.quantity,
                    "location_id": source,
                    "location_dest_id": destination,
                    "partner_id": partner.id,
                    "document": document,
                }
                if not counting
                else {
                    "lot": lot_id,
                    "event_type": SERIAL_DOCUMENT_KINDS["count"].event,
                    "date": date,
                    "quantity": line.quantity,
                    "location_id": source,
                    "location_dest_id": destination,
                    "document": counting[0],
                    "note": counting[1].get(lot_id),
                }
            )
        # a unit's first receipt dates it, after the status changes
        today = fields.Date.context_today(self) if first_receipts else None
        transitions += [(lot_id, {"date_received": today}) for lot_id in first_receipts]
        self.env["stock.lot"]._serial_apply_transitions(transitions, events)

    def _serial_subcontracting_facts(self):
        """For moves of Odoo's subcontracting (none without the app): move id
        -> (``"receipt"`` or ``"production"``, the date Odoo gives the
        production, the subcontractor). Odoo validates the receipt first, then
        marks the subcontracted production done and dates it a second before
        the receipt's lines; the history takes that date, or a second before
        the receipt's own rows when Odoo dated the lines after them, so the
        unit is built at the subcontractor, then received."""
        if "is_subcontract" not in self._fields:
            return {}
        facts, receipt_of = {}, {}
        for move in self:
            if move.is_subcontract:
                facts[move.id] = ("receipt", None, move.picking_id.partner_id)
                continue
            production = move.production_id or move.raw_material_production_id
            if production.subcontractor_id:
                receipt_of[move] = (
                    production._get_subcontract_move().picking_id,
                    production.subcontractor_id,
                )
        received = self.env["stock.lot.history"]._serial_first_dates(
            self.env["stock.picking"].union(*(pair[0] for pair in receipt_of.values()))
        )
        for move, (receipt, subcontractor) in receipt_of.items():
            # Odoo may date the receipt's lines again after the history
            # recorded them: the production comes before both
            dates = [ml.date for ml in receipt.move_line_ids if ml.state == "done"]
            dates += [received[pick.id] for pick in receipt if pick.id in received]
            facts[move.id] = (
                "production",
                min(dates) - timedelta(seconds=1) if dates else None,
                subcontractor,
            )
        return facts

    # ------------------------------------------------------------------
    # Bulk entry from a move
    # ------------------------------------------------------------------
    def _serial_entry_mode(self):
        return "remove" if self.location_id.usage in INTERNAL_USAGES else "add"

    def action_open_serial_entry(self):
        self.ensure_one()
        if not self.serial_required:
            raise UserError(
                self.env._(
                    "%(product)s does not track serials on transfers.",
                    product=self.product_id.display_name,
                )
            )
        if self.state in ("done", "cancel"):
            raise UserError(
                self.env._(
                    "This move is %(state)s; its serials can no longer change.",
                    state=self.state,
                )
            )
        self.check_access("write")
        self.picking_id._serial_check_not_in_background()
        mode = self._serial_entry_mode()
        # the serials the lines hold, read with one query: a large move's
        # lines are not loaded as records to open its dialog
        return self.env["serial.entry.wizard"]._open_for(
            self,
            mode,
            self.product_id,
            required_count=int(self.product_qty),
            location=self.location_dest_id if mode == "add" else self.location_id,
            title=self.env._("Serials: %(move)s", move=self.display_name),
            names=[name for _line_id, name in self._serial_named_lines(one_unit=False)]
            if mode == "add"
            else (),
            lots=self._serial_lines_units() if mode == "remove" else None,
            # a receipt by package: the units not scanned stay announced
            fewer_allowed=mode == "add" and self.picking_id._serial_has_notice(),
        )

    def _serial_entry_check(self, wizard, names):
        # this move's own Expected units come back as the dialog opens with them
        return self._serial_receipt_problem(names, self.move_line_ids.lot_id)

    def _serial_receipt_problem(self, names, own_lots):
        """Why ``names`` cannot be received on this move (False when they
        can): serials received must not be in stock already, nor announced
        by another document than ``own_lots``; units that come back (sold or
        returned to the vendor before) are fine."""
        lots = self.env["stock.lot"]._serial_find_existing(
            self.product_id, names, self.company_id
        )
        in_stock = lots.filtered(
            lambda lot: lot.serial_status in AVAILABLE_STATUSES
            or lot.product_id != self.product_id
        )
        expected = (lots - in_stock - own_lots).filtered(
            lambda lot: lot.serial_status == EXPECTED_STATUS
        )
        if expected:
            return self.env._(
                "%(count)s serial numbers are already expected on another "
                "receipt: %(serials)s. Remove them from this entry, or from the "
                "other receipt first.",
                count=len(expected),
                serials=format_serials(
                    self.env, sorted(expected.mapped("name")), limit=20
                ),
            )
        if in_stock:
            return self.env._(
                "%(count)s serial numbers are already in stock or used by "
                "another product: %(serials)s.",
                count=len(in_stock),
                serials=format_serials(
                    self.env, sorted(in_stock.mapped("name")), limit=20
                ),
            )
        return False

    def _serial_entry_apply(self, wizard):
        self.ensure_one()
        self.check_access("write")
        self.picking_id._serial_check_not_in_background()
        names = wizard._entered_serials() if wizard.mode == "add" else None
        # too many for the dialog's request: the job puts them on the lines
        if names is not None and self._serial_announces_later(len(names)):
            against_notice = self.picking_id._serial_has_notice()
            not_entered = []
            if against_notice:
                # the notice's units not entered stay on their lines, after
                # the entered ones (``_serial_announce_next``)
                entered = set(names)
                not_entered = [
                    name
                    for name in self._serial_notice_announced()
                    if name not in entered
                ]
            return self._serial_enter_later(
                "announce",
                {
                    "serial_names_to_announce": "\n".join(names + not_entered),
                    "serial_names_announced": 0,
                    "serial_names_entered": len(names) if against_notice else 0,
                },
            )
        if names is None and self._serial_takes_later(len(wizard.selected_lot_ids)):
            return self._serial_enter_later(
                "take",
                {
                    "serial_lots_to_take": wizard.selected_lot_ids.ids,
                    "serial_lots_taken": 0,
                },
            )
        if names is not None and self.picking_id._serial_has_notice():
            self._serial_enter_against_notice(names)
            return None
        self._serial_set_move_lines(
            names=names,
            lots=wizard.selected_lot_ids if wizard.mode == "remove" else None,
            announce=names is not None and self._serial_announces(len(names)),
        )
        if names is None and self.picking_id and self.move_line_ids.package_id:
            # a package leaving whole leaves as it is (Odoo's entire package)
            self.picking_id._check_entire_pack()
        return None

    def _serial_enter_against_notice(self, names):
        """The entry ``names`` on a receipt with a shipping notice: the units
        announced and not entered stay on their lines, not picked (Odoo's
        validation leaves them to the backorder), and those entered that the
        notice did not list are flagged (``_serial_settle_against_notice``;
        an entry left to the background job: ``_serial_announce_next``)."""
        announced = self._serial_notice_announced()
        entered = set(names)
        not_entered = [name for name in announced if name not in entered]
        self._serial_set_move_lines(
            names=names + not_entered,
            announce=self._serial_announces(len(names) + len(not_entered)),
        )
        self._serial_settle_against_notice(names, not_entered, announced)

    def _serial_notice_announced(self, names=None):
        """The serials on this move's lines (of ``names`` when given) that a
        shipping notice announced: Expected units not flagged as unlisted, in
        the lines' order (one query)."""
        self.env["stock.move.line"].flush_model(["move_id", "lot_id", "quantity"])
        self.env["stock.lot"].flush_model(
            ["name", "serial_status", "serial_unannounced"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT lot.name
                     FROM stock_move_line line
                     JOIN stock_lot lot ON lot.id = line.lot_id
                    WHERE line.move_id = %s AND line.quantity = 1
                      AND lot.serial_status = %s
                      AND lot.serial_unannounced IS NOT TRUE
                      %s
                 ORDER BY line.id""",
                self.id,
                EXPECTED_STATUS,
                SQL("AND lot.name = ANY(%s)", list(names))
                if names is not None
                else SQL(),
            )
        )
        return list(dict.fromkeys(row[0] for row in self.env.cr.fetchall()))

    def _serial_settle_against_notice(self, entered, not_entered, announced):
        """Once the serials ``entered`` and ``not_entered`` (the notice's units
        the entry left out) are on this move's lines: the lines of those not
        entered are not picked, and the units entered that are not among
        ``announced`` (``_serial_notice_announced`` before the entry) are
        flagged as not on the notice."""
        Line = self.env["stock.move.line"]
        if not_entered:
            Line.browse(
                [line_id for line_id, _name in self._serial_named_lines(not_entered)]
            ).picked = False
        listed = set(announced)
        unannounced = [name for name in entered if name not in listed]
        if unannounced:
            Line.browse(
                [line_id for line_id, _name in self._serial_named_lines(unannounced)]
            ).lot_id.filtered(
                lambda lot: not lot.serial_unannounced
            ).serial_unannounced = True

    def _serial_enter_later(self, action, values):
        """Leave this move's entry (``values``: what the job reads) to the
        background job, which does ``action`` slice by slice; the dialog
        closes, and the transfer shows it is being prepared."""
        self.write(values)
        result = self.picking_id._serial_queue_validation(action=action)
        result["params"]["next"] = {"type": "ir.actions.act_window_close"}
        return result

    def _serial_takes_later(self, count):
        """Whether the ``count`` units selected on this move (a delivery, an
        internal transfer) are put on its lines by the background job, slice
        by slice (``_serial_take_next``): at least the company's background
        threshold, unless the transfer is built in code
        (``IN_THE_FOREGROUND``)."""
        self.ensure_one()
        return bool(
            self.picking_id
            and tracks_serials_physically(self.product_id)
            and self.company_id._serial_in_background(count)
            and not self.env.context.get(IN_THE_FOREGROUND)
        )

    def _serial_enter_next(self, size=None):
        """One step of an entry left to the background job: Expected units
        on a receipt's lines, or selected units on a delivery's. Returns the
        serials taken."""
        if self.serial_names_to_announce:
            return self._serial_announce_next(size)
        return self._serial_take_next(size)

    def _serial_take_next(self, size=None):
        """The next ``size`` (all when None) of the units selected on this
        move and left to the job go on its lines
        (``_serial_put_units_on_lines``). Returns the count."""
        self.ensure_one()
        wanted = self.serial_lots_to_take
        start = self.serial_lots_taken
        chunk = wanted[start:] if size is None else wanted[start : start + size]
        last = start + len(chunk) >= len(wanted)
        self._serial_put_units_on_lines(chunk, wanted, last)
        if last:
            self.write({"serial_lots_to_take": False, "serial_lots_taken": 0})
        else:
            self.serial_lots_taken = start + len(chunk)
        return len(chunk)

    def _serial_lines_units(self):
        """The units this move's lines hold, in the lines' order: one query."""
        self.ensure_one()
        self.env["stock.move.line"].flush_model(["move_id", "lot_id"])
        self.env.cr.execute(
            SQL(
                "SELECT lot_id FROM stock_move_line WHERE move_id = %s "
                "AND lot_id IS NOT NULL ORDER BY id",
                self.id,
            )
        )
        return self.env["stock.lot"].browse(
            dict.fromkeys(row[0] for row in self.env.cr.fetchall())
        )

    def _serial_put_units_on_lines(self, lot_ids, wanted, last):
        """The units ``lot_ids`` (a part, in order, of the units ``wanted``
        on this move) on its lines, picked: kept where a line of one unit
        holds one already (re-creating what Odoo reserved would unreserve and
        reserve it again), else on a new line taking the unit from its own
        quant. Lines holding no wanted unit are deleted, as many as new lines
        are made (all that are left with ``last``): each reservation given
        back as another is taken. Read with two queries."""
        Line = self.env["stock.move.line"]
        self._serial_flush_line_columns()
        self.env.cr.execute(
            SQL(
                """SELECT lot_id, MIN(id) FROM stock_move_line
                    WHERE move_id = %s AND quantity = 1 AND lot_id = ANY(%s)
                 GROUP BY lot_id""",
                self.id,
                list(lot_ids),
            )
        )
        kept = dict(self.env.cr.fetchall())
        missing = [lot_id for lot_id in lot_ids if lot_id not in kept]
        self._serial_check_still_here(missing)
        if last or missing:
            # the first line of one unit holding a wanted unit is kept
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM (
                         SELECT id, lot_id, quantity, ROW_NUMBER() OVER (
                                PARTITION BY lot_id, quantity = 1 ORDER BY id) AS rank
                           FROM stock_move_line WHERE move_id = %s) line
                        WHERE NOT (quantity = 1 AND rank = 1
                                   AND lot_id IS NOT NULL AND lot_id = ANY(%s))
                     ORDER BY id %s""",
                    self.id,
                    list(wanted),
                    SQL() if last else SQL("LIMIT %s", len(missing)),
                )
            )
            Line.browse([row[0] for row in self.env.cr.fetchall()]).unlink()
        held = Line.browse(kept.values())
        held.filtered(lambda line: not line.picked).picked = True
        Line.create(
            [
                {**values, "picked": True}
                for values in self._serial_unit_line_values(
                    self.env["stock.lot"].browse(missing)
                )
            ]
        )

    def _serial_check_still_here(self, lot_ids):
        """Refuse units selected for this move that are no longer available
        where it takes them from: moved or delivered since the selection (the
        background job puts a large selection on the lines later)."""
        if not lot_ids:
            return
        Lot = self.env["stock.lot"]
        here = Lot.search(
            [
                ("id", "in", lot_ids),
                ("serial_status", "in", AVAILABLE_STATUSES),
                ("location_id", "child_of", self.location_id.id),
            ]
        )
        gone = Lot.browse(lot_ids) - here
        if gone:
            raise UserError(
                self.env._(
                    "These serial numbers are no longer available at %(location)s: "
                    "%(serials)s. They were moved or delivered since they were "
                    "selected; select other units.",
                    location=self.location_id.display_name,
                    serials=format_serials(self.env, gone.mapped("name"), limit=20),
                )
            )

    def _serial_unit_line_values(self, lots, at_source=False):
        """A line of this move for each unit of ``lots``, taken from its own
        quant: its place, package and owner (a line without them would
        reserve and take the unit from a quant that does not hold it). A unit
        with no quant at the source is taken from where its serial says it
        is, or, with ``at_source`` (a return, whose units nothing checked
        before), from the source itself, where the stock rules refuse it."""
        if not lots:
            return []
        base = self._serial_line_values()
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("quantity", ">", 0),
                    ("location_id", "child_of", self.location_id.id),
                ]
            )
        )
        quant_of = {quant.lot_id.id: quant for quant in quants}
        vals_list = []
        for lot in lots:
            quant = quant_of.get(lot.id)
            elsewhere = self.location_id if at_source else lot.location_id
            vals_list.append(
                {
                    **base,
                    "lot_id": lot.id,
                    "location_id": (quant.location_id if quant else elsewhere).id
                    or self.location_id.id,
                    "package_id": quant.package_id.id if quant else False,
                    "owner_id": quant.owner_id.id if quant else False,
                }
            )
        return vals_list

    def _serial_announces_serials(self):
        """Whether the serials entered on this move are Expected units until
        it is done: a receipt of a Track Serials product in physical mode
        (``announces_serials``)."""
        self.ensure_one()
        return bool(
            tracks_serials_physically(self.product_id)
            and announces_serials(
                move_kind(self.location_id.usage, self.location_dest_id.usage)
            )
        )

    def _serial_announces(self, count):
        """Whether the ``count`` serials entered on this move are created at
        once, in the dialog's request, as Expected units on its lines: below
        the company's background threshold. A larger entry keeps the serials'
        names on the lines, and the background job creates their units
        (``stock.picking._serial_entry_slice``): creating them all in the
        dialog's request would not end within a request's limits."""
        self.ensure_one()
        return self._serial_announces_serials() and not (
            self.company_id._serial_in_background(count)
        )

    def _serial_announces_later(self, count):
        """Whether the ``count`` serials entered on this move are left to the
        background job, which creates them as Expected units slice by slice
        (``_serial_announce_next``): a receipt's entry of at least the
        company's background threshold, unless the transfer is built in code
        (``IN_THE_FOREGROUND``)."""
        self.ensure_one()
        return bool(
            self.picking_id
            and self._serial_announces_serials()
            and self.company_id._serial_in_background(count)
            and not self.env.context.get(IN_THE_FOREGROUND)
        )

    def _serial_announce_next(self, size=None):
        """One step of an entry left to the background job: the next ``size``
        (all when None) of the names stored on this move become Expected units
        on its lines, as ``_serial_set_move_lines(announce=True)`` makes them
        at once: lines that hold one of the names are kept; the first step
        deletes the lines that hold none of them, the last one the lines left
        without a serial. Each step checks its names again (another receipt
        may have announced or received one since). On a receipt with a
        shipping notice, the names after the first ``serial_names_entered``
        are the notice's units the entry left out: the lines are left as
        ``_serial_enter_against_notice`` leaves them at once. Returns the
        names taken."""
        self.ensure_one()
        names = self.serial_names_to_announce.split("\n")
        start = self.serial_names_announced
        if not start:
            self._serial_drop_lines_named_otherwise(set(names))
        chunk = names[start:] if size is None else names[start : start + size]
        if chunk:
            # the names of the chunk entered, against a notice
            cut = max(self.serial_names_entered - start, 0)
            announced = self._serial_notice_announced(chunk[:cut]) if cut else []
            self._serial_put_expected_on_lines(chunk)
            packages = self.serial_notice_packages or {}
            self._serial_pack_lines(
                {name: packages[name] for name in chunk if name in packages}
            )
            if self.serial_names_entered:
                self._serial_settle_against_notice(chunk[:cut], chunk[cut:], announced)
        if start + len(chunk) < len(names):
            self.serial_names_announced = start + len(chunk)
        else:
            self._serial_blank_lines_of_move().unlink()
            self.write(
                {
                    "serial_names_to_announce": False,
                    "serial_names_announced": 0,
                    "serial_names_entered": 0,
                    "serial_notice_packages": False,
                }
            )
        return len(chunk)

    def _serial_pack_lines(self, package_of):
        """This move's lines of the serials of ``package_of`` ({serial name:
        package id}, a shipping notice's cartons) put their unit into that
        package at the destination (``result_package_id``): one query for
        the lines, one write per package."""
        if not package_of:
            return
        lines_of = defaultdict(list)
        for line_id, name in self._serial_named_lines(list(package_of)):
            lines_of[package_of[name]].append(line_id)
        Line = self.env["stock.move.line"]
        for package_id, line_ids in lines_of.items():
            Line.browse(line_ids).write({"result_package_id": package_id})

    def _serial_entry_packages(self, names):
        """{package name: serial names} of those of ``names`` that name a
        package (or a package inside it) holding units of this move: units
        announced on its lines (a receipt), or units of its product in stock
        at its source (a delivery, an internal transfer): what scanning a
        package's label enters or selects in the dialog. One query for the
        packages, one per package found."""
        self.ensure_one()
        packages = self.env["stock.package"].search(
            [
                ("name", "in", list(names)),
                ("company_id", "in", [False, self.company_id.id]),
            ]
        )
        leaving = self._serial_entry_mode() == "remove"
        found = {}
        for package in packages:
            if leaving:
                quants = (
                    self.env["stock.quant"]
                    .sudo()
                    .search(
                        [
                            ("package_id", "child_of", package.id),
                            ("product_id", "=", self.product_id.id),
                            ("location_id", "child_of", self.location_id.id),
                            ("lot_id", "!=", False),
                            ("quantity", ">", 0),
                        ],
                        order="id",
                    )
                )
                serials = quants.lot_id.mapped("name")
            else:
                lines = self.env["stock.move.line"].search(
                    [
                        ("move_id", "=", self.id),
                        ("result_package_id", "child_of", package.id),
                    ],
                    order="id",
                )
                serials = [line.lot_id.name or line.lot_name for line in lines]
            if any(serials):
                found[package.name] = [serial for serial in serials if serial]
        return found

    def _serial_entry_package_summary(self, names):
        """Per outermost package this move's units come in (a pallet, or a
        carton in none): its cartons, the units announced in it and those of
        them in ``names`` (entered); then each carton, while there are few.
        One query for the lines, one read of the packages."""
        self.ensure_one()
        self.env["stock.move.line"].flush_model(
            ["move_id", "lot_id", "lot_name", "result_package_id"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT line.result_package_id, COALESCE(lot.name, line.lot_name)
                     FROM stock_move_line line
                LEFT JOIN stock_lot lot ON lot.id = line.lot_id
                    WHERE line.move_id = %s AND line.result_package_id IS NOT NULL""",
                self.id,
            )
        )
        units = defaultdict(list)
        for package_id, name in self.env.cr.fetchall():
            units[package_id].append(name)
        if not units:
            return ""
        cartons = self.env["stock.package"].browse(units)
        outer_of = {
            carton: carton.parent_package_id or carton
            for carton in cartons.sorted("name")
        }
        inner = defaultdict(list)
        for carton, outer in outer_of.items():
            inner[outer].append(carton)

        def counts(packages):
            names_in = [name for package in packages for name in units[package.id]]
            return len(names_in), sum(1 for name in names_in if name in names)

        show_cartons = len(outer_of) <= PACKAGES_SHOWN_ONE_BY_ONE
        lines = []
        for outer in sorted(inner, key=lambda package: package.name):
            announced, entered = counts(inner[outer])
            if inner[outer] == [outer]:
                lines.append(
                    self.env._(
                        "%(package)s: %(announced)s announced, %(entered)s entered",
                        package=outer.name,
                        announced=announced,
                        entered=entered,
                    )
                )
                continue
            lines.append(
                self.env._(
                    "%(package)s: %(cartons)s cartons, %(announced)s announced, "
                    "%(entered)s entered",
                    package=outer.name,
                    cartons=len([c for c in inner[outer] if c != outer]),
                    announced=announced,
                    entered=entered,
                )
            )
            for carton in inner[outer] if show_cartons else ():
                announced, entered = counts([carton])
                lines.append(
                    "    "
                    + self.env._(
                        "%(package)s: %(announced)s announced, %(entered)s entered",
                        package=carton.name,
                        announced=announced,
                        entered=entered,
                    )
                )
        return "\n".join(lines)

    def _serial_named_lines(self, names=None, one_unit=True):
        """This move's lines holding a serial or a serial name (of ``names``
        when given), of one unit unless ``one_unit`` is False, with it: one
        query, in the lines' order."""
        self.env["stock.move.line"].flush_model(
            ["move_id", "lot_id", "lot_name", "quantity"]
        )
        self.env["stock.lot"].flush_model(["name"])
        self.env.cr.execute(
            SQL(
                """SELECT line.id, COALESCE(lot.name, line.lot_name)
                     FROM stock_move_line line
                LEFT JOIN stock_lot lot ON lot.id = line.lot_id
                    WHERE line.move_id = %s
                      AND COALESCE(lot.name, NULLIF(line.lot_name, '')) IS NOT NULL
                      %s %s
                 ORDER BY line.id""",
                self.id,
                SQL("AND line.quantity = 1") if one_unit else SQL(),
                SQL("AND COALESCE(lot.name, line.lot_name) = ANY(%s)", list(names))
                if names is not None
                else SQL(),
            )
        )
        return self.env.cr.fetchall()

    def _serial_drop_lines_named_otherwise(self, wanted):
        """Delete this move's lines that hold no serial of ``wanted`` (or one
        another line holds already) and are not lines Odoo made for a unit to
        come: as ``_serial_set_move_lines`` does first."""
        kept, seen = set(), set()
        for line_id, name in self._serial_named_lines():
            if name in wanted and name not in seen:
                kept.add(line_id)
                seen.add(name)
        kept.update(self._serial_blank_lines_of_move().ids)
        self.env.cr.execute(
            SQL("SELECT id FROM stock_move_line WHERE move_id = %s", self.id)
        )
        dropped = [row[0] for row in self.env.cr.fetchall() if row[0] not in kept]
        self.env["stock.move.line"].browse(dropped).unlink()

    def _serial_put_expected_on_lines(self, names):
        """``names`` on this move's lines as Expected units: kept where a line
        holds one already, else given to the lines Odoo made for the units to
        come, else on new lines; all picked, as the entry picks them."""
        Line = self.env["stock.move.line"]
        named = self._serial_named_lines(names)
        kept = Line.browse([line_id for line_id, _name in named])
        seen = {name for _line_id, name in named}
        missing = [name for name in names if name not in seen]
        problem = self._serial_receipt_problem(missing, self.env["stock.lot"])
        if problem:
            raise UserError(problem)
        lots = self._serial_expected_lots(missing)
        blank = self._serial_blank_lines_of_move(limit=len(missing))
        if blank and lot_blank_lines(blank, lots[: len(blank)]):
            lots = lots[len(blank) :]
            kept |= blank
        else:
            blank.unlink()
        (kept.filtered(lambda line: not line.picked)).picked = True
        Line.create(
            [
                {**self._serial_line_values(), "lot_id": lot.id, "picked": True}
                for lot in lots
            ]
        )

    def _serial_expected_lots(self, names):
        """The units ``names`` of this move's product, in that order: those
        that exist already (units that come back), the others created as
        Expected units of the move's transfer."""
        Lot = self.env["stock.lot"]
        existing = Lot._serial_find_existing(self.product_id, names, self.company_id)
        lot_of = {
            lot.name: lot for lot in existing if lot.product_id == self.product_id
        }
        new = [name for name in names if name not in lot_of]
        if new:
            created = Lot._serial_announce(
                self.product_id,
                new,
                self.company_id,
                self.picking_id or self,
                self.location_dest_id,
            )
            lot_of.update(zip(new, created, strict=True))
        return Lot.browse([lot_of[name].id for name in names])

    def _serial_set_move_lines(self, names=None, lots=None, announce=False):
        """One line per serial, in one batch. Lines already holding one of the
        serials are kept: re-creating what Odoo reserved would unreserve and
        reserve every unit again. With ``announce`` (a receipt's entry
        confirmed), the new serials are created as Expected units and the
        lines carry them (``lot_id``), rather than their names; the units of
        lines dropped that were never received are deleted. Units leaving
        (``lots``) are put on the lines by ``_serial_put_units_on_lines``."""
        if names is None:
            self._serial_put_units_on_lines(lots.ids, lots.ids, last=True)
            if not self.picked:  # no line left to pick
                self.picked = True
            return
        base = self._serial_line_values()
        wanted = set(names)
        kept_ids, seen = [], set()
        for line in self.move_line_ids:
            key = line.lot_name or line.lot_id.name
            if key in wanted and key not in seen and line.quantity == 1:
                kept_ids.append(line.id)
                seen.add(key)
        others = self.move_line_ids - self.env["stock.move.line"].browse(kept_ids)
        if announce:
            missing = [name for name in names if name not in seen]
            blank = self._serial_blank_lines(others)[: len(missing)]
            # the lines dropped go first: a unit they announced and that is
            # entered again is then created anew, not kept half-deleted
            (others - blank).unlink()
            missing_lots = self._serial_expected_lots(missing)
            if blank and lot_blank_lines(blank, missing_lots[: len(blank)]):
                missing_lots = missing_lots[len(blank) :]
            else:
                blank.unlink()
            vals_list = [{**base, "lot_id": lot.id} for lot in missing_lots]
        else:
            missing = [name for name in names if name not in seen]
            # the lines Odoo made for the units to come (one per unit, no
            # serial yet) take the new serials, rather than being replaced
            blank = self._serial_blank_lines(others)[: len(missing)]
            if blank and name_blank_lines(blank, missing[: len(blank)]):
                others -= blank
                missing = missing[len(blank) :]
            others.unlink()
            vals_list = [{**base, "lot_name": name} for name in missing]
        self.env["stock.move.line"].create(vals_list)
        self.picked = True

    def _serial_line_values(self):
        """What each line of one unit of this move holds, its serial aside."""
        return {
            "move_id": self.id,
            "picking_id": self.picking_id.id,
            "product_id": self.product_id.id,
            "product_uom_id": self.product_id.uom_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "quantity": 1,
            "company_id": self.company_id.id,
        }

    @api.model
    def _serial_blank_lines(self, lines):
        """Those of ``lines`` as Odoo makes them for the units to come, one
        per unit: no serial, no serial name, one unit, no package or owner,
        not done; read with one query, in the lines' order."""
        self._serial_flush_line_columns()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_move_line WHERE id = ANY(%s) AND %s",
                lines.ids,
                BLANK_LINE,
            )
        )
        blank = {row[0] for row in self.env.cr.fetchall()}
        return lines.filtered(lambda line: line.id in blank)

    def _serial_blank_lines_of_move(self, limit=None):
        """This move's first ``limit`` (all when None) lines as Odoo makes
        them for the units to come (``_serial_blank_lines``), in their order."""
        self.ensure_one()
        self._serial_flush_line_columns()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_move_line WHERE move_id = %s AND %s "
                "ORDER BY id LIMIT %s",
                self.id,
                BLANK_LINE,
                limit,
            )
        )
        return self.env["stock.move.line"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )

    @api.model
    def _serial_flush_line_columns(self):
        self.env["stock.move.line"].flush_model(
            [
                "move_id",
                "lot_id",
                "lot_name",
                "quantity",
                "state",
                "package_id",
                "result_package_id",
                "owner_id",
            ]
        )

    def _serial_fill_from_format(self):
        """Auto Serial Number: units coming in without serials get them from
        the product's format (at the latest when the transfer is validated)."""
        for move in self:
            template = move.product_id.product_tmpl_id
            if (
                not move.serial_required
                or not template.serial_auto_number
                or move._serial_entry_mode() != "add"
            ):
                continue
            named = move.move_line_ids.filtered(lambda ml: ml.lot_id or ml.lot_name)
            missing = int(move.product_qty) - int(sum(named.mapped("quantity")))
            if missing <= 0:
                continue
            names = [ml.lot_id.name or ml.lot_name for ml in named]
            names += template._serial_generate_from_format(missing, move.company_id)
            move._serial_set_move_lines(names=names)

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_is_zero

from ..tools.serial_flow import IN_THE_FOREGROUND, QUIET_CONTEXT, trusted_serial_flow
from ..tools.serial_rules import (
    ACCOUNT_MOVE_KINDS,
    AVAILABLE_STATUSES,
    EXPECTED_STATUS,
    SERIAL_DOCUMENT_KINDS,
    account_move_kind,
)
from .serial_background_work import BACKGROUND_RUN
from .serial_bulk import format_serials

# What a unit was before a document changed it, so a reversal can restore it.
RESTORABLE_FIELDS = (
    "serial_status",
    "location_id",
    "last_customer_id",
    "warranty_date_start",
    "date_received",
)


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "serial.background.work"]

    serial_applied = fields.Boolean(
        copy=False,
        readonly=True,
        help="Technical: the serials of this document have changed their units' "
        "status (or the background job is changing them).",
    )

    @api.model
    def _serial_background_actions(self):
        return [
            ("announce", self.env._("Create Expected Units")),
            ("post", self.env._("Change the Units' Status")),
        ]

    def _serial_stock_location(self):
        return (self.company_id or self.env.company)._serial_main_stock_location()

    def _serial_lines(self):
        return self.invoice_line_ids.filtered("serial_required")

    # ------------------------------------------------------------------
    # Checks (entry dialog and posting share them)
    # ------------------------------------------------------------------
    def _serial_lock(self, lots):
        """Lock units in id order, so two documents never deadlock and the
        second one to post sees what the first did."""
        if lots:
            self.env.cr.execute(
                """SELECT lot.id FROM unnest(%s::int[]) AS given(id)
                     JOIN stock_lot lot ON lot.id = given.id
                 ORDER BY lot.id FOR UPDATE OF lot""",
                [sorted(lots.ids)],
            )
            lots.invalidate_recordset((*RESTORABLE_FIELDS, "holder_partner_id"))

    def _serial_find_lots(self, line, names):
        lots = self.env["stock.lot"]._serial_find_existing(
            line.product_id, names, self.company_id
        )
        facts = lots._serial_product_and_status()
        own = lots.filtered(lambda lot: facts[lot.id][0] == line.product_id.id)
        return own, lots

    def _serial_problems_for(self, line, names, lots=None, found=None):
        """Why ``names`` cannot go on ``line`` (empty when they can). For
        remove-mode lines ``lots`` are the chosen units; for add-mode lines
        ``found`` is what :meth:`_serial_find_lots` gave, when already known."""
        self.ensure_one()
        event = account_move_kind(self.move_type).event
        labels = dict(
            self.env["stock.lot"]
            ._fields["serial_status"]
            ._description_selection(self.env)
        )
        partner = self.partner_id.commercial_partner_id

        def listed(bad):
            return format_serials(self.env, sorted(bad), limit=20)

        if line._serial_mode() == "add":
            found = found or self._serial_find_lots(line, names)
            units = found[0]
        else:
            units = lots if lots is not None else line.serial_lot_ids
        pending = self._serial_pending_elsewhere(units)
        if pending:
            return self.env._(
                "being posted in the background by %(documents)s, so they cannot "
                "be on another document until it is done: %(serials)s",
                documents=", ".join(sorted(set(pending.values()))),
                serials=listed(
                    self.env["stock.lot"].browse(list(pending)).mapped("name")
                ),
            )

        if event == "BILL":
            own, clashing = found or self._serial_find_lots(line, names)
            facts = own._serial_product_and_status()
            in_stock = own.filtered(lambda lot: facts[lot.id][1] in AVAILABLE_STATUSES)
            # units another document announced (this line's own are its own)
            expected = (own - line.serial_lot_ids).filtered(
                lambda lot: facts[lot.id][1] == EXPECTED_STATUS
            )
            other = clashing - own
            problems = []
            if expected:
                problems.append(
                    self.env._(
                        "already expected on another bill or receipt: %(serials)s. "
                        "Remove them from this entry, or from the other document "
                        "first",
                        serials=listed(expected.mapped("name")),
                    )
                )
            if in_stock:
                problems.append(
                    self.env._(
                        "already in stock, so they cannot be bought: %(serials)s",
                        serials=listed(in_stock.mapped("name")),
                    )
                )
            if other:
                problems.append(
                    self.env._(
                        "already used by another product: %(serials)s",
                        serials=listed(other.mapped("name")),
                    )
                )
            return "; ".join(problems)
        if event == "CREDIT_NOTE":
            own, _clashing = found or self._serial_find_lots(line, names)
            unknown = set(names) - set(own.mapped("name"))
            not_sold = own.filtered(lambda lot: not lot._serial_is_held_by(partner))
            problems = []
            if unknown:
                problems.append(
                    self.env._("unknown serials: %(serials)s", serials=listed(unknown))
                )
            if not_sold:
                problems.append(
                    self.env._(
                        "not sold to %(partner)s: %(serials)s",
                        partner=partner.display_name,
                        serials=listed(
                            f"{lot.name} ({labels.get(lot.serial_status, '-')})"
                            for lot in not_sold
                        ),
                    )
                )
            return "; ".join(problems)
        lots = lots if lots is not None else line.serial_lot_ids
        facts = lots._serial_product_and_status()
        wrong_product = lots.filtered(
            lambda lot: facts[lot.id][0] != line.product_id.id
        )
        unavailable = (lots - wrong_product).filtered(
            lambda lot: facts[lot.id][1] not in AVAILABLE_STATUSES
        )
        problems = []
        if wrong_product:
            problems.append(
                self.env._(
                    "serials of another product: %(serials)s",
                    serials=listed(wrong_product.mapped("name")),
                )
            )
        if unavailable:
            problems.append(
                self.env._(
                    "not in stock: %(serials)s",
                    serials=listed(
                        f"{lot.name} ({labels.get(lot.serial_status, '-')})"
                        for lot in unavailable
                    ),
                )
            )
        return "; ".join(problems)

    def _serial_check_and_plan(self):
        """Check every serial line of the documents about to post and return
        what posting must do; refuse with every problem at once."""
        errors, steps = [], []
        for move in self:
            seen = set()
            for line in move._serial_lines():
                quantity = line._serial_quantity()
                label = line.name or line.product_id.display_name
                if not float_is_zero(quantity - round(quantity), precision_digits=6):
                    errors.append(
                        self.env._(
                            "%(move)s, line %(line)s: a serial-tracked quantity must "
                            "be a whole number, not %(quantity)s.",
                            move=move.display_name,
                            line=label,
                            quantity=quantity,
                        )
                    )
                    continue
                names = line._serial_entered_names()
                if len(names) != round(quantity):
                    errors.append(
                        self.env._(
                            "%(move)s, line %(line)s: %(quantity)s units need "
                            "%(quantity)s serial numbers, %(count)s are entered. Use "
                            "the Serials button of the line.",
                            move=move.display_name,
                            line=label,
                            quantity=round(quantity),
                            count=len(names),
                        )
                    )
                    continue
                repeated = seen.intersection(names)
                if repeated:
                    errors.append(
                        self.env._(
                            "%(move)s, line %(line)s: serials also on another line: "
                            "%(serials)s.",
                            move=move.display_name,
                            line=label,
                            serials=format_serials(
                                self.env, sorted(repeated), limit=20
                            ),
                        )
                    )
                    continue
                seen.update(names)
                found = None
                if line._serial_mode() == "add":
                    found = move._serial_find_lots(line, names)
                    lots = found[0]
                else:
                    lots = line.serial_lot_ids
                steps.append((line, names, lots, found))
        # lock every unit once, in id order, then judge them as they are now
        self._serial_lock(self.env["stock.lot"].union(*(step[2] for step in steps)))
        plan = []
        for line, names, lots, found in steps:
            problem = line.move_id._serial_problems_for(line, names, lots, found)
            if problem:
                errors.append(
                    self.env._(
                        "%(move)s, line %(line)s: %(problem)s.",
                        move=line.move_id.display_name,
                        line=line.name or line.product_id.display_name,
                        problem=problem,
                    )
                )
                continue
            new_names = []
            if line._serial_mode() == "add":
                known = set(lots.mapped("name"))
                new_names = [name for name in names if name not in known]
            plan.append((line, lots, new_names))
        if errors:
            raise UserError("\n".join(errors))
        return plan

    # ------------------------------------------------------------------
    # Posting and reversal
    # ------------------------------------------------------------------
    def _post(self, soft=True):
        self._serial_check_not_in_background()
        candidates = self.filtered(
            lambda move: move.move_type in ACCOUNT_MOVE_KINDS
            and not move.serial_applied
            and move._serial_lines()
        )
        plan = candidates._serial_check_and_plan()
        posted = super()._post(soft)
        plan = [step for step in plan if step[0].move_id in posted]
        later = self._serial_posts_later(plan)
        if later:
            later._serial_hold_for_background(
                [step for step in plan if step[0].move_id in later]
            )
            plan = [step for step in plan if step[0].move_id not in later]
        if plan:
            self._serial_apply(plan)
        posted.filtered(lambda move: move in candidates).serial_applied = True
        # a bill whose background entry failed once, posted since
        (posted - later).filtered(
            lambda move: move.serial_background_state == "failed"
        )._serial_background_clear()
        if later:
            later._serial_queue_background("post")
        return posted

    def action_post(self):
        result = super().action_post()
        queued = self.filtered(
            lambda move: move.serial_background_state == "queued"
            and move.serial_background_action == "post"
        )
        if queued and not result:
            return queued._serial_queued_notification("post")
        return result

    # ------------------------------------------------------------------
    # Background work: the Expected units of a large entry, a large posting
    # ------------------------------------------------------------------
    def _serial_posts_later(self, plan):
        """The moves of ``plan`` whose units change in the background: those
        of at least their company's background threshold of serial units,
        unless posted by the job itself or in code that asks for it at once
        (``IN_THE_FOREGROUND``)."""
        if self.env.context.get(BACKGROUND_RUN) or self.env.context.get(
            IN_THE_FOREGROUND
        ):
            return self.browse()
        units = {}
        for line, lots, new_names in plan:
            units[line.move_id] = (
                units.get(line.move_id, 0) + len(lots) + len(new_names)
            )
        return self.browse(
            [
                move.id
                for move, count in units.items()
                if move.company_id._serial_in_background(count)
            ]
        )

    def _serial_hold_for_background(self, plan):
        """Before the request ends: the units that exist are on their lines,
        so that another document sees them pending
        (``_serial_pending_elsewhere``) once this request commits, and their
        rows are written (their write date), not only locked: a transaction
        that read before this one committed and then locks one of them fails
        to serialize (Odoo retries it, and the retry sees the units pending),
        where a row only locked would let it go on with what it read."""
        held = self.env["stock.lot"]
        for line, lots, _new_names in plan:
            held |= lots
            if line._serial_mode() == "add" and lots - line.serial_lot_ids:
                line.sudo().serial_lot_ids = [
                    fields.Command.link(lot_id)
                    for lot_id in (lots - line.serial_lot_ids).ids
                ]
        if held:
            held.flush_recordset()
            self.env.cr.execute(
                SQL(
                    """UPDATE stock_lot SET write_uid = %s, write_date = %s
                         FROM unnest(%s::int[]) AS given(id)
                        WHERE stock_lot.id = given.id""",
                    self.env.uid,
                    self.env.cr.now(),
                    list(held._ids),
                )
            )
            held.invalidate_recordset(["write_uid", "write_date"])

    def _serial_pending_elsewhere(self, lots):
        """{serial id: document} of those of ``lots`` that another move's
        background posting still holds: on a line of a move whose posting is
        queued, or stopped and waiting to be resumed. One query, starting from
        the few moves in the background; the units were locked
        (``_serial_lock``) by the caller or are locked by it next, and the
        other move's request held their locks until its lines held them."""
        if not lots:
            return {}
        self.env["account.move.line"].flush_model(["move_id", "serial_lot_ids"])
        self.flush_model(["serial_background_state", "serial_background_action"])
        self.env.cr.execute(
            SQL(
                """SELECT rel.lot_id, move.id
                     FROM account_move move
                     JOIN account_move_line line ON line.move_id = move.id
                     JOIN account_move_line_serial_lot_rel rel
                       ON rel.line_id = line.id
                     JOIN unnest(%s::int[]) AS given(id) ON given.id = rel.lot_id
                    WHERE move.serial_background_state IN ('queued', 'failed')
                      AND move.serial_background_action = 'post'
                      AND move.id != ALL(%s)""",
                list(lots._ids),
                list(self._ids) or [0],
            )
        )
        moves = {}
        pending = {}
        for lot_id, move_id in self.env.cr.fetchall():
            if move_id not in moves:
                moves[move_id] = self.browse(move_id).sudo().display_name
            pending[lot_id] = moves[move_id]
        return pending

    def _serial_posting_units(self):
        """[(line, names, lots)] of this posted move, in the order its
        background posting takes them: lines by id; on lines whose serials are
        entered (bills, customer credit notes) the names in entry order, on
        lines whose units are chosen (invoices, vendor credit notes) the units
        by id (``lots`` then, ``names`` None)."""
        self.ensure_one()
        units = []
        for line in self._serial_lines().sorted("id"):
            if line._serial_mode() == "add":
                units.append((line, line._serial_entered_names(), None))
            else:
                units.append((line, None, line.serial_lot_ids.sorted("id")))
        return units

    def _serial_background_units_for(self, action):
        self.ensure_one()
        if action == "announce":
            return sum(
                line.serial_names_to_announce.count("\n") + 1
                for line in self._serial_lines().filtered("serial_names_to_announce")
            )
        # posting checked that each line holds as many serials as its
        # quantity: counted without reading them
        return sum(round(line._serial_quantity()) for line in self._serial_lines())

    def _serial_background_step(self, size):
        self.ensure_one()
        if self.serial_background_action == "announce":
            return self._serial_announce_slice(size)
        return self._serial_post_slice(size)

    def _serial_announce_slice(self, size=None):
        """Create the next ``size`` (all when None) serials of the entries left
        to the job as Expected units on their lines
        (``account.move.line._serial_announce_next``)."""
        count = 0
        for line in (
            self._serial_lines().filtered("serial_names_to_announce").sorted("id")
        ):
            if size is not None and count >= size:
                break
            count += line._serial_announce_next(None if size is None else size - count)
        return count, not self._serial_lines().filtered("serial_names_to_announce")

    def _serial_post_slice(self, size=None):
        """Give the next ``size`` (all when None) units of this posted move
        their new status, with their history, as posting does at once
        (``_serial_apply``), after judging them again (a unit may have changed
        since the move was posted): from ``serial_background_units_done`` on,
        in the order of ``_serial_posting_units``. Returns (count, whether
        every unit is done)."""
        self.ensure_one()
        offset = self.serial_background_units_done
        steps, taken, total = [], 0, 0
        for line, names, lots in self._serial_posting_units():
            length = len(names if names is not None else lots)
            total += length
            if offset >= length:
                offset -= length
                continue
            if size is not None and taken >= size:
                continue
            end = length if size is None else min(length, offset + size - taken)
            if names is not None:
                chunk = names[offset:end]
                found = self._serial_find_lots(line, chunk)
                steps.append((line, chunk, found[0], found))
            else:
                chunk_lots = lots[offset:end]
                steps.append((line, chunk_lots.mapped("name"), chunk_lots, None))
            taken += end - offset
            offset = 0
        self._serial_lock(self.env["stock.lot"].union(*(step[2] for step in steps)))
        plan, errors = [], []
        for line, names, lots, found in steps:
            problem = self._serial_problems_for(line, names, lots, found)
            if problem:
                errors.append(
                    self.env._(
                        "%(move)s, line %(line)s: %(problem)s.",
                        move=self.display_name,
                        line=line.name or line.product_id.display_name,
                        problem=problem,
                    )
                )
                continue
            known = set(lots.mapped("name"))
            new_names = (
                [name for name in names if name not in known]
                if line._serial_mode() == "add"
                else []
            )
            plan.append((line, lots, new_names))
        if errors:
            raise UserError("\n".join(errors))
        self._serial_apply(plan, link=True)
        return taken, self.serial_background_units_done + taken >= total

    def _serial_queued_title(self, action):
        return self.env._("Done in the background")

    def _serial_queued_message(self, action, documents, count):
        if action == "announce":
            return self.env._(
                "The %(count)s serials entered on %(documents)s are created as "
                "Expected units in the background. You will get a message when "
                "they are ready; it cannot be posted meanwhile.",
                documents=documents,
                count=count,
            )
        return self.env._(
            "%(documents)s is posted; its %(count)s serial units get their new "
            "status in the background. You will get a message when it is done; "
            "it cannot be reset to draft or cancelled meanwhile.",
            documents=documents,
            count=count,
        )

    def _serial_background_job_description(self):
        return self.env._("Serials of %(move)s", move=self.display_name)

    def _serial_background_lock_message(self, values):
        if self.serial_background_action == "announce":
            return self.env._(
                "The serials of %(document)s are being created as Expected units "
                "in the background (asked by %(user)s on %(date)s). You will get "
                "a message when they are ready; its serials cannot be changed and "
                "it cannot be posted or cancelled meanwhile.",
                **values,
            )
        return self.env._(
            "The serial units of %(document)s are getting their new status in the "
            "background (asked by %(user)s on %(date)s). You will get a message "
            "when it is done; it cannot be reset to draft or cancelled meanwhile.",
            **values,
        )

    def _serial_done_message(self):
        if self.serial_background_action == "announce":
            return self.env._(
                "%(document)s is ready: the serials entered were created as "
                "Expected units in the background.",
                document=self.display_name,
            )
        return self.env._(
            "%(document)s: its serial units got their new status in the background.",
            document=self.display_name,
        )

    def _serial_background_give_up(self):
        if self.serial_background_action == "announce":
            # the entry is confirmed again in the dialog
            self._serial_lines().filtered("serial_names_to_announce").write(
                {"serial_names_to_announce": False, "serial_names_announced": 0}
            )

    def _serial_failed_message(self, outcome):
        return self.env._(
            "%(document)s: the background work on its serials stopped. %(outcome)s",
            document=self.display_name,
            outcome=outcome,
        )

    def _serial_failure_outcome(self, error):
        values = self._serial_failure_values(error)
        if self.serial_background_action == "announce":
            return self.env._(
                "%(done)s of %(total)s serials were put on the bill as Expected "
                "units in earlier slices; the other %(left)s are not on it: open "
                "the serials of its line and confirm them again. Why the rest "
                "stopped: %(error)s",
                **values,
            )
        return self.env._(
            "%(done)s of %(total)s serial units got their new status in earlier "
            "slices; the other %(left)s have not. Fix the cause and click Resume, "
            "or reset the document to draft to undo what was done. Why the rest "
            "stopped: %(error)s",
            **values,
        )

    def action_serial_resume_background(self):
        """Go on with a background posting that stopped, from where it
        stopped."""
        moves = self.filtered(
            lambda move: move.serial_background_state == "failed"
            and move.serial_background_action == "post"
            and move.state == "posted"
        )
        if not moves:
            raise UserError(
                self.env._(
                    "Only a posted document whose serial units stopped getting "
                    "their new status in the background can be resumed."
                )
            )
        moves.check_access("write")
        return moves._serial_queue_background("post", keep_progress=True)

    def _serial_target_values(self, kind, move):
        """What posting ``move``, of this kind, writes on its units: the
        status of its kind, and where the unit is now."""
        partner_location = self.env.ref
        values = {"serial_status": kind.status}
        if kind.event == "BILL":
            values.update(
                location_id=move._serial_stock_location().id,
                date_received=move.invoice_date,
            )
        elif kind.event == "INVOICE":
            values.update(
                last_customer_id=move.partner_id.id,
                warranty_date_start=move.invoice_date,
                location_id=partner_location("stock.stock_location_customers").id,
            )
        elif kind.event == "CREDIT_NOTE":
            values.update(location_id=move._serial_stock_location().id)
        else:
            values.update(
                location_id=partner_location("stock.stock_location_suppliers").id
            )
        return values

    def _serial_apply(self, plan, link=False):
        """Give the units of ``plan`` (``_serial_check_and_plan``) the status
        and place of their document, with their history: units that exist
        changed set-based (``stock.lot._serial_change_in_place``), new ones
        created with those values. ``link``: the plan is a slice of the lines'
        units, added to them rather than replacing them."""
        Lot = self.env["stock.lot"].sudo().with_context(**QUIET_CONTEXT)
        created_events, steps = [], []
        with trusted_serial_flow():
            for line, lots, new_names in plan:
                move = line.move_id
                kind = account_move_kind(move.move_type)
                values = self._serial_target_values(kind, move)
                lots._serial_check_transition(values["serial_status"])
                event = {
                    "event_type": kind.event,
                    "document": move,
                    "partner_id": move.partner_id.id,
                    "location_dest_id": values["location_id"],
                }
                steps.append((lots.ids, values, event))
                created = Lot.browse()
                if new_names:
                    created = Lot.create(
                        [
                            {
                                "name": name,
                                "product_id": line.product_id.id,
                                "company_id": move.company_id.id,
                                **values,
                            }
                            for name in new_names
                        ]
                    )
                    created_events += [
                        {
                            **event,
                            "lot": lot,
                            "location_id": False,
                            "previous_values": {"serial_status": False},
                        }
                        for lot in created
                    ]
                if link:
                    added = (lots | created) - line.serial_lot_ids
                    if added:
                        line.sudo().serial_lot_ids = [
                            fields.Command.link(lot_id) for lot_id in added.ids
                        ]
                elif line._serial_mode() == "add" and (
                    created or lots != line.serial_lot_ids
                ):
                    line.sudo().serial_lot_ids = [
                        fields.Command.set((lots | created).ids)
                    ]
        Lot._serial_change_in_place(steps)
        self.env["stock.lot.history"]._record_events(created_events)

    def button_draft(self):
        self._serial_check_not_in_background()
        self.filtered("serial_applied")._serial_reverse()
        # a background posting that stopped is undone with what it did
        stopped = self.filtered(
            lambda move: move.serial_background_state == "failed"
            and move.serial_background_action == "post"
        )
        stopped._serial_background_clear()
        stopped.sudo().serial_background_units_done = 0
        return super().button_draft()

    def button_cancel(self):
        self._serial_check_not_in_background()
        result = super().button_cancel()
        self.filtered(lambda move: move.state == "cancel")._serial_withdraw_expected()
        return result

    def _serial_withdraw_expected(self):
        """A cancelled bill gives up its Expected units: its lines keep the
        serials as names, the units never received are deleted with their
        announcement, and those it had brought in before it was reset are
        no longer Expected (no status, as a unit whose bill was cancelled),
        with a Reversal row."""
        lines = self._serial_lines()
        expected = lines._serial_expected_lots()
        if not expected:
            return
        document_of = {
            lot.id: line.move_id for line in lines for lot in line.serial_lot_ids
        }
        for line in lines.filtered("serial_lot_ids"):
            if line._serial_mode() == "add":
                line.sudo().write(
                    {
                        "serial_names": "\n".join(line._serial_entered_names()),
                        "serial_lot_ids": [fields.Command.clear()],
                    }
                )
        kept = expected.exists()
        if not kept:
            return
        reversal = SERIAL_DOCUMENT_KINDS["reversal"]
        labels = dict(
            self.env["stock.lot.history"]
            ._fields["event_type"]
            ._description_selection(self.env)
        )
        self.env["stock.lot"].sudo()._serial_apply_transitions(
            [(lot.id, {"serial_status": False}) for lot in kept],
            [
                {
                    "lot": lot,
                    "event_type": reversal.event,
                    "document": document_of[lot.id],
                    "previous_values": lot._serial_restorable_values(),
                    "note": self.env._(
                        "Reversal of %(event)s", event=labels["ANNOUNCE"]
                    ),
                }
                for lot in kept
            ],
        )

    def _serial_reverse(self):
        """Undo what posting did to the units, if none has moved on since."""
        History = self.env["stock.lot.history"].sudo()
        rows = History.search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "in", self.ids),
            ],
            order="id",
        )
        # the rows of the last posting: after this document's last reversal
        last_reversal = {}
        for row in rows.filtered(lambda r: r.event_type == "REVERSAL"):
            last_reversal[row.res_id] = row.id
        # a bill's announcement of its Expected units is not an effect of
        # posting: the units stay announced by the draft bill
        announce = SERIAL_DOCUMENT_KINDS["announcement"].event
        rows = rows.filtered(
            lambda r: r.event_type not in ("REVERSAL", announce)
            and r.id > last_reversal.get(r.res_id, 0)
        )
        lots = rows.lot_id
        self._serial_lock(lots)
        latest = History._serial_latest_rows(lots)
        moved_on = [
            (row, latest[row.lot_id.id]) for row in rows if latest[row.lot_id.id] != row
        ]
        event_labels = dict(
            History._fields["event_type"]._description_selection(self.env)
        )
        if moved_on:
            raise UserError(
                self.env._(
                    "%(move)s cannot be reset or cancelled: some of its units have "
                    "moved on since. %(details)s Reverse those documents first.",
                    move=", ".join(self.mapped("display_name")),
                    details=" ".join(
                        self.env._(
                            "%(serial)s: %(event)s on %(document)s.",
                            serial=row.lot_id.name,
                            event=event_labels[later.event_type],
                            document=later.document_name or "-",
                        )
                        for row, later in moved_on[:20]
                    ),
                )
            )
        reversal = SERIAL_DOCUMENT_KINDS["reversal"]
        events, transitions = [], []
        for row in rows:
            lot = row.lot_id
            restore = {
                key: row.previous_values.get(key, False) for key in RESTORABLE_FIELDS
            }
            transitions.append((lot.id, restore))
            events.append(
                {
                    "lot": lot,
                    "event_type": reversal.event,
                    "document": self.browse(row.res_id),
                    "partner_id": row.partner_id.id,
                    "location_id": lot.location_id.id,
                    "location_dest_id": restore["location_id"],
                    "previous_values": lot._serial_restorable_values(),
                    "note": self.env._(
                        "Reversal of %(event)s", event=event_labels[row.event_type]
                    ),
                }
            )
        self.env["stock.lot"].sudo()._serial_apply_transitions(transitions, events)
        self.serial_applied = False

    def unlink(self):
        self._serial_check_not_in_background()
        return super().unlink()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        """A credit note starts with the serials of the document it reverses."""
        reverse_moves = super()._reverse_moves(default_values_list, cancel=cancel)
        # paired by position, as Odoo makes them; a module that returns more or
        # fewer reversals leaves the extra ones without serials, as a line that
        # has no counterpart below does
        for move, reverse in zip(self, reverse_moves, strict=False):
            if reverse.state != "draft":
                continue
            for source, target in zip(
                move._serial_lines(), reverse._serial_lines(), strict=False
            ):
                if source.product_id != target.product_id:
                    continue
                names = source._serial_entered_names()
                if target._serial_mode() == "add":
                    target.serial_names = "\n".join(names)
                else:
                    target.serial_lot_ids = [
                        fields.Command.set(source.serial_lot_ids.ids)
                    ]
        return reverse_moves

    def action_print_serial_labels(self):
        """Labels of the serials billed (or invoiced) on these documents."""
        return self.invoice_line_ids.serial_lot_ids._serial_print_labels()

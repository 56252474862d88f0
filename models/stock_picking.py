# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.serial_flow import ASSIGN_LATER, IN_THE_FOREGROUND
from .product_template import tracks_serials_physically
from .serial_background_work import (  # noqa: F401 - MAX_BACKGROUND_ATTEMPTS read by tests
    BACKGROUND_RUN,
    MAX_BACKGROUND_ATTEMPTS,
)
from .serial_bulk import format_serials
from .stock_speed_path import (
    ENTIRE_PACK_METHODS,
    SANITY_CHECK_METHODS,
    lines_lacking_serial,
    no_line_in_a_package,
    speed_path_applies,
)


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "serial.background.work"]

    @api.model
    def _serial_background_actions(self):
        return [
            ("validate", self.env._("Validate")),
            ("assign", self.env._("Mark as To Do")),
            ("announce", self.env._("Create Expected Units")),
            ("take", self.env._("Put the Selected Units on the Lines")),
        ]

    serial_notice_allowed = fields.Boolean(
        compute="_compute_serial_notice_allowed",
        help="Technical: a vendor's shipping notice may be imported: a receipt "
        "not done of a Track Serials product in physical mode.",
    )

    serial_notice_imported = fields.Boolean(
        readonly=True,
        help="Technical: a shipping notice was imported onto this receipt (or "
        "the receipt it is the backorder of): units entered that it did not "
        "list are flagged, and validating gives the counts.",
    )

    @api.depends("state", "picking_type_code", "move_ids.product_id")
    def _compute_serial_notice_allowed(self):
        for picking in self:
            picking.serial_notice_allowed = (
                picking.picking_type_code == "incoming"
                and picking.state not in ("draft", "done", "cancel")
                and any(
                    move._serial_announces_serials()
                    for move in picking.move_ids
                    if move.state not in ("done", "cancel")
                )
            )

    def action_import_serial_notice(self):
        """The dialog importing a vendor's shipping notice onto this receipt."""
        self.ensure_one()
        if not self.serial_notice_allowed:
            raise UserError(
                self.env._(
                    "%(transfer)s takes no shipping notice: import one on a receipt, "
                    "not done, of a product tracking serials on transfers.",
                    transfer=self.display_name,
                )
            )
        self.check_access("write")
        self._serial_check_not_in_background()
        return self.env["serial.notice.import"]._open_for(self)

    def _serial_has_notice(self):
        """Whether this is a receipt with a shipping notice (a receipt's copy
        keeps the mark: its backorder has the notice's units, its return to
        the vendor none)."""
        return bool(self) and (
            self.serial_notice_imported and self.picking_type_code == "incoming"
        )

    def _serial_close_notice(self, outcome):
        """After the validation that makes this receipt done, its shipping
        notice's units not received (``outcome``,
        ``stock.move._serial_notice_outcomes``) stay Expected on the
        backorder's move of their product, or, without a backorder, are
        deleted with their announcement; the counts of the whole receipt
        posted, the units received by the slices of a validation in the
        background included."""
        self.ensure_one()
        outcome.received |= self._serial_received_units()
        backorder_moves = self.backorder_ids.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        )
        for move, lots in outcome.carried.items():
            backorder_move = backorder_moves.filtered(
                lambda other, move=move: other.product_id == move.product_id
            )[:1]
            if backorder_move:
                backorder_move._serial_carry_expected(lots, outcome.package_of)
        outcome.missing.exists()._serial_discard_expected()
        kept = outcome.missing.exists()
        removed = len(outcome.missing) - len(kept)
        unannounced = outcome.received.filtered("serial_unannounced")
        body = self.env._(
            "Shipping notice: %(announced)s units announced, %(received)s "
            "received, %(missing)s not received.",
            announced=len(outcome.received) - len(unannounced) + len(outcome.missing),
            received=len(outcome.received),
            missing=len(outcome.missing),
        )
        if kept:
            body += " " + self.env._(
                "%(count)s stay Expected on the backorder %(backorder)s.",
                count=len(kept),
                backorder=", ".join(self.backorder_ids.mapped("name")),
            )
        if removed:
            body += " " + self.env._(
                "%(count)s removed, no backorder being made: %(serials)s.",
                count=removed,
                serials=format_serials(
                    self.env,
                    sorted(set(outcome.missing_names) - set(kept.mapped("name"))),
                    limit=20,
                ),
            )
        if unannounced:
            body += " " + self.env._(
                "%(count)s received that the notice did not list, flagged Not on "
                "the Shipping Notice: %(serials)s.",
                count=len(unannounced),
                serials=format_serials(
                    self.env, sorted(unannounced.mapped("name")), limit=20
                ),
            )
        self.message_post(body=body)

    def _serial_received_units(self):
        """The units this receipt's done lines received: one query, without
        loading every line of a large receipt (as
        ``stock.move._serial_lines_units``)."""
        self.ensure_one()
        self.env["stock.move.line"].flush_model(["picking_id", "state", "lot_id"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT lot_id FROM stock_move_line WHERE picking_id = %s "
                "AND state = 'done' AND lot_id IS NOT NULL",
                self.id,
            )
        )
        return self.env["stock.lot"].browse(row[0] for row in self.env.cr.fetchall())

    def action_view_serial_notice_units(self):
        """The units this receipt announced or received: those received, those
        left Expected on its backorder, those not on its notice."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Units of %(receipt)s", receipt=self.display_name),
            "res_model": "stock.lot",
            "view_mode": "list,form",
            "domain": [
                ("history_ids.res_model", "=", self._name),
                ("history_ids.res_id", "=", self.id),
            ],
            "context": {"create": False},
        }

    def button_validate(self):
        if not self.env.context.get(BACKGROUND_RUN):
            self._serial_check_not_in_background()
        # No "you need to supply a serial number" dead end for auto-numbered products.
        self.move_ids._serial_fill_from_format()
        result = super().button_validate()
        self.filtered(
            lambda picking: picking.state == "done"
            and picking.serial_background_state == "failed"
        )._serial_background_clear()
        return result

    def action_cancel(self):
        self._serial_check_not_in_background()
        return super().action_cancel()

    def action_confirm(self):
        """Mark as To Do: a transfer of at least the company's threshold of
        serial units is confirmed at once, and the lines Odoo would make for
        its serial units then (one per unit to come, or the units reserved)
        are made by the background job, slice by slice. A transfer built in
        code (``IN_THE_FOREGROUND``) leaves nothing."""
        if (
            BACKGROUND_RUN in self.env.context
            or ASSIGN_LATER in self.env.context
            or self.env.context.get(IN_THE_FOREGROUND)
        ):
            return super().action_confirm()
        later = self.filtered(
            lambda picking: picking.state == "draft"
            and picking._serial_goes_to_background(
                int(sum(picking._serial_assign_moves().mapped("product_qty")))
            )
        )
        if not later:
            return super().action_confirm()
        result = super(
            StockPicking, self.with_context(**{ASSIGN_LATER: later.ids})
        ).action_confirm()
        left = later.filtered(lambda picking: picking._serial_units_to_assign())
        if not left:
            return result
        return left._serial_queue_validation(action="assign")

    def do_unreserve(self):
        self._serial_check_not_in_background()
        return super().do_unreserve()

    def write(self, vals):
        # the job's own writes carry BACKGROUND_RUN; the job's bookkeeping
        # (serial_background_*) and the chatter are written from outside it
        if not self.env.context.get(BACKGROUND_RUN) and any(
            not field.startswith(("serial_background_", "message_", "activity_"))
            for field in vals
        ):
            self._serial_check_not_in_background()
        result = super().write(vals)
        if "pos_session_id" in vals or "pos_order_id" in vals:
            # the till's picking gets its order or session once Odoo tried it
            self.env["serial.point.of.sale"]._till_report_refused(self)
        return result

    def _get_lot_move_lines_for_sanity_check(
        self, none_done_picking_ids, separate_pickings=True
    ):
        # the stock speed path: Odoo's reads every line of the transfers
        if not speed_path_applies(
            self, steps_aside_for=SANITY_CHECK_METHODS
        ) or not any(
            tracks_serials_physically(move.product_id) for move in self.move_ids
        ):
            return super()._get_lot_move_lines_for_sanity_check(
                none_done_picking_ids, separate_pickings=separate_pickings
            )
        return lines_lacking_serial(self, none_done_picking_ids, separate_pickings)

    def _check_entire_pack(self):
        # the stock speed path: Odoo's reads every line of the transfers to
        # find their packages, at each step of a large Mark as To Do too
        if (
            speed_path_applies(self, steps_aside_for=ENTIRE_PACK_METHODS)
            and any(
                tracks_serials_physically(move.product_id) for move in self.move_ids
            )
            and no_line_in_a_package(self)
        ):
            return
        return super()._check_entire_pack()

    def action_print_serial_labels(self):
        """Labels of the serials this transfer moved (or will move)."""
        return self.move_line_ids.lot_id._serial_print_labels()

    # ------------------------------------------------------------------
    # Transfers and returns built in code (demo data, warranty claims)
    # ------------------------------------------------------------------
    @api.model
    def _serial_create_transfer(
        self, picking_type, source, destination, partner, product, names
    ):
        """A transfer of ``product``'s units ``names``, confirmed and reserved,
        with the serials entered as a user enters them (the entry dialog);
        not validated."""
        picking = self.create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "partner_id": partner.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(names),
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        picking = picking.with_context(**{IN_THE_FOREGROUND: True})
        picking.action_confirm()
        picking.action_assign()
        wizard = picking.env["serial.entry.wizard"].browse(
            picking.move_ids.action_open_serial_entry()["res_id"]
        )
        wizard.action_clear()  # drop what Odoo reserved; take the named units
        wizard.paste_text = "\n".join(names)
        if wizard.mode == "add":
            wizard.action_add_pasted()
        else:
            wizard.action_select_pasted()
        wizard.action_confirm()
        return picking.with_context(**{IN_THE_FOREGROUND: False})

    def _serial_create_return(self, lots):
        """Odoo's return of this transfer (its Return button) for the units
        ``lots`` only, one move line per unit; not validated."""
        self.ensure_one()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=self.id,
                active_ids=self.ids,
                active_model="stock.picking",
            )
            .create({"picking_id": self.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = len(lots & line.move_id.move_line_ids.lot_id)
        returned = wizard._create_return()
        for move in returned.move_ids:
            # a move of the transfer validated in slices is one of several of
            # its product: each return move takes back its own move's units
            units = lots & move.origin_returned_move_id.move_line_ids.lot_id
            move.move_line_ids.unlink()
            # each unit from the quant that holds it, its package included,
            # as Odoo's return reserves it
            self.env["stock.move.line"].create(
                move._serial_unit_line_values(units, at_source=True)
            )
        if returned.move_line_ids.package_id:
            # a package going back whole goes back as it is (Odoo's entire
            # package)
            returned._check_entire_pack()
        return returned

    # ------------------------------------------------------------------
    # Background validation
    # ------------------------------------------------------------------
    def _serial_unit_count(self):
        """Serial units of Track Serials products (physical mode) the transfer
        moves."""
        self.ensure_one()
        return int(
            sum(
                move.quantity
                for move in self.move_ids
                if move.state not in ("done", "cancel")
                and tracks_serials_physically(move.product_id)
            )
        )

    def _serial_picked_unit_count(self):
        """Serial units of Track Serials products (physical mode) the transfer
        moves on picked lines, those a slice of its validation takes (one
        query)."""
        self.ensure_one()
        return self.env["stock.move.line"].search_count(
            [
                ("move_id", "in", self._serial_assign_moves().ids),
                ("picked", "=", True),
                ("quantity", ">", 0),
            ]
        )

    def _serial_goes_to_background(self, units=None):
        """Whether validating these transfers is left to the background job:
        one of them holds at least its company's threshold of serial units
        (or ``units``, for one transfer)."""
        if self.env.context.get(BACKGROUND_RUN):
            return False
        return any(
            picking.company_id._serial_in_background(
                picking._serial_unit_count() if units is None else units
            )
            for picking in self
        )

    def _serial_assign_moves(self):
        """The moves of Track Serials products (physical mode) not done."""
        return self.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
            and tracks_serials_physically(move.product_id)
        )

    def _serial_units_to_assign(self):
        """Serial units whose lines a Mark as To Do left to the background
        job and that have none yet."""
        self.ensure_one()
        return int(
            sum(
                max(move.product_qty - move.quantity, 0)
                for move in self._serial_assign_moves()
                if move.serial_assign_pending
            )
        )

    def _serial_moves_with_entry(self):
        """Moves whose entry (too large for the dialog's request) the
        background job has still to put on their lines: serials to create as
        Expected units, or units selected to leave."""
        return self.move_ids.filtered(
            lambda move: move.serial_names_to_announce or move.serial_lots_to_take
        )

    def _serial_background_lock_message(self, values):
        if self.serial_background_action == "validate":
            return self.env._(
                "%(transfer)s is already being validated in the background "
                "(asked by %(user)s on %(date)s). You will get a message "
                "when it is done; it cannot be changed, validated or "
                "cancelled meanwhile.",
                **values,
            )
        return self.env._(
            "%(transfer)s is being prepared in the background (asked by "
            "%(user)s on %(date)s). You will get a message when it is "
            "ready; it cannot be changed, validated or cancelled meanwhile.",
            **values,
        )

    def _pre_action_done_hook(self):
        result = super()._pre_action_done_hook()
        # Odoo's pre-validation dialogs (backorder, ...) come first: the job
        # only runs what the request would have run next
        if result is not True or not self._serial_goes_to_background():
            return result
        return self._serial_queue_validation()

    def _serial_queue_validation(self, action="validate"):
        """Queue these transfers for the background job, which will
        ``action`` them (validate; assign: make the lines a Mark as To Do
        left; announce: create the Expected units of an entry), and tell the
        user (``serial.background.work._serial_queue_background``)."""
        return self._serial_queue_background(action)

    def _serial_background_units_for(self, action):
        self.ensure_one()
        if action == "assign":
            return self._serial_units_to_assign()
        if action in ("announce", "take"):
            return sum(
                move.serial_names_to_announce.count("\n") + 1
                if move.serial_names_to_announce
                else len(move.serial_lots_to_take)
                for move in self._serial_moves_with_entry()
            )
        return self._serial_unit_count()

    def _serial_queued_title(self, action):
        if action == "validate":
            return self.env._("Validated in the background")
        return self.env._("Prepared in the background")

    def _serial_queued_message(self, action, documents, count):
        if action == "assign":
            return self.env._(
                "%(transfers)s is marked as to do; the lines of its %(count)s "
                "serial units are made in the background. You will get a message "
                "when it is ready.",
                transfers=documents,
                count=count,
            )
        if action == "announce":
            return self.env._(
                "The %(count)s serials entered on %(transfers)s are created as "
                "Expected units in the background. You will get a message when "
                "they are ready.",
                transfers=documents,
                count=count,
            )
        if action == "take":
            return self.env._(
                "The %(count)s units selected on %(transfers)s are put on its "
                "lines in the background. You will get a message when they are "
                "ready.",
                transfers=documents,
                count=count,
            )
        return self.env._(
            "%(transfers)s (%(count)s serial units) is being validated in the "
            "background. You will get a message when it is done.",
            transfers=documents,
            count=count,
        )

    def _serial_background_job_description(self):
        return self.env._("Validate %(transfer)s", transfer=self.display_name)

    @api.model
    def _serial_cron_validate_queued(self, use_new_cursor=False):
        """The scheduled action (its code names this method): every document
        queued for background work, transfers, bills and invoices alike
        (``serial.background.work._serial_cron_run_queued``)."""
        return self.env["serial.background.work"]._serial_cron_run_queued(
            use_new_cursor=use_new_cursor
        )

    def _serial_validate_in_background(self, after_slice=None):
        """The run of this queued transfer's work
        (``serial.background.work._serial_work_in_background``)."""
        return self._serial_work_in_background(after_slice=after_slice)

    def _serial_background_step(self, size):
        """One step of the transfer's background work: Mark as To Do and the
        entries left to the job make the next slice of their lines
        (``_serial_assign_slice``, ``_serial_entry_slice``); validation
        validates the next slice (``_serial_validate_slice``), and the last
        step is Odoo's own ``button_validate``, so that the transfer's own
        effects (its date, backorders, emails) happen once."""
        self.ensure_one()
        action = self.serial_background_action
        if action == "assign":
            count = self._serial_assign_slice(size)
            return count, not self._serial_units_to_assign()
        if action in ("announce", "take"):
            count = self._serial_entry_slice(size)
            return count, not self._serial_moves_with_entry()
        # the slices take picked units only and leave at least one to the
        # last step, which also settles the units not picked (a notice's
        # units not entered) as a validation at once does
        if (
            size
            and self._serial_picked_unit_count() > size
            and self._serial_sliceable()
        ):
            count = self._serial_validate_slice(size)
            if count:
                return count, False
        self.button_validate()
        if self.state != "done":
            raise UserError(
                self.env._(
                    "The transfer changed while it waited and now needs a "
                    "decision (a backorder, for instance): validate it again."
                )
            )
        return None, True

    def _serial_assign_slice(self, size=None):
        """Make the lines of the next ``size`` (all when None) serial units
        that a Mark as To Do left: Odoo's own ``stock.move._action_assign``
        with the quantity to add (``force_qty``), move by move, which creates
        the lines of units to come or reserves units in stock. A move is no
        longer pending once it has all its lines, or when nothing more could
        be reserved (it waits as Odoo leaves it). Returns the units that got
        their line."""
        self.ensure_one()
        count = 0
        for move in self._serial_assign_moves().sorted("id"):
            if not move.serial_assign_pending:
                continue
            if size is not None and count >= size:
                break
            missing = int(max(move.product_qty - move.quantity, 0))
            take = missing if size is None else min(missing, size - count)
            before = move.quantity
            if take:
                move._action_assign(force_qty=take)
            added = int(move.quantity - before)
            count += added
            if added == missing or added < take:
                move.serial_assign_pending = False
        return count

    def _serial_entry_slice(self, size=None):
        """Put the next ``size`` (all when None) serials of the entries left to
        the job on their lines, move by move (``stock.move._serial_enter_next``:
        Expected units on a receipt, selected units on a delivery). Returns
        the count."""
        self.ensure_one()
        count = 0
        for move in self._serial_moves_with_entry().sorted("id"):
            if size is not None and count >= size:
                break
            count += move._serial_enter_next(None if size is None else size - count)
        return count

    def _serial_sliceable(self):
        """Whether the transfer's serial units can be validated in slices:
        plain moves of units (no packages, owners, other units of measure,
        or productions behind them), which Odoo's move split divides
        without changing what they do."""
        self.ensure_one()
        moves = self.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel")
        )
        return not (
            self.owner_id
            or self.env["stock.move.line"].search_count(
                [
                    ("move_id", "in", moves.ids),
                    "|",
                    "|",
                    ("package_id", "!=", False),
                    ("result_package_id", "!=", False),
                    ("owner_id", "!=", False),
                ],
                limit=1,
            )
            or any(
                move.product_uom != move.product_id.uom_id
                or move._fields.get("is_subcontract")
                and move.is_subcontract
                or move._fields.get("production_id")
                and move.production_id
                or move._fields.get("raw_material_production_id")
                and move.raw_material_production_id
                for move in moves
            )
        )

    def _serial_validate_slice(self, size):
        """Validate the first ``size`` serial units of this transfer (by move,
        then line) and nothing else: the units of a move taken in part are
        split off into a move of their own with Odoo's move split, carrying
        their lines, then those moves are validated with Odoo's
        ``stock.move._action_done``, without backorder (each move is done
        whole). Lines not picked (a notice's units not entered) are left to
        the last step, Odoo's validation of the transfer, which carries them
        to the backorder. The transfer stays open for the rest. Returns the
        count."""
        self.ensure_one()
        Move = self.env["stock.move"]
        Line = self.env["stock.move.line"]
        to_validate = Move
        left = size
        for move in self.move_ids.sorted("id"):
            if left <= 0:
                break
            if (
                move.state in ("done", "cancel")
                or not move.picked
                or not tracks_serials_physically(move.product_id)
            ):
                continue
            # searched, not read through the move: a slice of a large move
            # reads only its own lines
            taken = Line.search(
                [
                    ("move_id", "=", move.id),
                    ("quantity", ">", 0),
                    ("picked", "=", True),
                ],
                order="id",
                limit=left,
            )
            if not taken:
                continue
            left -= len(taken)
            whole = len(taken) == Line.search_count([("move_id", "=", move.id)]) and (
                not move.product_uom.compare(move.quantity, move.product_uom_qty)
            )
            if whole:
                to_validate |= move
                continue
            # created in the move's state: confirming it would reserve again
            # (or create lines without serial on a receipt)
            vals_list = move._split(len(taken))
            for vals in vals_list:
                vals["state"] = move.state
            part = Move.create(vals_list)
            # the move's cached lines are dropped first: the ORM would take
            # each line out of that cached list one by one
            move.invalidate_recordset(["move_line_ids"])
            taken.write({"move_id": part.id})
            to_validate |= part
        to_validate._action_done(cancel_backorder=True)
        return size - left

    def _serial_done_message(self):
        if self.serial_background_action == "assign":
            return self.env._(
                "%(transfer)s is ready: the lines of its serial units were made "
                "in the background.",
                transfer=self.display_name,
            )
        if self.serial_background_action == "announce":
            return self.env._(
                "%(transfer)s is ready: the serials entered were created as "
                "Expected units in the background.",
                transfer=self.display_name,
            )
        if self.serial_background_action == "take":
            return self.env._(
                "%(transfer)s is ready: the units selected were put on its lines "
                "in the background.",
                transfer=self.display_name,
            )
        return self.env._(
            "%(transfer)s was validated in the background.",
            transfer=self.display_name,
        )

    def _serial_background_give_up(self):
        if self.serial_background_action in ("announce", "take"):
            # the entry is confirmed again in the dialog
            self._serial_moves_with_entry().write(
                {
                    "serial_names_to_announce": False,
                    "serial_names_announced": 0,
                    "serial_names_entered": 0,
                    "serial_lots_to_take": False,
                    "serial_lots_taken": 0,
                }
            )
        elif self.serial_background_action == "assign":
            # Check Availability makes the lines the job did not
            self.move_ids.filtered(
                "serial_assign_pending"
            ).serial_assign_pending = False

    def _serial_failed_message(self, outcome):
        if self.serial_background_action in ("assign", "announce", "take"):
            return self.env._(
                "%(transfer)s could not be prepared in the background. %(outcome)s",
                transfer=self.display_name,
                outcome=outcome,
            )
        return self.env._(
            "%(transfer)s could not be validated in the background. %(outcome)s",
            transfer=self.display_name,
            outcome=outcome,
        )

    def _serial_failure_outcome(self, error):
        """What a failed background job leaves, in the user's words."""
        values = self._serial_failure_values(error)
        done = values["done"]
        if self.serial_background_action == "announce":
            return self.env._(
                "%(done)s of %(total)s serials were put on the receipt as Expected "
                "units in earlier slices; the other %(left)s are not on it: open "
                "the serials of its line and confirm them again. Why the rest "
                "stopped: %(error)s",
                **values,
            )
        if self.serial_background_action == "take":
            return self.env._(
                "%(done)s of %(total)s selected units were put on the transfer's "
                "lines in earlier slices; the other %(left)s are not on it: open "
                "the serials of its line and confirm them again. Why the rest "
                "stopped: %(error)s",
                **values,
            )
        if not done:
            return self.env._("Nothing was validated. %(error)s", error=error)
        if self.serial_background_action == "assign":
            return self.env._(
                "%(done)s of %(total)s serial units got their lines in earlier "
                "slices; the other %(left)s have none yet (Check Availability "
                "makes them). Why the rest stopped: %(error)s",
                **values,
            )
        return self.env._(
            "%(done)s of %(total)s serial units were validated in earlier "
            "slices and are done; the other %(left)s are still to validate. "
            "Why the rest stopped: %(error)s",
            **values,
        )

    def action_export_epcis(self):
        """The EPCIS document of the serial events of these transfers."""
        name = self[:1].name if len(self) == 1 else self.env._("Transfers")
        return self.env["serial.epcis.export"]._epcis_action(
            [("res_model", "=", "stock.picking"), ("res_id", "in", self.ids)], name
        )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from contextlib import contextmanager

from odoo import Command, api, fields, models
from odoo.exceptions import LockError, UserError
from odoo.tools import config

from ..tools.serial_flow import ASSIGN_LATER, IN_THE_FOREGROUND
from .product_template import tracks_serials_physically
from .serial_bulk import format_serials
from .stock_speed_path import (
    SANITY_CHECK_METHODS,
    lines_lacking_serial,
    speed_path_applies,
)

try:
    import resource
except ImportError:  # not on POSIX: Odoo sets no CPU limit either
    resource = None

_logger = logging.getLogger(__name__)

# context key of a validation that runs in the background job
BACKGROUND_RUN = "serial_background_run"
# context keys of the request that are not replayed in the background job:
# the client's own and the transfers validated together (each is validated on
# its own there)
NOT_REPLAYED = {
    "uid",
    "params",
    "active_id",
    "active_ids",
    "active_model",
    "button_validate_picking_ids",
    BACKGROUND_RUN,
    ASSIGN_LATER,
}
# runs of the job that started a transfer and never finished it (the server
# stopped the worker) before the transfer is reported as failed
MAX_BACKGROUND_ATTEMPTS = 2


@contextmanager
def background_cpu_budget():
    """Inside Odoo's cron worker, the CPU budget of one background validation
    is the cron's real-time limit (``limit_time_real_cron``, by default
    ``limit_time_real``), which Odoo's watchdog enforces anyway, rather than the
    per-request ``limit_time_cpu``: the job exists to take what a request may
    not. Afterwards the worker gets Odoo's per-unit budget again, as its loop
    would give it. Without a CPU limit (threaded server, tests) nothing
    changes."""
    if resource is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY:
        yield
        return

    def used():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def capped(limit):
        return limit if hard == resource.RLIM_INFINITY else min(limit, hard)

    real = config["limit_time_real_cron"]
    if real is None or real < 0:
        real = config["limit_time_real"]
    budget = max(real or 0, config["limit_time_cpu"] or 0)
    resource.setrlimit(
        resource.RLIMIT_CPU,
        (capped(int(used() + budget)) if real else resource.RLIM_INFINITY, hard),
    )
    try:
        yield
    finally:
        resource.setrlimit(
            resource.RLIMIT_CPU,
            (capped(int(used() + (config["limit_time_cpu"] or budget))), hard),
        )


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serial_background_action = fields.Selection(
        [
            ("validate", "Validate"),
            ("assign", "Mark as To Do"),
            ("announce", "Create Expected Units"),
            ("take", "Put the Selected Units on the Lines"),
        ],
        string="Done in the Background",
        copy=False,
        readonly=True,
        help="What the background job does to the transfer: validate it, "
        "create the lines of its serial units (Mark as To Do), create the "
        "serials entered on a receipt as Expected units, or put the units "
        "selected on a delivery on its lines.",
    )
    serial_background_state = fields.Selection(
        [("queued", "Being validated"), ("failed", "Validation failed")],
        string="Background Validation",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Transfers holding many serial units are validated in the background "
        "(Inventory settings): being validated, or the last attempt failed.",
    )
    serial_background_error = fields.Text(
        string="Background Validation Error", copy=False, readonly=True
    )
    serial_background_user_id = fields.Many2one(
        "res.users", string="Validation Asked By", copy=False, readonly=True
    )
    serial_background_date = fields.Datetime(
        string="Validation Asked On", copy=False, readonly=True
    )
    # the request's context, replayed by the job (the choices of Odoo's
    # pre-validation dialogs: backorder or not, and the like)
    serial_background_context = fields.Json(copy=False, readonly=True)
    serial_background_attempts = fields.Integer(copy=False, readonly=True)
    serial_background_units_total = fields.Integer(
        string="Units to Validate", copy=False, readonly=True
    )
    serial_background_units_done = fields.Integer(
        string="Units Validated", copy=False, readonly=True
    )

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
        """After this receipt's validation, its shipping notice's units not
        received (``outcome``, ``stock.move._serial_notice_outcomes``) stay
        Expected on the backorder's move of their product, or, without a
        backorder, are deleted with their announcement; the counts posted."""
        self.ensure_one()
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
            self.env["stock.move.line"].create(
                [
                    {
                        "move_id": move.id,
                        "picking_id": returned.id,
                        "product_id": move.product_id.id,
                        "lot_id": lot.id,
                        "quantity": 1,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                    for lot in units
                ]
            )
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

    def _serial_check_not_in_background(self):
        """Refuse to change a transfer the background job is validating (its
        moves and lines included), unless the change is the job's own."""
        if self.env.context.get(BACKGROUND_RUN):
            return
        queued = self.filtered(lambda p: p.serial_background_state == "queued")
        if queued:
            picking = queued[0]
            values = {
                "transfer": picking.display_name,
                "user": picking.serial_background_user_id.display_name,
                "date": fields.Datetime.to_string(
                    fields.Datetime.context_timestamp(
                        picking, picking.serial_background_date
                    )
                )
                if picking.serial_background_date
                else "",
            }
            if picking.serial_background_action == "validate":
                raise UserError(
                    self.env._(
                        "%(transfer)s is already being validated in the background "
                        "(asked by %(user)s on %(date)s). You will get a message "
                        "when it is done; it cannot be changed, validated or "
                        "cancelled meanwhile.",
                        **values,
                    )
                )
            raise UserError(
                self.env._(
                    "%(transfer)s is being prepared in the background (asked by "
                    "%(user)s on %(date)s). You will get a message when it is "
                    "ready; it cannot be changed, validated or cancelled meanwhile.",
                    **values,
                )
            )

    def _pre_action_done_hook(self):
        result = super()._pre_action_done_hook()
        # Odoo's pre-validation dialogs (backorder, ...) come first: the job
        # only runs what the request would have run next
        if result is not True or not self._serial_goes_to_background():
            return result
        return self._serial_queue_validation()

    def _serial_replayed_context(self):
        """The request's context as the job replays it: what JSON holds, less
        the client's own keys."""
        replayed = {}
        for key, value in self.env.context.items():
            if key in NOT_REPLAYED:
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                continue
            replayed[key] = value
        return replayed

    def _serial_queue_validation(self, action="validate"):
        """Queue these transfers for the background job, which will
        ``action`` them (validate, or assign: make the lines a Mark as To Do
        left), and tell the user. The rows are locked first: two requests
        validating the same transfer at once cannot both queue it, and one the
        job is validating is refused."""
        try:
            self.lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(
                self.env._(
                    "%(transfers)s is being validated right now (by another user "
                    "or in the background); try again in a moment.",
                    transfers=", ".join(self.mapped("display_name")),
                )
            ) from None
        # what another transaction committed before the lock was taken
        self.invalidate_recordset(["serial_background_state"])
        self._serial_check_not_in_background()
        self.write(
            {
                "serial_background_state": "queued",
                "serial_background_action": action,
                "serial_background_error": False,
                "serial_background_user_id": self.env.user.id,
                "serial_background_date": fields.Datetime.now(),
                "serial_background_context": self._serial_replayed_context(),
                "serial_background_attempts": 0,
                "serial_background_units_done": 0,
            }
        )
        for picking in self:
            if action == "assign":
                total = picking._serial_units_to_assign()
            elif action in ("announce", "take"):
                total = sum(
                    move.serial_names_to_announce.count("\n") + 1
                    if move.serial_names_to_announce
                    else len(move.serial_lots_to_take)
                    for move in picking._serial_moves_with_entry()
                )
            else:
                total = picking._serial_unit_count()
            picking.serial_background_units_total = total
        self._serial_start_background_job()
        count = sum(self.mapped("serial_background_units_total"))
        transfers = ", ".join(self.mapped("display_name"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Validated in the background")
                if action == "validate"
                else self.env._("Prepared in the background"),
                "message": self._serial_queued_message(action, transfers, count),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _serial_queued_message(self, action, transfers, count):
        if action == "assign":
            return self.env._(
                "%(transfers)s is marked as to do; the lines of its %(count)s "
                "serial units are made in the background. You will get a message "
                "when it is ready.",
                transfers=transfers,
                count=count,
            )
        if action == "announce":
            return self.env._(
                "The %(count)s serials entered on %(transfers)s are created as "
                "Expected units in the background. You will get a message when "
                "they are ready.",
                transfers=transfers,
                count=count,
            )
        if action == "take":
            return self.env._(
                "The %(count)s units selected on %(transfers)s are put on its "
                "lines in the background. You will get a message when they are "
                "ready.",
                transfers=transfers,
                count=count,
            )
        return self.env._(
            "%(transfers)s (%(count)s serial units) is being validated in the "
            "background. You will get a message when it is done.",
            transfers=transfers,
            count=count,
        )

    def _serial_start_background_job(self):
        """OCA's queue_job when it is installed (its job runners spread the
        work over dedicated workers), else Odoo's scheduled action, triggered
        now."""
        if "queue.job" in self.env.registry and hasattr(self, "with_delay"):
            for picking in self:
                picking.with_delay(
                    description=self.env._(
                        "Validate %(transfer)s", transfer=picking.display_name
                    )
                )._serial_background_job()
            return
        self._serial_trigger_cron()

    def _serial_background_job(self):
        """One OCA queue_job job: one slice of this transfer (or what is left
        of it), the next slice delayed as a job of its own, so that the
        slices of one transfer run one after the other and no job holds more
        than a slice."""
        if self._serial_validate_in_background(after_slice=lambda count: False):
            self._serial_start_background_job()

    @api.model
    def _serial_cron_validate_queued(self, use_new_cursor=False):
        """The scheduled action: every queued transfer, oldest first, slice
        by slice, each slice committed (``use_new_cursor``) through
        ``ir.cron._commit_progress``, which counts serial units.

        A slice is started only while the run has time left (Odoo's cron
        gives each run a few seconds before it stops calling again): the run
        then ends and triggers the action anew, so that its worker reports to
        Odoo's watchdog between runs and no run holds more than a slice or
        two, however large the transfer."""
        Picking = self.sudo()
        queued = Picking.search(
            [("serial_background_state", "=", "queued")],
            order="serial_background_date, id",
        )
        if not use_new_cursor:
            for picking in queued:
                picking._serial_run_queued()
            return
        cron = self.env["ir.cron"]
        if not cron._commit_progress(remaining=queued._serial_units_left()):
            if queued:
                self._serial_trigger_cron()
            return
        for picking in queued:
            more = picking._serial_run_queued(
                after_slice=lambda count: cron._commit_progress(count) > 0
            )
            if more or not cron._commit_progress(
                remaining=(queued - picking)._serial_units_left()
            ):
                self._serial_trigger_cron()
                return

    def _serial_trigger_cron(self):
        """Run the scheduled action now (its trigger wakes a cron worker)."""
        self.env.ref(
            "serial_tracking.ir_cron_serial_background_validation"
        ).sudo()._trigger()

    def _serial_units_left(self):
        """Serial units of these queued transfers still to validate (at least
        one each: a transfer without serial units is still work)."""
        left = 0
        for picking in self:
            total = picking.serial_background_units_total
            left += max(total - picking.serial_background_units_done, 1)
        return left

    def _serial_run_queued(self, after_slice=None):
        """Validate this queued transfer, or say why not. Returns whether
        work is left for a later run (``after_slice`` said stop)."""
        self.ensure_one()
        if self.serial_background_attempts >= MAX_BACKGROUND_ATTEMPTS:
            # earlier runs started a slice and the server stopped them: their
            # work was rolled back; say so rather than try forever
            self._serial_background_failed(
                self.env._(
                    "The server stopped the validation before it ended (its "
                    "time or memory limit for scheduled actions). Ask your "
                    "administrator to raise limit_time_real_cron, lower the "
                    "validation slices (Inventory settings), or split the transfer."
                )
            )
            return False
        if after_slice is None:
            return self._serial_validate_in_background()
        # counted and committed first: a run the server stops is seen by the
        # next one
        self.serial_background_attempts += 1
        self.env["ir.cron"]._commit_progress(0)
        with background_cpu_budget():
            return self._serial_validate_in_background(after_slice=after_slice)

    def _serial_validate_in_background(self, after_slice=None):
        """Validate this queued transfer as the user who asked, with the
        request's context. Above the company's slice size, the serial units
        are validated slice by slice (``_serial_validate_slice``), each in a
        savepoint, then ``after_slice(count)`` is called (it commits, in the
        scheduled action and OCA's queue_job) and says whether to go on; the
        last slice is Odoo's own ``button_validate``, so that the transfer's
        own effects (its date, backorders, emails) happen once. On any error,
        that slice is undone, the slices before it stay done, and the error
        is recorded on the transfer and the user told. Returns whether work
        is left."""
        self.ensure_one()
        picking = self.sudo()
        user = picking.serial_background_user_id or self.env.user
        while True:
            if not picking.try_lock_for_update(allow_referencing=True):
                return False  # another run is at it
            picking.invalidate_recordset()
            if picking.serial_background_state != "queued":
                return False
            validating = (
                picking.with_user(user)
                .with_context(
                    **(picking.serial_background_context or {}),
                    **{BACKGROUND_RUN: True},
                )
                .with_company(picking.company_id)
            )
            size = picking.company_id.serial_validation_slice_size
            action = picking.serial_background_action
            # Mark as To Do and the Expected units: the slice is made by the
            # job; validation: the last step is Odoo's own validation
            prepares = action in ("assign", "announce", "take")
            if prepares:
                last = False  # known once the slice is made
            else:
                last = not (
                    size > 0
                    and picking._serial_unit_count() > size
                    and picking._serial_sliceable()
                )
            error = None
            started = (time.monotonic(), time.process_time())
            try:
                with self.env.cr.savepoint():
                    if action == "assign":
                        count = validating._serial_assign_slice(
                            size if size > 0 else None
                        )
                        last = not picking._serial_units_to_assign()
                    elif action in ("announce", "take"):
                        count = validating._serial_entry_slice(
                            size if size > 0 else None
                        )
                        last = not picking._serial_moves_with_entry()
                    elif last:
                        validating.button_validate()
                        if validating.state != "done":
                            raise UserError(
                                self.env._(
                                    "The transfer changed while it waited and now "
                                    "needs a decision (a backorder, for instance): "
                                    "validate it again."
                                )
                            )
                    else:
                        count = validating._serial_validate_slice(size)
            except UserError as exc:
                error = exc.args[0]
            except Exception as exc:  # noqa: BLE001 - any failure is reported to the user
                _logger.exception("Background validation of %s failed", picking.name)
                error = f"{type(exc).__name__}: {exc}"
            picking.invalidate_recordset()
            if error:
                picking._serial_background_failed(error)
                return False
            if last:
                picking._serial_log_step(count if prepares else None, started)
                picking._serial_background_done()
                return False
            picking._serial_log_step(count, started)
            picking.write(
                {
                    "serial_background_units_done": picking.serial_background_units_done
                    + count,
                    "serial_background_attempts": 0,
                }
            )
            if after_slice is not None and not after_slice(count):
                return True

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

    def _serial_log_step(self, count, started):
        """One line in Odoo's log per step of a background job (make scale
        reads them): its units, its duration and this process's CPU time in
        it (a busy machine shows as the difference), and the process's peak
        memory so far."""
        peak = (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            if resource
            else 0
        )
        _logger.info(
            "Background validation of %s: %s in %.1f s (%.1f s CPU), %s of %s "
            "serial units done before it; peak memory %s MiB",
            self.name,
            f"a slice of {count} serial units" if count else "the last step",
            time.monotonic() - started[0],
            time.process_time() - started[1],
            self.serial_background_units_done,
            self.serial_background_units_total,
            peak,
        )

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
        whole). The transfer stays open for the rest. Returns the count."""
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
                [("move_id", "=", move.id), ("quantity", ">", 0)],
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

    def _serial_background_clear(self):
        self.sudo().write(
            {
                "serial_background_state": False,
                "serial_background_error": False,
                "serial_background_context": False,
                "serial_background_attempts": 0,
            }
        )

    def _serial_background_done(self):
        user = self.serial_background_user_id
        self._serial_background_clear()
        message = (
            self.env._(
                "%(transfer)s is ready: the lines of its serial units were made "
                "in the background.",
                transfer=self.display_name,
            )
            if self.serial_background_action == "assign"
            else self.env._(
                "%(transfer)s is ready: the serials entered were created as "
                "Expected units in the background.",
                transfer=self.display_name,
            )
            if self.serial_background_action == "announce"
            else self.env._(
                "%(transfer)s is ready: the units selected were put on its lines "
                "in the background.",
                transfer=self.display_name,
            )
            if self.serial_background_action == "take"
            else self.env._(
                "%(transfer)s was validated in the background.",
                transfer=self.display_name,
            )
        )
        self._serial_background_notify(user, message, "success")

    def _serial_background_failed(self, error):
        """Record why the validation stopped, and what of it is done: the
        slices validated before the failure stay done."""
        user = self.serial_background_user_id
        if self.serial_background_action in ("announce", "take"):
            # the entry is confirmed again in the dialog
            self._serial_moves_with_entry().write(
                {
                    "serial_names_to_announce": False,
                    "serial_names_announced": 0,
                    "serial_lots_to_take": False,
                    "serial_lots_taken": 0,
                }
            )
        elif self.serial_background_action == "assign":
            # Check Availability makes the lines the job did not
            self.move_ids.filtered(
                "serial_assign_pending"
            ).serial_assign_pending = False
        outcome = self._serial_failure_outcome(error)
        self.sudo().write(
            {
                "serial_background_state": "failed",
                "serial_background_error": outcome,
                "serial_background_context": False,
                "serial_background_attempts": 0,
            }
        )
        message = (
            self.env._(
                "%(transfer)s could not be prepared in the background. %(outcome)s",
                transfer=self.display_name,
                outcome=outcome,
            )
            if self.serial_background_action in ("assign", "announce", "take")
            else self.env._(
                "%(transfer)s could not be validated in the background. %(outcome)s",
                transfer=self.display_name,
                outcome=outcome,
            )
        )
        self._serial_background_notify(user, message, "danger")
        if user:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_warning",
                user_id=user.id,
                summary=self.env._("Background validation failed"),
                note=outcome,
            )

    def _serial_failure_outcome(self, error):
        """What a failed background job leaves, in the user's words."""
        done = self.serial_background_units_done
        values = {
            "done": done,
            "total": self.serial_background_units_total,
            "left": self.serial_background_units_total - done,
            "error": error,
        }
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

    def _serial_background_notify(self, user, message, kind):
        """The outcome in the transfer's chatter, addressed to the user who
        asked (their inbox or email), and at once in their open browser."""
        self.sudo().message_post(
            body=message,
            partner_ids=user.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        if user:
            user._bus_send(
                "simple_notification",
                {
                    "type": kind,
                    "title": self.env._("Background validation"),
                    "message": message,
                    "sticky": kind == "danger",
                },
            )

    def action_export_epcis(self):
        """The EPCIS document of the serial events of these transfers."""
        name = self[:1].name if len(self) == 1 else self.env._("Transfers")
        return self.env["serial.epcis.export"]._epcis_action(
            [("res_model", "=", "stock.picking"), ("res_id", "in", self.ids)], name
        )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError
from odoo.tools import config

from ..tools.serial_flow import ASSIGN_LATER

try:
    import resource
except ImportError:  # not on POSIX: Odoo sets no CPU limit either
    resource = None

_logger = logging.getLogger(__name__)

# context key of work that runs in the background job
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
# runs of the job that started a document's work and never finished it (the
# server stopped the worker) before the document is reported as failed
MAX_BACKGROUND_ATTEMPTS = 2


@contextmanager
def background_cpu_budget():
    """Inside Odoo's cron worker, the CPU budget of one background run is the
    cron's real-time limit (``limit_time_real_cron``, by default
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


class SerialBackgroundWork(models.AbstractModel):
    """Work on a document too large for one request or one transaction (a
    transfer validated, a bill's Expected units created, an invoice's units
    changed), done by the background job slice by slice, each slice a
    transaction of its own: the queue, the one scheduled action (or OCA's
    queue_job) that runs every document's slices, oldest first, the lock and
    progress shown on the document, the outcome told to the user who asked.

    A model inheriting it says what its work is: ``_serial_background_actions``
    (the selection of actions), ``_serial_background_step(size)`` (one slice),
    ``_serial_background_units_for(action)`` (the units to do), and its
    messages (``_serial_queued_message``, ``_serial_background_lock_message``,
    ``_serial_done_message``, ``_serial_failed_message``,
    ``_serial_failure_outcome``); ``_serial_background_give_up`` undoes what a
    failure must not leave behind."""

    _name = "serial.background.work"
    _description = "Serials: Work Done in the Background"

    serial_background_action = fields.Selection(
        selection="_serial_background_actions",
        string="Done in the Background",
        copy=False,
        readonly=True,
        help="What the background job does to the document.",
    )
    serial_background_state = fields.Selection(
        [("queued", "Being validated"), ("failed", "Validation failed")],
        string="Background Validation",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Documents holding many serial units are worked on in the background "
        "(Inventory settings): in progress, or the last attempt failed.",
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

    @api.model
    def _serial_background_actions(self):
        return []

    # ------------------------------------------------------------------
    # What each document gives
    # ------------------------------------------------------------------
    def _serial_background_step(self, size):
        """Do the next ``size`` (all when None) units of the work, as the
        user who asked, in the job's transaction; returns (units done, whether
        the work is complete). ``count`` None: the last step, not counted."""
        raise NotImplementedError

    def _serial_background_units_for(self, action):
        raise NotImplementedError

    def _serial_queued_message(self, action, documents, count):
        raise NotImplementedError

    def _serial_background_lock_message(self, values):
        raise NotImplementedError

    def _serial_done_message(self):
        raise NotImplementedError

    def _serial_failed_message(self, outcome):
        raise NotImplementedError

    def _serial_failure_outcome(self, error):
        raise NotImplementedError

    def _serial_failure_values(self, error):
        """What a failure message names: the units done in earlier slices,
        the total, those left, and why the rest stopped."""
        done = self.serial_background_units_done
        return {
            "done": done,
            "total": self.serial_background_units_total,
            "left": self.serial_background_units_total - done,
            "error": error,
        }

    def _serial_background_give_up(self):
        """What a failure undoes besides recording it (nothing by default)."""

    def _serial_background_job_description(self):
        return self.env._("Serials of %(document)s", document=self.display_name)

    # ------------------------------------------------------------------
    # The lock
    # ------------------------------------------------------------------
    def _serial_check_not_in_background(self):
        """Refuse to change a document the background job is working on,
        unless the change is the job's own."""
        if self.env.context.get(BACKGROUND_RUN):
            return
        queued = self.filtered(lambda p: p.serial_background_state == "queued")
        if not queued:
            return
        record = queued[0]
        values = {
            "transfer": record.display_name,
            "document": record.display_name,
            "user": record.serial_background_user_id.display_name,
            "date": fields.Datetime.to_string(
                fields.Datetime.context_timestamp(record, record.serial_background_date)
            )
            if record.serial_background_date
            else "",
        }
        raise UserError(record._serial_background_lock_message(values))

    # ------------------------------------------------------------------
    # The queue
    # ------------------------------------------------------------------
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

    def _serial_queue_background(self, action, keep_progress=False):
        """Queue these documents for the background job, which will
        ``action`` them, and tell the user. The rows are locked first: two
        requests on the same document at once cannot both queue it, and one
        the job is working on is refused. ``keep_progress``: the work goes on
        from where it stopped (a failed job resumed)."""
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
        values = {
            "serial_background_state": "queued",
            "serial_background_action": action,
            "serial_background_error": False,
            "serial_background_user_id": self.env.user.id,
            "serial_background_date": fields.Datetime.now(),
            "serial_background_context": self._serial_replayed_context(),
            "serial_background_attempts": 0,
        }
        if not keep_progress:
            values["serial_background_units_done"] = 0
        self.write(values)
        if not keep_progress:
            for record in self:
                record.serial_background_units_total = (
                    record._serial_background_units_for(action)
                )
        self._serial_start_background_job()
        return self._serial_queued_notification(action)

    def _serial_queued_notification(self, action):
        """What the user is told when these documents were queued."""
        count = sum(
            record.serial_background_units_total - record.serial_background_units_done
            for record in self
        )
        documents = ", ".join(self.mapped("display_name"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self._serial_queued_title(action),
                "message": self._serial_queued_message(action, documents, count),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _serial_queued_title(self, action):
        return self.env._("Done in the background")

    def _serial_start_background_job(self):
        """OCA's queue_job when it is installed (its job runners spread the
        work over dedicated workers), else Odoo's scheduled action, triggered
        now."""
        if "queue.job" in self.env.registry and hasattr(self, "with_delay"):
            for record in self:
                record.with_delay(
                    description=record._serial_background_job_description()
                )._serial_background_job()
            return
        self._serial_trigger_cron()

    def _serial_background_job(self):
        """One OCA queue_job job: one slice of this document's work (or what
        is left of it), the next slice delayed as a job of its own, so that
        the slices of one document run one after the other and no job holds
        more than a slice."""
        if self._serial_work_in_background(after_slice=lambda count: False):
            self._serial_start_background_job()

    def _serial_trigger_cron(self):
        """Run the scheduled action now (its trigger wakes a cron worker)."""
        self.env.ref(
            "serial_tracking.ir_cron_serial_background_validation"
        ).sudo()._trigger()

    @api.model
    def _serial_background_queued(self):
        """Every queued document of every model doing background work, oldest
        first."""
        queued = []
        for name in self.env.registry[self._name]._inherit_children:
            Model = self.env[name].sudo()
            if Model._abstract:
                continue
            queued += Model.search([("serial_background_state", "=", "queued")])
        return sorted(
            queued,
            key=lambda record: (
                record.serial_background_date or fields.Datetime.now(),
                record._name,
                record.id,
            ),
        )

    @api.model
    def _serial_cron_run_queued(self, use_new_cursor=False):
        """The scheduled action: every queued document, oldest first, slice by
        slice, each slice committed (``use_new_cursor``) through
        ``ir.cron._commit_progress``, which counts serial units.

        A slice is started only while the run has time left (Odoo's cron
        gives each run a few seconds before it stops calling again): the run
        then ends and triggers the action anew, so that its worker reports to
        Odoo's watchdog between runs and no run holds more than a slice or
        two, however large the document."""
        queued = self._serial_background_queued()
        if not use_new_cursor:
            for record in queued:
                record._serial_run_queued()
            return
        cron = self.env["ir.cron"]
        if not cron._commit_progress(remaining=self._serial_units_left(queued)):
            if queued:
                self._serial_trigger_cron()
            return
        for position, record in enumerate(queued):
            more = record._serial_run_queued(
                after_slice=lambda count: cron._commit_progress(count) > 0
            )
            if more or not cron._commit_progress(
                remaining=self._serial_units_left(queued[position + 1 :])
            ):
                self._serial_trigger_cron()
                return

    @api.model
    def _serial_units_left(self, records):
        """Serial units of these queued documents still to do (at least one
        each: a document without serial units is still work)."""
        return sum(
            max(
                record.serial_background_units_total
                - record.serial_background_units_done,
                1,
            )
            for record in records
        )

    # ------------------------------------------------------------------
    # The run
    # ------------------------------------------------------------------
    def _serial_run_queued(self, after_slice=None):
        """Work on this queued document, or say why not. Returns whether
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
                    "validation slices (Inventory settings), or split the "
                    "document."
                )
            )
            return False
        if after_slice is None:
            return self._serial_work_in_background()
        # counted and committed first: a run the server stops is seen by the
        # next one
        self.serial_background_attempts += 1
        self.env["ir.cron"]._commit_progress(0)
        with background_cpu_budget():
            return self._serial_work_in_background(after_slice=after_slice)

    def _serial_work_in_background(self, after_slice=None):
        """Work on this queued document as the user who asked, with the
        request's context, slice by slice (``_serial_background_step``), each
        in a savepoint, then ``after_slice(count)`` is called (it commits, in
        the scheduled action and OCA's queue_job) and says whether to go on.
        On any error, that slice is undone, the slices before it stay done,
        and the error is recorded on the document and the user told. Returns
        whether work is left."""
        self.ensure_one()
        record = self.sudo()
        user = record.serial_background_user_id or self.env.user
        while True:
            if not record.try_lock_for_update(allow_referencing=True):
                return False  # another run is at it
            record.invalidate_recordset()
            if record.serial_background_state != "queued":
                return False
            working = (
                record.with_user(user)
                .with_context(
                    **(record.serial_background_context or {}),
                    **{BACKGROUND_RUN: True},
                )
                .with_company(record.company_id)
            )
            size = record.company_id.serial_validation_slice_size
            error = None
            count = last = None
            started = (time.monotonic(), time.process_time())
            try:
                with self.env.cr.savepoint():
                    count, last = working._serial_background_step(
                        size if size > 0 else None
                    )
            except UserError as exc:
                error = exc.args[0]
            except Exception as exc:  # noqa: BLE001 - any failure is reported to the user
                _logger.exception("Background work on %s failed", record.display_name)
                error = f"{type(exc).__name__}: {exc}"
            record.invalidate_recordset()
            if error:
                record._serial_background_failed(error)
                return False
            record._serial_log_step(count, started)
            if last:
                record._serial_background_done()
                return False
            record.write(
                {
                    "serial_background_units_done": record.serial_background_units_done
                    + count,
                    "serial_background_attempts": 0,
                }
            )
            if after_slice is not None and not after_slice(count):
                return True

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
            (self.display_name or "").replace(" ", "_"),
            f"a slice of {count} serial units" if count else "the last step",
            time.monotonic() - started[0],
            time.process_time() - started[1],
            self.serial_background_units_done,
            self.serial_background_units_total,
            peak,
        )

    # ------------------------------------------------------------------
    # The outcome
    # ------------------------------------------------------------------
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
        self._serial_background_notify(user, self._serial_done_message(), "success")

    def _serial_background_failed(self, error):
        """Record why the work stopped, and what of it is done: the slices
        done before the failure stay done."""
        user = self.serial_background_user_id
        # the job's own bookkeeping, not a change the lock refuses
        self.with_context(**{BACKGROUND_RUN: True})._serial_background_give_up()
        outcome = self._serial_failure_outcome(error)
        self.sudo().write(
            {
                "serial_background_state": "failed",
                "serial_background_error": outcome,
                "serial_background_context": False,
                "serial_background_attempts": 0,
            }
        )
        message = self._serial_failed_message(outcome)
        self._serial_background_notify(user, message, "danger")
        if user:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_warning",
                user_id=user.id,
                summary=self.env._("Background validation failed"),
                note=outcome,
            )

    def _serial_background_notify(self, user, message, kind):
        """The outcome in the document's chatter, addressed to the user who
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

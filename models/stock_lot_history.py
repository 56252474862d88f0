# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2.extras import Json as PsycopgJson

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools.serial_rules import (
    EVENT_TRACE_DIRECTION,
    HISTORY_EVENT_TYPES,
    TRACE_DIRECTIONS,
    TRACE_RELATIONS,
)


class StockLotHistory(models.Model):
    """One row per event in the life of a serial-numbered unit.

    Rows are append-only: they are written by :meth:`_record_events`, the single
    entry point every flow uses, and can be neither edited nor deleted.
    """

    _name = "stock.lot.history"
    _description = "Serial History"
    _order = "date desc, id desc"
    _rec_name = "lot_id"
    # date and user_id say when and by whom; the log columns would only add
    # two foreign-key checks to every row of a document's history
    _log_access = False

    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, index=True, readonly=True
    )
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product Template",
        required=True,
        index=True,
        readonly=True,
    )
    # not indexed, nor event_type: rows are always looked up by serial,
    # product or document, and every index slows the writing of every row
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True
    )
    date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        index=True,
        readonly=True,
    )
    event_type = fields.Selection(
        HISTORY_EVENT_TYPES, string="Event", required=True, readonly=True
    )
    quantity = fields.Float(default=1.0, readonly=True)
    location_id = fields.Many2one("stock.location", string="From", readonly=True)
    location_dest_id = fields.Many2one("stock.location", string="To", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Partner", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="User", default=lambda self: self.env.user, readonly=True
    )
    res_model = fields.Char(string="Document Model", readonly=True)
    # indexed for the reversal of a document, which reads the rows it wrote
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", readonly=True, index=True
    )
    document_name = fields.Char(string="Document", readonly=True)
    document_ref = fields.Reference(
        selection="_selection_document_ref",
        string="Document Link",
        compute="_compute_document_ref",
    )
    note = fields.Char(readonly=True)
    trace_direction = fields.Selection(
        TRACE_DIRECTIONS,
        string="Direction",
        compute="_compute_trace_direction",
        help="Upstream: where the unit came from (vendor, bill, receipt, build). "
        "Downstream: where it went (customer, invoice, delivery, the product it "
        "went into).",
    )
    trace_relation = fields.Selection(
        TRACE_RELATIONS,
        string="Relation",
        compute="_compute_trace_relation",
        help="In a trace: whether this row is of the traced unit, of a component "
        "built into it, or of a finished product it was built into.",
    )
    previous_values = fields.Json(
        readonly=True,
        help="Technical: the unit's status, location, customer and dates before this "
        "event, so that reversing its document restores them.",
    )

    @api.model
    def _selection_document_ref(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    @api.depends("res_model", "res_id")
    def _compute_document_ref(self):
        for row in self:
            if row.res_model and row.res_id and row.res_model in self.env:
                row.document_ref = f"{row.res_model},{row.res_id}"
            else:
                row.document_ref = False

    @api.depends("event_type")
    def _compute_trace_direction(self):
        for row in self:
            row.trace_direction = EVENT_TRACE_DIRECTION.get(row.event_type)

    @api.depends("lot_id")
    @api.depends_context(
        "serial_trace_lot_id", "serial_trace_components", "serial_trace_finished"
    )
    def _compute_trace_relation(self):
        context = self.env.context
        relations = {context.get("serial_trace_lot_id"): "unit"}
        relations.update(
            dict.fromkeys(context.get("serial_trace_components", ()), "component")
        )
        relations.update(
            dict.fromkeys(context.get("serial_trace_finished", ()), "finished")
        )
        relations.pop(None, None)
        for row in self:
            row.trace_relation = relations.get(row.lot_id.id, False)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Serial history is written by the documents that move serials."
                )
            )
        return super().create(vals_list)

    # The history is append-only, even for the superuser: writing and deleting
    # are refused before anything else, with a message that says so.
    def write(self, vals):  # pylint: disable=method-required-super
        raise AccessError(self.env._("Serial history cannot be changed."))

    def unlink(self):  # pylint: disable=method-required-super
        # pylint: disable=no-raise-unlink
        raise AccessError(self.env._("Serial history cannot be deleted."))

    @api.model
    def _record_events(self, events):
        """Append history rows, one per event, in a single batch.

        ``events`` is a list of dicts with at least ``lot`` (a stock.lot record
        or id) and ``event_type``; optional keys: ``date``, ``quantity``,
        ``location_id``, ``location_dest_id``, ``partner_id``, ``document`` (any
        record, linked and named), ``note``.
        """
        columns = (
            "lot_id",
            "product_id",
            "product_tmpl_id",
            "company_id",
            "event_type",
            "date",
            "quantity",
            "location_id",
            "location_dest_id",
            "partner_id",
            "user_id",
            "res_model",
            "res_id",
            "document_name",
            "note",
            "previous_values",
        )
        if not events:
            return self.browse()
        lot_ids = [
            event["lot"] if isinstance(event["lot"], int) else event["lot"].id
            for event in events
        ]
        # product, template and company of every serial, in one query
        self.env["stock.lot"].flush_model(["product_id", "company_id"])
        self.env.cr.execute(
            """SELECT lot.id, lot.product_id, product.product_tmpl_id, lot.company_id
                 FROM stock_lot lot
                 JOIN product_product product ON product.id = lot.product_id
                WHERE lot.id = ANY(%s)""",
            [list(set(lot_ids))],
        )
        lot_facts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        now = fields.Datetime.now()
        names = {}  # a document's name is computed once, however many units it moves
        rows = []
        for lot_id, event in zip(lot_ids, events, strict=True):
            product_id, template_id, company_id = lot_facts[lot_id]
            document = event.get("document")
            if document and document not in names:
                names[document] = document.display_name
            previous = event.get("previous_values")
            rows.append(
                (
                    lot_id,
                    product_id,
                    template_id,
                    company_id or self.env.company.id,
                    event["event_type"],
                    event.get("date") or now,
                    event.get("quantity", 1.0),
                    event.get("location_id") or None,
                    event.get("location_dest_id") or None,
                    event.get("partner_id") or None,
                    self.env.uid,
                    document._name if document else None,
                    document.id if document else None,
                    names[document] if document else None,
                    event.get("note") or None,
                    PsycopgJson(previous) if previous else None,
                )
            )
        # Rows are append-only and have no computed or related fields: written
        # with plain multi-row INSERTs instead of the ORM's per-record create
        # (a large part of posting a bill of many serials). Every
        # record they point to already has its row (the ORM inserts on create).
        ids = []
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            self.env.cr.execute(
                SQL(
                    "INSERT INTO stock_lot_history (%s) VALUES %s RETURNING id",
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                    SQL(", ").join(SQL("%s", row) for row in chunk),
                )
            )
            ids += [row_id for (row_id,) in self.env.cr.fetchall()]
        self.env["stock.lot"].invalidate_model(["history_ids", "history_count"])
        self.env["product.template"].invalidate_model(["serial_history_count"])
        return self.browse(ids)

    @api.model
    def _serial_first_dates(self, documents):
        """Document id -> the date of the first row the document wrote, for
        ``documents`` (records of one model), in one query."""
        if not documents:
            return {}
        self.flush_model(["res_model", "res_id", "date"])
        rows = self.env.execute_query(
            SQL(
                "SELECT res_id, MIN(date) FROM stock_lot_history"
                " WHERE res_model = %s AND res_id = ANY(%s) GROUP BY res_id",
                documents._name,
                documents.ids,
            )
        )
        return dict(rows)

    @api.model
    def _serial_latest_rows(self, lots):
        """The most recent history row of each unit (rows are append-only, so
        the highest id is the latest), in one query."""
        if not lots:
            return {}
        self.flush_model(["lot_id"])
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (lot_id) lot_id, id
              FROM stock_lot_history
             WHERE lot_id = ANY(%s)
          ORDER BY lot_id, id DESC
            """,
            [lots.ids],
        )
        return {
            lot_id: self.browse(row_id) for lot_id, row_id in self.env.cr.fetchall()
        }

    def action_open_document(self):
        self.ensure_one()
        if not self.document_ref:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_serial_trace(self):
        self.ensure_one()
        return self.lot_id.action_serial_trace()

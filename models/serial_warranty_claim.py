# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import plaintext2html

from ..tools.serial_flow import QUIET_CONTEXT, trusted_serial_flow
from ..tools.serial_rules import (
    CLAIM_STATE_TRANSITIONS,
    CLAIM_STATES,
    SERIAL_DOCUMENT_KINDS,
    WARRANTY_STATUSES,
    warranty_status_on,
)

# A claim's outcome and the document accepting it creates.
RESOLUTIONS = [
    ("return", "Return"),
    ("credit_note", "Credit Note"),
    ("repair", "Repair"),
]


class SerialWarrantyClaim(models.Model):
    """A customer's claim on one serial-numbered unit they bought.

    Accepting it creates the document that settles it, prefilled with exactly
    that unit: the return of the delivery that shipped it (and optionally a
    replacement delivery), a credit note reversing the invoice that sold it, or
    a repair order when Odoo's Repairs app is installed.
    """

    _name = "serial.warranty.claim"
    _description = "Warranty Claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_serial', '=', True), ('holder_partner_id', '!=', False)]",
        tracking=True,
    )
    product_id = fields.Many2one(
        related="lot_id.product_id", store=True, string="Product"
    )
    tracking_mode = fields.Selection(related="lot_id.serial_tracking_mode")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date = fields.Date(
        string="Claim Date",
        required=True,
        default=fields.Date.context_today,
    )
    reason = fields.Char(required=True, help="What is wrong with the unit.")
    notes = fields.Text()
    attachment = fields.Binary(attachment=True, help="A photo or a document.")
    attachment_name = fields.Char()
    state = fields.Selection(
        CLAIM_STATES,
        string="Status",
        default="new",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    warranty_date_end = fields.Date(
        related="lot_id.warranty_date_end", string="Warranty End"
    )
    warranty_status = fields.Selection(
        WARRANTY_STATUSES,
        compute="_compute_warranty_status",
        store=True,
        help="Whether the unit was under warranty on the claim date.",
    )
    resolution = fields.Selection(
        selection="_selection_resolution",
        compute="_compute_resolution",
        store=True,
        readonly=False,
        tracking=True,
        help="Return: Odoo's return of the delivery that shipped the unit.\n"
        "Credit Note: the reversal of the invoice that sold it, for this unit only.\n"
        "Repair: a repair order for the unit (Repairs app).",
    )
    send_replacement = fields.Boolean(
        help="With a return: also prepare a delivery of a new unit to the customer."
    )
    refusal_reason = fields.Text()
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return", readonly=True, copy=False
    )
    replacement_picking_id = fields.Many2one(
        "stock.picking", string="Replacement Delivery", readonly=True, copy=False
    )
    credit_note_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, copy=False
    )
    # repair.order exists only when Repairs is installed: a plain reference
    repair_order_id = fields.Many2oneReference(
        string="Repair Order", model_field="repair_model", readonly=True, copy=False
    )
    repair_model = fields.Char(default="repair.order", readonly=True)
    repair_available = fields.Boolean(compute="_compute_repair_available")

    # one open claim per unit, also against two claims filed at the same moment
    _one_open_claim_per_unit = models.UniqueIndex(
        "(lot_id) WHERE state IN ('new', 'accepted')",
        "This serial number already has an open claim.",
    )

    @api.model
    def _selection_resolution(self):
        if "repair.order" in self.env:
            return RESOLUTIONS
        return [item for item in RESOLUTIONS if item[0] != "repair"]

    @api.depends("lot_id")
    def _compute_company_id(self):
        for claim in self:
            claim.company_id = claim.lot_id.company_id or self.env.company

    @api.depends("lot_id")
    def _compute_partner_id(self):
        for claim in self:
            if claim.lot_id.holder_partner_id and not claim.partner_id:
                claim.partner_id = claim.lot_id.holder_partner_id

    @api.depends("lot_id.warranty_date_end", "date")
    def _compute_warranty_status(self):
        for claim in self:
            claim.warranty_status = warranty_status_on(
                claim.lot_id.warranty_date_end, claim.date or fields.Date.today()
            )

    @api.depends("lot_id")
    def _compute_resolution(self):
        for claim in self:
            if claim.state != "new":
                continue
            claim.resolution = (
                "return"
                if claim.lot_id.serial_tracking_mode == "physical"
                else "credit_note"
            )

    def _compute_repair_available(self):
        self.repair_available = "repair.order" in self.env

    # ------------------------------------------------------------------
    # Filing
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(vals.get("company_id") or self.env.company.id)
                    .next_by_code("serial.warranty.claim")
                    or "/"
                )
        # before the INSERT, which the unique index would refuse less clearly
        self._check_no_open_claim(
            self.env["stock.lot"].browse(
                vals["lot_id"] for vals in vals_list if vals.get("lot_id")
            )
        )
        claims = super().create(vals_list)
        claims._check_claimable(other_open_claims=False)
        claims._record_claim_events(self.env._("Claim filed: %(reason)s"))
        return claims

    def write(self, vals):
        if {"lot_id", "partner_id"} & set(vals) and any(
            claim.state != "new" for claim in self
        ):
            raise UserError(
                self.env._(
                    "The serial number and the customer of a decided claim cannot "
                    "change."
                )
            )
        result = super().write(vals)
        if {"lot_id", "partner_id"} & set(vals):
            self._check_claimable()
        return result

    @api.model
    def _check_no_open_claim(self, lots, exclude=None):
        """One open claim per unit: refused with the serial number."""
        open_claims = self.sudo().search(
            [
                ("lot_id", "in", lots.ids),
                ("state", "in", ("new", "accepted")),
                ("id", "not in", (exclude or self.browse()).ids),
            ],
            limit=1,
        )
        seen = set()
        twice = [lot for lot in lots if lot.id in seen or seen.add(lot.id)]
        busy = open_claims.lot_id or (twice and twice[0])
        if busy:
            raise ValidationError(
                self.env._(
                    "Serial number %(serial)s already has an open claim.",
                    serial=busy.name,
                )
            )

    def _check_claimable(self, other_open_claims=True):
        """A claim is for a unit that customer (or their company) holds now
        (stock.lot._serial_is_held_by), with no other open claim."""
        if other_open_claims:
            self._check_no_open_claim(self.lot_id, exclude=self)
        for claim in self:
            lot = claim.lot_id
            if lot._serial_is_held_by(claim.partner_id):
                continue
            customer = claim.partner_id.commercial_partner_id
            if (
                lot.is_serial
                and not lot.holder_partner_id
                and lot.last_customer_id.commercial_partner_id == customer
            ):
                labels = dict(
                    lot._fields["serial_status"]._description_selection(self.env)
                )
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s is already back (status: "
                        "%(status)s): only a unit still with its customer can be "
                        "claimed.",
                        serial=lot.name,
                        status=labels.get(lot.serial_status, "-"),
                    )
                )
            raise ValidationError(
                self.env._(
                    "Serial number %(serial)s is not held by %(customer)s: a claim "
                    "can only be filed by the customer who holds the unit (it was "
                    "sold or delivered to them and has not come back since).",
                    serial=lot.name,
                    customer=claim.partner_id.display_name,
                )
            )

    def _record_claim_events(self, note):
        self.env["stock.lot.history"].sudo()._record_events(
            [
                {
                    "lot": claim.lot_id,
                    "event_type": SERIAL_DOCUMENT_KINDS["claim"].event,
                    "partner_id": claim.partner_id.id,
                    "location_id": claim.lot_id.location_id.id,
                    "document": claim,
                    "note": note % {"reason": claim.reason},
                }
                for claim in self
            ]
        )

    # ------------------------------------------------------------------
    # Decisions
    # ------------------------------------------------------------------
    def _check_state_change(self, new_state):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for claim in self:
            if new_state not in CLAIM_STATE_TRANSITIONS[claim.state]:
                raise UserError(
                    self.env._(
                        "Claim %(claim)s is %(state)s and cannot become %(new)s.",
                        claim=claim.name,
                        state=labels[claim.state],
                        new=labels[new_state],
                    )
                )

    def action_accept(self):
        self._check_state_change("accepted")
        for claim in self:
            # the unit may have come back since the claim was filed
            claim._check_claimable(other_open_claims=False)
            if claim.resolution == "return":
                claim._create_return()
            elif claim.resolution == "credit_note":
                claim._create_credit_note()
            elif claim.resolution == "repair":
                claim._create_repair_order()
            else:
                raise UserError(
                    self.env._(
                        "Choose how claim %(claim)s is settled before accepting it.",
                        claim=claim.name,
                    )
                )
            claim.state = "accepted"
        self._record_claim_events(self.env._("Claim accepted"))
        return self._action_open_created_document() if len(self) == 1 else True

    def action_refuse(self):
        self._check_state_change("refused")
        missing = self.filtered(lambda claim: not claim.refusal_reason)
        if missing:
            raise UserError(
                self.env._(
                    "Give the reason for refusing claim %(claim)s (Refusal Reason).",
                    claim=missing[0].name,
                )
            )
        self.state = "refused"
        self._record_claim_events(self.env._("Claim refused"))
        return True

    def action_done(self):
        self._check_state_change("done")
        self.state = "done"
        return True

    # ------------------------------------------------------------------
    # The documents an accepted claim creates
    # ------------------------------------------------------------------
    def _sale_row(self, event_type, res_model):
        """The history row of the document that sold the unit to this customer."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        rows = (
            self.env["stock.lot.history"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", self.lot_id.id),
                    ("event_type", "=", event_type),
                    ("res_model", "=", res_model),
                ],
                order="id desc",
            )
        )
        row = rows.filtered(
            lambda row: row.partner_id.commercial_partner_id == customer
        )[:1]
        if not row:
            kind = dict(
                self.env["stock.lot.history"]
                ._fields["event_type"]
                ._description_selection(self.env)
            )[event_type]
            raise UserError(
                self.env._(
                    "Serial number %(serial)s has no %(document)s to %(customer)s "
                    "to settle claim %(claim)s from. Choose another resolution.",
                    serial=self.lot_id.name,
                    document=kind,
                    customer=self.partner_id.display_name,
                    claim=self.name,
                )
            )
        return row

    def _create_return(self):
        """Odoo's return of the delivery that shipped the unit, for this unit
        only; then, if asked, a delivery of a replacement."""
        lot = self.lot_id
        delivery = self.env["stock.picking"].browse(
            self._sale_row("SHIP", "stock.picking").res_id
        )
        returned = delivery._serial_create_return(lot)
        returned.origin = self.env._(
            "%(claim)s: return of %(delivery)s",
            claim=self.name,
            delivery=delivery.name,
        )
        self.return_picking_id = returned
        returned.message_post(
            body=self.env._("Return for warranty claim %(claim)s.", claim=self.name)
        )
        if self.send_replacement:
            self._create_replacement(delivery)

    def _create_replacement(self, delivery):
        picking_type = delivery.picking_type_id
        source = picking_type.default_location_src_id or delivery.location_id
        destination = delivery.location_dest_id
        replacement = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": delivery.partner_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin": self.env._(
                    "%(claim)s: replacement of %(serial)s",
                    claim=self.name,
                    serial=self.lot_id.name,
                ),
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.product_id.id,
                            "product_uom_qty": 1,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                ],
            }
        )
        replacement.action_confirm()
        replacement.action_assign()
        self.replacement_picking_id = replacement

    def _create_credit_note(self):
        """The reversal of the invoice that sold the unit (Odoo's Credit Note
        wizard), kept to that unit's line, for one unit: that serial."""
        lot = self.lot_id
        invoice = self.env["account.move"].browse(
            self._sale_row("INVOICE", "account.move").res_id
        )
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": invoice.journal_id.id,
                    "reason": self.env._(
                        "Warranty claim %(claim)s: %(reason)s",
                        claim=self.name,
                        reason=self.reason,
                    ),
                }
            )
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        keep = credit_note.invoice_line_ids.filtered(
            lambda line: line.serial_required
            and line.product_id == lot.product_id
            and lot.name in line._serial_entered_names()
        )[:1]
        commands = [
            Command.unlink(line.id)
            for line in credit_note.invoice_line_ids
            if line != keep
        ]
        commands.append(
            Command.update(keep.id, {"quantity": 1, "serial_names": lot.name})
        )
        credit_note.write({"invoice_line_ids": commands})
        self.credit_note_id = credit_note

    def _create_repair_order(self):
        if "repair.order" not in self.env:
            raise UserError(
                self.env._(
                    "Repairs is not installed: claim %(claim)s cannot become a "
                    "repair order.",
                    claim=self.name,
                )
            )
        repair = self.env["repair.order"].create(
            {
                "partner_id": self.partner_id.id,
                "product_id": self.product_id.id,
                "lot_id": self.lot_id.id,
                "company_id": self.company_id.id,
                "under_warranty": self.warranty_status == "under",
                "internal_notes": plaintext2html(
                    "\n".join(filter(None, [f"{self.name}: {self.reason}", self.notes]))
                ),
            }
        )
        self.repair_order_id = repair.id

    def _created_document(self):
        self.ensure_one()
        if self.repair_order_id and "repair.order" in self.env:
            return self.env["repair.order"].browse(self.repair_order_id)
        return self.return_picking_id or self.credit_note_id

    def _action_open_created_document(self):
        document = self._created_document()
        if not document:
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_document(self):
        self.ensure_one()
        return self._action_open_created_document()

    # ------------------------------------------------------------------
    # Warranty reminders: the scheduled action that heads off claims
    # ------------------------------------------------------------------
    @api.model
    def _cron_warranty_reminders(self):
        """Email the customer who holds each unit whose warranty ends within
        its company's reminder days, once per warranty end (the mail template
        and ``warranty_reminder_sent_for`` are the unit's, ``stock.lot``)."""
        template = self.env.ref(
            "serial_tracking.mail_template_warranty_reminder", raise_if_not_found=False
        )
        if not template:
            return
        Lot = self.env["stock.lot"]
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search(
            [("serial_warranty_reminder_days", ">", 0)]
        )
        for company in companies:
            lots = Lot.search(
                [
                    ("is_serial", "=", True),
                    ("company_id", "=", company.id),
                    ("holder_partner_id", "!=", False),
                    ("warranty_date_end", ">=", today),
                    (
                        "warranty_date_end",
                        "<=",
                        today
                        + relativedelta(days=company.serial_warranty_reminder_days),
                    ),
                ]
            ).filtered(
                lambda lot: lot.warranty_reminder_sent_for != lot.warranty_date_end
            )
            if not lots:
                continue
            template.with_company(company).send_mail_batch(lots.ids)
            with trusted_serial_flow():
                for end, group in lots.grouped("warranty_date_end").items():
                    group.with_context(**QUIET_CONTEXT).write(
                        {"warranty_reminder_sent_for": end}
                    )

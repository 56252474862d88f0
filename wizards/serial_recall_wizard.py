# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..tools.serial_rules import INCOMING_EVENT_TYPES


class SerialRecallWizard(models.TransientModel):
    """Which units a recall concerns, where they are and which customer holds
    them (stock.lot.holder_partner_id).

    The units are a domain over stock.lot, not a list of ids: the list it
    opens stays live, is grouped and exported by Odoo itself, and a recall of
    any size is one query (the history is searched as a subquery)."""

    _name = "serial.recall.wizard"
    _description = "Recall by Serial"

    source = fields.Selection(
        [
            ("serials", "Selected Serials"),
            ("vendor", "Vendor"),
            ("bill", "Vendor Bill"),
            ("receipt", "Receipt"),
            ("dates", "Received Between"),
        ],
        string="Recall",
        required=True,
        default="vendor",
    )
    lot_ids = fields.Many2many(
        "stock.lot", string="Serials", domain=[("is_serial", "=", True)]
    )
    vendor_id = fields.Many2one("res.partner", string="Vendor")
    bill_id = fields.Many2one(
        "account.move",
        string="Vendor Bill",
        domain=[("move_type", "=", "in_invoice"), ("state", "=", "posted")],
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Receipt",
        domain=[("picking_type_code", "=", "incoming"), ("state", "=", "done")],
    )
    date_from = fields.Date(string="Received From")
    date_to = fields.Date(string="Received To")
    unit_count = fields.Integer(string="Units", compute="_compute_counts")
    customer_count = fields.Integer(string="Customers", compute="_compute_counts")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = (
            self.env.context.get("active_model"),
            self.env.context.get("active_ids"),
        )
        if not ids:
            return values
        if model == "stock.lot":
            values.update(source="serials", lot_ids=[fields.Command.set(ids)])
        elif model == "account.move":
            values.update(source="bill", bill_id=ids[0])
        elif model == "stock.picking":
            values.update(source="receipt", picking_id=ids[0])
        elif model == "res.partner":
            values.update(source="vendor", vendor_id=ids[0])
        return values

    def _recall_domain(self):
        """The recalled units, as a domain over stock.lot."""
        self.ensure_one()
        if self.source == "serials":
            if not self.lot_ids:
                raise UserError(self.env._("Choose the serials to recall."))
            return Domain("id", "in", self.lot_ids.ids)
        if self.source == "vendor":
            if not self.vendor_id:
                raise UserError(self.env._("Choose the vendor whose units to recall."))
            history = Domain("event_type", "in", INCOMING_EVENT_TYPES) & Domain(
                "partner_id", "child_of", self.vendor_id.commercial_partner_id.id
            )
        elif self.source in ("bill", "receipt"):
            document = self.bill_id if self.source == "bill" else self.picking_id
            if not document:
                raise UserError(
                    self.env._("Choose the vendor bill or receipt to recall.")
                )
            history = Domain("res_model", "=", document._name) & Domain(
                "res_id", "=", document.id
            )
        else:
            if not (self.date_from and self.date_to) or self.date_from > self.date_to:
                raise UserError(
                    self.env._("Enter the first and the last day of the receipts.")
                )
            first = datetime.combine(self.date_from, time.min)
            after_last = datetime.combine(self.date_to + timedelta(days=1), time.min)
            history = (
                Domain("event_type", "in", INCOMING_EVENT_TYPES)
                & Domain("date", ">=", fields.Datetime.to_string(first))
                & Domain("date", "<", fields.Datetime.to_string(after_last))
            )
        return Domain("is_serial", "=", True) & Domain("history_ids", "any", history)

    @api.depends(
        "source",
        "lot_ids",
        "vendor_id",
        "bill_id",
        "picking_id",
        "date_from",
        "date_to",
    )
    def _compute_counts(self):
        Lot = self.env["stock.lot"]
        for wizard in self:
            try:
                domain = wizard._recall_domain()
            except UserError:
                wizard.unit_count = wizard.customer_count = 0
                continue
            wizard.unit_count = Lot.search_count(domain)
            wizard.customer_count = len(
                Lot._read_group(
                    domain & Domain("holder_partner_id", "!=", False),
                    ["holder_partner_id"],
                )
            )

    def action_show_units(self):
        """The recalled units with their status, location and the customer
        who holds them, grouped by that customer (units back with the company
        under None), in the serial list (exportable from there)."""
        domain = self._recall_domain()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_numbers"
        )
        action.update(
            display_name=self.env._("Recall"),
            domain=list(domain),
            context={"group_by": ["holder_partner_id"], "create": False},
            target="current",
        )
        return action

    def action_export_epcis(self):
        """The EPCIS document of the recalled units' whole history, for the
        trading partners and authorities the recall is reported to."""
        self.ensure_one()
        return self.env["serial.epcis.export"]._epcis_action(
            [("lot_id", "any", list(self._recall_domain()))], self.env._("Recall")
        )

    def action_notify_customers(self):
        """One message to each customer who holds recalled units, listing
        them: a customer who gave every unit back gets none."""
        domain = self._recall_domain() & Domain("holder_partner_id", "!=", False)
        Lot = self.env["stock.lot"]
        groups = Lot._read_group(domain, ["holder_partner_id"], ["id:array_agg"])
        if not groups:
            raise UserError(self.env._("No customer has any of these units."))
        # the names and products of every unit, in one read
        Lot.browse([lot_id for _customer, ids in groups for lot_id in ids]).fetch(
            ["name", "product_id"]
        )
        template = self.env.ref("serial_tracking.mail_template_serial_recall")
        for customer, lot_ids in groups:
            # one line per product, its serials in order: a customer with
            # many units reads a list per product, not one per unit
            lines = [
                (product.display_name, sorted(lots.mapped("name")))
                for product, lots in Lot.browse(lot_ids).grouped("product_id").items()
            ]
            template.with_context(serial_recall_lines=sorted(lines)).send_mail(
                customer.id
            )
        units = sum(len(ids) for _customer, ids in groups)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "A recall notice listing %(units)s units was sent to "
                    "%(customers)s customers.",
                    units=units,
                    customers=len(groups),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_rules import ACCOUNT_MOVE_KINDS, account_move_kind
from .product_template import tracks_serials_physically
from .serial_bulk import format_serials


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "serial.entry.target"]

    serial_required = fields.Boolean(compute="_compute_serial_required")
    serial_names = fields.Text(
        string="Serial Numbers Entered",
        copy=False,
        help="Serials of units coming in (vendor bills, customer credit notes), one "
        "per line.",
    )
    serial_lot_ids = fields.Many2many(
        "stock.lot",
        "account_move_line_serial_lot_rel",
        "line_id",
        "lot_id",
        string="Serials",
        copy=False,
    )
    serial_display = fields.Char(
        string="Serial Numbers", compute="_compute_serial_display"
    )
    serial_report_text = fields.Char(compute="_compute_serial_report_text")

    @api.depends("product_id", "display_type", "move_id.move_type")
    def _compute_serial_required(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            line.serial_required = bool(
                line.display_type == "product"
                and template.serial_tracking_enabled
                and template.serial_tracking_mode == "accounting"
                and line.move_id.move_type in ACCOUNT_MOVE_KINDS
            )

    def _serial_mode(self):
        return account_move_kind(self.move_id.move_type).entry

    def _serial_entered_names(self):
        """The serials of the line, as names, in entry order."""
        self.ensure_one()
        if not self.serial_required:
            return self._serial_delivered_names()
        if self._serial_mode() == "add" and self.serial_names:
            return self.serial_names.split("\n")
        return sorted(self.serial_lot_ids.mapped("name"))

    def _serial_is_physical(self):
        return bool(
            self.display_type == "product"
            and tracks_serials_physically(self.product_id)
            and self.move_id.move_type in ACCOUNT_MOVE_KINDS
        )

    def _serial_delivered_names(self):
        """Physical mode: the serials of the transfers linked to the line
        through its sales or purchase order (sale_stock, purchase_stock),
        read-only."""
        if not self._serial_is_physical():
            return []
        invoice = self.move_id
        if (
            "sale_line_ids" in self._fields
            and invoice.state == "posted"
            and invoice.move_type in ("out_invoice", "out_refund")
        ):
            # sale_stock shares the delivered serials out between the
            # invoices of an order (backorders invoiced apart): each posted
            # invoice shows its own share
            lots = (
                self.env["stock.lot"]
                .browse(
                    values["lot_id"] for values in invoice._get_invoiced_lot_values()
                )
                .filtered(lambda lot: lot.product_id == self.product_id)
            )
            return sorted(set(lots.sudo().mapped("name")))
        moves = self.env["stock.move"]
        if "sale_line_ids" in self._fields:
            moves |= self.sale_line_ids.move_ids
        if "purchase_line_id" in self._fields:
            moves |= self.purchase_line_id.move_ids
        move_type = self.move_id.move_type
        partner_usage = "customer" if move_type.startswith("out_") else "supplier"
        towards_partner = move_type in ("out_invoice", "in_refund")
        lines = moves.filtered(
            lambda move: move.state == "done" and move.product_id == self.product_id
        ).move_line_ids.filtered(
            lambda ml: (
                ml.location_dest_id if towards_partner else ml.location_id
            ).usage
            == partner_usage
        )
        return sorted(set(lines.lot_id.mapped("name")))

    @api.depends("serial_names", "serial_lot_ids", "quantity", "serial_required")
    def _compute_serial_display(self):
        for line in self:
            if not line.serial_required:
                names = line._serial_delivered_names()
                line.serial_display = (
                    format_serials(self.env, names, limit=3) if names else False
                )
                continue
            names = line._serial_entered_names()
            text = (
                format_serials(self.env, names, limit=3)
                if names
                else self.env._("none")
            )
            line.serial_display = (
                f"{text} ({len(names)} / {line._serial_quantity_text()})"
            )

    def _serial_quantity_text(self):
        quantity = self._serial_quantity()
        return str(int(quantity)) if float(quantity).is_integer() else str(quantity)

    def _serial_quantity(self):
        """The line's quantity in the product's unit, where serials are counted."""
        self.ensure_one()
        if self.product_uom_id and self.product_uom_id != self.product_id.uom_id:
            return self.product_uom_id._compute_quantity(
                self.quantity, self.product_id.uom_id
            )
        return self.quantity

    @api.depends("serial_names", "serial_lot_ids", "serial_required")
    def _compute_serial_report_text(self):
        """Serials printed under the line on the invoice: ranges when long."""
        for line in self:
            names = (
                line._serial_entered_names() if line.display_type == "product" else []
            )
            line.serial_report_text = (
                format_serials(self.env, names, limit=50) if names else False
            )

    def action_open_serial_entry(self):
        self.ensure_one()
        if not self.serial_required:
            raise UserError(
                self.env._("This line's product does not track serials on invoices.")
            )
        if self.move_id.state != "draft":
            raise UserError(
                self.env._(
                    "Serials can only be changed while %(move)s is a draft.",
                    move=self.move_id.display_name,
                )
            )
        self.move_id.check_access("write")
        mode = self._serial_mode()
        quantity = self._serial_quantity()
        return self.env["serial.entry.wizard"]._open_for(
            self,
            mode,
            self.product_id,
            required_count=int(quantity) if float(quantity).is_integer() else 0,
            location=self.move_id._serial_stock_location(),
            title=self.env._(
                "Serials: %(line)s", line=self.name or self.product_id.display_name
            ),
            names=self.serial_names.split("\n") if self.serial_names else (),
            lots=self.serial_lot_ids,
        )

    def _serial_entry_check(self, wizard, names):
        """Problems to show in the entry dialog before anything is written."""
        return self.move_id._serial_problems_for(self, names)

    def _serial_entry_apply(self, wizard):
        self.ensure_one()
        self.move_id.check_access("write")
        if self._serial_mode() == "add":
            self.serial_names = "\n".join(wizard._entered_serials())
        else:
            self.serial_lot_ids = [fields.Command.set(wizard.selected_lot_ids.ids)]

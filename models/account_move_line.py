# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_rules import (
    ACCOUNT_MOVE_KINDS,
    EXPECTED_STATUS,
    account_move_kind,
    announces_serials,
)
from .product_template import tracks_serials_physically
from .serial_bulk import format_serials

# what the background job's work on a move's serials must not see changed
SERIAL_ENTRY_FIELDS = {
    "serial_names",
    "serial_lot_ids",
    "serial_names_to_announce",
    "product_id",
    "quantity",
}


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
    serial_names_to_announce = fields.Text(
        copy=False,
        readonly=True,
        help="Technical: the serials of an entry too large for the dialog's "
        "request, one per line, which the background job creates as Expected "
        "units on this vendor bill's line.",
    )
    serial_names_announced = fields.Integer(
        copy=False,
        readonly=True,
        help="Technical: how many of those serials the job has created.",
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

    def write(self, vals):
        if SERIAL_ENTRY_FIELDS.intersection(vals):
            # the lines of a move whose serials the background job works on
            self.move_id._serial_check_not_in_background()
        # a unit taken off a bill's line that only announced it goes; adding
        # units (the background job's slices) drops none
        dropped = (
            self._serial_expected_lots()
            if "serial_lot_ids" in vals
            and not all(
                isinstance(command, (list, tuple)) and command[0] == Command.LINK
                for command in vals["serial_lot_ids"]
            )
            else None
        )
        result = super().write(vals)
        if dropped:
            self._serial_discard_dropped(dropped)
        return result

    def unlink(self):
        self.move_id._serial_check_not_in_background()
        # the Expected units of the lines deleted (the line or its draft bill
        # deleted) go with them
        dropped = self._serial_expected_lots()
        result = super().unlink()
        self._serial_discard_dropped(dropped)
        return result

    def _serial_expected_lots(self):
        """The Expected units these lines carry."""
        lots = self.sudo().serial_lot_ids
        facts = lots._serial_product_and_status()
        return lots.filtered(lambda lot: facts[lot.id][1] == EXPECTED_STATUS)

    @api.model
    def _serial_discard_dropped(self, lots):
        """Delete those of the Expected units ``lots`` that no line carries
        any more and that were never received, with their announcement."""
        if not lots:
            return
        kept = self.sudo().search([("serial_lot_ids", "in", lots.ids)]).serial_lot_ids
        (lots - kept).exists()._serial_discard_expected()

    def _serial_announces(self, count):
        """Whether the ``count`` serials entered on this line are created at
        once as Expected units on it: a vendor bill's line
        (``announces_serials``) below the company's background threshold."""
        self.ensure_one()
        return announces_serials(
            ACCOUNT_MOVE_KINDS.get(self.move_id.move_type)
        ) and not self.move_id.company_id._serial_in_background(count)

    def _serial_announces_later(self, count):
        """Whether the ``count`` serials entered on this line are left to the
        background job, which creates them as Expected units slice by slice
        (``_serial_announce_next``): a vendor bill's entry of at least the
        company's background threshold."""
        self.ensure_one()
        return announces_serials(
            ACCOUNT_MOVE_KINDS.get(self.move_id.move_type)
        ) and self.move_id.company_id._serial_in_background(count)

    def _serial_announce_later(self, names):
        """Store ``names`` on the line for the background job and queue its
        bill; the units of an earlier entry that ``names`` no longer holds
        go now (as below the threshold)."""
        self.ensure_one()
        move = self.move_id
        move._serial_check_not_in_background()
        wanted = set(names)
        kept = self.serial_lot_ids.filtered(lambda lot: lot.name in wanted)
        self.write(
            {
                "serial_names": False,
                "serial_lot_ids": [Command.set(kept.ids)],
                "serial_names_to_announce": "\n".join(names),
                "serial_names_announced": 0,
            }
        )
        result = move._serial_queue_background("announce")
        # the dialog closes, and the bill shows it is being prepared
        result["params"]["next"] = {"type": "ir.actions.act_window_close"}
        return result

    def _serial_announce_next(self, size=None):
        """One step of an entry left to the background job: the next ``size``
        (all when None) of the names stored on this line become Expected units
        on it, judged again as the dialog judges them (another bill or receipt
        may have announced one since). Returns the names taken."""
        self.ensure_one()
        names = self.serial_names_to_announce.split("\n")
        start = self.serial_names_announced
        chunk = names[start:] if size is None else names[start : start + size]
        move = self.move_id
        problem = move._serial_problems_for(self, chunk)
        if problem:
            raise UserError(
                self.env._(
                    "%(move)s, line %(line)s: %(problem)s.",
                    move=move.display_name,
                    line=self.name or self.product_id.display_name,
                    problem=problem,
                )
            )
        lots = self._serial_announced_lots(chunk) - self.serial_lot_ids
        values = {"serial_lot_ids": [Command.link(lot_id) for lot_id in lots.ids]}
        if start + len(chunk) < len(names):
            values["serial_names_announced"] = start + len(chunk)
        else:
            values.update(serial_names_to_announce=False, serial_names_announced=0)
        self.sudo().write(values)
        return len(chunk)

    def _serial_announced_lots(self, names):
        """The units ``names`` of the line's product, in that order: those
        that exist already (units bought back), the others created as
        Expected units of the bill."""
        move = self.move_id
        own, _clashing = move._serial_find_lots(self, names)
        lot_of = {lot.name: lot for lot in own}
        new = [name for name in names if name not in lot_of]
        if new:
            created = (
                self.env["stock.lot"]
                .sudo()
                ._serial_announce(
                    self.product_id,
                    new,
                    move.company_id,
                    move,
                    move._serial_stock_location(),
                )
            )
            lot_of.update(zip(new, created, strict=True))
        return self.env["stock.lot"].browse([lot_of[name].id for name in names])

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
        self.move_id._serial_check_not_in_background()
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
            names=self._serial_entered_names() if mode == "add" else (),
            lots=self.serial_lot_ids,
        )

    def _serial_entry_check(self, wizard, names):
        """Problems to show in the entry dialog before anything is written."""
        return self.move_id._serial_problems_for(self, names)

    def _serial_entry_apply(self, wizard):
        self.ensure_one()
        self.move_id.check_access("write")
        if self._serial_mode() == "add":
            names = wizard._entered_serials()
            if self._serial_announces_later(len(names)):
                return self._serial_announce_later(names)
            if self._serial_announces(len(names)):
                lots = self._serial_announced_lots(names)
                self.write(
                    {
                        "serial_names": False,
                        "serial_lot_ids": [fields.Command.set(lots.ids)],
                    }
                )
            else:
                self.serial_names = "\n".join(names)
                if self.serial_lot_ids:
                    self.serial_lot_ids = [fields.Command.clear()]
        else:
            self.serial_lot_ids = [fields.Command.set(wizard.selected_lot_ids.ids)]

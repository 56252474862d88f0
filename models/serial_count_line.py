# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_count import COUNT_RESULTS, ELSEWHERE, LEFT_ALONE
from .serial_count import count_at_work, count_is_at_work

# What a person may change on a line of an open count, and on which lines:
# the product an unknown serial is created for, and the product a serial
# several products share at the place was scanned for.
PERSON_EDITABLE = {"product_id": "unknown", "scan_product_id": "ambiguous"}


class SerialCountLine(models.Model):
    """One serial of a count: scanned (with who scanned it and when), or
    expected at the counted place and not scanned (missing). Scanned lines
    are written as the dialog reads them; the comparison fills their result."""

    _name = "serial.count.line"
    _description = "Count by Scanning Line"
    _order = "count_id, id"
    _rec_name = "name"

    count_id = fields.Many2one(
        "serial.count",
        string="Count",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="count_id.company_id", store=True, string="Company"
    )
    name = fields.Char(string="Serial Number", required=True, readonly=True)
    scanned = fields.Boolean(
        readonly=True, help="Scanned at the place; unset for a missing unit."
    )
    result = fields.Selection(COUNT_RESULTS, readonly=True, index=True)
    elsewhere = fields.Selection(
        ELSEWHERE,
        string="System Says",
        readonly=True,
        help="For an unexpected unit: where the system thinks it is.",
    )
    lot_id = fields.Many2one("stock.lot", string="Serial", readonly=True)
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        index=True,
        help="For an unknown serial: the product it is created for when the count "
        "is applied with Create unknown serials.",
    )
    location_id = fields.Many2one(
        "stock.location",
        string="System Location",
        readonly=True,
        help="Where the system holds the unit: at the counted place for a counted "
        "or missing unit, elsewhere for an unexpected one.",
    )
    scan_product_id = fields.Many2one(
        "product.product",
        string="Scanned As",
        help="The product the scan named: a GS1 code names its product; for a "
        "serial that several products share at the place, choose whose unit was "
        "scanned.",
    )
    user_id = fields.Many2one("res.users", string="Scanned By", readonly=True)
    date = fields.Datetime(string="Scanned On", readonly=True)
    applied = fields.Boolean(
        readonly=True, help="The count's Apply changed the stock for this line."
    )
    left_alone = fields.Selection(
        LEFT_ALONE,
        readonly=True,
        help="Why the count's Apply left this unit where the system holds it.",
    )

    # two people scanning one count at the same moment: one line per serial,
    # and per product when the scan named it
    _one_scan_per_serial = models.UniqueIndex(
        "(count_id, name, COALESCE(scan_product_id, 0)) WHERE scanned",
        "This serial number is already scanned in this count.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not count_is_at_work():
            raise UserError(
                self.env._(
                    "The serials of a count are added by scanning them (Scan on "
                    "the count), not created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if count_is_at_work():
            return super().write(vals)
        self._check_person_edit(vals)
        lines = self
        if vals.get("scan_product_id"):
            # the answer names a unit already scanned as such: a repeat, which
            # the count drops for whoever may answer (they may not delete lines)
            repeats = self._scanned_already_as(vals["scan_product_id"])
            with count_at_work():
                repeats.sudo().unlink()
            lines -= repeats
        return super(SerialCountLine, lines).write(vals)

    def _scanned_already_as(self, product_id):
        """The lines of ``self`` whose serial their count already holds as
        scanned for ``product_id``."""
        others = self.search(
            [
                ("count_id", "in", self.count_id.ids),
                ("name", "in", self.mapped("name")),
                ("scanned", "=", True),
                ("scan_product_id", "=", product_id),
                ("id", "not in", self.ids),
            ]
        )
        taken = {(line.count_id.id, line.name) for line in others}
        return self.filtered(lambda line: (line.count_id.id, line.name) in taken)

    def _check_person_edit(self, vals):
        applied = self.count_id.filtered(lambda count: count.state == "applied")
        if applied:
            raise UserError(
                self.env._(
                    "%(counts)s is applied: its serials are kept as they were "
                    "applied, a record of the stock it changed.",
                    counts=", ".join(applied.mapped("name")),
                )
            )
        if set(vals) - set(PERSON_EDITABLE) or any(
            line.result != PERSON_EDITABLE[field] for field in vals for line in self
        ):
            raise UserError(
                self.env._(
                    "The serials of a count change by scanning only. What may be "
                    "set by hand is the product of an unknown serial (created when "
                    "the count is applied with Create Unknown Serials) and whose "
                    "unit a serial that several products share was (Which "
                    "Product?)."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_by_the_count(self):
        if not count_is_at_work():
            raise UserError(
                self.env._(
                    "The serials of a count are kept: a count's record is what was "
                    "scanned. Delete the whole count instead, while it is not "
                    "applied."
                )
            )

    def action_open_history(self):
        self.ensure_one()
        return self.lot_id.action_open_serial_history()

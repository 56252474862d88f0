# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.serial_count import COUNT_RESULTS, ELSEWHERE


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
    user_id = fields.Many2one("res.users", string="Scanned By", readonly=True)
    date = fields.Datetime(string="Scanned On", readonly=True)
    applied = fields.Boolean(
        readonly=True, help="The count's Apply changed the stock for this line."
    )

    # two people scanning one count at the same moment: one line per serial
    _one_scan_per_serial = models.UniqueIndex(
        "(count_id, name) WHERE scanned",
        "This serial number is already scanned in this count.",
    )

    def action_open_history(self):
        self.ensure_one()
        return self.lot_id.action_open_serial_history()

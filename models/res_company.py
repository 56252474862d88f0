# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_tracking_default_mode = fields.Selection(
        [("accounting", "Accounting"), ("physical", "Physical")],
        string="Default Serial Tracking Mode",
        default="accounting",
        required=True,
        help="Tracking mode given to products when Track Serials is switched on.\n"
        "Accounting: serials are assigned on invoices, bills and credit notes.\n"
        "Physical: serials are assigned on receipts, deliveries, transfers and "
        "adjustments.",
    )
    serial_uniqueness = fields.Selection(
        [("product", "Per product"), ("company", "Across all products")],
        string="Serial Number Uniqueness",
        default="product",
        required=True,
        help="Per product: two products may carry the same serial number.\n"
        "Across all products: a serial number exists once in the company.",
    )

    serial_public_warranty_lookup = fields.Boolean(
        string="Public Warranty Lookup",
        help="Let anyone enter a serial number on /warranty/lookup and read the "
        "product, warranty status and warranty end of a unit sold by this company. "
        "Exact numbers only, rate-limited per visitor.",
    )

    serial_digital_link_labels = fields.Boolean(
        string="GS1 Digital Link on Serial Labels",
        help="Print on each serial label a QR code holding the unit's GS1 Digital "
        "Link, <web.base.url>/01/<GTIN-14>/21/<serial>: any phone camera opens it, "
        "and this database sends the visitor to the unit. Products need a valid "
        "GTIN as their barcode.",
    )

    serial_warranty_reminder_days = fields.Integer(
        string="Warranty Reminder (days before end)",
        help="When the Warranty Reminders scheduled action runs, email each "
        "customer whose unit's warranty ends within this many days. 0: no reminders.",
    )

    serial_background_validation_threshold = fields.Integer(
        string="Validate in the Background From (serial units)",
        default=10000,
        help="A transfer holding at least this many serial units of Track Serials "
        "products is validated by a background job instead of while the user "
        "waits: the transfer shows it is being validated and the user gets a "
        "message when it is done, or why it failed. 0: never in the background.",
    )
    serial_validation_slice_size = fields.Integer(
        string="Validate in Slices of (serial units)",
        default=5000,
        help="A transfer validated in the background that holds more serial units "
        "than this is validated slice by slice, each slice in a transaction of "
        "its own: the slices already validated stay done if a later one fails, "
        "and the transfer shows its progress. 0: the whole transfer at once.",
    )

    def _serial_creates_at_once(self, count):
        """Whether an entry of ``count`` serials creates its units in the
        entry dialog's own request (as Expected units of an announcing
        document): below the background threshold. A larger entry keeps the
        serials' names, its units made by the validation or the posting:
        creating them all in the dialog's request would not end within a
        request's limits."""
        self.ensure_one()
        threshold = self.serial_background_validation_threshold
        return not (threshold > 0 and count >= threshold)

    def write(self, vals):
        serial_settings = {"serial_tracking_default_mode", "serial_uniqueness"}
        if any(
            company[field] != vals[field]
            for field in serial_settings.intersection(vals)
            for company in self
        ):
            self.env["product.template"]._serial_check_manager()
        if vals.get("serial_uniqueness") == "company":
            self.filtered(
                lambda company: company.serial_uniqueness != "company"
            )._serial_check_no_cross_product_duplicates()
        return super().write(vals)

    def _serial_check_no_cross_product_duplicates(self):
        """Refuse the switch to company-wide uniqueness while duplicates exist,
        with their names, rather than letting the unique index fail blindly."""
        if not self:
            return
        self.env["stock.lot"].flush_model(["name", "company_id", "is_serial"])
        self.env.cr.execute(
            """
            SELECT c.name, l.name, COUNT(*)
              FROM stock_lot l
              JOIN res_company c ON c.id = l.company_id
             WHERE l.is_serial AND l.company_id = ANY(%s)
          GROUP BY c.name, l.name
            HAVING COUNT(*) > 1
          ORDER BY c.name, l.name
             LIMIT 20
            """,
            [self.ids],
        )
        duplicates = self.env.cr.fetchall()
        if duplicates:
            raise UserError(
                self.env._(
                    "Serial numbers cannot become unique across all products: these "
                    "serial numbers are used by several products:\n%(lines)s\n"
                    "Rename them first, or keep uniqueness per product.",
                    lines="\n".join(
                        f" - {name} ({company}: {count}×)"
                        for company, name, count in duplicates
                    ),
                )
            )

    def _serial_main_stock_location(self):
        """Where units are when no transfer says so (bills, credit notes, opening
        stock): the stock location of the company's first warehouse."""
        self.ensure_one()
        warehouse = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", self.id)], limit=1)
        )
        return self.env["stock.location"].browse(warehouse.lot_stock_id.id)

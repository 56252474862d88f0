# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_errors import SerialInputError
from ..tools.serial_format import format_serial, parse_format


class SerialTrackingCounter(models.Model):
    """The running number of an auto-numbering format.

    One row per company, product, reset period and text around the number, so
    ``[[DATE]]-[[INCNUM,NONE,3]]`` starts again at 001 every day while
    ``SN-[[INCNUM,NONE,6]]`` keeps counting. Rows advance with one
    ``INSERT ... ON CONFLICT DO UPDATE`` per batch: the row lock it takes makes
    concurrent allocations wait for each other, so no number is handed out twice.
    """

    _name = "serial.tracking.counter"
    _description = "Serial Auto-Numbering Counter"
    _order = "product_tmpl_id, period_key desc, id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    product_tmpl_id = fields.Many2one(
        "product.template", required=True, ondelete="cascade", readonly=True
    )
    period_key = fields.Char(
        readonly=True, help="Reset period: a day, a month, a year or empty."
    )
    prefix = fields.Char(readonly=True)
    suffix = fields.Char(readonly=True)
    # numeric, not integer: formats may carry 12 digits and existing serials
    # (imported, typed) push the counter past them, beyond 32 bits
    last_value = fields.Float(
        digits=(32, 0), readonly=True, help="The last number handed out."
    )

    _counter_key_unique = models.UniqueIndex(
        "(company_id, product_tmpl_id, period_key, prefix, suffix)"
    )

    @api.model
    def _allocate(self, company, template, parts, count, at_least=0):
        """Hand out ``count`` consecutive numbers for ``parts`` (a rendered
        format) and return them as a range. ``at_least`` pushes the counter past
        numbers found already taken."""
        self.env.cr.execute(
            """
            INSERT INTO serial_tracking_counter
                   (company_id, product_tmpl_id, period_key, prefix, suffix, last_value,
                    create_uid, write_uid, create_date, write_date)
            VALUES (%(company)s, %(template)s, %(period)s, %(prefix)s, %(suffix)s,
                    GREATEST(%(start)s - 1, %(at_least)s) + %(count)s,
                    %(uid)s, %(uid)s,
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (company_id, product_tmpl_id, period_key, prefix, suffix)
            DO UPDATE SET last_value = GREATEST(
                              serial_tracking_counter.last_value,
                              %(start)s - 1, %(at_least)s) + %(count)s,
                          write_uid = EXCLUDED.write_uid,
                          write_date = EXCLUDED.write_date
            RETURNING last_value
            """,
            {
                "company": company.id,
                "template": template.id,
                "period": parts.period_key,
                "prefix": parts.prefix,
                "suffix": parts.suffix,
                "start": parts.start,
                "at_least": at_least,
                "count": count,
                "uid": self.env.uid,
            },
        )
        last = int(self.env.cr.fetchone()[0])
        self.invalidate_model(["last_value"])
        return range(last - count + 1, last + 1)

    @api.model
    def _peek(self, company, template, parts):
        """The next number that would be handed out, without taking it."""
        self.env.cr.execute(
            """
            SELECT last_value FROM serial_tracking_counter
             WHERE company_id = %s AND product_tmpl_id = %s AND period_key = %s
               AND prefix = %s AND suffix = %s
            """,
            [company.id, template.id, parts.period_key, parts.prefix, parts.suffix],
        )
        row = self.env.cr.fetchone()
        return max(int(row[0]) if row else 0, parts.start - 1) + 1

    @api.model
    def _take_serials(self, template, count, company=None):
        """Take ``count`` new serial numbers from ``template``'s format,
        skipping numbers that already exist (typed by hand, imported...)."""
        template.ensure_one()
        if count <= 0:
            return []
        company = company or self.env.company
        Counter = self.sudo()
        Lot = self.env["stock.lot"]
        try:
            parts = parse_format(template.serial_number_format or "").render_parts(
                template._serial_today(), template.default_code or ""
            )
        except SerialInputError as error:
            raise UserError(error.localized(self.env)) from error
        names, at_least = [], 0
        for _attempt in range(5):
            numbers = Counter._allocate(
                company, template, parts, count - len(names), at_least
            )
            batch = [format_serial(parts, number) for number in numbers]
            taken = set(
                Lot._serial_find_existing(
                    template.product_variant_id, batch, company
                ).mapped("name")
            )
            names += [name for name in batch if name not in taken]
            if len(names) == count:
                return names
            at_least = Lot._serial_highest_number(
                template.product_variant_id, parts, company
            )
        raise UserError(
            self.env._(
                "Could not find %(count)s free serial numbers for %(product)s with its "
                "format; check the format.",
                count=count,
                product=template.display_name,
            )
        )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_errors import SerialInputError
from ..tools.serial_format import (
    counter_pattern,
    format_serial,
    last_number,
    parse_format,
)
from ..tools.serial_text import MAX_SERIAL_LENGTH


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
    def _rendered_parts(self, template):
        """``template``'s format rendered for today, or the reason it cannot be
        as a UserError."""
        try:
            return parse_format(template.serial_number_format or "").render_parts(
                template._serial_today(), template.default_code or ""
            )
        except SerialInputError as error:
            raise UserError(error.localized(self.env)) from error

    @api.model
    def _next_serial(self, template, company=None):
        """The serial the format gives next, without taking it (what Odoo's
        screens propose); it may already exist or be taken by another user
        before it is used, so a serial is only ever created from
        :meth:`_take_serials`."""
        parts = self._rendered_parts(template)
        company = company or self.env.company
        saved = template._origin
        number = self.sudo()._peek(company, saved, parts) if saved.id else parts.start
        return format_serial(parts, number)

    def _check_not_exhausted(self, template, parts, last):
        limit = last_number(parts)
        if last > limit:
            raise UserError(
                self.env._(
                    "The serial number format %(format)s of %(product)s has run out "
                    "of numbers: %(serial)s is its last serial, as a serial number "
                    "has at most %(max)s characters. Shorten the text of the format "
                    "around its number, or give it other text.",
                    format=template.serial_number_format,
                    product=template.display_name,
                    serial=format_serial(parts, limit),
                    max=MAX_SERIAL_LENGTH,
                )
            )

    @api.model
    def _take_serials(self, template, count, company=None):
        """Take ``count`` new serial numbers from ``template``'s format,
        skipping numbers that already exist (typed by hand, imported...).
        Refused, leaving the counter as it was, when the format is exhausted."""
        template.ensure_one()
        if count <= 0:
            return []
        company = company or self.env.company
        Counter = self.sudo()
        Lot = self.env["stock.lot"]
        parts = self._rendered_parts(template)
        self._check_not_exhausted(
            template, parts, Counter._peek(company, template, parts) + count - 1
        )
        names, at_least = [], 0
        # the counter only moves once the whole batch is known to fit
        with self.env.cr.savepoint(flush=False):
            for _attempt in range(5):
                self._check_not_exhausted(
                    template, parts, at_least + count - len(names)
                )
                numbers = Counter._allocate(
                    company, template, parts, count - len(names), at_least
                )
                self._check_not_exhausted(template, parts, numbers[-1])
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

    @api.model
    def _take_serials_from(self, template, first, count, company=None):
        """``count`` serials for a span whose first serial was given (Odoo's
        Generate Serials dialog): when the format could have given ``first``,
        the numbers after it come from the counter, so the span never reuses a
        number the counter handed out. A first serial the counter already
        handed out (the dialog's *New* button takes it) is followed by the
        counter's next numbers; one beyond the counter is followed by the next
        numbers after it, which the counter then never hands out. None when
        the format cannot give ``first``: the serials are the user's."""
        template.ensure_one()
        company = company or self.env.company
        parts = self._rendered_parts(template)
        number = counter_pattern(parts)(first)
        if number is None or count <= 0:
            return None
        Counter = self.sudo()
        last_taken = Counter._peek(company, template, parts) - 1
        if number <= last_taken:
            return [first, *self._take_serials(template, count - 1, company)]
        last = number + count - 1
        self._check_not_exhausted(template, parts, last)
        Counter._allocate(company, template, parts, 0, last)
        return [format_serial(parts, value) for value in range(number, last + 1)]

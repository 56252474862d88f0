# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.serial_errors import SerialInputError
from ..tools.serial_format import (
    ODOO_SERIAL_PADDING,
    format_from_odoo_sequence,
    parse_format,
    preview,
)
from ..tools.serial_rules import add_warranty

MANAGE_SERIALS_GROUP = "serial_tracking.group_manage_serials"

# Fields only members of Manage Serials may change.
SERIAL_SETTINGS_FIELDS = {
    "serial_tracking_enabled",
    "serial_tracking_mode",
    "serial_warranty_duration",
    "serial_warranty_unit",
    "serial_auto_number",
    "serial_number_format",
}

DEFAULT_SERIAL_FORMAT = "SN-[[YEAR]]-[[INCNUM,NONE,5]]"

WARRANTY_UNITS = [("day", "Days"), ("month", "Months"), ("year", "Years")]


def tracks_serials_physically(product):
    """Whether the addon tracks ``product``'s serials on transfers."""
    return bool(
        product.serial_tracking_enabled and product.serial_tracking_mode == "physical"
    )


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "serial.entry.target"]

    serial_tracking_enabled = fields.Boolean(
        string="Track Serials",
        help="Give every unit of this product its own serial number, with a status, "
        "a location, a warranty and a history of every document that touched it.",
    )
    serial_tracking_mode = fields.Selection(
        [("accounting", "Accounting"), ("physical", "Physical")],
        default=lambda self: self.env.company.serial_tracking_default_mode,
        help="Accounting: serials are assigned on vendor bills, customer invoices and "
        "credit notes.\nPhysical: serials are assigned on receipts, deliveries, "
        "transfers and inventory adjustments.\nThe mode cannot change once the "
        "product has serials.",
    )
    serial_warranty_duration = fields.Integer(
        string="Warranty",
        help="Warranty given on each unit, counted from the day it is sold.",
    )
    serial_warranty_unit = fields.Selection(
        WARRANTY_UNITS, string="Warranty Unit", default="month", required=True
    )
    serial_auto_number = fields.Boolean(
        string="Auto Serial Number",
        help="Fill serials from the numbering format wherever units come in: "
        "the numbers are taken when the quantity is known.",
    )
    serial_number_format = fields.Char(
        default=DEFAULT_SERIAL_FORMAT,
        help="Literal text plus tokens in [[ ]]: exactly one "
        "[[INCNUM,reset,digits,start]] (reset NONE, DAILY, MONTHLY or YEARLY; digits "
        "is the zero padding; start defaults to 1) and any of [[DATE]], [[YEAR]], "
        "[[YY]], [[MONTH]], [[DAY]], [[REF]] (internal reference). "
        "Example: SN-[[YEAR]]-[[INCNUM,YEARLY,4]] gives SN-2026-0001, SN-2026-0002...",
    )
    serial_format_preview = fields.Char(
        string="Next Serials",
        compute="_compute_serial_format_preview",
        help="The next three serial numbers the format gives; nothing is consumed.",
    )
    # No domain on purpose: with one, every new lot is tested against it one
    # by one to keep the cached list current, which slows large receipts.
    serial_ids = fields.One2many(
        "stock.lot",
        "product_tmpl_id",
        string="Lots and Serials",
        readonly=True,
    )
    # What the Serials tab shows. Reading ``serial_ids`` builds a record per
    # serial to group them by product, which grows with the product's serials;
    # one search of ids is all the tab needs, its first page is read after.
    serial_tab_ids = fields.One2many(
        "stock.lot", string="Serials List", compute="_compute_serial_tab_ids"
    )
    serial_untracked_qty = fields.Float(
        string="Units Without Serials",
        compute="_compute_serial_untracked_qty",
        help="On-hand units of a physical-mode product that have no serial yet.",
    )
    serial_count = fields.Integer(compute="_compute_serial_counts")
    serial_history_count = fields.Integer(compute="_compute_serial_counts")

    @api.depends("product_variant_ids")
    def _compute_serial_counts(self):
        serial_counts = dict(
            self.env["stock.lot"]._read_group(
                [("product_tmpl_id", "in", self.ids), ("is_serial", "=", True)],
                ["product_tmpl_id"],
                ["__count"],
            )
        )
        history_counts = dict(
            self.env["stock.lot.history"]._read_group(
                [("product_tmpl_id", "in", self.ids)],
                ["product_tmpl_id"],
                ["__count"],
            )
        )
        for template in self:
            template.serial_count = serial_counts.get(template, 0)
            template.serial_history_count = history_counts.get(template, 0)

    def _compute_serial_tab_ids(self):
        Lot = self.env["stock.lot"]
        for template in self:
            template.serial_tab_ids = (
                Lot.search(
                    [
                        ("product_tmpl_id", "=", template._origin.id),
                        ("is_serial", "=", True),
                    ]
                )
                if template._origin.id
                else Lot
            )

    def _serial_untracked_domain(self):
        """Quants of units on hand without a serial."""
        return [
            ("product_id.product_tmpl_id", "in", self.ids),
            ("lot_id", "=", False),
            ("location_id.usage", "=", "internal"),
            ("quantity", ">", 0),
        ]

    def _serial_untracked_quants(self):
        return self.env["stock.quant"].sudo().search(self._serial_untracked_domain())

    @api.depends("serial_tracking_enabled", "serial_tracking_mode")
    def _compute_serial_untracked_qty(self):
        physical = self.filtered(tracks_serials_physically)
        quantities = (
            dict(
                self.env["stock.quant"]
                .sudo()
                ._read_group(
                    physical._serial_untracked_domain(),
                    ["product_tmpl_id"],
                    ["quantity:sum"],
                )
            )
            if physical
            else {}
        )
        for template in self:
            template.serial_untracked_qty = quantities.get(template, 0.0)

    def action_initialize_serials(self):
        """Give serials to the units on hand that have none, one location at a
        time, as an inventory adjustment that keeps on-hand quantities."""
        self.ensure_one()
        self._serial_check_manager()
        quant = self._serial_untracked_quants()[:1]
        if not quant:
            raise UserError(
                self.env._(
                    "Every unit of %(product)s on hand has a serial.",
                    product=self.display_name,
                )
            )
        return self.env["serial.entry.wizard"]._open_for(
            self,
            "add",
            quant.product_id,
            required_count=int(quant.quantity),
            location=quant.location_id,
            title=self.env._(
                "Initialize Serials at %(location)s",
                location=quant.location_id.display_name,
            ),
            purpose="initialize",
        )

    @api.depends("serial_number_format", "default_code")
    @api.depends_context("company")
    def _compute_serial_format_preview(self):
        Counter = self.env["serial.tracking.counter"].sudo()
        today = self._serial_today()
        for template in self:
            if not template.serial_number_format:
                template.serial_format_preview = False
                continue
            try:
                serial_format = parse_format(template.serial_number_format)
                parts = serial_format.render_parts(today, template.default_code or "")
                next_number = (
                    Counter._peek(self.env.company, template, parts)
                    if template.id
                    else parts.start
                )
                template.serial_format_preview = ", ".join(
                    preview(
                        serial_format,
                        today,
                        template.default_code or "",
                        next_number,
                        3,
                    )
                )
            except SerialInputError as error:
                template.serial_format_preview = error.localized(self.env)

    @api.constrains("serial_number_format")
    def _check_serial_number_format(self):
        for template in self.filtered("serial_number_format"):
            try:
                parse_format(template.serial_number_format)
            except SerialInputError as error:
                raise ValidationError(
                    self.env._(
                        "The serial number format of %(product)s is not valid: "
                        "%(reason)s",
                        product=template.display_name,
                        reason=error.localized(self.env),
                    )
                ) from error

    @api.model
    def _serial_today(self):
        """Today in the company's timezone, which formats' dates follow."""
        tz = self.env.company.partner_id.tz or self.env.user.tz or "UTC"
        return datetime.now(pytz.timezone(tz)).date()

    def _serial_generate_from_format(self, count, company=None):
        """Take ``count`` new serial numbers from the product's format (see
        ``serial.tracking.counter._take_serials``)."""
        self.ensure_one()
        return self.env["serial.tracking.counter"]._take_serials(self, count, company)

    @api.constrains("serial_tracking_enabled", "type")
    def _check_serial_tracking_goods(self):
        for template in self:
            if template.serial_tracking_enabled and template.type != "consu":
                raise ValidationError(
                    self.env._(
                        "%(product)s cannot track serials: only goods have serial "
                        "numbers. Set its product type to Goods first.",
                        product=template.display_name,
                    )
                )

    @api.model
    def _serial_check_manager(self):
        if self.env.su or self.env.user.has_group(MANAGE_SERIALS_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only members of the “Manage Serials” group can change serial "
                "tracking settings. Ask an administrator to add you to it "
                "(Settings > Users > Inventory > Manage Serials)."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("serial_tracking_enabled") for vals in vals_list):
            self._serial_check_manager()
        templates = super().create(vals_list)
        enabled = templates.filtered("serial_tracking_enabled")
        enabled._serial_sync_native_tracking()
        enabled._serial_adopt_odoo_numbering()
        templates._serial_sync_lot_sequence()
        return templates

    def write(self, vals):
        changed = {
            field
            for field in SERIAL_SETTINGS_FIELDS.intersection(vals)
            if any(template[field] != vals[field] for template in self)
        }
        if changed:
            self._serial_check_manager()
            if (
                not self.env.su
                and SERIAL_SETTINGS_FIELDS.issuperset(vals)
                and not self.has_access("write")
            ):
                # Manage Serials grants these settings, not the whole product:
                # an accountant in the group may switch tracking on, for the
                # products their companies let them see.
                self.check_access("read")
                return self.sudo().write(vals)
        if "serial_tracking_mode" in changed:
            self._serial_check_mode_lock(vals["serial_tracking_mode"])
        if not changed & {"serial_tracking_enabled", "serial_tracking_mode"}:
            self.filtered("serial_tracking_enabled")._serial_check_native_tracking(vals)
        turned_on = (
            self.filtered(lambda template: not template.serial_tracking_enabled)
            if "serial_tracking_enabled" in changed
            else self.browse()
        )
        result = super().write(vals)
        if changed & {"serial_tracking_enabled", "serial_tracking_mode"}:
            self._serial_sync_native_tracking()
            self.filtered("serial_tracking_enabled")._serial_adopt_native_lots()
        if changed & {"serial_tracking_enabled", "serial_number_format"} or (
            "lot_sequence_id" in vals
        ):
            turned_on.filtered("serial_tracking_enabled")._serial_adopt_odoo_numbering()
            self._serial_sync_lot_sequence()
        return result

    # ------------------------------------------------------------------
    # One numbering per product: Odoo's serial generators follow the format
    # ------------------------------------------------------------------
    def _serial_follows_format(self):
        """Whether Odoo's own serial numbering of this product (its
        ``lot_sequence_id``, ``next_serial``, new lots without a name) comes
        from the serial number format."""
        return len(self) == 1 and bool(
            self.serial_tracking_enabled and self.serial_number_format
        )

    def _serial_sync_lot_sequence(self):
        """A product following its format gets a sequence of its own as its
        Serial/Lot Numbers Sequence, whose numbers are the format's (see
        ``ir.sequence._next``); one that no longer follows it goes back to
        Odoo's generic serial sequence."""
        follow = self.filtered(lambda template: template._serial_follows_format())
        strays = (self - follow).filtered("lot_sequence_id.serial_format_tmpl_id")
        if not follow and not strays:
            return
        Sequence = self.env["ir.sequence"].sudo().with_context(active_test=False)
        own = {
            sequence.serial_format_tmpl_id.id: sequence
            for sequence in Sequence.search(
                [("serial_format_tmpl_id", "in", follow.ids)]
            )
        }
        missing = follow.filtered(lambda template: template.id not in own)
        for sequence in Sequence.create(
            [
                {
                    "name": self.env._(
                        "Serial Number Format of %(product)s",
                        product=template.display_name,
                    ),
                    "serial_format_tmpl_id": template.id,
                    # no database sequence: its numbers are never used
                    "implementation": "no_gap",
                    "company_id": False,
                }
                for template in missing
            ]
        ):
            own[sequence.serial_format_tmpl_id.id] = sequence
        for template in follow:
            if template.lot_sequence_id != own[template.id]:
                super(ProductTemplate, template.sudo()).write(
                    {"lot_sequence_id": own[template.id].id}
                )
        if strays:
            generic = self.env.ref(
                "stock.sequence_production_lots", raise_if_not_found=False
            )
            super(ProductTemplate, strays.sudo()).write(
                {"lot_sequence_id": generic.id if generic else False}
            )

    def _serial_adopt_odoo_numbering(self):  # pylint: disable=missing-return
        """Track Serials switched on: a Custom Lot/Serial set before (a
        sequence of the product's own) becomes the format when the product has
        none of its own yet (still the default); otherwise the format wins.
        Either way the product's chatter says what became of it."""
        generic = self.env.ref(
            "stock.sequence_production_lots", raise_if_not_found=False
        )
        for template in self:
            sequence = template.lot_sequence_id.sudo()
            if (
                not sequence
                or sequence == generic
                or sequence.serial_format_tmpl_id
                or not (sequence.prefix or sequence.suffix)
            ):
                continue
            custom = self.env._(
                "%(prefix)s (next serial %(next)s)",
                prefix=sequence.prefix or sequence.suffix,
                next=template._serial_odoo_next_serial(sequence),
            )
            if template.serial_number_format not in (False, "", DEFAULT_SERIAL_FORMAT):
                body = self.env._(
                    "Track Serials: serials now follow the Serial Number Format "
                    "%(format)s; the Custom Lot/Serial %(custom)s no longer applies.",
                    format=template.serial_number_format,
                    custom=custom,
                )
            else:
                try:
                    serial_format = format_from_odoo_sequence(
                        sequence.prefix,
                        sequence.suffix,
                        sequence.padding,
                        sequence.number_next_actual,
                    )
                except SerialInputError as error:
                    body = self.env._(
                        "Track Serials: the Custom Lot/Serial %(custom)s could not "
                        "become the Serial Number Format (%(reason)s); serials now "
                        "follow %(format)s.",
                        custom=custom,
                        reason=error.localized(self.env),
                        format=template.serial_number_format or "-",
                    )
                else:
                    super(ProductTemplate, template.sudo()).write(
                        {"serial_number_format": serial_format}
                    )
                    body = self.env._(
                        "Track Serials: the Custom Lot/Serial %(custom)s became the "
                        "Serial Number Format %(format)s.",
                        custom=custom,
                        format=serial_format,
                    )
            template.sudo()._message_log(body=body)

    @api.model
    def _serial_odoo_next_serial(self, sequence):
        """The serial Odoo's sequence would give next, for messages."""
        try:
            return sequence.get_next_char(sequence.number_next_actual)
        except (ValueError, TypeError, KeyError):
            return sequence.prefix or ""

    @api.depends("serial_tracking_enabled", "serial_number_format")
    def _compute_serial_prefix_format(self):  # pylint: disable=missing-return
        # the format is the product's one numbering field: Odoo's screens
        # read serial_prefix_format + next_serial as the next serial
        follow = self.filtered(lambda template: template._serial_follows_format())
        for template in follow:
            template.serial_prefix_format = ""
        super(ProductTemplate, self - follow)._compute_serial_prefix_format()

    def _inverse_serial_prefix_format(self):  # pylint: disable=missing-return
        """Odoo's Custom Lot/Serial written on a Track Serials product (an
        import, another module) becomes its format, counting on from the
        sequence Odoo would have used for it."""
        tracked = self.filtered("serial_tracking_enabled")
        for template in tracked.filtered("serial_prefix_format"):
            prefix = template.serial_prefix_format
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .search(
                    [("prefix", "=", prefix), ("serial_format_tmpl_id", "=", False)],
                    limit=1,
                )
            )
            try:
                serial_format = format_from_odoo_sequence(
                    prefix,
                    sequence.suffix,
                    sequence.padding if sequence else ODOO_SERIAL_PADDING,
                    sequence.number_next_actual if sequence else 1,
                )
            except SerialInputError as error:
                raise UserError(error.localized(self.env)) from error
            if template.serial_number_format != serial_format:
                template.write({"serial_number_format": serial_format})
        # what was written is in the cache: read it again as the format gives it
        tracked.invalidate_recordset(["serial_prefix_format", "next_serial"])
        super(ProductTemplate, self - tracked)._inverse_serial_prefix_format()

    @api.depends("serial_tracking_enabled", "serial_number_format", "default_code")
    @api.depends_context("company")
    def _compute_next_serial(self):  # pylint: disable=missing-return
        follow = self.filtered(lambda template: template._serial_follows_format())
        Counter = self.env["serial.tracking.counter"]
        for template in follow:
            try:
                template.next_serial = Counter._next_serial(template)
            except UserError:
                # a format that cannot give serials (an [[REF]] without
                # reference): nothing to propose, taking one says why
                template.next_serial = ""
        super(ProductTemplate, self - follow)._compute_next_serial()

    def _serial_check_mode_lock(self, new_mode):
        templates = self.filtered(lambda t: t.serial_tracking_mode != new_mode)
        counts = dict(
            self.env["stock.lot"]
            .sudo()
            ._read_group(
                [("product_tmpl_id", "in", templates.ids), ("is_serial", "=", True)],
                ["product_tmpl_id"],
                ["__count"],
            )
        )
        locked = [
            f"{template.display_name} ({count})" for template, count in counts.items()
        ]
        if locked:
            raise UserError(
                self.env._(
                    "The serial tracking mode cannot change once a product has "
                    "serials, because its serials were assigned on other documents "
                    "(invoices and bills, or stock moves). Products with serials: "
                    "%(products)s. Create a new product for the other mode instead.",
                    products=", ".join(locked),
                )
            )

    def _serial_wanted_native_tracking(self):
        self.ensure_one()
        if tracks_serials_physically(self):
            return "serial"
        return "none"

    def _serial_sync_native_tracking(self):  # pylint: disable=missing-return
        """Physical mode rides on Odoo's own serial tracking (receipts and
        deliveries ask for serials); accounting mode keeps it off because the
        serials live on invoices and bills."""
        for template in self:
            wanted = template._serial_wanted_native_tracking()
            vals = {}
            if template.tracking != wanted:
                vals["tracking"] = wanted
            if wanted == "serial" and not template.is_storable:
                vals["is_storable"] = True
            if vals:
                super(ProductTemplate, template).write(vals)

    def _serial_check_native_tracking(self, vals):
        """Refuse, before writing, a change of native tracking that would
        contradict the serial tracking settings."""
        for template in self:
            wanted = template._serial_wanted_native_tracking()
            if vals.get("tracking", wanted) != wanted or (
                wanted == "serial" and "is_storable" in vals and not vals["is_storable"]
            ):
                raise UserError(
                    self.env._(
                        "%(product)s tracks serials in %(mode)s mode, which sets its "
                        "native tracking; change the serial tracking settings instead.",
                        product=template.display_name,
                        mode=dict(
                            self._fields["serial_tracking_mode"]._description_selection(
                                self.env
                            )
                        )[template.serial_tracking_mode],
                    )
                )

    def _serial_adopt_native_lots(self):
        """Serial numbers Odoo already knows for a product (physical stock)
        become tracked serials when Track Serials is switched on."""
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search([("product_tmpl_id", "in", self.ids), ("is_serial", "=", False)])
        )
        if lots:
            lots._serial_adopt()

    def action_open_serials(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_numbers"
        )
        action["domain"] = [("product_tmpl_id", "=", self.id), ("is_serial", "=", True)]
        action["context"] = {"search_default_filter_available": 0}
        return action

    def action_open_serial_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_history"
        )
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Serial History of %(product)s", product=self.display_name
        )
        return action

    def action_add_serial(self):
        self.ensure_one()
        self._serial_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add Serial"),
            "res_model": "serial.add.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_product_tmpl_id": self.id},
        }

    def action_serial_count(self):
        """A new count by scanning of this product, at the main stock."""
        self.ensure_one()
        context = {
            "default_location_id": self.env.company._serial_main_stock_location().id
        }
        if len(self.product_variant_ids) == 1:
            context["default_product_id"] = self.product_variant_id.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Count by Scanning"),
            "res_model": "serial.count",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    def action_add_serials_bulk(self):
        """Opening stock: many serials at once, through the bulk entry wizard."""
        self.ensure_one()
        self._serial_check_manager()
        return self.env["serial.entry.wizard"]._open_for(
            self,
            "add",
            self.product_variant_id,
            location=self.env.company._serial_main_stock_location(),
            count_fixed=False,
            title=self.env._("Add Serials: %(product)s", product=self.display_name),
        )

    def _serial_entry_apply(self, wizard):
        self._serial_check_manager()
        names = wizard._entered_serials()
        Lot = self.env["stock.lot"]
        if wizard.purpose == "initialize":
            untracked = sum(
                self._serial_untracked_quants()
                .filtered(lambda q: q.location_id == wizard.location_id)
                .mapped("quantity")
            )
            if len(names) > untracked:
                raise UserError(
                    self.env._(
                        "Only %(count)s units without serials remain at %(location)s.",
                        count=untracked,
                        location=wizard.location_id.display_name,
                    )
                )
            Lot._serial_add_to_stock(
                wizard.product_id,
                names,
                wizard.location_id,
                untracked_delta=-len(names),
            )
        else:
            Lot._serial_add_to_stock(wizard.product_id, names, wizard.location_id)

    def _serial_warranty_end(self, start):
        self.ensure_one()
        return add_warranty(
            start, self.serial_warranty_duration, self.serial_warranty_unit
        )

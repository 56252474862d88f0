# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, escape_psql

from ..tools.serial_digital_link import build_digital_link, normalize_gtin
from ..tools.serial_errors import SerialInputError
from ..tools.serial_flow import (
    QUIET_CONTEXT,
    formatted_lot_names,
    in_trusted_serial_flow,
    trusted_serial_flow,
)
from ..tools.serial_format import counter_pattern
from ..tools.serial_rules import (
    EXPECTED_STATUS,
    SALE_EVENT_TYPES,
    SERIAL_DOCUMENT_KINDS,
    SERIAL_STATUS_TRANSITIONS,
    SERIAL_STATUSES,
    WARRANTY_STATUSES,
    holder_of,
    serial_key_of,
    warranty_status_on,
)
from ..tools.serial_text import normalize_serial
from .product_template import MANAGE_SERIALS_GROUP
from .serial_bulk import check_company_in_bulk
from .stock_speed_path import (
    COMPANY_CHECK_METHODS,
    LOT_PRECOMPUTE_METHODS,
    LOT_WRITE_METHODS,
    speed_path_applies,
)

# Defaults computed once per batch of serials; see
# StockLot._serial_create_batched.
_batch_defaults = ContextVar("serial_tracking_batch_defaults", default=None)

# The stored fields Odoo computes from what a document changes on its units,
# written by the set-based status change in the same UPDATE
# (StockLot._serial_change_in_place)
IN_PLACE_COMPUTED_FIELDS = ("holder_partner_id", "warranty_date_end")


@contextmanager
def whole_names_lookup(cr):
    """Queries within read serials by a list of whole names without a
    bitmap scan. Odoo indexes the serial's name by trigrams; once the table's
    statistics are gathered, PostgreSQL may take that index for a batch of
    names, and serials that share a prefix make each name of the batch match
    most of the table there. Without bitmap scans (the only way a trigram
    index is read) the names' equality index or a scan of the table is used."""
    cr.execute("SHOW enable_bitmapscan")
    previous = cr.fetchone()[0]
    cr.execute("SET LOCAL enable_bitmapscan = off")
    try:
        yield
    finally:
        cr.execute(SQL("SELECT set_config('enable_bitmapscan', %s, true)", previous))


class StockLot(models.Model):
    _inherit = "stock.lot"

    is_serial = fields.Boolean(
        string="Tracked Serial",
        readonly=True,
        index=True,
        copy=False,
        help="Set on serial numbers of products with Track Serials.",
    )
    # product_tmpl_id, serial_key and the company they depend on are computed
    # before the INSERT: computed after it, they cost a second UPDATE of every
    # new serial, a large part of posting a bill of many serials
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id",
        store=True,
        index=True,
        precompute=True,
        string="Product Template",
    )
    # compute and store repeated from stock: Odoo checks precompute against
    # the attributes of this definition alone and would warn without them
    company_id = fields.Many2one(
        compute="_compute_company_id", store=True, precompute=True
    )
    serial_tracking_mode = fields.Selection(
        related="product_tmpl_id.serial_tracking_mode"
    )
    serial_key = fields.Char(
        compute="_compute_serial_key",
        store=True,
        precompute=True,
        copy=False,
        help="Technical: what must be unique for this serial, given the company's "
        "uniqueness setting. A unique index on it holds against concurrent creation.",
    )
    serial_status = fields.Selection(
        SERIAL_STATUSES,
        string="Status",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    last_customer_id = fields.Many2one(
        "res.partner",
        string="Last Sold To",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer this unit was last invoiced or delivered to, kept "
        "after it came back. Who has it now is Held By.",
    )
    # stored and indexed: recall, the portal and the reminders search units
    # by it, over every serial of the database
    holder_partner_id = fields.Many2one(
        "res.partner",
        string="Held By",
        compute="_compute_holder_partner_id",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer who holds the unit now: it was invoiced or delivered "
        "to them and has not come back since (no credit note, return, return to "
        "the vendor, scrap or sale to someone else). Empty while the unit is "
        "with the company.",
    )
    date_received = fields.Date(copy=False)
    warranty_date_start = fields.Date(string="Warranty Start", copy=False)
    warranty_date_end = fields.Date(
        string="Warranty End",
        compute="_compute_warranty_date_end",
        store=True,
        precompute=True,
        readonly=False,
        copy=False,
    )
    warranty_status = fields.Selection(
        WARRANTY_STATUSES,
        compute="_compute_warranty_status",
        search="_search_warranty_status",
    )
    condition_notes = fields.Text()
    serial_unannounced = fields.Boolean(
        string="Not on the Shipping Notice",
        readonly=True,
        copy=False,
        help="Received on a receipt that had a shipping notice, which did not "
        "list this unit.",
    )
    history_ids = fields.One2many("stock.lot.history", "lot_id", string="History")
    history_count = fields.Integer(compute="_compute_history_count")
    claim_ids = fields.One2many(
        "serial.warranty.claim", "lot_id", string="Warranty Claims"
    )
    claim_count = fields.Integer(compute="_compute_claim_count")
    warranty_reminder_sent_for = fields.Date(
        readonly=True,
        copy=False,
        help="Technical: the warranty end the customer was last reminded of.",
    )

    # Odoo indexes the name for searching by a part of it (trigram); the
    # lookups of whole names (Odoo's uniqueness check and the addon's on every
    # batch of serials created or entered) need an equality index too, else
    # once the table's statistics are gathered PostgreSQL may test each name
    # of a batch against the trigram index, a slice then waiting on it
    _serial_name_index = models.Index("(name)")

    _serial_key_unique = models.UniqueIndex(
        "(COALESCE(company_id, 0), serial_key) WHERE serial_key IS NOT NULL",
        lambda env, diagnostics: env._(
            "This serial number already exists. Serial numbers are unique per product "
            "or across all products, as set in Inventory > Configuration > Settings. "
            "(%(detail)s)",
            detail=getattr(diagnostics, "message_detail", "") or "",
        ),
    )

    @api.depends("is_serial", "name", "product_id", "company_id.serial_uniqueness")
    def _compute_serial_key(self):
        for lot in self:
            if not lot.is_serial or not lot.name:
                lot.serial_key = False
            else:
                lot.serial_key = serial_key_of(
                    lot.name,
                    lot.product_id.id,
                    lot.company_id.serial_uniqueness == "company",
                )

    @api.depends("serial_status", "last_customer_id")
    def _compute_holder_partner_id(self):
        for lot in self:
            lot.holder_partner_id = holder_of(lot.serial_status, lot.last_customer_id)

    @api.depends("product_id.company_id")
    def _compute_company_id(self):  # pylint: disable=missing-return
        super()._compute_company_id()
        for lot in self:
            # A serial belongs to one company even when its product is shared.
            if not lot.company_id and lot.product_id.serial_tracking_enabled:
                lot.company_id = self.env.company

    @api.depends(
        "warranty_date_start",
        "product_id.serial_warranty_duration",
        "product_id.serial_warranty_unit",
    )
    def _compute_warranty_date_end(self):
        for lot in self:
            template = lot.product_id.product_tmpl_id
            lot.warranty_date_end = (
                template._serial_warranty_end(lot.warranty_date_start)
                if template
                else False
            )

    @api.depends("product_id")
    def _compute_name(self):  # pylint: disable=missing-return
        """A lot without a name of a product following its serial number
        format takes the format's next number, one counter update per product
        for a batch (Odoo takes it from the product's sequence, lot by lot)."""
        waiting = {}
        for lot in self:
            template = lot.product_id.product_tmpl_id
            if not lot.name and template._serial_follows_format():
                waiting.setdefault(template, self.browse())
                waiting[template] |= lot
        Counter = self.env["serial.tracking.counter"]
        for template, lots in waiting.items():
            for lot, name in zip(
                lots, Counter._take_serials(template, len(lots)), strict=True
            ):
                lot.name = name
        named = self.browse()
        for lots in waiting.values():
            named |= lots
        super(StockLot, self - named)._compute_name()

    @api.model
    def _get_next_serial(self, company, product):
        """For a product following its format, the format's next serial,
        taken from its counter (manufacturing and repairs create the serial
        they ask for)."""
        template = product.product_tmpl_id
        if template._serial_follows_format():
            return self.env["serial.tracking.counter"]._take_serials(
                template, 1, company
            )[0]
        return super()._get_next_serial(company, product)

    @api.model
    def generate_lot_names(self, first_lot, count):
        names = formatted_lot_names()
        if names is not None and len(names) == count:
            return [{"lot_name": name} for name in names]
        return super().generate_lot_names(first_lot, count)

    @api.depends("warranty_date_end")
    def _compute_warranty_status(self):
        today = fields.Date.context_today(self)
        for lot in self:
            lot.warranty_status = warranty_status_on(lot.warranty_date_end, today)

    def _search_warranty_status(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        domains = {
            "under": [("warranty_date_end", ">=", today)],
            "expired": [("warranty_date_end", "<", today)],
            "none": [("warranty_date_end", "=", False)],
        }
        chosen = [domains[status] for status in value if status in domains]
        domain = fields.Domain.OR(chosen) if chosen else fields.Domain.FALSE
        return ~domain if operator == "not in" else domain

    def _compute_history_count(self):
        counts = dict(
            self.env["stock.lot.history"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.history_count = counts.get(lot, 0)

    def _compute_claim_count(self):
        counts = dict(
            self.env["serial.warranty.claim"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["__count"]
            )
        )
        for lot in self:
            lot.claim_count = counts.get(lot, 0)

    # ------------------------------------------------------------------
    # Access: serial records are changed by documents, or by managers
    # ------------------------------------------------------------------
    def _serial_check_direct_edit(self, product_ids=None):
        if (
            self.env.su
            or in_trusted_serial_flow()
            or self.env.user.has_group(MANAGE_SERIALS_GROUP)
            or (product_ids and self._serial_subcontractor_may_create(product_ids))
        ):
            return
        raise AccessError(
            self.env._(
                "Only members of the “Manage Serials” group can create, edit or "
                "delete serial numbers directly. Serials on invoices, bills and "
                "transfers are assigned from those documents."
            )
        )

    @api.model
    def _serial_subcontractor_may_create(self, product_ids):
        """Whether the user is a subcontractor on the portal creating serials
        of products their open subcontracting orders make or consume: Odoo's
        subcontracting portal has them record the serials of what they made
        and used, a document Odoo lets them process (Odoo's own record rules
        limit them to those products too)."""
        if (
            "mrp.production" not in self.env
            or "subcontractor_id" not in self.env["mrp.production"]._fields
            or not self.env.user._is_portal()
        ):
            return False
        productions = (
            self.env["mrp.production"]
            .sudo()
            .search(
                [
                    (
                        "subcontractor_id",
                        "=",
                        self.env.user.partner_id.commercial_partner_id.id,
                    ),
                    ("state", "not in", ("done", "cancel")),
                ]
            )
        )
        allowed = productions.product_id | productions.move_raw_ids.product_id
        return set(product_ids) <= set(allowed.ids)

    @api.model
    def _serial_normalize_name(self, name):
        try:
            return normalize_serial(name)
        except SerialInputError as error:
            raise UserError(error.localized(self.env)) from error

    @api.model
    def _serial_tracked_product_ids(self, vals_list):
        product_ids = {vals.get("product_id") for vals in vals_list}
        product_ids.add(self.env.context.get("default_product_id"))
        products = self.env["product.product"].browse(pid for pid in product_ids if pid)
        return set(products.filtered("serial_tracking_enabled").ids)

    def _check_company(self, fnames=None):
        if not speed_path_applies(self, steps_aside_for=COMPANY_CHECK_METHODS):
            return super()._check_company(fnames)
        return check_company_in_bulk(
            self,
            self.filtered("is_serial"),
            fnames,
            lambda records: super(StockLot, records)._check_company(fnames),
        )

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # super().create is called by _serial_create
        tracked = self._serial_tracked_product_ids(vals_list)
        if tracked:
            default_product = self.env.context.get("default_product_id")
            for vals in vals_list:
                if vals.get("product_id", default_product) in tracked:
                    vals["is_serial"] = True
                    vals.setdefault("serial_status", "in_stock")
                    if isinstance(vals.get("name"), str):
                        vals["name"] = self._serial_normalize_name(vals["name"])
            self._serial_check_direct_edit(product_ids=tracked)
        if not tracked:
            return self._serial_create(vals_list)
        # The unique index on the serial key holds against every path (two
        # receipts naming one new serial, an import, a concurrent
        # transaction); its violation becomes a message naming the serials
        # instead of a database error that aborts the transaction.
        try:
            with self.env.cr.savepoint():
                return self._serial_create(vals_list)
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.table_name != self._table or "serial_key" not in (
                error.diag.constraint_name or ""
            ):
                raise
            raise ValidationError(self._serial_duplicates_message(vals_list)) from None

    def _serial_create(self, vals_list):
        if len(vals_list) < 2 or not speed_path_applies(self):
            return super().create(vals_list)
        return self._serial_create_batched(vals_list)

    def _serial_create_batched(self, vals_list):
        """The ORM's ``create`` of many serials, with ``default_get`` asked
        once per batch, not once per record (a large part of creating a
        bill's units): its answer depends only on the context and the fields
        asked, the same for every record of one create. A copy of the ORM's
        work, under the stock speed path's check."""
        token = _batch_defaults.set({})
        try:
            return super().create(vals_list)
        finally:
            _batch_defaults.reset(token)

    @api.model
    def _serial_duplicates_message(self, vals_list):
        """Which of the serials about to be created clash: given twice, or
        already there, with product and company."""
        default_product = self.env.context.get("default_product_id")
        wanted = [
            (
                vals["name"],
                vals.get("product_id", default_product),
                vals.get("company_id") or self.env.company.id,
            )
            for vals in vals_list
            if vals.get("is_serial") and vals.get("name")
        ]
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("is_serial", "=", True),
                    ("name", "in", list({name for name, *_rest in wanted})),
                ]
            )
        )
        companies = {
            company.id: company
            for company in self.env["res.company"]
            .sudo()
            .browse({key[2] for key in wanted})
        }

        def clash_key(name, product_id, company_id):
            per_company = companies[company_id].serial_uniqueness == "company"
            return (company_id, serial_key_of(name, product_id, per_company))

        taken = {
            clash_key(lot.name, lot.product_id.id, lot.company_id.id)
            for lot in existing
            if lot.company_id.id in companies
        }
        given = Counter(clash_key(*key) for key in wanted)
        products = {
            product.id: product
            for product in self.env["product.product"]
            .sudo()
            .browse({key[1] for key in wanted})
        }
        lines, seen = [], set()
        for name, product_id, company_id in wanted:
            key = clash_key(name, product_id, company_id)
            if key in seen or (key not in taken and given[key] < 2):
                continue
            seen.add(key)
            lines.append(
                self.env._(
                    " - %(serial)s: %(product)s, %(company)s",
                    serial=name,
                    product=products[product_id].display_name,
                    company=companies[company_id].name,
                )
            )
        return self.env._(
            "A serial number is unique within its company (for its product, or across "
            "all products, as set in Inventory > Configuration > Settings). These "
            "serial numbers are already used or given twice:\n%(serials)s\nRemove the "
            "duplicates or choose other numbers.",
            serials="\n".join(lines[:20])
            or ", ".join(sorted({key[0] for key in wanted}))[:2000],
        )

    @api.model
    def _add_precomputed_values(self, vals_list):
        bulk = [
            vals
            for vals in vals_list
            if vals.get("is_serial")
            and isinstance(vals.get("name"), str)
            and vals["name"]
            and vals.get("product_id")
        ]
        if len(bulk) > 1 and speed_path_applies(
            self, steps_aside_for=LOT_PRECOMPUTE_METHODS
        ):
            self._serial_precompute_in_bulk(bulk)
        return super()._add_precomputed_values(vals_list)

    @api.model
    def _serial_precompute_in_bulk(self, bulk):
        """The precomputed fields of the serials ``bulk`` (values given their
        name and product), computed for the batch: Odoo computes them on one
        new record per serial, which costs more than the INSERT itself. What
        is still missing afterwards is left to Odoo. A copy of Odoo's
        computes, under the stock speed path's check."""
        products = self.env["product.product"].browse(
            {vals["product_id"] for vals in bulk}
        )
        template_of = {product.id: product.product_tmpl_id for product in products}
        shared = {product.id for product in products if not product.company_id}
        bulk_fields = {
            name: self._fields[name]
            for name in (
                "company_id",
                "product_tmpl_id",
                "serial_key",
                "warranty_date_end",
                "holder_partner_id",
            )
        }
        for vals in bulk:
            if "company_id" not in vals and vals["product_id"] in shared:
                # _compute_company_id: a serial of a product shared by all
                # companies belongs to the current one
                vals["company_id"] = self.env.company.id
                vals.setdefault("__precomputed__", set()).add(bulk_fields["company_id"])
        bulk = [vals for vals in bulk if vals.get("company_id")]
        companies = self.env["res.company"].browse(
            {vals["company_id"] for vals in bulk}
        )
        per_company = {
            company.id: company.serial_uniqueness == "company" for company in companies
        }
        for vals in bulk:
            template = template_of[vals["product_id"]]
            values = {
                "product_tmpl_id": template.id,
                "serial_key": serial_key_of(
                    vals["name"], vals["product_id"], per_company[vals["company_id"]]
                ),
                "warranty_date_end": template._serial_warranty_end(
                    fields.Date.to_date(vals.get("warranty_date_start"))
                ),
                "holder_partner_id": holder_of(
                    vals.get("serial_status"), vals.get("last_customer_id")
                )
                or False,
            }
            precomputed = vals.setdefault("__precomputed__", set())
            for name, value in values.items():
                if name not in vals:
                    vals[name] = value
                    precomputed.add(bulk_fields[name])

    @api.model
    def default_get(self, fields):
        memo = _batch_defaults.get()
        if memo is None:
            return super().default_get(fields)
        key = (self.env, tuple(fields))
        if key not in memo:
            memo[key] = super().default_get(fields)
        return dict(memo[key])

    def write(self, vals):
        serials = self.filtered("is_serial")
        if serials:
            serials._serial_check_direct_edit()
            if isinstance(vals.get("name"), str):
                vals = dict(vals, name=self._serial_normalize_name(vals["name"]))
        return super().write(vals)

    # The refusals come before Odoo's access check (an @api.ondelete method
    # would come after it), so that a user without the group reads why.
    def unlink(self):
        # pylint: disable=no-raise-unlink
        serials = self.filtered("is_serial")
        if serials:
            serials._serial_check_direct_edit()
            documented = serials.history_ids.filtered("res_model").lot_id
            if documented:
                raise UserError(
                    self.env._(
                        "These serial numbers appear on documents and must be kept "
                        "for their history: %(serials)s.",
                        serials=", ".join(documented.mapped("name")),
                    )
                )
        return super().unlink()

    # ------------------------------------------------------------------
    # Status
    # ------------------------------------------------------------------
    def _serial_check_transition(self, new_status):
        """Refuse, naming them, the units that cannot become ``new_status``;
        judged in one query, however many units there are."""
        if not self:
            return
        allowed_from = [
            status or ""
            for status, targets in SERIAL_STATUS_TRANSITIONS.items()
            if new_status in targets
        ]
        self.flush_recordset(["serial_status"])
        self.env.cr.execute(
            SQL(
                """SELECT lot.id FROM unnest(%s::int[]) AS given(id)
                     JOIN stock_lot lot ON lot.id = given.id
                    WHERE NOT COALESCE(lot.serial_status, '') = ANY(%s)""",
                list(self._ids),
                allowed_from,
            )
        )
        refused_ids = {row[0] for row in self.env.cr.fetchall()}
        if not refused_ids:
            return
        labels = dict(self._fields["serial_status"]._description_selection(self.env))
        refused = self.filtered(lambda lot: lot.id in refused_ids)
        raise UserError(
            self.env._(
                "These serial numbers cannot become %(status)s: %(serials)s.",
                status=labels[new_status],
                serials=", ".join(
                    f"{lot.name} ({labels.get(lot.serial_status, '-')})"
                    for lot in refused[:20]
                ),
            )
        )

    def _serial_product_and_status(self):
        """{serial id: (product id, status)} of these units, in one query:
        documents of many units judge them on these values rather than unit
        by unit through the ORM."""
        if not self:
            return {}
        self.flush_recordset(["product_id", "serial_status"])
        self.env.cr.execute(
            """SELECT lot.id, lot.product_id, lot.serial_status
                 FROM unnest(%s::int[]) AS given(id)
                 JOIN stock_lot lot ON lot.id = given.id""",
            [list(self._ids)],
        )
        return {
            lot_id: (product_id, status or False)
            for lot_id, product_id, status in self.env.cr.fetchall()
        }

    def _serial_adopt(self):
        """Make existing lots of a product tracked serials, in stock where they are."""
        in_stock = self.filtered(lambda lot: lot.product_qty > 0)
        in_stock.sudo().write({"is_serial": True, "serial_status": "in_stock"})
        (self - in_stock).sudo().write({"is_serial": True})

    # ------------------------------------------------------------------
    # Services used by every flow that brings serials in
    # ------------------------------------------------------------------
    @api.constrains("name", "product_id", "company_id")
    def _check_unique_lot(self):
        # Odoo's check reads the batch's serials by their names; re-declared
        # as a constraint, which an override otherwise no longer is
        with whole_names_lookup(self.env.cr):
            return super()._check_unique_lot()

    @api.model
    def _serial_find_existing(self, product, names, company=None):
        """Return the serials that would clash with ``names`` for ``product``
        under the company's uniqueness setting, in one query."""
        company = company or product.company_id or self.env.company
        domain = [
            ("is_serial", "=", True),
            ("company_id", "=", company.id),
            ("name", "in", list(names)),
        ]
        if company.serial_uniqueness != "company":
            domain.append(("product_id", "=", product.id))
        with whole_names_lookup(self.env.cr):
            return self.sudo().search(domain)

    @api.model
    def _serial_highest_number(self, product, parts, company):
        """The highest counter number carried by an existing serial that has
        the rendered format's prefix and suffix (0 if none)."""
        pattern = counter_pattern(parts)
        like = f"{escape_psql(parts.prefix)}%{escape_psql(parts.suffix)}"
        names = self._serial_find_existing_like(product, like, company)
        numbers = [number for number in map(pattern, names) if number is not None]
        return max(numbers, default=0)

    @api.model
    def _serial_find_existing_like(self, product, like, company):
        domain = [
            ("is_serial", "=", True),
            ("company_id", "=", company.id),
            ("name", "=like", like),
        ]
        if company.serial_uniqueness != "company":
            domain.append(("product_id", "=", product.id))
        return self.sudo().search(domain).mapped("name")

    @api.model
    def _serial_add_to_stock(
        self,
        product,
        names,
        location,
        condition_notes=False,
        date=None,
        untracked_delta=0,
    ):
        """Create serials that are in stock at ``location`` (opening stock),
        with their history; physical products get a matching inventory
        adjustment so on-hand quantities agree with the serials."""
        existing = self._serial_find_existing(product, names)
        if existing:
            raise UserError(
                self.env._(
                    "These serial numbers already exist: %(serials)s. "
                    "Remove them from the entry or choose other numbers.",
                    serials=", ".join(existing[:20].mapped("name")),
                )
            )
        date = date or fields.Datetime.now()
        with trusted_serial_flow():
            lots = self.with_context(**QUIET_CONTEXT).create(
                [
                    {
                        "name": name,
                        "product_id": product.id,
                        "company_id": location.company_id.id or self.env.company.id,
                        "serial_status": "in_stock",
                        "date_received": fields.Date.context_today(self, date),
                        "condition_notes": condition_notes,
                    }
                    for name in names
                ]
            )
        if product.serial_tracking_mode == "physical":
            # the inventory adjustment's move lines write the ADJUST history rows
            self._serial_apply_inventory(product, location, lots, untracked_delta)
        else:
            lots.sudo().with_context(**QUIET_CONTEXT).write(
                {"location_id": location.id}
            )
            self.env["stock.lot.history"]._record_events(
                [
                    {
                        "lot": lot,
                        "event_type": "ADJUST",
                        "date": date,
                        "location_dest_id": location.id,
                        "note": self.env._("Added manually"),
                    }
                    for lot in lots
                ]
            )
        return lots

    @api.model
    def _serial_announce(self, product, names, company, document, location_dest=None):
        """Create the units ``names`` of ``product`` as Expected units of
        ``document`` (an incoming document not done yet), in one batch, each
        with its announcement in the history; returned in the order of
        ``names``. A serial that exists already is refused as receiving it
        again would be (the unique index on the serial key)."""
        kind = SERIAL_DOCUMENT_KINDS["announcement"]
        with trusted_serial_flow():
            lots = self.with_context(**QUIET_CONTEXT).create(
                [
                    {
                        "name": name,
                        "product_id": product.id,
                        "company_id": company.id,
                        "serial_status": kind.status,
                    }
                    for name in names
                ]
            )
        partner = getattr(document, "partner_id", False)
        self.env["stock.lot.history"]._record_events(
            [
                {
                    "lot": lot,
                    "event_type": kind.event,
                    "location_dest_id": location_dest and location_dest.id,
                    "partner_id": partner and partner.id,
                    "document": document,
                }
                for lot in lots
            ]
        )
        return lots

    def _serial_discard_expected(self):
        """Delete those of these units that are Expected and that nothing
        holds any more (no move line, no quant, nothing in their history but
        their announcement): a unit announced and never received, dropped
        by its document (cancelled, the line removed). The announcement goes
        with it: the one deletion the append-only history allows."""
        if not self:
            return
        self.flush_recordset(["serial_status"])
        self.env["stock.move.line"].flush_model(["lot_id"])
        self.env["stock.quant"].flush_model(["lot_id"])
        self.env.cr.execute(
            SQL(
                """SELECT lot.id FROM stock_lot lot
                    WHERE lot.id = ANY(%(ids)s) AND lot.serial_status = %(expected)s
                      AND NOT EXISTS (SELECT 1 FROM stock_move_line ml
                                       WHERE ml.lot_id = lot.id)
                      AND NOT EXISTS (SELECT 1 FROM stock_quant quant
                                       WHERE quant.lot_id = lot.id)
                      AND NOT EXISTS (SELECT 1 FROM stock_lot_history row
                                       WHERE row.lot_id = lot.id
                                         AND row.event_type <> %(announce)s)""",
                ids=self.ids,
                expected=EXPECTED_STATUS,
                announce=SERIAL_DOCUMENT_KINDS["announcement"].event,
            )
        )
        unused = self.browse(row[0] for row in self.env.cr.fetchall())
        if not unused:
            return
        self.env.cr.execute(
            SQL("DELETE FROM stock_lot_history WHERE lot_id = ANY(%s)", unused.ids)
        )
        self.env["stock.lot.history"].invalidate_model()
        self.invalidate_model(["history_ids", "history_count"])
        with trusted_serial_flow():
            unused.sudo().with_context(**QUIET_CONTEXT).unlink()

    @api.model
    def _serial_apply_inventory(self, product, location, new_lots, untracked_delta=0):
        """One inventory adjustment at ``location``: one unit of each of
        ``new_lots`` (serials without stock yet) comes in, and the quantity
        without serial changes by ``untracked_delta``."""
        Quant = self.env["stock.quant"].sudo().with_context(inventory_mode=True)
        quants = Quant.create(
            [
                {
                    "product_id": product.id,
                    "location_id": location.id,
                    "lot_id": lot.id,
                    "inventory_quantity": 1,
                }
                for lot in new_lots
            ]
        )
        if untracked_delta:
            untracked = Quant.search(
                [
                    ("product_id", "=", product.id),
                    ("location_id", "=", location.id),
                    ("lot_id", "=", False),
                    ("package_id", "=", False),
                    ("owner_id", "=", False),
                ],
                limit=1,
            )
            untracked.inventory_quantity = untracked.quantity + untracked_delta
            quants |= untracked
        quants._apply_inventory()

    def _serial_restorable_values(self):
        """What a document may change on a unit, as JSON-ready values."""
        self.ensure_one()
        return {
            "serial_status": self.serial_status or False,
            "location_id": self.location_id.id or False,
            "last_customer_id": self.last_customer_id.id or False,
            "warranty_date_start": fields.Date.to_string(self.warranty_date_start)
            or False,
            "date_received": fields.Date.to_string(self.date_received) or False,
        }

    def action_open_serial_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_history"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Serial History of %(serial)s", serial=self.name
        )
        action["context"] = {}
        return action

    def _serial_trace_relations(self):
        """{lot id: relation} of every unit linked to this one through
        manufacturing: the components it was built from and the finished
        units it went into, at any depth, read from the consume/produce
        links Odoo's manufacturing writes on done move lines (empty without
        mrp). One search per level of the bill of materials."""
        self.ensure_one()
        relations = {self.id: "unit"}
        if "raw_material_production_id" not in self.env["stock.move"]._fields:
            return relations
        MoveLine = self.env["stock.move.line"].sudo()
        for relation, link, own_side in (
            # a component's consuming line points to the finished lines
            ("finished", "produce_line_ids", "move_id.raw_material_production_id"),
            # a finished line points to the lines that consumed its components
            ("component", "consume_line_ids", "move_id.production_id"),
        ):
            frontier = {self.id}
            while frontier:
                lines = MoveLine.search(
                    [
                        ("lot_id", "in", list(frontier)),
                        ("state", "=", "done"),
                        (own_side, "!=", False),
                    ]
                )
                linked = lines[link].lot_id.ids
                frontier = {lot_id for lot_id in linked if lot_id not in relations}
                relations.update(dict.fromkeys(frontier, relation))
        return relations

    def action_serial_trace(self):
        """The unit's history upstream and downstream, with that of the units
        it was built from or went into, each row opening its document."""
        self.ensure_one()
        relations = self._serial_trace_relations()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_trace"
        )
        action["domain"] = [("lot_id", "in", list(relations))]
        action["display_name"] = self.env._("Trace of %(serial)s", serial=self.name)
        # lists, not a dict: the relation is computed from the context and
        # the ORM's cache keys need hashable context values
        action["context"] = {
            "serial_trace_components": [
                lot_id for lot_id, rel in relations.items() if rel == "component"
            ],
            "serial_trace_finished": [
                lot_id for lot_id, rel in relations.items() if rel == "finished"
            ],
            "serial_trace_lot_id": self.id,
        }
        return action

    def _serial_print_labels(self):
        """Print > Serial Labels for these units (a clear message when there
        are none, rather than an empty PDF)."""
        lots = self.filtered("is_serial").sorted(
            lambda lot: (lot.product_id.id, lot.name)
        )
        if not lots:
            raise UserError(
                self.env._("There are no serial numbers to print labels for.")
            )
        # labels print on a label sheet, not the company's document layout:
        # no layout configuration step first
        report = self.env.ref("serial_tracking.action_report_serial_label")
        action = report.report_action(lots, config=False)
        without_gtin = lots.filtered(
            lambda lot: (lot.company_id or self.env.company).serial_digital_link_labels
            and not normalize_gtin(lot.product_id.barcode)
        ).product_id
        if not without_gtin:
            return action
        # the labels print all the same; the line says why some have no QR code
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("Labels without GS1 Digital Link"),
                "message": self.env._(
                    "No QR code on the labels of %(products)s: the product's barcode "
                    "is not a valid GTIN (8, 12, 13 or 14 digits with the right check "
                    "digit). Set it on the product to print the QR code.",
                    products=", ".join(without_gtin.mapped("display_name")),
                ),
                "next": action,
            },
        }

    def action_export_epcis(self):
        """The EPCIS document of these units' whole history."""
        name = self[:1].name if len(self) == 1 else self.env._("Serials")
        return self.env["serial.epcis.export"]._epcis_action(
            [("lot_id", "in", self.ids)], name
        )

    def _serial_label_digital_link(self):
        """The GS1 Digital Link the unit's label carries as a QR code: this
        database's address, the product's GTIN-14 and the serial; False when
        the company does not print it or the product has no valid GTIN."""
        self.ensure_one()
        if not (self.company_id or self.env.company).serial_digital_link_labels:
            return False
        return self._serial_digital_link(self.get_base_url()) or False

    def _serial_digital_link(self, base=None):
        """The unit's Digital Link URI under ``base`` (GS1's canonical
        https://id.gs1.org when None); None without a valid GTIN."""
        self.ensure_one()
        return build_digital_link(base, self.product_id.barcode, self.name)

    # ------------------------------------------------------------------
    # After-sales
    # ------------------------------------------------------------------
    def _serial_sale_rows(self):
        """The history row of the document each unit came to its customer
        with (its latest delivery or invoice), in one query."""
        if not self:
            return {}
        self.env["stock.lot.history"].flush_model(["lot_id", "event_type"])
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (lot_id) lot_id, id
              FROM stock_lot_history
             WHERE lot_id = ANY(%s) AND event_type = ANY(%s)
          ORDER BY lot_id, id DESC
            """,
            [self.ids, list(SALE_EVENT_TYPES)],
        )
        History = self.env["stock.lot.history"]
        return {
            lot_id: History.browse(row_id) for lot_id, row_id in self.env.cr.fetchall()
        }

    def action_new_claim(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Warranty Claim"),
            "res_model": "serial.warranty.claim",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_lot_id": self.id,
                "default_partner_id": self.holder_partner_id.id,
            },
        }

    def action_open_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_warranty_claims"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {
            "default_lot_id": self.id,
            "default_partner_id": self.holder_partner_id.id,
        }
        return action

    # ------------------------------------------------------------------
    # The customer who holds a unit now (holder_partner_id), and what a
    # customer may see of their units on the portal
    # ------------------------------------------------------------------
    @api.model
    def _serial_held_domain(self, partner):
        """The units ``partner``'s company holds now: what its portal users
        list, look up and claim."""
        return fields.Domain("is_serial", "=", True) & fields.Domain(
            "holder_partner_id",
            "any",
            [("commercial_partner_id", "=", partner.commercial_partner_id.id)],
        )

    @api.model
    def _serial_returned_domain(self, partner):
        """The units last sold to ``partner``'s company that it gave back
        (credited, returned, then perhaps scrapped or sent to the vendor); a
        unit sold to someone else since is no longer theirs to see."""
        return (
            fields.Domain("is_serial", "=", True)
            & fields.Domain("holder_partner_id", "=", False)
            & fields.Domain(
                "last_customer_id",
                "any",
                [("commercial_partner_id", "=", partner.commercial_partner_id.id)],
            )
        )

    @api.model
    def _serial_portal_domain(self, partner):
        """Every unit ``partner``'s portal users may open: the units their
        company holds and the ones it gave back."""
        return self._serial_held_domain(partner) | self._serial_returned_domain(partner)

    def _serial_is_held_by(self, partner):
        """Whether ``partner``'s company holds this unit now."""
        self.ensure_one()
        return bool(
            self.is_serial
            and partner
            and self.holder_partner_id.commercial_partner_id
            == partner.commercial_partner_id
        )

    @api.model
    def _serial_public_lookup(self, serial):
        """The public warranty lookup's answer for ``serial``: product, warranty
        status and end of the units a customer holds now, in a company that
        allows the lookup; nothing otherwise. An unknown number and a unit in
        stock, returned, scrapped or sent back to its vendor get the same empty
        answer, so that the lookup tells nothing about them."""
        try:
            name = self._serial_normalize_name(serial or "")
        except UserError:
            name = ""
        if not name:
            return []
        lots = self.sudo().search(
            [
                ("is_serial", "=", True),
                ("name", "=", name),
                ("holder_partner_id", "!=", False),
                ("company_id.serial_public_warranty_lookup", "=", True),
            ]
            # a GS1 Digital Link names the product too (set by the resolver,
            # never by the visitor: the context is the server's)
            + (
                [("product_id", "in", self.env.context["serial_lookup_product_ids"])]
                if "serial_lookup_product_ids" in self.env.context
                else []
            ),
            limit=10,
        )
        warranty = dict(
            self._fields["warranty_status"]._description_selection(self.env)
        )
        return [
            {
                "product": lot.product_id.display_name,
                "warranty_status": lot.warranty_status,
                "warranty_label": warranty.get(lot.warranty_status, ""),
                "warranty_date_end": lot.warranty_date_end,
            }
            for lot in lots
        ]

    @api.model
    def _serial_apply_transitions(self, transitions, events):
        """Apply a batch of status changes and record them in the history:
        ``transitions`` are (serial id, values to write) in the order the
        documents make them, written once per distinct values (empty values
        write nothing); ``events`` are the history rows, as
        ``stock.lot.history._record_events`` takes them. Posting, reversing
        and validating all come here, with the status of their kind of
        document (``SERIAL_DOCUMENT_KINDS``)."""
        writes = defaultdict(dict)
        for lot_id, values in transitions:
            if values:
                writes[tuple(sorted(values.items()))][lot_id] = None
        Lot = self.sudo().with_context(**QUIET_CONTEXT)
        with trusted_serial_flow():
            for items, lot_ids in writes.items():
                Lot.browse(list(lot_ids)).write(dict(items))
        return self.env["stock.lot.history"]._record_events(events)

    @api.model
    def _serial_change_in_place(self, steps):
        """Apply status changes of units that exist, each with its history
        row, as posting a bill or an invoice makes them: ``steps`` are
        (serial ids, values to write, event), the event giving what the
        history rows of the step share (``event_type``, ``document``,
        ``partner_id``, ``location_dest_id``); each row's origin and previous
        values are the unit's own before the change. Where
        :meth:`_serial_in_place_applies`, set-based: per step, one INSERT of
        the history rows that reads the units' previous values in the
        database and one UPDATE per product, with the stored fields computed
        from the values written (``IN_PLACE_COMPUTED_FIELDS``); otherwise
        through the ORM (:meth:`_serial_apply_transitions`), unit by unit."""
        steps = [step for step in steps if step[0]]
        if not steps:
            return
        fnames = {fname for _ids, values, _event in steps for fname in values}
        if not self._serial_in_place_applies(
            fnames, [lot_id for ids, _values, _event in steps for lot_id in ids]
        ):
            transitions, events = [], []
            for ids, values, event in steps:
                lots = self.browse(ids)
                transitions += [(lot_id, values) for lot_id in ids]
                events += [
                    {
                        **event,
                        "lot": lot,
                        "location_id": lot.location_id.id,
                        "previous_values": lot._serial_restorable_values(),
                    }
                    for lot in lots
                ]
            self._serial_apply_transitions(transitions, events)
            return
        self.flush_model()
        self.env["stock.lot.history"].flush_model()
        now = fields.Datetime.now()
        for ids, values, event in steps:
            self._serial_record_in_place(ids, event, now)
            self._serial_write_in_place(ids, values)
        lots = self.browse({lot_id for ids, _values, _event in steps for lot_id in ids})
        written = [*fnames, *IN_PLACE_COMPUTED_FIELDS, "write_uid", "write_date"]
        lots.invalidate_recordset(written)
        # what depends on the fields written, as the ORM's write marks it,
        # but the fields the UPDATE computed
        computed = [self._fields[fname] for fname in IN_PLACE_COMPUTED_FIELDS]
        with self.env.protecting(computed, lots):
            lots.modified(written)
        self.invalidate_model(["history_ids", "history_count"])
        self.env["product.template"].invalidate_model(["serial_history_count"])

    @api.model
    def _serial_in_place_applies(self, fnames, lot_ids):
        """Whether writing ``fnames`` on the units ``lot_ids`` may be done in
        SQL by :meth:`_serial_change_in_place`: the stock speed path applies
        (its switch on, the serial's ``write`` of the ORM and of Odoo's modules
        as fingerprinted, no other module extending it), no stored field
        of the serial depends on those fields but ``IN_PLACE_COMPUTED_FIELDS``,
        and no unit
        has stock (writing its location would move it: Odoo's inverse of
        ``location_id``)."""
        if not speed_path_applies(self, steps_aside_for=LOT_WRITE_METHODS):
            return False
        # stored fields of other models (a claim's warranty status) are
        # recomputed as after the ORM's write; those of the unit must be
        # computed by the UPDATE
        for fname in fnames:
            for dependent in self.env.registry.get_dependent_fields(
                self._fields[fname]
            ):
                if (
                    dependent.store
                    and dependent.model_name == self._name
                    and dependent.name not in IN_PLACE_COMPUTED_FIELDS
                ):
                    return False
        self.env["stock.quant"].flush_model(["lot_id", "quantity"])
        self.env.cr.execute(
            """SELECT 1 FROM unnest(%s::int[]) AS given(id)
                 JOIN stock_quant quant ON quant.lot_id = given.id
                WHERE quant.quantity > 0 LIMIT 1""",
            [lot_ids],
        )
        return not self.env.cr.fetchone()

    @api.model
    def _serial_record_in_place(self, lot_ids, event, date):
        """The history rows of one step of :meth:`_serial_change_in_place`,
        in one INSERT: origin and previous values (``RESTORABLE_FIELDS``, as
        :meth:`_serial_restorable_values` gives them) read from the units."""
        document = event.get("document")
        self.env.cr.execute(
            SQL(
                """INSERT INTO stock_lot_history
                       (lot_id, product_id, product_tmpl_id, company_id, event_type,
                        date, quantity, location_id, location_dest_id, partner_id,
                        user_id, res_model, res_id, document_name, previous_values)
                   SELECT lot.id, lot.product_id, product.product_tmpl_id,
                          COALESCE(lot.company_id, %(company)s), %(event)s, %(date)s,
                          1.0, lot.location_id, %(dest)s, %(partner)s, %(uid)s,
                          %(model)s, %(res_id)s, %(name)s,
                          jsonb_build_object(
                              'serial_status',
                              COALESCE(to_jsonb(lot.serial_status), 'false'),
                              'location_id',
                              COALESCE(to_jsonb(lot.location_id), 'false'),
                              'last_customer_id',
                              COALESCE(to_jsonb(lot.last_customer_id), 'false'),
                              'warranty_date_start',
                              COALESCE(to_jsonb(lot.warranty_date_start), 'false'),
                              'date_received',
                              COALESCE(to_jsonb(lot.date_received), 'false'))
                     FROM unnest(%(ids)s::int[]) AS given(id)
                     JOIN stock_lot lot ON lot.id = given.id
                     JOIN product_product product ON product.id = lot.product_id
                 ORDER BY lot.id""",
                company=self.env.company.id,
                event=event["event_type"],
                date=date,
                dest=event.get("location_dest_id") or None,
                partner=event.get("partner_id") or None,
                uid=self.env.uid,
                model=document._name if document else None,
                res_id=document.id if document else None,
                name=document.display_name if document else None,
                ids=list(lot_ids),
            )
        )

    @api.model
    def _serial_write_in_place(self, lot_ids, values):
        """Write ``values`` on the units ``lot_ids`` with one UPDATE per
        product, the fields Odoo computes from them with it: who holds the
        unit (``holder_of``) and, when the warranty starts, its end."""
        assignments = {fname: value or None for fname, value in values.items()}
        if "serial_status" in values:
            assignments["holder_partner_id"] = holder_of(
                values["serial_status"],
                assignments.get("last_customer_id", SQL.identifier("last_customer_id")),
            )
        self.env.cr.execute(
            """SELECT DISTINCT lot.product_id FROM unnest(%s::int[]) AS given(id)
                 JOIN stock_lot lot ON lot.id = given.id""",
            [list(lot_ids)],
        )
        products = self.env["product.product"].browse(
            row[0] for row in self.env.cr.fetchall()
        )
        for product in products:
            if "warranty_date_start" in values:
                assignments["warranty_date_end"] = (
                    product.product_tmpl_id._serial_warranty_end(
                        values["warranty_date_start"]
                    )
                    or None
                )
            self.env.cr.execute(
                SQL(
                    "UPDATE stock_lot SET %s, write_uid = %s, write_date = %s"
                    " FROM unnest(%s::int[]) AS given(id)"
                    " WHERE stock_lot.id = given.id AND product_id = %s",
                    SQL(", ").join(
                        SQL(
                            "%s = %s",
                            SQL.identifier(fname),
                            value if isinstance(value, SQL) else SQL("%s", value),
                        )
                        for fname, value in assignments.items()
                    ),
                    self.env.uid,
                    self.env.cr.now(),
                    list(lot_ids),
                    product.id,
                )
            )

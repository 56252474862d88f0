# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.serial_count import (
    COUNT_STATES,
    ExpectedUnit,
    KnownSerial,
    ScannedSerial,
    compare_count,
)
from ..tools.serial_digital_link import gtin_barcode_forms
from ..tools.serial_flow import QUIET_CONTEXT, trusted_serial_flow
from ..tools.serial_gs1 import same_gtin
from ..tools.serial_rules import INTERNAL_USAGES
from .serial_bulk import format_serials

ADJUST_GROUP = "stock.group_stock_manager"
# Rows of one INSERT or UPDATE of count lines.
CHUNK = 1000

# The count whose Apply is moving units, with a note per serial: the serial
# history of those moves names it (event COUNT). A Python context variable,
# unlike the ORM context, cannot be set through RPC.
_applying_count = ContextVar("serial_tracking_applying_count", default=None)


@contextmanager
def applying_count(count, notes):
    token = _applying_count.set((count, notes))
    try:
        yield
    finally:
        _applying_count.reset(token)


def current_count():
    """(count, {lot id: note}) while a count is applied, else None."""
    return _applying_count.get()


# The count's own actions (start, scan, compare, apply) are the only writers
# of its state, its dates and its lines; set here, never through RPC.
_count_at_work = ContextVar("serial_tracking_count_at_work", default=False)


@contextmanager
def count_at_work():
    token = _count_at_work.set(True)
    try:
        yield
    finally:
        _count_at_work.reset(token)


def count_is_at_work():
    return _count_at_work.get()


# Fields only the count's actions write: its progress and its record.
ACTION_FIELDS = frozenset(
    {"state", "date_start", "date_applied", "applied_by_id", "date_compared"}
)


class SerialCount(models.Model):
    """Count by scanning: the serials found at a place, read with the entry
    dialog and saved as they come, compared with the units the system holds
    there, and applied through Odoo's inventory adjustments."""

    _name = "serial.count"
    _description = "Count by Scanning"
    _inherit = ["mail.thread", "mail.activity.mixin", "serial.entry.target"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    state = fields.Selection(
        COUNT_STATES,
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Location",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('usage', '=', 'internal')]",
    )
    include_children = fields.Boolean(
        string="Include Sub-locations",
        default=True,
        tracking=True,
        help="Count the units of the location's sub-locations too.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        check_company=True,
        tracking=True,
        domain="[('serial_tracking_enabled', '=', True), "
        "('serial_tracking_mode', '=', 'physical')]",
        help="Count only this product (leave empty for every product).",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        tracking=True,
        help="Count only the products of this category.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
    )
    add_unknown = fields.Boolean(
        string="Create Unknown Serials",
        help="On Apply, create the unknown serials scanned, for the product set on "
        "their line (Track Serials, physical mode), and add them to the location.",
    )
    free_reservations = fields.Boolean(
        help="On Apply, unreserve the units the count moves that a transfer "
        "reserved. Without it, such a unit stops the Apply and its transfer is named.",
    )
    note = fields.Text()
    date_start = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_applied = fields.Datetime(string="Applied On", readonly=True, copy=False)
    applied_by_id = fields.Many2one(
        "res.users", string="Applied By", readonly=True, copy=False
    )
    date_compared = fields.Datetime(
        string="Compared On",
        readonly=True,
        copy=False,
        help="When the scans were last compared with the system.",
    )
    line_ids = fields.One2many("serial.count.line", "count_id", string="Serials")
    scanned_count = fields.Integer(compute="_compute_result_counts")
    counted_count = fields.Integer(string="Counted", compute="_compute_result_counts")
    missing_count = fields.Integer(string="Missing", compute="_compute_result_counts")
    unexpected_count = fields.Integer(
        string="Unexpected", compute="_compute_result_counts"
    )
    unknown_count = fields.Integer(string="Unknown", compute="_compute_result_counts")
    counted_by_ids = fields.Many2many(
        "res.users",
        string="Counted By",
        compute="_compute_result_counts",
        help="The users who scanned serials in this count.",
    )

    def _compute_result_counts(self):
        Line = self.env["serial.count.line"]
        by_result = {
            (count.id, result): number
            for count, result, number in Line._read_group(
                [("count_id", "in", self.ids)], ["count_id", "result"], ["__count"]
            )
        }
        scans = {
            (count.id, user.id): number
            for count, user, number in Line._read_group(
                [("count_id", "in", self.ids), ("scanned", "=", True)],
                ["count_id", "user_id"],
                ["__count"],
            )
        }
        for count in self:
            for result in ("counted", "missing", "unexpected", "unknown"):
                count[f"{result}_count"] = by_result.get((count.id, result), 0)
            count.scanned_count = sum(
                number
                for (count_id, _user), number in scans.items()
                if count_id == count.id
            )
            count.counted_by_ids = [
                user_id
                for (count_id, user_id) in scans
                if count_id == count.id and user_id
            ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not count_is_at_work() and (
                vals.get("state") == "applied"
                or set(vals) & (ACTION_FIELDS - {"state", "date_start"})
            ):
                raise UserError(
                    self.env._(
                        "A count is applied by its Apply button only; it cannot be "
                        "created applied."
                    )
                )
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(vals.get("company_id") or self.env.company.id)
                    .next_by_code("serial.count")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if not count_is_at_work():
            self._check_writable(vals)
        scope = {"location_id", "include_children", "product_id", "categ_id"}
        if scope & set(vals) and any(count.state != "draft" for count in self):
            raise UserError(
                self.env._(
                    "The place and scope of a count are fixed once scanning starts."
                )
            )
        return super().write(vals)

    def _check_writable(self, vals):
        """An applied count is a record of the stock it changed: none of its
        own fields change afterwards (its chatter and activities still do).
        Before that, its state and dates follow its actions only."""
        mail_fields = set(self.env["mail.thread"]._fields) | set(
            self.env["mail.activity.mixin"]._fields
        )
        own = set(vals) - mail_fields
        applied = self.filtered(lambda count: count.state == "applied")
        if own and applied:
            raise UserError(
                self.env._(
                    "%(counts)s is applied and kept as it was applied: it records "
                    "the stock it changed. Start a new count to count again.",
                    counts=", ".join(applied.mapped("name")),
                )
            )
        if own & ACTION_FIELDS:
            raise UserError(
                self.env._(
                    "The status and dates of a count follow its buttons (Start, "
                    "Scan, Compare, Apply); they cannot be written directly."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        if any(count.state == "applied" for count in self):
            raise UserError(
                self.env._("An applied count is kept: it records the stock it changed.")
            )

    # ------------------------------------------------------------------
    # The place and what the system holds there
    # ------------------------------------------------------------------
    def _location_domain(self, field="location_id"):
        self.ensure_one()
        operator = "child_of" if self.include_children else "="
        return [(field, operator, self.location_id.id)]

    def _tracked_quant_domain(self):
        """Quants of Track Serials physical units on hand at the place."""
        return self._location_domain() + [
            ("quantity", ">", 0),
            ("lot_id.is_serial", "=", True),
            ("product_id.serial_tracking_enabled", "=", True),
            ("product_id.serial_tracking_mode", "=", "physical"),
        ]

    def _expected_domain(self):
        domain = self._tracked_quant_domain()
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        if self.categ_id:
            domain.append(("product_id.categ_id", "child_of", self.categ_id.id))
        return domain

    def _expected_units(self):
        """The units the system holds at the place within the scope, in one
        query."""
        query = self.env["stock.quant"].sudo()._search(self._expected_domain())
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT ON (quant.lot_id)
                          quant.lot_id, lot.name, quant.product_id, quant.location_id
                     FROM stock_quant quant
                     JOIN stock_lot lot ON lot.id = quant.lot_id
                    WHERE quant.id IN %s
                 ORDER BY quant.lot_id, quant.id""",
                query.subselect(),
            )
        )
        return [ExpectedUnit(*row) for row in rows]

    def _counted_location_ids(self):
        return set(
            self.env["stock.location"]
            .sudo()
            .with_context(active_test=False)
            ._search(self._location_domain("id"))
        )

    def _known_serials(self, names):
        """The company's serials named like ``names``, with their status, the
        internal place each is on hand at, and its product's tracking mode:
        ``([KnownSerial], {lot id: tracking mode})``, in one query."""
        self.ensure_one()
        self.env["stock.lot"].flush_model(
            ["name", "is_serial", "company_id", "product_id", "serial_status"]
        )
        self.env["stock.quant"].flush_model(["lot_id", "quantity", "location_id"])
        self.env.cr.execute(
            SQL(
                """SELECT lot.id, lot.name, lot.product_id, lot.serial_status,
                          template.serial_tracking_mode, here.location_id
                     FROM stock_lot lot
                     JOIN product_product product ON product.id = lot.product_id
                     JOIN product_template template
                       ON template.id = product.product_tmpl_id
                LEFT JOIN LATERAL (
                          SELECT quant.location_id
                            FROM stock_quant quant
                            JOIN stock_location location
                              ON location.id = quant.location_id
                           WHERE quant.lot_id = lot.id AND quant.quantity > 0
                             AND location.usage IN %s
                        ORDER BY quant.id
                           LIMIT 1) here ON TRUE
                    WHERE lot.is_serial AND lot.company_id = %s
                      AND lot.name = ANY(%s)""",
                INTERNAL_USAGES,
                self.company_id.id,
                list(names),
            )
        )
        known, modes = [], {}
        for (
            lot_id,
            name,
            product_id,
            status,
            mode,
            location_id,
        ) in self.env.cr.fetchall():
            known.append(KnownSerial(lot_id, name, product_id, status, location_id))
            modes[lot_id] = mode
        return known, modes

    def _check_no_accounting_serials(self, known, modes):
        """A serial of an accounting-mode product has no place in stock: it
        cannot be counted, and is named."""
        accounting = [
            serial for serial in known if modes[serial.lot_id] == "accounting"
        ]
        if not accounting:
            return
        products = {
            product.id: product.display_name
            for product in self.env["product.product"]
            .sudo()
            .browse({serial.product_id for serial in accounting})
        }
        raise UserError(
            self.env._(
                "These serial numbers belong to products tracked in accounting mode "
                "(on invoices and bills, not in stock) and cannot be counted: "
                "%(serials)s. Remove them from the scan.",
                serials=", ".join(
                    f"{serial.name} ({products[serial.product_id]})"
                    for serial in accounting[:20]
                )
                + (
                    self.env._(" … (+%(count)s more)", count=len(accounting) - 20)
                    if len(accounting) > 20
                    else ""
                ),
            )
        )

    # ------------------------------------------------------------------
    # Scanning, through the entry dialog
    # ------------------------------------------------------------------
    def _check_scannable(self):
        self.ensure_one()
        self.check_access("write")
        if self.state == "applied":
            raise UserError(
                self.env._(
                    "%(count)s is applied: start a new count to scan again.",
                    count=self.name,
                )
            )

    def action_start(self):
        """Draft to In Progress, then the scanning dialog. A place that holds
        no Track Serials units has nothing to count."""
        self.ensure_one()
        self._check_scannable()
        if self.state == "draft":
            if (
                not self.env["stock.quant"]
                .sudo()
                .search_count(self._tracked_quant_domain(), limit=1)
            ):
                raise UserError(
                    self.env._(
                        "%(location)s holds no units of products with Track Serials "
                        "in physical mode: there is nothing to count there. Choose "
                        "another location%(children)s.",
                        location=self.location_id.display_name,
                        children=""
                        if self.include_children
                        else self.env._(", or include its sub-locations"),
                    )
                )
            with count_at_work():
                self.write(
                    {"state": "in_progress", "date_start": fields.Datetime.now()}
                )
        return self.action_scan()

    def action_scan(self):
        self.ensure_one()
        if self.state == "draft":
            return self.action_start()
        self._check_scannable()
        return self.env["serial.entry.wizard"]._open_for(
            self,
            "add",
            self.product_id,
            location=self.location_id,
            count_fixed=False,
            title=self.env._("Scan: %(count)s", count=self.name),
            purpose="count",
            open_count=True,
        )

    def action_scan_camera(self):
        """The scanning dialog with the camera already open."""
        action = self.action_scan()
        action["context"] = {**action["context"], "serial_scan_camera": True}
        return action

    def _serial_entry_check(self, wizard, names):
        # every serial may be scanned: the comparison says what it is
        return False

    def _serial_entry_added(self, wizard, names):
        """Save the serials the dialog just read: they survive the dialog
        being closed, and another user scanning the same count at the same
        time adds to the same lines (the unique index keeps one per serial)."""
        self._check_scannable()
        if not names:
            return ""
        self._lock_for_scan()
        known, modes = self._known_serials(names)
        self._check_no_accounting_serials(known, modes)
        named = self._scan_products(wizard, names, known)
        shared = self._shared_here(known)
        saved = self._save_scans(names, named, shared)
        notice = self.env._(
            "%(saved)s saved in %(count)s.", saved=saved, count=self.name
        )
        if saved < len(names):
            notice += " " + self.env._(
                "%(already)s were scanned in this count before.",
                already=len(names) - saved,
            )
        undecided = [name for name in names if name in shared and name not in named]
        if undecided:
            products = self.env["product.product"].browse(
                {product for name in undecided for product in shared[name]}
            )
            notice += " " + self.env._(
                "Units of several products (%(products)s) are named %(serials)s "
                "here: scan their GS1 code, which names the product, or choose on "
                "the count whose unit each scan was (Which Product?, Scanned As).",
                products=", ".join(sorted(products.mapped("display_name"))),
                serials=format_serials(self.env, undecided, limit=20),
            )
        return notice

    def _scan_products(self, wizard, names, known):
        """{serial: product id} of the serials read from GS1 codes: the
        product whose barcode is the code's GTIN. One query."""
        wanted = set(names)
        gtins = {
            name: gtin
            for name, gtin in (
                wizard._gs1_gtins(wizard.paste_text) if wizard else {}
            ).items()
            if name in wanted
        }
        if not gtins:
            return {}
        forms = {
            form
            for gtin in gtins.values()
            for form in gtin_barcode_forms(gtin.zfill(14))
        }
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("barcode", "in", list(forms)),
                    ("company_id", "in", [self.company_id.id, False]),
                ]
            )
        )
        named = {}
        for name, gtin in gtins.items():
            matching = products.filtered(
                lambda product, gtin=gtin: same_gtin(gtin, product.barcode)
            )
            if len(matching) == 1:
                named[name] = matching.id
        return named

    def _shared_here(self, known):
        """{serial: product ids} of the serials that units of several products
        within the count's scope are named at the counted place: a scan of
        the name alone cannot say which unit it saw."""
        places = self._counted_location_ids()
        here = defaultdict(set)
        for serial in known:
            if serial.location_id in places:
                here[serial.name].add(serial.product_id)
        in_scope = {
            product.id
            for product in self.env["product.product"]
            .sudo()
            .browse({product for products in here.values() for product in products})
            if self._in_scope(product)
        }
        return {
            name: products & in_scope
            for name, products in here.items()
            if len(products & in_scope) > 1
        }

    def _lock_for_scan(self):
        """Write the count's row before saving or comparing scans: a scan
        and an Apply (which locks the row) serialize. A scan that comes second, its
        transaction begun before the Apply ended, is refused by PostgreSQL
        for the row changed under it; Odoo's request layer runs it again,
        and it finds the count applied. Two scanners of one count take
        turns the same way."""
        self.env.cr.execute(
            "UPDATE serial_count SET write_uid = %s, write_date = %s WHERE id = %s",
            [self.env.uid, fields.Datetime.now(), self.id],
        )
        self.invalidate_recordset(["write_uid", "write_date"])

    def _save_scans(self, names, named=None, shared=()):
        """Insert one scanned line per serial, in batches; a serial this count
        already holds (scanned before, or by another user at this moment) is
        left as it is. A serial that units of several products are named at
        the place (``shared``) gets one line per product its scans named
        (``named``: {serial: product id}, from GS1 codes) and one for its
        scans that named none. Returns how many lines were added."""
        self.ensure_one()
        named = named or {}
        now = fields.Datetime.now()
        uid = self.env.uid
        # under the count's row lock (_lock_for_scan): no other scan meanwhile
        self.env.cr.execute(
            "SELECT DISTINCT name FROM serial_count_line"
            " WHERE count_id = %s AND scanned AND name = ANY(%s)",
            [self.id, list(names)],
        )
        held = {name for (name,) in self.env.cr.fetchall()}
        names = [name for name in names if name not in held or name in shared]
        added = 0
        for start in range(0, len(names), CHUNK):
            chunk = names[start : start + CHUNK]
            self.env.cr.execute(
                SQL(
                    """INSERT INTO serial_count_line
                           (count_id, company_id, name, scanned, user_id, date,
                            product_id, scan_product_id, create_uid, create_date,
                            write_uid, write_date)
                       VALUES %s
                  ON CONFLICT DO NOTHING
                    RETURNING id""",
                    SQL(", ").join(
                        SQL(
                            "(%s, %s, %s, TRUE, %s, %s, NULL, %s, %s, %s, %s, %s)",
                            self.id,
                            self.company_id.id,
                            name,
                            uid,
                            now,
                            named.get(name),
                            uid,
                            now,
                            uid,
                            now,
                        )
                        for name in chunk
                    ),
                )
            )
            added += len(self.env.cr.fetchall())
        self.env["serial.count.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])
        return added

    def _serial_entry_apply(self, wizard):
        # the scans are saved already; what they mean is worked out now, on a
        # count still open (a dialog left open while the count was applied
        # must not rewrite its record)
        self._check_scannable()
        self._lock_for_scan()
        self._compare()

    # ------------------------------------------------------------------
    # Comparison
    # ------------------------------------------------------------------
    def action_compare(self):
        self.ensure_one()
        self.check_access("write")
        if self.state != "in_progress":
            raise UserError(self.env._("Start the count and scan serials first."))
        self._lock_for_scan()
        self._compare()
        return True

    def _compare(self):
        """Compare the scans with the system and store each line's result:
        a handful of queries whatever the number of serials. Returns the rows
        of :func:`compare_count`."""
        self.ensure_one()
        Line = self.env["serial.count.line"]
        Line.flush_model()
        self.env.cr.execute(
            "SELECT id, name, scan_product_id FROM serial_count_line"
            " WHERE count_id = %s AND scanned ORDER BY id",
            [self.id],
        )
        line_of = {
            ScannedSerial(name, product_id): line_id
            for line_id, name, product_id in self.env.cr.fetchall()
        }
        known, modes = self._known_serials(list({scan.name for scan in line_of}))
        self._check_no_accounting_serials(known, modes)
        rows = compare_count(
            list(line_of),
            self._expected_units(),
            known,
            self._counted_location_ids(),
        )
        self.env.cr.execute(
            "DELETE FROM serial_count_line WHERE count_id = %s AND NOT scanned",
            [self.id],
        )
        scanned = [row for row in rows if row.scanned]
        for start in range(0, len(scanned), CHUNK):
            chunk = scanned[start : start + CHUNK]
            # an unknown serial is created for the product its GS1 code named,
            # else the one a user gave it, else the count's
            self.env.cr.execute(
                SQL(
                    """UPDATE serial_count_line line
                          SET result = found.result,
                              elsewhere = found.elsewhere,
                              lot_id = found.lot_id,
                              location_id = found.location_id,
                              product_id = CASE WHEN found.result = 'unknown'
                                                THEN COALESCE(found.product_id,
                                                              line.product_id, %s)
                                                ELSE found.product_id END
                         FROM (VALUES %s) AS found(id, result, elsewhere, lot_id,
                                                   product_id, location_id)
                        WHERE line.id = found.id""",
                    self.product_id.id or None,
                    SQL(", ").join(
                        SQL(
                            "(%s, %s::varchar, %s::varchar, %s::int, %s::int, %s::int)",
                            line_of[row.name, row.scan_product_id],
                            row.result,
                            row.elsewhere,
                            row.lot_id,
                            row.product_id,
                            row.location_id,
                        )
                        for row in chunk
                    ),
                )
            )
        missing = [row for row in rows if not row.scanned]
        now = fields.Datetime.now()
        uid = self.env.uid
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            self.env.cr.execute(
                SQL(
                    """INSERT INTO serial_count_line
                           (count_id, company_id, name, scanned, result, lot_id,
                            product_id, location_id, create_uid, create_date,
                            write_uid, write_date)
                       VALUES %s""",
                    SQL(", ").join(
                        SQL(
                            "(%s, %s, %s, FALSE, 'missing',"
                            " %s, %s, %s, %s, %s, %s, %s)",
                            self.id,
                            self.company_id.id,
                            row.name,
                            row.lot_id,
                            row.product_id,
                            row.location_id,
                            uid,
                            now,
                            uid,
                            now,
                        )
                        for row in chunk
                    ),
                )
            )
        Line.invalidate_model()
        self.invalidate_recordset(["line_ids"])
        with count_at_work():
            self.date_compared = now
        return rows

    # ------------------------------------------------------------------
    # Apply, through Odoo's inventory mode
    # ------------------------------------------------------------------
    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(ADJUST_GROUP):
            raise AccessError(
                self.env._(
                    "Applying a count adjusts the inventory: only inventory "
                    "administrators (Inventory: Administrator) may do it."
                )
            )
        # the count's own row lock. Every scan writes this row first, so a scan
        # and an Apply serialize: the one that comes second finds the row
        # changed under it, PostgreSQL refuses it and Odoo's request layer
        # runs it again on the first one's outcome (a scan then finds the
        # count applied; an Apply sees the scan). Two Applies at once: the
        # second finds the count applied.
        self.env.cr.execute(
            "SELECT state FROM serial_count WHERE id = %s FOR UPDATE", [self.id]
        )
        self.invalidate_recordset(["state"])
        if self.state == "applied":
            raise UserError(
                self.env._(
                    "%(count)s was applied already, on %(date)s by %(user)s; it "
                    "cannot be applied twice. Start a new count to count again.",
                    count=self.name,
                    date=fields.Datetime.to_string(self.date_applied),
                    user=self.applied_by_id.name,
                )
            )
        if self.state != "in_progress":
            raise UserError(self.env._("Start the count and scan serials first."))
        self._compare()
        Line = self.env["serial.count.line"]
        lines = Line.search([("count_id", "=", self.id)])
        self._check_decided(lines)
        moved = self._moved_since_scanned(lines)
        outside = lines.filtered(
            lambda line: line.result == "unexpected"
            and not self._in_scope(line.product_id)
        )
        counted = lines.filtered(lambda line: line.result == "counted") - moved
        missing = lines.filtered(lambda line: line.result == "missing")
        unexpected = (
            lines.filtered(lambda line: line.result == "unexpected") - moved - outside
        )
        to_relocate = unexpected.filtered(lambda line: line.elsewhere == "location")
        to_bring = unexpected - to_relocate
        all_unknown = lines.filtered(lambda line: line.result == "unknown")
        unknown = all_unknown if self.add_unknown else Line
        self._check_unknown_products(unknown)
        leaving = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", (missing | to_relocate).lot_id.ids),
                    ("quantity", ">", 0),
                    ("location_id.usage", "in", INTERNAL_USAGES),
                ]
            )
        )
        reserved_lines = self._reservations(leaving)
        if reserved_lines and not self.free_reservations:
            raise UserError(self._reservation_message(reserved_lines))
        # every refusal is above: from here on, the stock changes
        labels = dict(Line._fields["result"]._description_selection(self.env))
        where = dict(Line._fields["elsewhere"]._description_selection(self.env))
        notes = {line.lot_id.id: labels["missing"] for line in missing}
        notes.update(
            {
                line.lot_id.id: f"{labels['unexpected']} ({where[line.elsewhere]})"
                for line in unexpected
            }
        )
        if reserved_lines:
            transfers = reserved_lines.picking_id.mapped("name")
            reserved_lines.unlink()
            self.message_post(
                body=self.env._(
                    "Reservations freed for the units counted: %(transfers)s.",
                    transfers=", ".join(transfers) or "-",
                )
            )
        with applying_count(self, notes):
            new_lots = self._create_unknown_serials(unknown)
            notes.update(dict.fromkeys(new_lots.ids, labels["unknown"]))
            at_other_places = leaving.filtered(
                lambda quant: quant.lot_id in to_relocate.lot_id
            )
            if at_other_places:
                at_other_places.move_quants(
                    location_dest_id=self.location_id, message=self.name, unpack=True
                )
            self._apply_inventory(leaving - at_other_places, to_bring.lot_id | new_lots)
        self._record_counted(counted, labels["counted"])
        with count_at_work():
            (missing | unexpected | unknown).write({"applied": True})
            moved.write({"left_alone": "moved"})
            (outside - moved).write({"left_alone": "outside_scope"})
            self.write(
                {
                    "state": "applied",
                    "date_applied": fields.Datetime.now(),
                    "applied_by_id": self.env.uid,
                }
            )
        self.message_post(
            body=self._applied_message(
                missing, unexpected, new_lots, all_unknown - unknown, moved, outside
            )
        )
        return True

    def _check_decided(self, lines):
        """A serial scanned without its product, that units of several
        products are named at the place, stops the Apply: which unit was
        seen decides which one is counted out."""
        undecided = lines.filtered(lambda line: line.result == "ambiguous")
        if undecided:
            raise UserError(
                self.env._(
                    "Units of several products are named %(serials)s at "
                    "%(location)s, and their scan does not say whose unit it saw. "
                    "On each such line (Which Product?), choose the product in "
                    "Scanned As, or scan the unit's GS1 code, which names its "
                    "product; then apply again.",
                    serials=format_serials(
                        self.env, undecided.mapped("name"), limit=20
                    ),
                    location=self.location_id.display_name,
                )
            )

    def _in_scope(self, product):
        """Whether ``product`` is within the count's product and category."""
        if self.product_id and product != self.product_id:
            return False
        if self.categ_id:
            path = product.categ_id.parent_path or ""
            return path.startswith(self.categ_id.parent_path)
        return True

    def _moved_since_scanned(self, lines):
        """The scanned lines whose unit moved after it was scanned (a done
        transfer line of its serial dated later): what the scan saw is no
        longer where the unit is. One query."""
        scanned = lines.filtered(lambda line: line.scanned and line.lot_id)
        if not scanned:
            return lines.browse()
        lines.flush_recordset(["lot_id", "date"])
        self.env["stock.move.line"].flush_model(["lot_id", "state", "date"])
        self.env.cr.execute(
            """SELECT scan.id FROM serial_count_line scan
                WHERE scan.id = ANY(%s)
                  AND EXISTS (SELECT 1 FROM stock_move_line move_line
                               WHERE move_line.lot_id = scan.lot_id
                                 AND move_line.state = 'done'
                                 AND move_line.date > scan.date)""",
            [scanned.ids],
        )
        return lines.browse(row[0] for row in self.env.cr.fetchall())

    def _record_counted(self, counted, note):
        """One COUNT history row per unit found where the system holds it,
        dated when it was scanned: the last time it was seen."""
        self.env["stock.lot.history"].sudo()._record_events(
            [
                {
                    "lot": line.lot_id.id,
                    "event_type": "COUNT",
                    "date": line.date,
                    "location_id": line.location_id.id,
                    "location_dest_id": line.location_id.id,
                    "document": self,
                    "note": note,
                }
                for line in counted
            ]
        )

    def _applied_message(self, missing, unexpected, new_lots, skipped, moved, outside):
        message = self.env._(
            "Applied: %(missing)s missing units to the inventory loss location, "
            "%(unexpected)s unexpected units to %(location)s, %(unknown)s unknown "
            "serials created.",
            missing=len(missing),
            unexpected=len(unexpected),
            location=self.location_id.display_name,
            unknown=len(new_lots),
        )
        if skipped:
            message += " " + self.env._(
                "%(count)s unknown serials scanned were left out (Create Unknown "
                "Serials is off): %(serials)s.",
                count=len(skipped),
                serials=format_serials(self.env, skipped.mapped("name"), limit=20),
            )
        if moved:
            message += " " + self.env._(
                "Left alone, as they moved after they were scanned: %(serials)s.",
                serials=format_serials(self.env, moved.mapped("name"), limit=20),
            )
        outside -= moved
        if outside:
            message += " " + self.env._(
                "Left alone, outside the count's products: %(serials)s.",
                serials=format_serials(self.env, outside.mapped("name"), limit=20),
            )
        return message

    def _check_unknown_products(self, unknown):
        from .product_template import tracks_serials_physically

        wrong = unknown.filtered(
            lambda line: not tracks_serials_physically(line.product_id)
        )
        if wrong:
            raise UserError(
                self.env._(
                    "To create the unknown serials, give each one a product with "
                    "Track Serials in physical mode (the Product column of the "
                    "Unknown serials), or untick Create Unknown Serials: %(serials)s.",
                    serials=format_serials(self.env, wrong.mapped("name"), limit=20),
                )
            )

    def _reservations(self, quants):
        """The move lines of open transfers that reserve units of ``quants``."""
        reserved = quants.filtered(lambda quant: quant.reserved_quantity > 0)
        if not reserved:
            return self.env["stock.move.line"]
        return (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", reserved.lot_id.ids),
                    ("state", "not in", ("done", "cancel")),
                    ("location_id", "in", reserved.location_id.ids),
                    ("quantity", ">", 0),
                ]
            )
        )

    def _reservation_message(self, move_lines):
        units = [
            self.env._(
                "%(serial)s (%(transfer)s)",
                serial=line.lot_id.name,
                transfer=line.picking_id.name or line.move_id.reference or "-",
            )
            for line in move_lines[:20]
        ]
        return self.env._(
            "%(count)s would move units that transfers reserved: %(units)s. "
            "Unreserve them on the transfer, or tick Free Reservations on the count, "
            "then apply again.",
            count=self.name,
            units=", ".join(units),
        )

    def _create_unknown_serials(self, unknown):
        if not unknown:
            return self.env["stock.lot"]
        with trusted_serial_flow():
            return (
                self.env["stock.lot"]
                .with_context(**QUIET_CONTEXT)
                .create(
                    [
                        {
                            "name": line.name,
                            "product_id": line.product_id.id,
                            "company_id": self.company_id.id,
                            "serial_status": "in_stock",
                        }
                        for line in unknown
                    ]
                )
            )

    def _apply_inventory(self, leaving, arriving_lots):
        """One Odoo inventory adjustment: the units of ``leaving`` counted at
        0 (they go to the inventory loss location), one unit of each of
        ``arriving_lots`` counted at the counted location."""
        Quant = self.env["stock.quant"].with_context(
            inventory_mode=True, inventory_name=self.name
        )
        quants = leaving.with_env(Quant.env)
        if quants:
            quants.write({"inventory_quantity": 0})
        if arriving_lots:
            quants |= Quant.create(
                [
                    {
                        "product_id": lot.product_id.id,
                        "location_id": self.location_id.id,
                        "lot_id": lot.id,
                        "inventory_quantity": 1,
                    }
                    for lot in arriving_lots
                ]
            )
        if not quants:
            return
        result = quants.action_apply_inventory()
        if isinstance(result, dict):
            # Odoo's conflict dialog: a quant changed while it was being set
            raise UserError(
                self.env._(
                    "The stock of these units changed while the count was applied: "
                    "%(serials)s. Compare and apply again.",
                    serials=format_serials(
                        self.env, quants.filtered("is_outdated").lot_id.mapped("name")
                    ),
                )
            )

    def _report_summary(self):
        """The printed result: per product, how many units of each result."""
        self.ensure_one()
        groups = self.env["serial.count.line"]._read_group(
            [("count_id", "=", self.id)], ["product_id", "result"], ["__count"]
        )
        rows = {}
        for product, result, number in groups:
            row = rows.setdefault(
                product,
                {
                    "product": product.display_name or self.env._("Unknown product"),
                    "counted": 0,
                    "missing": 0,
                    "unexpected": 0,
                    "unknown": 0,
                },
            )
            if result:
                row[result] = row.get(result, 0) + number
        return sorted(rows.values(), key=lambda row: row["product"])

    # ------------------------------------------------------------------
    # Opening the lines
    # ------------------------------------------------------------------
    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.action_serial_count_lines"
        )
        result = self.env.context.get("count_result")
        action["domain"] = [("count_id", "=", self.id)]
        action["context"] = {"search_default_group_by_product": 1}
        if result:
            action["context"][f"search_default_filter_{result}"] = 1
        action["display_name"] = self.env._("Serials of %(count)s", count=self.name)
        return action

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import formatLang

from ..models.serial_bulk import format_serials
from ..tools.serial_digital_link import (
    DigitalLinkError,
    gtin_barcode_forms,
    looks_like_digital_link,
    parse_digital_link,
)
from ..tools.serial_errors import SerialInputError
from ..tools.serial_files import read_serial_file
from ..tools.serial_gs1 import (
    AI_GTIN,
    AI_SERIAL,
    GROUP_SEPARATOR,
    gs1_raw_form,
    looks_like_gs1,
    same_gtin,
)
from ..tools.serial_notice import sscc_of_code
from ..tools.serial_rules import AVAILABLE_STATUSES
from ..tools.serial_text import (
    MAX_SERIALS_PER_ENTRY,
    generate_serials,
    parse_serial_entries,
    parse_serial_values,
)

# Past this many serials, the list is shown as ranges only.
SHOW_ALL_LIMIT = 2000
# Spans named one by one in the notice of a paste; the rest are counted.
SPAN_NOTICE_LIMIT = 10
# GS1 codes whose problem is named in one message; the rest are counted.
GS1_PROBLEM_LIMIT = 20
# Lines of pasted text (str.splitlines would also split at the GS1 group
# separator, which is part of a code).
_LINES = re.compile(r"\r\n|\r|\n")


class _Gs1Reading(NamedTuple):
    """One line of a paste read by ``_gs1_to_serials``: a scanned GS1 code
    (``code`` as shown) gives its ``serial`` and ``gtin`` (None when it has
    none) or a ``problem``; a line of text has no ``code`` (``serial`` is the
    line)."""

    serial: str | None
    gtin: str | None
    code: str | None
    problem: str | None


class SerialEntryWizard(models.TransientModel):
    """Bulk serial entry, shared by every flow that brings units in (add mode)
    or takes them out (remove mode).

    A caller opens it with :meth:`_open_for` on a *target*: a record of a
    model inheriting ``serial.entry.target``, which checks the serials entered
    and takes them on Confirm.
    """

    _name = "serial.entry.wizard"
    _description = "Serial Number Entry"

    mode = fields.Selection(
        [("add", "Units come in"), ("remove", "Units go out")],
        required=True,
        readonly=True,
    )
    target_model = fields.Char(required=True, readonly=True)
    target_id = fields.Many2oneReference(model_field="target_model", readonly=True)
    # empty for a target that takes serials of several products (a count)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Location",
        domain="[('usage', '=', 'internal'), "
        "('company_id', 'in', (company_id, False))]",
    )
    required_count = fields.Integer(string="Quantity")
    count_fixed = fields.Boolean(readonly=True)
    open_count = fields.Boolean(
        readonly=True,
        help="Technical: the entry takes as many serials as are read (a count), "
        "with no quantity to reach.",
    )
    fewer_allowed = fields.Boolean(
        readonly=True,
        help="Technical: fewer serials than the quantity may be confirmed (a "
        "receipt with a shipping notice: the units not entered stay on the "
        "lines, not received).",
    )
    purpose = fields.Char(
        readonly=True, help="Technical: what the target does with the serials."
    )
    # add mode: the entry, one serial per line
    serial_names = fields.Text()
    paste_text = fields.Text(string="Paste or Scan")
    # the user's last choice comes back as a personal default (ir.default)
    read_ranges = fields.Boolean(
        string="Read ranges",
        default=True,
        help="Read 1000-1234 and SN-0001..SN-0250 in a paste as spans of serials. "
        "Turn off to enter such an item (2024-5000) as one serial.",
    )
    gen_prefix = fields.Char(string="Prefix")
    gen_start = fields.Integer(string="Start", default=1)
    gen_count = fields.Integer(string="How Many")
    gen_padding = fields.Integer(string="Digits", default=4)
    gen_suffix = fields.Char(string="Suffix")
    format_count = fields.Integer(string="Serials to Take")
    has_format = fields.Boolean(compute="_compute_has_format")
    format_preview = fields.Char(related="product_id.serial_format_preview")
    import_file = fields.Binary(string="File", attachment=False)
    import_filename = fields.Char()
    # remove mode
    selected_lot_ids = fields.Many2many("stock.lot", string="Selected Serials")
    available_lot_domain = fields.Binary(compute="_compute_available_lot_domain")
    available_count = fields.Integer(compute="_compute_available_lot_domain")
    # feedback
    entered_count = fields.Integer(compute="_compute_entry_summary")
    count_label = fields.Char(compute="_compute_entry_summary")
    serials_display = fields.Text(
        string="Serial Numbers", compute="_compute_entry_summary"
    )
    show_all = fields.Boolean()
    last_message = fields.Text(readonly=True)
    problem = fields.Text(readonly=True)
    can_confirm = fields.Boolean(compute="_compute_entry_summary")
    package_summary = fields.Text(string="Packages", compute="_compute_package_summary")

    @api.depends("product_id")
    def _compute_has_format(self):
        for wizard in self:
            wizard.has_format = bool(wizard.product_id.serial_number_format)

    @api.depends("mode", "product_id", "location_id")
    def _compute_available_lot_domain(self):
        Lot = self.env["stock.lot"]
        for wizard in self:
            domain = wizard._available_domain()
            wizard.available_lot_domain = domain
            wizard.available_count = (
                Lot.search_count(domain) if wizard.mode == "remove" else 0
            )

    @api.depends(
        "serial_names",
        "selected_lot_ids",
        "required_count",
        "show_all",
        "problem",
        "fewer_allowed",
    )
    def _compute_entry_summary(self):
        for wizard in self:
            if wizard.mode == "remove":
                # only the names: a large selection's units are not read whole
                names = wizard.selected_lot_ids.with_context(
                    prefetch_fields=False
                ).mapped("name")
                label = self.env._("Selected serials")
            else:
                names = wizard._entered_serials()
                label = self.env._("Serial numbers")
            wizard.entered_count = len(names)
            wizard.count_label = (
                f"{label} ({len(names)})"
                if wizard.open_count
                else f"{label} ({len(names)} / {wizard.required_count})"
            )
            if wizard.show_all and len(names) <= SHOW_ALL_LIMIT:
                wizard.serials_display = "\n".join(names)
            else:
                wizard.serials_display = format_serials(self.env, names, limit=200)
            wizard.can_confirm = not wizard.problem and (
                wizard.open_count
                or (
                    bool(names)
                    and (
                        len(names) == wizard.required_count
                        or (wizard.fewer_allowed and len(names) < wizard.required_count)
                    )
                )
            )

    @api.depends("serial_names", "mode", "target_model", "target_id")
    def _compute_package_summary(self):
        for wizard in self:
            wizard.package_summary = (
                wizard._target()._serial_entry_package_summary(
                    set(wizard._entered_serials())
                )
                if wizard.mode == "add" and wizard.target_model
                else ""
            ) or False

    def write(self, vals):
        if "read_ranges" in vals:
            self._remember_read_ranges(bool(vals["read_ranges"]))
        return super().write(vals)

    def _remember_read_ranges(self, read_ranges):
        Default = self.env["ir.default"]
        if (
            Default._get_model_defaults(self._name).get("read_ranges", True)
            != read_ranges
        ):
            # an internal user may set their own defaults (base's ir.default rules)
            Default.set(self._name, "read_ranges", read_ranges, user_id=True)

    # ------------------------------------------------------------------
    # Opening, for callers
    # ------------------------------------------------------------------
    @api.model
    def _open_for(
        self,
        target,
        mode,
        product,
        required_count=0,
        location=False,
        count_fixed=True,
        title=None,
        purpose=False,
        names=(),
        lots=None,
        open_count=False,
        fewer_allowed=False,
    ):
        """The dialog for ``target`` (a ``serial.entry.target``), as an action.

        It starts with the serials the target already holds: ``names`` in add
        mode (otherwise, for a product with auto-numbering and a known quantity,
        the next serials of its format), ``lots`` in remove mode. With
        ``open_count`` there is no quantity to reach and no product required:
        each batch read is handed to the target at once (``_serial_entry_added``).
        With ``fewer_allowed``, fewer serials than ``required_count`` may be
        confirmed."""
        if not isinstance(target, self.env.registry["serial.entry.target"]):
            raise TypeError(f"{target._name} is not a serial.entry.target")
        vals = {
            "mode": mode,
            "target_model": target._name,
            "target_id": target.id,
            "product_id": product.id,
            "required_count": required_count,
            "count_fixed": count_fixed,
            "location_id": location and location.id,
            "purpose": purpose,
            "open_count": open_count,
            "fewer_allowed": fewer_allowed,
        }
        if mode == "remove" and lots:
            vals["selected_lot_ids"] = [fields.Command.set(lots.ids)]
        wizard = self.create(vals)
        if mode == "add" and names:
            wizard._append(names)
        elif mode == "add" and product.serial_auto_number and required_count:
            wizard._append(
                product.product_tmpl_id._serial_generate_from_format(required_count)
            )
        return wizard._reopen(title)

    def _reopen(self, title=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title
            or (
                self.env._(
                    "Serial Numbers: %(product)s", product=self.product_id.display_name
                )
                if self.product_id
                else self.env._("Serial Numbers")
            ),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            # not the caller's context: a list's defaults and orderings do not
            # apply here
            "context": {"dialog_size": "large"},
        }

    # ------------------------------------------------------------------
    # Add mode
    # ------------------------------------------------------------------
    def _entered_serials(self):
        self.ensure_one()
        return self.serial_names.split("\n") if self.serial_names else []

    def _append(self, new_serials, source_duplicates=(), notice=""):
        """Add serials to the entry: duplicates are dropped and reported, and
        serials that already exist are listed as a problem (one query);
        ``notice`` is said after them."""
        self.ensure_one()
        current = self._entered_serials()
        seen = set(current)
        added, repeated = [], list(source_duplicates)
        for name in new_serials:
            if name in seen:
                repeated.append(name)
            else:
                seen.add(name)
                added.append(name)
        entry = current + added
        if len(entry) > MAX_SERIALS_PER_ENTRY:
            raise UserError(
                self.env._(
                    "An entry holds at most %(max)s serial numbers; this one would "
                    "hold %(count)s.",
                    max=MAX_SERIALS_PER_ENTRY,
                    count=len(entry),
                )
            )
        messages = [self.env._("%(count)s serial numbers added.", count=len(added))]
        taken = self._target()._serial_entry_added(self, added)
        if taken:
            messages.append(taken)
        if repeated:
            messages.append(
                self.env._(
                    "%(count)s duplicates removed: %(serials)s",
                    count=len(repeated),
                    serials=format_serials(
                        self.env, list(dict.fromkeys(repeated)), limit=20
                    ),
                )
            )
        if notice:
            messages.append(notice)
        self.write(
            {"serial_names": "\n".join(entry), "last_message": "\n".join(messages)}
        )
        self._check_existing()

    def _target(self):
        return self.env[self.target_model].browse(self.target_id)

    def _check_existing(self):
        # the target knows which existing serials it accepts (a unit bought back)
        self.problem = (
            self._target()._serial_entry_check(self, self._entered_serials()) or False
        )

    def _run_parser(self, parser, *args):
        try:
            return parser(*args)
        except SerialInputError as error:
            raise UserError(error.localized(self.env)) from error

    def _parse_pasted(self):
        return self._run_parser(
            parse_serial_entries,
            self._entries_with_packages(self.paste_text or ""),
            self.read_ranges,
        )

    def _entries_with_packages(self, text):
        """The pasted text as entries for ``parse_serial_entries``
        (``_gs1_to_serials``), each line that names a package the target
        announced units in, or holds units in (remove mode): its SSCC as
        ``(00)…``, raw ``00…``, a Digital Link ``…/00/…``, or the package's
        name; replaced by those units' serials, taken literally."""
        lines = _LINES.split(text)
        package_names = {
            line: sscc_of_code(line.strip()) or line.strip()
            for line in lines
            if line.strip()
        }
        packages = (
            self._target()._serial_entry_packages(set(package_names.values()))
            if self.target_model and package_names
            else {}
        )
        if not packages:
            return self._gs1_to_serials(text)
        entries, rest = [], []
        for line in lines:
            names = packages.get(package_names.get(line))
            if names is None:
                rest.append(line)
                continue
            if rest:
                entries += self._gs1_to_serials("\n".join(rest))
                rest = []
            entries += [(name, True) for name in names]
        if rest:
            entries += self._gs1_to_serials("\n".join(rest))
        return entries

    def _gs1_nomenclature(self):
        """Odoo's GS1 nomenclature (barcodes_gs1_nomenclature, which stock
        depends on): the company's when it uses one, else Odoo's default."""
        nomenclature = self.company_id.nomenclature_id
        if nomenclature.is_gs1_nomenclature:
            return nomenclature
        return self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")

    def _gs1_to_serials(self, text):
        """The pasted text as entries for ``parse_serial_entries``, in order:
        ``(text, False)`` for lines to read as pasted text, ``(serial, True)``
        for the serial number (AI 21) of each scanned GS1 code or Digital Link
        (one per line), taken literally as a file's cell is: a GS1 code names
        one serial, which may hold a hyphen or a comma. Element strings are
        decomposed by Odoo's GS1 nomenclature. The GTIN (AI 01) of a code must
        be the product's barcode when it has one, and not another product's
        when it has none."""
        readings = self._gs1_readings(text)
        if readings is None:
            return [(text, False)]
        others = self._gs1_other_products({reading.gtin for reading in readings})
        problems, entries = [], []
        for reading in readings:
            if reading.problem:
                problems.append(reading.problem)
            elif not reading.code:
                entries.append((reading.serial, False))
            elif reading.gtin in others:
                problems.append(
                    self.env._(
                        "%(code)s is for %(other)s (GTIN %(gtin)s), not for "
                        "%(product)s, which has no barcode; scan the codes of "
                        "%(product)s only",
                        code=reading.code,
                        other=others[reading.gtin].display_name,
                        gtin=reading.gtin,
                        product=self.product_id.display_name,
                    )
                )
            else:
                entries.append((reading.serial, True))
        if problems:
            more = len(problems) - GS1_PROBLEM_LIMIT
            listed = problems[:GS1_PROBLEM_LIMIT]
            if more > 0:
                listed.append(self.env._("… (+%(count)s more)", count=more))
            raise UserError(
                self.env._(
                    "Nothing was added. Scanned GS1 barcodes to fix:\n%(problems)s",
                    problems="\n".join(listed),
                )
            )
        return entries

    def _gs1_readings(self, text):
        """The reading (a ``_Gs1Reading``) of each line of ``text``: of a
        scanned GS1 code or Digital Link, or the line itself; None when no
        line is one."""
        lines = _LINES.split(text)
        barcode = self.product_id.barcode
        if not any(
            looks_like_gs1(line, barcode) or looks_like_digital_link(line)
            for line in lines
        ):
            return None
        nomenclature = self._gs1_nomenclature().sudo()
        readings = []
        for line in lines:
            if looks_like_digital_link(line):
                readings.append(self._digital_link_serial(line.strip()))
            elif looks_like_gs1(line, barcode):
                readings.append(self._gs1_code_serial(nomenclature, line))
            else:
                readings.append(_Gs1Reading(line, None, None, None))
        return readings

    def _gs1_code_serial(self, nomenclature, line):
        """The reading of a scanned GS1 element string (a ``_Gs1Reading``)."""
        barcode = self.product_id.barcode
        shown = line.strip().replace(GROUP_SEPARATOR, "<GS>")
        try:
            elements = nomenclature.gs1_decompose_extended(gs1_raw_form(line))
        except ValidationError:
            elements = None
        by_ai = {element["ai"]: element for element in elements or ()}
        gtin = by_ai[AI_GTIN]["value"] if AI_GTIN in by_ai else None
        if not elements:
            problem = self.env._("%(code)s is not a valid GS1 barcode", code=shown)
        elif AI_SERIAL not in by_ai:
            problem = self.env._(
                "%(code)s holds no serial number (application identifier 21)",
                code=shown,
            )
        elif gtin and barcode and not same_gtin(gtin, barcode):
            problem = self._gs1_wrong_product(shown, gtin)
        else:
            return _Gs1Reading(by_ai[AI_SERIAL]["value"], gtin, shown, None)
        return _Gs1Reading(None, None, shown, problem)

    def _gs1_wrong_product(self, code, gtin):
        return self.env._(
            "%(code)s is for the product with GTIN %(gtin)s, not for "
            "%(product)s (barcode %(barcode)s)",
            code=code,
            gtin=gtin,
            product=self.product_id.display_name,
            barcode=self.product_id.barcode,
        )

    def _gs1_other_products(self, gtins):
        """{GTIN: product} of the GTINs read from codes that are another
        product's barcode, for a product without barcode (one query): such a
        code names that other product. Products of other companies are left
        out; without a product (a count) there is nothing to compare."""
        gtins = {gtin for gtin in gtins if gtin and gtin.isdigit()}
        if not gtins or not self.product_id or self.product_id.barcode:
            return {}
        forms = {
            form: gtin for gtin in gtins for form in gtin_barcode_forms(gtin.zfill(14))
        }
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("barcode", "in", list(forms)),
                    ("id", "!=", self.product_id.id),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
        )
        return {forms[product.barcode]: product for product in products}

    def _digital_link_serial(self, uri):
        """The reading of a scanned GS1 Digital Link URI of any domain (a
        ``_Gs1Reading``): its GTIN must be the product's barcode when the
        product has one."""
        barcode = self.product_id.barcode
        try:
            link = parse_digital_link(uri)
        except DigitalLinkError as error:
            if error.code == "bad_gtin":
                problem = self.env._(
                    "%(code)s holds %(gtin)s, which is not a valid GTIN",
                    code=uri,
                    gtin=error.value,
                )
            else:
                problem = self.env._(
                    "%(code)s is not a GS1 Digital Link (…/01/<GTIN>/21/<serial>)",
                    code=uri,
                )
            return _Gs1Reading(None, None, uri, problem)
        if not link["serial"]:
            problem = self.env._(
                "%(code)s holds no serial number (/21/ in the link)", code=uri
            )
        elif barcode and not same_gtin(link["gtin"], barcode):
            problem = self._gs1_wrong_product(uri, link["gtin"])
        else:
            return _Gs1Reading(link["serial"], link["gtin"], uri, None)
        return _Gs1Reading(None, None, uri, problem)

    def _gs1_gtins(self, text):
        """{serial: GTIN} of the GS1 codes and Digital Links pasted in
        ``text`` (one per line) that hold both: the product each code names
        (a count tells apart the units of products that share a serial).
        Other lines, and codes that cannot be read, are left out."""
        return {
            reading.serial: reading.gtin
            for reading in self._gs1_readings(text or "") or ()
            if reading.code and reading.serial and reading.gtin
        }

    def _span_notice(self, spans):
        """Which pasted items were read as spans, so that a serial such as
        2024-5000 read as 2,977 serials does not pass unnoticed."""
        if not spans:
            return ""
        named = [
            self.env._(
                "%(item)s read as a span of %(count)s serials",
                item=item,
                count=formatLang(self.env, count, digits=0),
            )
            for item, count in spans[:SPAN_NOTICE_LIMIT]
        ]
        if len(spans) > SPAN_NOTICE_LIMIT:
            named.append(
                self.env._("… (+%(count)s more)", count=len(spans) - SPAN_NOTICE_LIMIT)
            )
        return self.env._(
            "%(spans)s. To enter such an item as one serial, turn off Read ranges.",
            spans="; ".join(named),
        )

    def action_add_pasted(self):
        self.ensure_one()
        parsed = self._parse_pasted()
        self._append(parsed.serials, parsed.duplicates, self._span_notice(parsed.spans))
        self.paste_text = False
        return self._reopen()

    def action_generate(self):
        self.ensure_one()
        serials = self._run_parser(
            lambda: generate_serials(
                prefix=self.gen_prefix or "",
                start=self.gen_start,
                count=self.gen_count,
                padding=self.gen_padding,
                suffix=self.gen_suffix or "",
            )
        )
        self._append(serials)
        return self._reopen()

    def action_add_from_format(self):
        self.ensure_one()
        count = self.format_count or (self.required_count - self.entered_count)
        if count <= 0:
            raise UserError(
                self.env._("Say how many serial numbers to take from the format.")
            )
        self._append(
            self.product_id.product_tmpl_id._serial_generate_from_format(
                count, self.company_id
            )
        )
        return self._reopen()

    def action_import_file(self):
        self.ensure_one()
        if not self.import_file:
            raise UserError(self.env._("Choose a file to import first."))
        values = self._run_parser(
            read_serial_file,
            self.import_filename or "",
            base64.b64decode(self.import_file),
        )
        parsed = self._run_parser(parse_serial_values, values)
        self._append(parsed.serials, parsed.duplicates)
        self.write({"import_file": False, "import_filename": False})
        return self._reopen()

    def action_clear(self):
        self.ensure_one()
        self.write(
            {
                "serial_names": False,
                "selected_lot_ids": [fields.Command.clear()],
                "last_message": False,
                "problem": False,
            }
        )
        return self._reopen()

    # ------------------------------------------------------------------
    # One code at a time: the camera and the keyboard-wedge scanner
    # ------------------------------------------------------------------
    def _scanned_serials(self, code):
        """The serials one scanned code names (one, for a label): a GS1 code
        or Digital Link read as the paste reads it (its GTIN checked against
        the product), any other code taken as one serial as written. Raises
        UserError for a code the dialog refuses."""
        entries = self._entries_with_packages(code.strip("\r\n"))
        parsed = self._run_parser(
            parse_serial_entries, [(text, True) for text, _literal in entries], False
        )
        if not parsed.serials:
            raise UserError(self.env._("The code read holds no serial number."))
        return parsed.serials

    def scan_code(self, code):
        """Take one code read by the camera or a scanner at once: add its
        serial (select it, in remove mode), or say why not. A serial already
        in the entry is flagged, not added again; a code the dialog refuses
        (another product's GTIN, a unit not available here, a serial a count
        cannot take) writes nothing. Returns what the scanning view shows:
        ``status`` (added, duplicate or refused), ``serials``, ``message``,
        ``entered``, ``required`` and ``done`` (the quantity is reached)."""
        self.ensure_one()
        status, serials, message = "refused", [], ""
        try:
            # a refusal rolls back what the target wrote (a count's lock)
            with self.env.cr.savepoint():
                serials = self._scanned_serials(code or "")
                if self.mode == "remove":
                    status, message = self._scan_select(serials)
                else:
                    status, message = self._scan_add(code, serials)
        except UserError as error:
            message = error.args[0]
        entered = (
            len(self.selected_lot_ids)
            if self.mode == "remove"
            else len(self._entered_serials())
        )
        return {
            "status": status,
            "serials": serials,
            "message": message,
            "entered": entered,
            "required": 0 if self.open_count else self.required_count,
            "done": not self.open_count
            and self.required_count > 0
            and entered >= self.required_count,
        }

    def _scan_repeated(self, serials):
        return self.env._(
            "%(serials)s is already in the list: it was not added again.",
            serials=", ".join(serials),
        )

    def _scan_add(self, code, serials):
        entered = set(self._entered_serials())
        new = [serial for serial in serials if serial not in entered]
        if not new:
            return "duplicate", self._scan_repeated(serials)
        problem = self._target()._serial_entry_check(self, new)
        if problem:
            raise UserError(problem)
        # a count reads the product a GS1 code names from the scanned text
        typed = self.paste_text
        self.paste_text = code
        self._append(new)
        self.paste_text = typed
        return "added", self.last_message

    def _scan_select(self, serials):
        held = set(self.selected_lot_ids.mapped("name"))
        new = [serial for serial in serials if serial not in held]
        if not new:
            return "duplicate", self._scan_repeated(serials)
        found = self.env["stock.lot"].search(
            self._available_domain() + [("name", "in", new)]
        )
        missing = [serial for serial in new if serial not in found.mapped("name")]
        if missing:
            raise UserError(self._not_available_message(missing))
        self.selected_lot_ids = [fields.Command.link(lot.id) for lot in found]
        return "added", self.env._(
            "%(serials)s selected.", serials=", ".join(found.mapped("name"))
        )

    def _not_available_message(self, serials):
        return self.env._(
            "These serial numbers are not available%(where)s: %(serials)s.",
            where=self.location_id
            and self.env._(" at %(location)s", location=self.location_id.display_name)
            or "",
            serials=format_serials(self.env, serials, limit=20),
        )

    # ------------------------------------------------------------------
    # Remove mode
    # ------------------------------------------------------------------
    def _available_domain(self):
        self.ensure_one()
        domain = [
            ("product_id", "=", self.product_id.id),
            ("is_serial", "=", True),
            ("company_id", "=", self.company_id.id),
            ("serial_status", "in", AVAILABLE_STATUSES),
        ]
        if self.location_id:
            domain.append(("location_id", "child_of", self.location_id.id))
        return domain

    def action_select_pasted(self):
        """Select the pasted or scanned serials; each must be available here."""
        self.ensure_one()
        parsed = self._parse_pasted()
        Lot = self.env["stock.lot"]
        found = Lot.search(self._available_domain() + [("name", "in", parsed.serials)])
        missing = sorted(set(parsed.serials) - set(found.mapped("name")))
        if missing:
            raise UserError(self._not_available_message(missing))
        self.write(
            {
                "selected_lot_ids": [fields.Command.link(lot.id) for lot in found],
                "paste_text": False,
                "last_message": self._span_notice(parsed.spans) or False,
            }
        )
        return self._reopen()

    def action_select_all(self):
        self.ensure_one()
        lots = self.env["stock.lot"].search(self._available_domain())
        self.selected_lot_ids = [fields.Command.set(lots.ids)]
        return self._reopen()

    def action_auto_select(self):
        """Select the units received first, up to the quantity required."""
        self.ensure_one()
        missing = self.required_count - len(self.selected_lot_ids)
        if missing > 0:
            lots = self.env["stock.lot"].search(
                self._available_domain()
                + [("id", "not in", self.selected_lot_ids.ids)],
                order="date_received asc, id asc",
                limit=missing,
            )
            self.selected_lot_ids = [fields.Command.link(lot.id) for lot in lots]
        return self._reopen()

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    def _check_ready(self):
        self.ensure_one()
        if self.problem:
            raise UserError(self.problem)
        if self.mode == "add":
            self._check_existing()
            if self.problem:
                raise UserError(self.problem)
        if self.open_count:
            return
        if self.required_count <= 0:
            raise UserError(self.env._("Enter the quantity of units first."))
        fewer = self.fewer_allowed and 0 < self.entered_count < self.required_count
        if self.entered_count != self.required_count and not fewer:
            raise UserError(
                self.env._(
                    "%(product)s needs %(required)s serial numbers and %(entered)s are "
                    "entered; add or remove serials until both match.",
                    product=self.product_id.display_name,
                    required=self.required_count,
                    entered=self.entered_count,
                )
            )
        if self.mode == "remove":
            unavailable = self.selected_lot_ids - self.env["stock.lot"].search(
                self._available_domain() + [("id", "in", self.selected_lot_ids.ids)]
            )
            if unavailable:
                raise UserError(
                    self.env._(
                        "These serial numbers are no longer available: %(serials)s.",
                        serials=", ".join(unavailable.mapped("name")),
                    )
                )

    def action_confirm(self):
        self.ensure_one()
        self._check_ready()
        result = self._target()._serial_entry_apply(self)
        return result or {"type": "ir.actions.act_window_close"}

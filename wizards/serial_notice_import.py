# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from collections import Counter, defaultdict

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError

from ..models.serial_bulk import format_serials
from ..tools.serial_digital_link import gtin_barcode_forms, normalize_gtin
from ..tools.serial_errors import SerialInputError
from ..tools.serial_flow import IN_THE_FOREGROUND
from ..tools.serial_notice import KEY_GTIN, read_notice
from ..tools.serial_rules import INTERNAL_USAGES

# Units of a product named in one refusal; the rest are counted.
SERIALS_NAMED = 20
# Reasons named in one refusal; the rest are counted.
PROBLEMS_NAMED = 50


class SerialNoticeImport(models.TransientModel):
    """A vendor's shipping notice (a spreadsheet or an EPCIS 2.0 document)
    imported onto a receipt: its units of the receipt's products become
    Expected units on the receipt's lines, packed in packages named by their
    SSCCs. Checked whole first: every reason is given at once, and nothing is
    written when one is found."""

    _name = "serial.notice.import"
    _description = "Import Shipping Notice"

    picking_id = fields.Many2one(
        "stock.picking", string="Receipt", required=True, readonly=True
    )
    notice_file = fields.Binary(string="Shipping Notice", attachment=False)
    notice_filename = fields.Char()
    preview = fields.Text(readonly=True)
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview")], default="upload"
    )

    @api.model
    def _open_for(self, picking):
        wizard = self.create({"picking_id": picking.id})
        return wizard._reopen()

    def _reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Import Shipping Notice: %(receipt)s",
                receipt=self.picking_id.display_name,
            ),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Reading and checking
    # ------------------------------------------------------------------
    def _notice(self):
        self.ensure_one()
        if not self.notice_file:
            raise UserError(self.env._("Choose the shipping notice to import first."))
        try:
            return read_notice(
                self.notice_filename or "", base64.b64decode(self.notice_file)
            )
        except SerialInputError as error:
            raise UserError(
                self.env._(
                    "Nothing was imported. %(file)s cannot be read:\n%(reasons)s",
                    file=self.notice_filename or "?",
                    reasons=error.localized(self.env),
                )
            ) from error

    def _receipt_moves(self):
        """The receipt's moves that announce serials, by product."""
        moves = self.picking_id.move_ids.filtered(
            lambda move: move.state not in ("draft", "done", "cancel")
            and move._serial_announces_serials()
        )
        return moves.grouped("product_id")

    def _purchase_order(self):
        """The receipt's purchase order, when Purchase is installed."""
        picking = self.picking_id
        return picking.purchase_id if "purchase_id" in picking._fields else None

    def _vendor(self):
        order = self._purchase_order()
        partner = order.partner_id if order else self.picking_id.partner_id
        return partner.commercial_partner_id

    def _resolve_products(self, notice):
        """{(key kind, key): products} of the notice's product keys: a GTIN
        is a product's barcode; a reference is a product's internal
        reference, its barcode, or the vendor's product code on its vendor
        pricelist. One query per way."""
        company = self.picking_id.company_id
        Product = self.env["product.product"].with_context(active_test=False)
        company_domain = [("company_id", "in", [False, company.id])]
        keys = {(unit.key_kind, unit.key) for unit in notice.units}
        gtins = {key for kind, key in keys if kind == KEY_GTIN}
        references = {key for kind, key in keys if kind != KEY_GTIN}
        barcode_forms = defaultdict(set)
        for gtin in gtins:
            for form in gtin_barcode_forms(gtin):
                barcode_forms[form].add((KEY_GTIN, gtin))
        for reference in references:
            barcode_forms[reference].add(("reference", reference))
            gtin = normalize_gtin(reference)
            for form in gtin_barcode_forms(gtin) if gtin else ():
                barcode_forms[form].add(("reference", reference))
        found = defaultdict(lambda: self.env["product.product"])
        if barcode_forms:
            for product in Product.search(
                [("barcode", "in", list(barcode_forms))] + company_domain
            ):
                for key in barcode_forms[product.barcode]:
                    found[key] |= product
        if references:
            for product in Product.search(
                [("default_code", "in", list(references))] + company_domain
            ):
                found[("reference", product.default_code)] |= product
            vendor = self._vendor()
            if vendor:
                for info in (
                    self.env["product.supplierinfo"]
                    .sudo()
                    .search(
                        [
                            ("product_code", "in", list(references)),
                            ("partner_id", "child_of", vendor.id),
                            ("company_id", "in", [False, company.id]),
                        ]
                    )
                ):
                    products = (
                        info.product_id or info.product_tmpl_id.product_variant_ids
                    )
                    found[("reference", info.product_code)] |= products.sudo(False)
        return found

    def _plan(self):
        """What the import does: ``(notice, {move: [units]}, left)``, where
        ``left`` counts the units of products of other receipts. Raises
        UserError with every reason the notice is refused for."""
        notice = self._notice()
        moves_of = self._receipt_moves()
        products_of = self._resolve_products(notice)
        order = self._purchase_order()
        ordered = order.order_line.product_id if order else None
        problems = []
        by_product, unknown, off_order, left = (
            defaultdict(list),
            defaultdict(list),
            defaultdict(list),
            0,
        )
        for unit in notice.units:
            key = (unit.key_kind, unit.key)
            products = products_of.get(key) or self.env["product.product"]
            here = products.filtered(lambda product: product in moves_of)
            if len(here) == 1:
                by_product[here].append(unit)
            elif len(here) > 1:
                unknown[key].append(unit)
            elif not products:
                unknown[key].append(unit)
            elif ordered is not None and not (products & ordered):
                off_order[key].append(unit)
            else:
                left += 1
        for (_kind, key), units in unknown.items():
            problems.append(
                self.env._(
                    "%(key)s (%(count)s units: %(serials)s) names no product, or "
                    "several: give the internal reference, the barcode (GTIN) or "
                    "the vendor's product code of one product.",
                    key=key,
                    count=len(units),
                    serials=self._serials_text(units),
                )
            )
        for (_kind, key), units in off_order.items():
            problems.append(
                self.env._(
                    "%(key)s (%(count)s units: %(serials)s) is not on the purchase "
                    "order %(order)s.",
                    key=key,
                    count=len(units),
                    serials=self._serials_text(units),
                    order=order.display_name,
                )
            )
        if not by_product and not problems:
            problems.append(
                self.env._(
                    "None of the %(count)s units of this notice is of a product this "
                    "receipt expects with serials.",
                    count=len(notice.units),
                )
            )
        plan = {}
        for product, units in by_product.items():
            moves = moves_of[product]
            problem, planned = self._check_product(product, moves, units)
            if problem:
                problems.append(problem)
            plan.update(planned)
        problems += self._package_problems(notice)
        if len(problems) > PROBLEMS_NAMED:
            more = len(problems) - PROBLEMS_NAMED
            problems = problems[:PROBLEMS_NAMED]
            problems.append(self.env._("… (+%(count)s more)", count=more))
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was imported from %(file)s:\n%(reasons)s",
                    file=self.notice_filename,
                    reasons="\n".join(f"- {problem}" for problem in problems),
                )
            )
        return notice, plan, left

    def _serials_text(self, units):
        return format_serials(
            self.env, [unit.serial for unit in units], limit=SERIALS_NAMED
        )

    def _check_product(self, product, moves, units):
        """``(problem or False, {move: units})`` for the units of ``product``:
        no more than the moves' demand, none in stock or expected elsewhere.
        The units go to the moves in order, each up to its demand."""
        announced = {
            move: [name for _id, name in move._serial_named_lines()] for move in moves
        }
        known = {name for names in announced.values() for name in names}
        new = [unit for unit in units if unit.serial not in known]
        demand = int(sum(moves.mapped("product_qty")))
        total = len(known) + len(new)
        if total > demand:
            return (
                self.env._(
                    "%(product)s: this receipt expects %(demand)s units; with the "
                    "%(count)s of this notice it would hold %(total)s. Import a "
                    "notice for this receipt only, or raise its demand first.",
                    product=product.display_name,
                    demand=demand,
                    count=len(new),
                    total=total,
                ),
                {},
            )
        planned, rest = {}, list(new)
        for index, move in enumerate(moves):
            room = int(move.product_qty) - len(announced[move])
            take = rest if index == len(moves) - 1 else rest[: max(room, 0)]
            rest = rest[len(take) :]
            if take:
                planned[move] = take
        for move, taken in planned.items():
            problem = move._serial_receipt_problem(
                [unit.serial for unit in taken], move.move_line_ids.lot_id
            )
            if problem:
                return (
                    self.env._(
                        "%(product)s: %(problem)s",
                        product=product.display_name,
                        problem=problem,
                    ),
                    {},
                )
        return False, planned

    def _existing_packages(self, notice):
        """The packages of this company (or of none) named by the notice's
        SSCCs that the units go into: all but those whose stock (in them or
        in the packages inside them) is only outside any warehouse (a pallet
        its sender delivered, seen from the same database: the notice's
        packages are then made anew, with the same names)."""
        packages = self.env["stock.package"].search(
            [
                ("name", "in", list(notice.packages)),
                ("company_id", "in", [False, self.picking_id.company_id.id]),
            ]
        )
        if not packages:
            return packages
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search([("package_id", "child_of", packages.ids), ("quantity", ">", 0)])
        )
        inside, outside = set(), set()
        for quant in quants:
            # the package of the quant and every package it is in
            holders = {
                int(part) for part in quant.package_id.parent_path.split("/")[:-1]
            }
            if quant.location_id.usage in INTERNAL_USAGES:
                inside |= holders
            else:
                outside |= holders
        return packages.filtered(
            lambda package: package.id not in outside or package.id in inside
        )

    def _package_quants(self, packages):
        """The quants of some stock of ``packages`` (one query)."""
        if not packages:
            return self.env["stock.quant"]
        return (
            self.env["stock.quant"]
            .sudo()
            .search([("package_id", "in", packages.ids), ("quantity", ">", 0)])
        )

    def _package_problems(self, notice):
        """Packages of the notice that hold stock already (one query)."""
        quants = self._package_quants(self._existing_packages(notice))
        return [
            self.env._(
                "Package %(package)s holds stock already; a package announced must "
                "be empty.",
                package=package.name,
            )
            for package in quants.package_id
        ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_preview(self):
        self.ensure_one()
        notice, plan, left = self._plan()
        self.write(
            {"preview": self._preview_text(notice, plan, left), "state": "preview"}
        )
        return self._reopen()

    def _preview_text(self, notice, plan, left):
        lines = []
        if notice.kind == "spreadsheet":
            labels = {
                "serial": self.env._("Serial number"),
                "gtin": self.env._("Product (GTIN)"),
                "product": self.env._("Product"),
                "carton": self.env._("Carton SSCC"),
                "pallet": self.env._("Pallet SSCC"),
            }
            lines.append(self.env._("Columns read:"))
            lines += [
                f"  {labels[kind]} ← {header}"
                for kind, header in notice.mapping.items()
            ]
        else:
            lines.append(self.env._("EPCIS 2.0 document: shipping and packing events."))
        per_product = Counter()
        per_package = Counter()
        for move, units in plan.items():
            per_product[move.product_id.display_name] += len(units)
            for unit in units:
                if unit.carton:
                    per_package[unit.carton] += 1
        lines.append(self.env._("Units to import, by product:"))
        lines += [f"  {name}: {count}" for name, count in sorted(per_product.items())]
        if notice.packages:
            lines.append(self.env._("Packages (SSCC):"))
            for sscc, parent in notice.packages.items():
                inside = (
                    self.env._(" in %(container)s", container=parent) if parent else ""
                )
                lines.append(
                    self.env._(
                        "  %(package)s%(inside)s: %(count)s units",
                        package=sscc,
                        inside=inside,
                        count=per_package.get(sscc, 0),
                    )
                )
        if left:
            lines.append(
                self.env._(
                    "%(count)s units are for products of other receipts and are left "
                    "for them.",
                    count=left,
                )
            )
        return "\n".join(lines)

    def action_import(self):
        self.ensure_one()
        picking = self.picking_id
        picking.check_access("write")
        try:
            # two imports onto one receipt at once would both find its units
            # missing and its packages to make
            picking.lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(
                self.env._(
                    "%(receipt)s is being changed right now (another notice being "
                    "imported, or the receipt being validated); try again in a "
                    "moment.",
                    receipt=picking.display_name,
                )
            ) from None
        picking._serial_check_not_in_background()
        notice, plan, left = self._plan()
        package_of = self._make_packages(notice)
        total = sum(len(units) for units in plan.values())
        background = picking.company_id._serial_in_background(
            total
        ) and not self.env.context.get(IN_THE_FOREGROUND)
        for move, units in plan.items():
            names = [name for _id, name in move._serial_named_lines()]
            names += [unit.serial for unit in units]
            packed = {
                unit.serial: package_of[unit.carton].id for unit in units if unit.carton
            }
            if background:
                move.write(
                    {
                        "serial_names_to_announce": "\n".join(names),
                        "serial_names_announced": 0,
                        "serial_notice_packages": {
                            **(move.serial_notice_packages or {}),
                            **packed,
                        },
                    }
                )
            else:
                move._serial_set_move_lines(names=names, announce=True)
                move._serial_pack_lines(packed)
        self._attach(notice, plan, left)
        if background:
            result = picking._serial_queue_validation(action="announce")
            result["params"]["next"] = {"type": "ir.actions.act_window_close"}
            return result
        return {"type": "ir.actions.act_window_close"}

    def _make_packages(self, notice):
        """{SSCC: package} of the notice, the missing ones created, each
        carton in its pallet: its Container (``parent_package_id``) and, so
        that the receipt's validation keeps it there, its Destination
        Container (``package_dest_id``)."""
        Package = self.env["stock.package"]
        existing = self._existing_packages(notice)
        package_of = {package.name: package for package in existing}
        missing = [sscc for sscc in notice.packages if sscc not in package_of]
        company = self.picking_id.company_id
        created = Package.create(
            [{"name": sscc, "company_id": company.id} for sscc in missing]
        )
        package_of.update(zip(missing, created, strict=True))
        children = defaultdict(list)
        for sscc, parent in notice.packages.items():
            if parent:
                children[parent].append(package_of[sscc].id)
        for parent, child_ids in children.items():
            container = package_of[parent]
            Package.browse(child_ids).write(
                {"parent_package_id": container.id, "package_dest_id": container.id}
            )
        return package_of

    def _attach(self, notice, plan, left):
        """The notice kept on the receipt, with a message of what it brought."""
        picking = self.picking_id
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.notice_filename,
                "datas": self.notice_file,
                "res_model": picking._name,
                "res_id": picking.id,
            }
        )
        count = sum(len(units) for units in plan.values())
        body = self.env._(
            "Shipping notice %(file)s imported: %(count)s units announced in "
            "%(packages)s packages.",
            file=self.notice_filename,
            count=count,
            packages=len(notice.packages),
        )
        if left:
            body += " " + self.env._(
                "%(count)s units of other products were left for other receipts.",
                count=left,
            )
        picking.serial_notice_imported = True
        picking.message_post(body=body, attachment_ids=attachment.ids)

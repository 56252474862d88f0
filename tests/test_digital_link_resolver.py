# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.serial_digital_link import build_unit_uri
from .common import PortalSerialsCase, events_of, exported
from .test_warranty_lookup import NOT_FOUND

GTIN = "09506000134352"
OTHER_GTIN = "04012345000016"


@tagged("post_install", "-at_install")
class TestDigitalLinkResolver(PortalSerialsCase):
    """PA-1..3 sold to Alpha (portal users Ann and Bob), PB-1 to Beta (Cy);
    the accounting product's barcode is the EAN-13 of GTIN."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounting_product.barcode = "9506000134352"
        cls.physical_product.barcode = OTHER_GTIN
        cls.stock_user.password = "st-stock-pass"
        cls.plain_employee = new_test_user(
            cls.env, login="st_plain_employee", password="st-plain-pass"
        )

    def resolve(self, serial, gtin=GTIN, extra=""):
        return self.url_open(f"/01/{gtin}/21/{serial}{extra}", allow_redirects=False)

    def landing(self, response):
        self.assertIn(response.status_code, (302, 303), response.text[:200])
        return response.headers["Location"].split("//", 1)[-1].split("/", 1)[-1]

    def answer(self, response):
        self.assertEqual(response.status_code, 200)
        html = re.search(r'<div id="wrap".*</main>', response.text, re.S).group(0)
        return re.sub(r'value="[^"]*"', "", html)

    def test_inventory_user_lands_on_the_serial_form(self):
        self.authenticate("st_stock_user", "st-stock-pass")
        self.assertEqual(
            self.landing(self.resolve("PA-1")),
            f"odoo/action-stock.action_production_lot_form/{self.pa1.id}",
        )
        # qualifiers and query parameters it does not use are tolerated
        self.assertEqual(
            self.landing(self.resolve("PB-1", extra="?17=261231&linkType=gs1:pip")),
            f"odoo/action-stock.action_production_lot_form/{self.pb1.id}",
        )
        response = self.url_open(
            f"/01/{GTIN}/22/A1/10/LOT9/21/PA-3", allow_redirects=False
        )
        self.assertEqual(
            self.landing(response),
            f"odoo/action-stock.action_production_lot_form/{self.pa3.id}",
        )

    def test_portal_customer_lands_on_their_unit(self):
        self.login(self.ann)
        self.assertEqual(
            self.landing(self.resolve("PA-1")), f"my/serials/{self.pa1.id}"
        )
        # the warranty link type opens the warranty view of the unit
        self.assertEqual(
            self.landing(self.resolve("PA-1", extra="?linkType=gs1:warrantyInfo")),
            "my/serials/lookup?serial=PA-1",
        )
        # another customer's unit: not theirs, and the public lookup is off
        with mute_logger("odoo.http"):
            self.assertEqual(self.resolve("PB-1").status_code, 404)

    def test_anyone_else_gets_the_login_page_when_the_lookup_is_off(self):
        self.assertFalse(self.env.company.serial_public_warranty_lookup)
        landing = self.landing(self.resolve("PA-1", extra="?linkType=gs1:pip"))
        self.assertTrue(landing.startswith("web/login?redirect="), landing)
        self.assertIn("%2F01%2F09506000134352%2F21%2FPA-1", landing)
        # an employee without Inventory access is not sent to the form
        self.authenticate("st_plain_employee", "st-plain-pass")
        with mute_logger("odoo.http"):
            self.assertEqual(self.resolve("PA-1").status_code, 404)

    def test_anyone_else_gets_the_public_lookup_answer(self):
        self.env.company.serial_public_warranty_lookup = True
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.public_lookup_limit", "50"
        )
        self.invoice("in_invoice", self.vendor, ["STOCK-1"])
        found = self.resolve("PA-1")
        html = self.answer(found)
        self.assertIn(self.accounting_product.name, html)
        self.assertIn("Under warranty", html)
        self.assertNotIn(self.alpha.name, found.text)
        # unknown serial, unknown GTIN, a unit not sold, a unit of the other
        # product under this GTIN: one and the same answer
        answers = {
            "unknown serial": self.answer(self.resolve("NOPE-1")),
            "unknown GTIN": self.answer(self.resolve("PA-1", gtin="04000000000013")),
            "other product's GTIN": self.answer(self.resolve("PA-1", gtin=OTHER_GTIN)),
            "not sold": self.answer(self.resolve("STOCK-1")),
        }
        for case, answer in answers.items():
            with self.subTest(case=case):
                self.assertIn(NOT_FOUND, answer)
                self.assertNotIn(self.accounting_product.name, answer)
        self.assertEqual(len(set(answers.values())), 1, "one answer for all misses")
        # a portal customer asking for a unit not theirs gets the public answer
        self.login(self.cy)
        response = self.resolve("PA-2")
        self.assertEqual(self.answer(response), self.answer(self.resolve("PA-1")))
        self.assertNotIn(self.alpha.name, response.text)

    def test_the_lookups_rate_limit_applies(self):
        self.env.company.serial_public_warranty_lookup = True
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.public_lookup_limit", "2"
        )
        self.assertEqual(self.resolve("NOPE-1").status_code, 200)
        self.assertEqual(
            self.url_open("/warranty/lookup?serial=NOPE-2").status_code, 200
        )
        response = self.resolve("PA-1")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn(self.accounting_product.name, response.text)

    def test_links_that_are_not_a_unit_are_not_found(self):
        self.authenticate("st_stock_user", "st-stock-pass")
        with mute_logger("odoo.http"):
            for path in (
                "/01/09506000134353/21/PA-1",  # wrong check digit
                f"/01/{GTIN}",  # a product, not a unit
                f"/01/{GTIN}/99/X/21/PA-1",  # not a GTIN qualifier
            ):
                with self.subTest(path=path):
                    response = self.url_open(path, allow_redirects=False)
                    self.assertEqual(response.status_code, 404)

    def test_encoded_serial(self):
        self.invoice("in_invoice", self.vendor, ["PA/9"])
        unit = self.lots("PA/9", product=self.accounting_product)
        self.assertEqual(
            unit._serial_digital_link("https://x"), f"https://x/01/{GTIN}/21/PA%2F9"
        )
        self.authenticate("st_stock_user", "st-stock-pass")
        self.assertEqual(
            self.landing(self.resolve("PA%2F9")),
            f"odoo/action-stock.action_production_lot_form/{unit.id}",
        )

    def test_a_nul_in_the_path_is_not_found(self):
        # answered by the resolver: Odoo's fallbacks search the path, and
        # PostgreSQL refuses a NUL in it
        product = self.accounting_product.product_variant_id
        paths = (
            f"/01/{GTIN}/21/%00",
            "/01/%00/21/PA-1",
            f"/01/{GTIN}/21/PA%00-1",
            f"/serial_tracking/unit/{product.id}/%00",
            "/serial_tracking/unit/%00/PA-1",
        )
        for user in (None, "st_stock_user"):
            if user:
                self.authenticate(user, "st-stock-pass")
            for path in paths:
                with self.subTest(user=user, path=path):
                    response = self.url_open(path, allow_redirects=False)
                    self.assertEqual(response.status_code, 404)
                    self.assertIn("find the page", response.text)

    def unit_path(self, lot, serial=None):
        """The path of the unit's URI without GTIN, as EPCIS names it."""
        uri = build_unit_uri("https://x.example", lot.product_id.id, serial or lot.name)
        return uri.removeprefix("https://x.example")

    def test_unit_without_gtin_resolves_by_its_uri(self):
        self.accounting_product.barcode = False
        # the very URI an EPCIS export names the unit with
        event = events_of(exported(self.env, self.pa1.action_export_epcis()))[0]
        base = self.env.company.get_base_url()
        self.assertEqual(event["epcList"], [base + self.unit_path(self.pa1)])
        self.authenticate("st_stock_user", "st-stock-pass")
        response = self.url_open(self.unit_path(self.pa1), allow_redirects=False)
        self.assertEqual(
            self.landing(response),
            f"odoo/action-stock.action_production_lot_form/{self.pa1.id}",
        )
        # a portal customer lands on their unit, or its warranty
        self.login(self.ann)
        self.assertEqual(
            self.landing(
                self.url_open(self.unit_path(self.pa1), allow_redirects=False)
            ),
            f"my/serials/{self.pa1.id}",
        )
        self.assertEqual(
            self.landing(
                self.url_open(
                    self.unit_path(self.pa1) + "?linkType=gs1:warrantyInfo",
                    allow_redirects=False,
                )
            ),
            "my/serials/lookup?serial=PA-1",
        )
        # not theirs, another product's serial, an unknown product: not found
        with mute_logger("odoo.http"):
            for path in (
                self.unit_path(self.pb1),
                self.unit_path(self.pp1, "PA-1"),
                self.unit_path(self.pa1).replace(
                    f"/{self.pa1.product_id.id}/", "/999999/"
                ),
            ):
                with self.subTest(path=path):
                    self.assertEqual(
                        self.url_open(path, allow_redirects=False).status_code, 404
                    )

    def test_unit_uri_public_answer_and_encoded_serial(self):
        self.env.company.serial_public_warranty_lookup = True
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.public_lookup_limit", "50"
        )
        html = self.answer(self.url_open(self.unit_path(self.pa1)))
        self.assertIn(self.accounting_product.name, html)
        self.assertIn("Under warranty", html)
        # the lookup is narrowed to the URI's product
        other = self.answer(self.url_open(self.unit_path(self.pp1, "PA-1")))
        self.assertIn(NOT_FOUND, other)
        self.invoice("in_invoice", self.vendor, ["PA/9"])
        unit = self.lots("PA/9", product=self.accounting_product)
        self.assertTrue(self.unit_path(unit).endswith("/PA%2F9"))
        self.authenticate("st_stock_user", "st-stock-pass")
        self.assertEqual(
            self.landing(self.url_open(self.unit_path(unit), allow_redirects=False)),
            f"odoo/action-stock.action_production_lot_form/{unit.id}",
        )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalSerialsCase

NOT_FOUND = "No sold unit with this serial number was found"


@tagged("post_install", "-at_install")
class TestWarrantyLookup(PortalSerialsCase):
    def test_public_lookup_is_off_by_default(self):
        self.assertFalse(self.env.company.serial_public_warranty_lookup)
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.serial_public_warranty_lookup)
        with mute_logger("odoo.http"):
            self.assertEqual(self.lookup("PA-1").status_code, 404)

    def test_public_lookup_shows_only_product_and_warranty(self):
        settings = self.env["res.config.settings"].create(
            {"serial_public_warranty_lookup": True}
        )
        settings.execute()
        self.assertTrue(self.env.company.serial_public_warranty_lookup)
        response = self.lookup("PA-1")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(self.accounting_product.name, html)
        self.assertIn("Under warranty", html)
        self.assertIn(self.pa1.warranty_date_end.strftime("%m/%d/%Y"), html)
        for private in (self.alpha.name, self.alpha_ann.name, self.alpha_invoice.name):
            self.assertNotIn(private, html)
        self.assertIn("Expired", self.lookup("PA-3").text)

    def test_unknown_and_unsold_numbers_get_the_same_answer(self):
        self.allow_public_lookup()
        self.invoice("in_invoice", self.vendor, ["STOCK-1"])
        # a unit announced by a receipt, not received (Expected)
        self.receipt("EXPECTED-1")
        answers = {}
        for serial in ("NOPE-404", "STOCK-1", "EXPECTED-1", "PA-", "PA-%", "pa-1"):
            response = self.lookup(serial)
            self.assertEqual(response.status_code, 200)
            self.assertIn(NOT_FOUND, response.text)
            self.assertNotIn(self.accounting_product.name, response.text)
            self.assertNotIn("o_lookup_results", response.text)
            answers[serial] = re.search(
                r'<div id="wrap".*</main>', response.text, re.S
            ).group(0)
            answers[serial] = re.sub(r'value="[^"]*"', "", answers[serial])
        self.assertEqual(len(set(answers.values())), 1, "one answer for all misses")

    def test_public_lookup_is_rate_limited_per_address(self):
        self.allow_public_lookup(limit=3)
        for _attempt in range(3):
            self.assertEqual(self.lookup("NOPE-1").status_code, 200)
        response = self.lookup("PA-1")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many lookups", response.text)
        self.assertNotIn(self.accounting_product.name, response.text)
        # the page itself, without a number, is not counted
        self.assertEqual(self.url_open("/warranty/lookup").status_code, 200)
        # once the window is over, lookups are allowed again
        self.env.cr.execute(
            "UPDATE serial_lookup_throttle"
            " SET window_start = window_start - interval '1 hour'"
        )
        self.assertEqual(self.lookup("PA-1").status_code, 200)
        throttle = self.env["serial.lookup.throttle"].sudo().search([])
        self.assertEqual(throttle.hits, 1)
        self.assertEqual(throttle.address, "127.0.0.1")

    def test_portal_lookup_needs_no_public_option(self):
        self.assertFalse(self.env.company.serial_public_warranty_lookup)
        self.login(self.cy)
        html = self.page("/my/serials/lookup?serial=PB-1")
        self.assertIn("Under warranty", html)
        self.assertIn(f'href="/my/serials/{self.pb1.id}"', html)

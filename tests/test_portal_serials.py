# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.fields import Domain
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..controllers.portal import SerialPortal
from .common import PortalSerialsCase


@tagged("post_install", "-at_install")
class TestPortalSerials(PortalSerialsCase):
    def test_my_serials_lists_the_units_of_the_customers_company(self):
        self.login(self.ann)
        html = self.page("/my/serials")
        self.assertEqual(self.listed_serials(html), ["PA-1", "PA-2", "PA-3", "PP-1"])
        self.assertIn(self.accounting_product.name, html)
        self.assertIn(self.alpha_invoice.name, html)
        self.assertIn(f'href="/my/invoices/{self.alpha_invoice.id}"', html)
        self.assertIn(self.alpha_delivery.name, html)
        self.assertIn(self.pa1.warranty_date_end.strftime("%m/%d/%Y"), html)
        self.assertIn("Under warranty", html)
        self.assertIn("Expired", html)
        # a colleague of the same company sees the same units
        self.login(self.bob)
        self.assertEqual(
            self.listed_serials(self.page("/my/serials")),
            ["PA-1", "PA-2", "PA-3", "PP-1"],
        )
        # and the invoice opens for them through Odoo's own portal
        self.page(f"/my/invoices/{self.alpha_invoice.id}")

    def test_second_customer_sees_nothing_of_the_first(self):
        self.login(self.cy)
        html = self.page("/my/serials")
        self.assertEqual(self.listed_serials(html), ["PB-1", "PP-2"])
        for lot in (self.pa1, self.pa3, self.pp1):
            with mute_logger("odoo.http"):
                response = self.url_open(f"/my/serials/{lot.id}")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn(lot.name, response.text)
        lookup = self.page("/my/serials/lookup?serial=PA-1")
        self.assertIn("You hold no unit with this serial number", lookup)
        self.assertNotIn(self.accounting_product.name, lookup)
        # a claim on someone else's unit is not even found
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/serials/{self.pa1.id}/claim",
                data={"reason": "Mine now", "csrf_token": self.csrf()},
            )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.pa1.claim_ids)
        # nor through the ORM: portal users have no access to serials or claims
        self.assertFalse(self.env["stock.lot"].with_user(self.cy).has_access("read"))
        self.assertFalse(
            self.env["serial.warranty.claim"].with_user(self.cy).has_access("read")
        )

    def test_expected_units_are_not_listed(self):
        # a receipt from the customer's company announces a unit: nobody
        # holds it, so My Serials neither lists nor opens it
        receipt = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            1,
            self.alpha,
        )
        wizard = self.env["serial.entry.wizard"].browse(
            receipt.move_ids.action_open_serial_entry()["res_id"]
        )
        wizard.paste_text = "PX-1"
        wizard.action_add_pasted()
        wizard.action_confirm()
        unit = self.lots("PX-1", product=self.physical_product)
        self.assertEqual(unit.serial_status, "expected")
        self.login(self.ann)
        self.assertEqual(
            self.listed_serials(self.page("/my/serials")),
            ["PA-1", "PA-2", "PA-3", "PP-1"],
        )
        with mute_logger("odoo.http"):
            response = self.url_open(f"/my/serials/{unit.id}")
        self.assertEqual(response.status_code, 404)
        lookup = self.page("/my/serials/lookup?serial=PX-1")
        self.assertIn("You hold no unit with this serial number", lookup)

    def test_unit_page_shows_warranty_and_only_the_customers_history(self):
        # PA-1 came back from Alpha and was sold to Beta: each sees only its own rows
        self.invoice("out_refund", self.alpha, ["PA-1"])
        self.invoice("out_invoice", self.beta, ["PA-1"])
        self.login(self.cy)
        html = self.page(f"/my/serials/{self.pa1.id}")
        self.assertIn("Under warranty", html)
        self.assertEqual(html.count("o_serial_history_row"), 1)
        self.assertNotIn(self.alpha_invoice.name, html)
        self.assertNotIn("Customer Credit Note", html)
        # Alpha no longer owns it: its page is gone for them
        self.login(self.ann)
        with mute_logger("odoo.http"):
            self.assertEqual(
                self.url_open(f"/my/serials/{self.pa1.id}").status_code, 404
            )
        html = self.page(f"/my/serials/{self.pp1.id}")
        self.assertEqual(html.count("o_serial_history_row"), 1)
        self.assertIn("Shipped", html)
        self.assertIn(self.alpha_delivery.name, html)
        self.assertNotIn("Received", html)

    def test_search_filter_and_paging(self):
        self.login(self.ann)
        self.assertEqual(
            self.listed_serials(self.page("/my/serials?search=PA-&search_in=serial")),
            ["PA-1", "PA-2", "PA-3"],
        )
        self.assertEqual(
            self.listed_serials(
                self.page(f"/my/serials?search={self.physical_product.name}")
            ),
            ["PP-1"],
        )
        self.assertEqual(
            self.listed_serials(self.page("/my/serials?filterby=expired")), ["PA-3"]
        )
        self.patch(SerialPortal, "_serials_per_page", 3)
        first = self.page("/my/serials?sortby=name")
        second = self.page("/my/serials/page/2?sortby=name")
        self.assertEqual(self.listed_serials(first), ["PA-1", "PA-2", "PA-3"])
        self.assertEqual(self.listed_serials(second), ["PP-1"])
        self.assertIn("/my/serials/page/2", first)

    def test_claim_from_the_portal(self):
        self.login(self.bob)
        html = self.page(f"/my/serials/{self.pa1.id}")
        self.assertIn("File a warranty claim", html)
        response = self.url_open(
            f"/my/serials/{self.pa1.id}/claim",
            data={
                "reason": "Battery swells",
                "notes": "Since last week",
                "csrf_token": self.csrf(),
            },
            files={"attachment": ("photo.png", b"\x89PNG fake", "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your claim was received", response.text)
        claim = self.pa1.claim_ids
        self.assertEqual(claim.partner_id, self.alpha_bob)
        self.assertEqual(claim.reason, "Battery swells")
        self.assertEqual(claim.attachment_name, "photo.png")
        self.assertEqual(claim.state, "new")
        self.assertEqual(claim.company_id, self.pa1.company_id)
        comments = claim.message_ids.filtered(
            lambda m: m.author_id == self.alpha_bob and m.message_type == "comment"
        )
        self.assertEqual(len(comments), 1)
        self.assertIn("Since last week", str(comments.body))
        self.assertIn("Battery swells", response.text)
        self.assertNotIn("File a warranty claim", response.text)
        # a unit already back cannot be claimed: the page says why
        self.invoice("out_refund", self.alpha, ["PA-2"])
        lot = self.lots("PA-2", product=self.accounting_product)
        html = self.page(f"/my/serials/{lot.id}")
        self.assertNotIn("File a warranty claim", html)
        response = self.url_open(
            f"/my/serials/{lot.id}/claim",
            data={"reason": "Broken", "csrf_token": self.csrf()},
        )
        self.assertIn("PA-2 is already back", response.text)
        self.assertFalse(lot.claim_ids)

    def test_lookup_of_the_customers_own_unit(self):
        self.login(self.ann)
        html = self.page("/my/serials/lookup?serial=PA-3")
        self.assertIn("Expired", html)
        self.assertIn(f'href="/my/serials/{self.pa3.id}"', html)
        # exact numbers only
        html = self.page("/my/serials/lookup?serial=PA-")
        self.assertIn("You hold no unit with this serial number", html)

    def test_portal_rows_are_read_in_a_fixed_number_of_queries(self):
        names = [f"Q-{n:03d}" for n in range(40)]
        self.invoice("in_invoice", self.vendor, names)
        self.invoice("out_invoice", self.alpha, names[:10])
        self.invoice("out_invoice", self.alpha, names[10:])
        Lot = self.env["stock.lot"].sudo()
        domain = Lot._serial_portal_domain(self.alpha_ann) & Domain(
            "name", "like", "Q-"
        )

        def queries_for(count):
            lots = Lot.search(domain, limit=count)
            self.assertEqual(len(lots), count)
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            rows = SerialPortal()._prepare_serial_rows(lots, self.alpha_ann)
            self.assertEqual(len(rows), count)
            return self.cr.sql_log_count - start

        self.assertEqual(queries_for(5), queries_for(40))


@tagged("post_install", "-at_install")
class TestPortalSerialsTour(PortalSerialsCase):
    def test_portal_customer_opens_my_serials_and_files_a_claim(self):
        new_test_user(
            self.env,
            login="portal_tour_ann",
            password="portal_tour_ann",
            groups="base.group_portal",
            partner_id=self.alpha_ann.id,
        )
        self.start_tour(
            "/my", "serial_tracking_portal_claim_tour", login="portal_tour_ann"
        )
        claim = self.pa1.claim_ids
        self.assertEqual(claim.reason, "Screen flickers")
        self.assertEqual(claim.notes, "Only when the lid is half open")
        self.assertEqual(claim.partner_id, self.alpha_ann)
        self.assertEqual(claim.state, "new")
        self.assertEqual(self.pa1.history_ids.sorted("id")[-1].event_type, "CLAIM")

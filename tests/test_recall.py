# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import AccountingModeCase, PhysicalModeCase, listed, recall


class TestRecallAccounting(AccountingModeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_vendor = cls.env["res.partner"].create({"name": "Other Vendor"})

    # a day of its own: the demo's documents are posted on the day it is loaded
    @freeze_time("2031-03-04 10:00:00")
    def test_recall_by_vendor_bill_and_dates_grouped_by_customer(self):
        faulty_bill = self.bill("RC-1", "RC-2", "RC-3", "RC-4")
        sound = self.make_move(
            "in_invoice", self.other_vendor, 1, ["RC-9"], invoice_date=date(2025, 6, 1)
        )
        sound.action_post()
        self.make_move("out_invoice", self.customer, 2, ["RC-1", "RC-2"]).action_post()
        self.make_move("out_invoice", self.other_customer, 1, ["RC-3"]).action_post()
        self.make_move("out_invoice", self.customer, 1, ["RC-9"]).action_post()

        expected = {
            "Serial Customer": ["RC-1", "RC-2"],
            "Other Customer": ["RC-3"],
            False: ["RC-4"],  # still in stock
        }
        by_vendor = recall(self.env, source="vendor", vendor_id=self.vendor.id)
        self.assertEqual((by_vendor.unit_count, by_vendor.customer_count), (4, 2))
        action = by_vendor.action_show_units()
        self.assertEqual(action["res_model"], "stock.lot")
        self.assertEqual(listed(self.env, action), expected)
        by_bill = recall(self.env, source="bill", bill_id=faulty_bill.id)
        self.assertEqual(listed(self.env, by_bill.action_show_units()), expected)
        # the day the bill was posted; other days find nothing
        today = fields.Date.context_today(faulty_bill)
        by_dates = recall(self.env, source="dates", date_from=today, date_to=today)
        self.assertEqual(
            listed(self.env, by_dates.action_show_units()),
            {**expected, "Serial Customer": ["RC-1", "RC-2", "RC-9"]},
        )
        yesterday = today - timedelta(days=1)
        by_dates.write({"date_from": yesterday, "date_to": yesterday})
        self.assertEqual(by_dates.unit_count, 0)
        by_serials = recall(
            self.env, source="serials", lot_ids=self.lots("RC-3", "RC-9").ids
        )
        self.assertEqual(
            listed(self.env, by_serials.action_show_units()),
            {"Serial Customer": ["RC-9"], "Other Customer": ["RC-3"]},
        )

    def test_the_wizard_starts_from_the_bill_or_the_selected_serials(self):
        bill = self.bill("RC-20", "RC-21")
        wizard = (
            self.env["serial.recall.wizard"]
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create({})
        )
        self.assertEqual(
            (wizard.source, wizard.bill_id, wizard.unit_count), ("bill", bill, 2)
        )
        lots = self.lots("RC-20")
        wizard = (
            self.env["serial.recall.wizard"]
            .with_context(active_model="stock.lot", active_ids=lots.ids)
            .create({})
        )
        self.assertEqual((wizard.source, wizard.lot_ids), ("serials", lots))

    def test_incomplete_recall_says_what_is_missing(self):
        for values, message in (
            ({"source": "vendor"}, "Choose the vendor"),
            ({"source": "serials"}, "Choose the serials"),
            (
                {
                    "source": "dates",
                    "date_from": date(2025, 3, 2),
                    "date_to": date(2025, 3, 1),
                },
                "first and the last day",
            ),
        ):
            with self.subTest(values=values):
                wizard = recall(self.env, **values)
                self.assertEqual(wizard.unit_count, 0)
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_show_units()

    def test_notify_sends_each_customer_their_serials(self):
        self.customer.email = "customer@example.com"
        self.other_customer.email = "other@example.com"
        self.bill("RN-1", "RN-2", "RN-3", "RN-4")
        self.make_move("out_invoice", self.customer, 2, ["RN-1", "RN-3"]).action_post()
        self.make_move("out_invoice", self.other_customer, 1, ["RN-2"]).action_post()
        wizard = recall(self.env, source="vendor", vendor_id=self.vendor.id)
        result = wizard.with_user(self.stock_user).action_notify_customers()
        self.assertIn("3 units", result["params"]["message"])
        mails = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("subject", "like", "Recall notice")]
        )
        self.assertEqual(
            sorted(mails.recipient_ids.mapped("name")),
            ["Other Customer", "Serial Customer"],
        )
        to_customer = mails.filtered(lambda m: m.recipient_ids == self.customer)
        self.assertIn("RN-1", to_customer.body_html)
        self.assertIn("RN-3", to_customer.body_html)
        self.assertNotIn("RN-2", to_customer.body_html)
        self.assertIn("Tracked Laptop", to_customer.body_html)
        to_other = mails - to_customer
        self.assertIn("RN-2", to_other.body_html)
        self.assertNotIn("RN-1", to_other.body_html)

    def test_notify_without_customers_says_so(self):
        self.bill("RN-10")
        wizard = recall(self.env, source="vendor", vendor_id=self.vendor.id)
        with self.assertRaisesRegex(UserError, "No customer has any of these units"):
            wizard.action_notify_customers()

    def test_user_of_another_company_sees_nothing(self):
        self.bill("RX-1", "RX-2")
        self.make_move("out_invoice", self.customer, 1, ["RX-1"]).action_post()
        other_company = self.env["res.company"].create({"name": "Recall Elsewhere"})
        outsider = new_test_user(
            self.env,
            login="st_recall_outsider",
            groups="stock.group_stock_user",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        wizard = recall(
            self.env(user=outsider), source="vendor", vendor_id=self.vendor.id
        )
        self.assertEqual((wizard.unit_count, wizard.customer_count), (0, 0))
        self.assertEqual(
            listed(self.env(user=outsider), wizard.action_show_units()), {}
        )
        with self.assertRaisesRegex(UserError, "No customer"):
            wizard.action_notify_customers()

    def test_recall_is_for_stock_users(self):
        with self.assertRaises(AccessError):
            recall(
                self.env(user=self.billing_user),
                source="vendor",
                vendor_id=self.vendor.id,
            )


class TestRecallPhysical(PhysicalModeCase):
    def test_recall_by_receipt(self):
        receipt = self.receive("RP-1", "RP-2")
        self.receive("RP-3")
        self.deliver("RP-2")
        wizard = (
            self.env["serial.recall.wizard"]
            .with_context(active_model="stock.picking", active_ids=receipt.ids)
            .create({})
        )
        self.assertEqual(
            listed(self.env, wizard.action_show_units()),
            {"Physical Customer": ["RP-2"], False: ["RP-1"]},
        )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import SerialFlowCase


class TestWarrantyReminders(SerialFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Reminded Customer", "email": "reminded@example.com"}
        )
        today = fields.Date.today()
        cls.invoice("in_invoice", cls.vendor, ["WR-SOON", "WR-LATER", "WR-PAST"])
        # 12-month warranties ending in 10 days, in 60 days, and 5 days ago
        for name, days in (("WR-SOON", 10), ("WR-LATER", 60), ("WR-PAST", -5)):
            cls.invoice(
                "out_invoice",
                cls.customer,
                [name],
                invoice_date=today
                - relativedelta(months=12)
                + relativedelta(days=days),
            )
        cls.cron = cls.env.ref("serial_tracking.ir_cron_warranty_reminders")

    def run_cron(self):
        self.assertEqual(self.cron.model_id.model, "serial.warranty.claim")
        self.assertEqual(self.cron.code, "model._cron_warranty_reminders()")
        self.env["serial.warranty.claim"]._cron_warranty_reminders()

    def reminders(self):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "stock.lot"),
                ("recipient_ids", "in", self.customer.ids),
                ("subject", "like", "warranty of your"),
            ]
        )

    def test_reminders_are_off_by_default(self):
        self.assertEqual(self.env.company.serial_warranty_reminder_days, 0)
        self.assertFalse(self.cron.active)
        self.run_cron()
        self.assertFalse(self.reminders())

    def test_customer_is_reminded_once_before_the_warranty_ends(self):
        self.env.company.serial_warranty_reminder_days = 30
        self.run_cron()
        mail = self.reminders()
        self.assertEqual(len(mail), 1)
        lot = self.lots("WR-SOON", product=self.accounting_product)
        self.assertEqual(mail.res_id, lot.id)
        self.assertIn("WR-SOON", mail.subject)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(lot.warranty_date_end.strftime("%m/%d/%Y"), str(mail.body_html))
        self.assertEqual(lot.warranty_reminder_sent_for, lot.warranty_date_end)
        # the next run does not send it again
        self.run_cron()
        self.assertEqual(len(self.reminders()), 1)

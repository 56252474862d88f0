# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SerialFlowCase


@tagged("post_install", "-at_install", "serial_tracking_repair")
class TestRepairClaims(SerialFlowCase):
    """Runs on a database with Repairs (repair): the test command installs it
    in a database of its own for these tests only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "repair.order" not in cls.env:
            raise unittest.SkipTest("repair is not installed on this database")
        cls.customer = cls.env["res.partner"].create({"name": "Repair Customer"})

    def claim(self, lot):
        return self.env["serial.warranty.claim"].create(
            {
                "lot_id": lot.id,
                "partner_id": self.customer.id,
                "reason": "Cracked case",
                "notes": "Dropped once",
                "resolution": "repair",
            }
        )

    def test_repair_is_offered_when_repairs_is_installed(self):
        values = [
            value
            for value, _label in self.env["serial.warranty.claim"]
            ._fields["resolution"]
            ._description_selection(self.env)
        ]
        self.assertEqual(values, ["return", "credit_note", "repair"])

    def test_claim_under_warranty_becomes_a_repair_under_warranty(self):
        self.receive("RP-1")
        self.deliver("RP-1", partner=self.customer)
        lot = self.lots("RP-1", product=self.physical_product)
        claim = self.claim(lot)
        self.assertEqual(claim.warranty_status, "under")
        action = claim.action_accept()
        repair = self.env["repair.order"].browse(claim.repair_order_id)
        self.assertEqual(action["res_model"], "repair.order")
        self.assertEqual(action["res_id"], repair.id)
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(repair.lot_id, lot)
        self.assertEqual(repair.product_id, self.physical_product.product_variant_id)
        self.assertEqual(repair.partner_id, self.customer)
        self.assertTrue(repair.under_warranty)
        self.assertIn("Cracked case", str(repair.internal_notes))
        self.assertEqual(claim._created_document(), repair)

    def test_claim_after_warranty_becomes_a_paid_repair(self):
        self.invoice("in_invoice", self.vendor, ["RA-1"])
        sold_on = fields.Date.today() - timedelta(days=400)
        self.invoice("out_invoice", self.customer, ["RA-1"], invoice_date=sold_on)
        lot = self.lots("RA-1", product=self.accounting_product)
        claim = self.claim(lot)
        self.assertEqual(claim.warranty_status, "expired")
        claim.action_accept()
        repair = self.env["repair.order"].browse(claim.repair_order_id)
        self.assertEqual(repair.lot_id, lot)
        self.assertFalse(repair.under_warranty)

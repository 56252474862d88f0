# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase


class TestDemoData(TransactionCase):
    """The test databases are installed with demo data, as `make run` does."""

    def setUp(self):
        super().setUp()
        self.demo_products = self.env.ref(
            "serial_tracking.product_laptop_accounting", raise_if_not_found=False
        )
        if not self.demo_products:
            self.skipTest("installed without demo data")

    def test_every_demo_history_row_opens_its_document(self):
        rows = self.env["stock.lot.history"].search(
            [("product_tmpl_id.default_code", "in", ["LAP14", "RTAX", "SCX2"])]
        )
        self.assertTrue(rows)
        self.assertEqual(rows.filtered(lambda row: not row.document_ref), rows.browse())
        events = set(rows.mapped("event_type"))
        self.assertLessEqual(
            {"BILL", "INVOICE", "CREDIT_NOTE", "RECEIVE", "SHIP", "RETURN", "CLAIM"},
            events,
        )
        documents = rows.mapped("document_ref")
        posted = [doc for doc in documents if doc._name == "account.move"]
        self.assertEqual({move.state for move in posted}, {"posted"})
        transfers = [doc for doc in documents if doc._name == "stock.picking"]
        self.assertEqual({picking.state for picking in transfers}, {"done"})

    def test_demo_portal_customer_has_units_and_a_claim_in_each_status(self):
        portal = self.env.ref("base.partner_demo_portal")
        lots = self.env["stock.lot"].search(
            self.env["stock.lot"]._serial_portal_domain(portal)
        )
        self.assertGreaterEqual(len(lots), 6)
        self.assertEqual(
            set(lots.mapped("serial_tracking_mode")), {"accounting", "physical"}
        )
        claims = self.env["serial.warranty.claim"].search(
            [("partner_id", "=", portal.id)]
        )
        self.assertEqual(
            sorted(claims.mapped("state")), ["accepted", "done", "new", "refused"]
        )
        self.assertTrue(claims.filtered(lambda c: c.state == "done").credit_note_id)
        self.assertTrue(
            claims.filtered(lambda c: c.state == "accepted").return_picking_id
        )

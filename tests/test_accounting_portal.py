# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import new_invoice


@tagged("post_install", "-at_install")
class TestAccountingPortal(HttpCase):
    def test_portal_invoice_lists_the_serials(self):
        template = self.env["product.template"].create(
            {
                "name": "Portal Laptop",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        product = template.product_variant_id
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        lots = self.env["stock.lot"]._serial_add_to_stock(
            product, [f"PORTAL-{n:02d}" for n in range(1, 11)], stock
        )
        customer = self.env["res.partner"].create({"name": "Portal Customer"})
        invoice = new_invoice(
            self.env,
            "out_invoice",
            customer,
            product,
            10,
            price_unit=10,
            serial_lot_ids=[Command.set(lots.ids)],
        )
        invoice.action_post()
        response = self.url_open(invoice.get_portal_url(report_type="html"))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Serial numbers:", page)
        self.assertIn("PORTAL-01 – PORTAL-10 (10)", page)

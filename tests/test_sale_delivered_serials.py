# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo import Command
from odoo.tests import tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install", "serial_tracking_sale")
class TestSaleDeliveredSerials(SerialTrackingCase):
    """Runs on a database where Sales and Inventory are linked (sale_stock): the
    test command installs it in a second database for these tests only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if (
            "sale.order.line" not in cls.env
            or "sale_line_id" not in cls.env["stock.move"]._fields
        ):
            raise unittest.SkipTest("sale_stock is not installed on this database")

    def sell(self, template, invoice_policy, serials, quantity, customer_name):
        """A confirmed sales order of ``quantity`` units of ``template``, which
        has ``serials`` in stock."""
        template.invoice_policy = invoice_policy
        self.add_serials(template, serials)
        customer = self.env["res.partner"].create({"name": customer_name})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": template.product_variant_id.id,
                            "product_uom_qty": quantity,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order, customer

    def test_invoice_shows_the_serials_delivered_for_it(self):
        order, _customer = self.sell(
            self.physical_product,
            "delivery",
            ["SO-1", "SO-2", "SO-3"],
            2,
            "Sale Customer",
        )
        delivery = order.picking_ids
        action = delivery.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        wizard.paste_text = "SO-1, SO-3"
        wizard.action_select_pasted()
        wizard.action_confirm()
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        invoice = order._create_invoices()
        line = invoice.invoice_line_ids
        self.assertFalse(
            line.serial_required
        )  # read-only: serials come from the delivery
        self.assertEqual(line.serial_display, "SO-1, SO-3")
        invoice.action_post()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("Serial numbers: <span>SO-1, SO-3</span>", html)
        self.assertEqual(
            self.env["stock.lot"].search([("name", "=", "SO-1")]).serial_status, "sold"
        )

    def test_invoice_from_a_sales_order_takes_serials_like_a_manual_one(self):
        order, customer = self.sell(
            self.accounting_product, "order", ["SOA-1", "SOA-2"], 1, "Sale Customer"
        )
        invoice = order._create_invoices()
        line = invoice.invoice_line_ids
        self.assertTrue(line.serial_required)
        action = line.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual((wizard.mode, wizard.required_count), ("remove", 1))
        wizard.action_auto_select()
        wizard.action_confirm()
        invoice.action_post()
        lot = self.env["stock.lot"].search([("name", "=", "SOA-1")])
        self.assertEqual((lot.serial_status, lot.holder_partner_id), ("sold", customer))

    def test_invoices_of_partial_deliveries_show_their_own_serials(self):
        order, _customer = self.sell(
            self.physical_product, "delivery", ["BO-1", "BO-2"], 2, "Backorder Customer"
        )
        delivery = order.picking_ids
        delivery.move_ids.move_line_ids.filtered(
            lambda ml: ml.lot_id.name == "BO-2"
        ).unlink()
        delivery.move_ids.picked = True
        delivery.with_context(cancel_backorder=False)._action_done()
        first = order._create_invoices()
        first.action_post()
        backorder = delivery.backorder_ids
        backorder.move_ids.picked = True
        backorder.button_validate()
        second = order._create_invoices()
        second.action_post()
        report = self.env["ir.actions.report"]
        for invoice, mine, other in ((first, "BO-1", "BO-2"), (second, "BO-2", "BO-1")):
            self.assertEqual(invoice.invoice_line_ids.serial_display, mine)
            html = report._render_qweb_html("account.report_invoice", invoice.ids)[
                0
            ].decode()
            self.assertIn(f"Serial numbers: <span>{mine}</span>", html)
            self.assertNotIn(other, html)

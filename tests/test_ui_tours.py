# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import new_invoice, new_transfer


@tagged("post_install", "-at_install")
class TestSerialTrackingTours(HttpCase):
    def test_tick_track_serials_add_serial_and_see_history(self):
        template = self.env["product.template"].create(
            {"name": "Tour Laptop", "type": "consu"}
        )
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_foundation_tour",
            login="admin",
        )
        serial = template.serial_ids
        self.assertTrue(template.serial_tracking_enabled)
        self.assertEqual(serial.name, "TOUR-SN-0001")
        self.assertEqual(serial.serial_status, "in_stock")
        self.assertEqual(serial.history_ids.event_type, "ADJUST")

    def test_paste_a_list_with_a_span_and_confirm(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Router",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_bulk_entry_tour",
            login="admin",
        )
        self.assertEqual(
            sorted(template.serial_ids.mapped("name")),
            ["2024-5000", "SPAN-01", "SPAN-02", "SPAN-03", "T-1", "T-2"],
        )
        # the dialog saved the choice as the user's own default
        admin = self.env.ref("base.user_admin")
        self.assertIs(
            self.env["ir.default"]
            .with_user(admin)
            ._get_model_defaults("serial.entry.wizard")
            .get("read_ranges"),
            False,
        )

    def test_scan_gs1_codes_into_the_entry_dialog(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Scanner",
                "type": "consu",
                "barcode": "9506000134352",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_gs1_tour",
            login="admin",
        )
        self.assertEqual(
            sorted(template.serial_ids.mapped("name")), ["GS-0001", "GS-0002"]
        )

    def test_trace_a_unit_and_recall_it(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Traced Laptop",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        vendor = self.env["res.partner"].create({"name": "Tour Trace Vendor"})
        customer = self.env["res.partner"].create({"name": "Tour Trace Customer"})
        for move_type, partner in (("in_invoice", vendor), ("out_invoice", customer)):
            move = new_invoice(
                self.env,
                move_type,
                partner,
                template.product_variant_id,
                1,
                price_unit=50,
            )
            if move_type == "in_invoice":
                move.invoice_line_ids.serial_names = "TRACE-TOUR-1"
            else:
                move.invoice_line_ids.serial_lot_ids = template.serial_ids
            move.action_post()
        self.assertEqual(template.serial_ids.holder_partner_id, customer)
        self.start_tour(
            "/odoo/action-serial_tracking.action_serial_history",
            "serial_tracking_trace_tour",
            login="admin",
        )
        self.start_tour(
            "/odoo/action-serial_tracking.action_serial_numbers",
            "serial_tracking_recall_tour",
            login="admin",
        )

    def test_bill_invoice_credit_note_and_history(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Accounting Laptop",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        product = template.product_variant_id
        vendor = self.env["res.partner"].create({"name": "Tour Vendor"})
        customer = self.env["res.partner"].create({"name": "Tour Customer"})

        def run(move, tour):
            self.start_tour(
                f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
                tour,
                login="admin",
            )

        bill = new_invoice(self.env, "in_invoice", vendor, product, 5, price_unit=50)
        run(bill, "serial_tracking_bill_tour")
        self.assertEqual(bill.state, "posted")
        self.assertEqual(len(bill.invoice_line_ids.serial_lot_ids), 5)

        invoice = new_invoice(
            self.env, "out_invoice", customer, product, 2, price_unit=50
        )
        run(invoice, "serial_tracking_invoice_tour")
        self.assertEqual(invoice.state, "posted")
        sold = invoice.invoice_line_ids.serial_lot_ids
        self.assertEqual(sorted(sold.mapped("name")), ["ACC-TOUR-01", "ACC-TOUR-02"])
        self.assertEqual(set(sold.mapped("serial_status")), {"sold"})

        credit_note = new_invoice(
            self.env, "out_refund", customer, product, 1, price_unit=50
        )
        run(credit_note, "serial_tracking_credit_note_tour")
        self.assertEqual(credit_note.state, "posted")
        returned = sold.filtered(lambda lot: lot.name == "ACC-TOUR-02")
        self.assertEqual(returned.serial_status, "returned")

        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_product_history_tour",
            login="admin",
        )

    def test_receive_generate_deliver_and_history(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Physical Scanner",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "physical",
            }
        )
        product = template.product_variant_id
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        customer = self.env["res.partner"].create({"name": "Tour Physical Customer"})

        receipt = new_transfer(
            self.env,
            warehouse.in_type_id,
            self.env.ref("stock.stock_location_suppliers"),
            warehouse.lot_stock_id,
            3,
            product,
            partner=customer,
        )
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "serial_tracking_receipt_tour",
            login="admin",
        )
        self.assertEqual(receipt.state, "done")
        self.assertEqual(template.serial_count, 3)

        delivery = new_transfer(
            self.env,
            warehouse.out_type_id,
            warehouse.lot_stock_id,
            self.env.ref("stock.stock_location_customers"),
            1,
            product,
            partner=customer,
        )
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{delivery.id}",
            "serial_tracking_delivery_tour",
            login="admin",
        )
        self.assertEqual(delivery.state, "done")
        sold = template.serial_ids.filtered(lambda lot: lot.serial_status == "sold")
        self.assertEqual(sold.name, "PHY-TOUR-0002")
        self.assertEqual(sold.holder_partner_id, customer)

        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_physical_history_tour",
            login="admin",
        )

    def test_count_by_scanning_apply_and_open_a_units_history(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Counted Router",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "physical",
            }
        )
        stock = self.env.ref("stock.warehouse0").lot_stock_id
        shelf, other = self.env["stock.location"].create(
            [
                {
                    "name": "Tour Count Shelf",
                    "usage": "internal",
                    "location_id": stock.id,
                },
                {
                    "name": "Tour Other Shelf",
                    "usage": "internal",
                    "location_id": stock.id,
                },
            ]
        )
        Lot = self.env["stock.lot"]
        product = template.product_variant_id
        Lot._serial_add_to_stock(product, ["TC-1", "TC-2", "TC-3"], shelf)
        Lot._serial_add_to_stock(product, ["TC-9"], other)
        count = self.env["serial.count"].create({"location_id": shelf.id})
        self.start_tour(
            f"/odoo/action-serial_tracking.action_serial_counts/{count.id}",
            "serial_tracking_count_tour",
            login="admin",
        )
        self.assertEqual(count.state, "applied")
        unexpected = template.serial_ids.filtered(lambda lot: lot.name == "TC-9")
        self.assertEqual(unexpected.location_id, shelf)
        self.assertEqual(unexpected.history_ids[:1].event_type, "COUNT")

from odoo.tests import HttpCase, tagged


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
            {"name": "Tour Router", "type": "consu", "serial_tracking_enabled": True,
             "serial_tracking_mode": "accounting"}
        )
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_bulk_entry_tour",
            login="admin",
        )
        self.assertEqual(
            sorted(template.serial_ids.mapped("name")),
            ["SPAN-01", "SPAN-02", "SPAN-03", "T-1", "T-2"],
        )

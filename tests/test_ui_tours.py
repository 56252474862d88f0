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

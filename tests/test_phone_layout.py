# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from PIL import Image

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PhoneTourCase


@tagged("post_install", "-at_install")
class TestPhoneLayout(PhoneTourCase):
    """The entry dialog, a count and a unit's form on a 390 x 844 screen:
    nothing scrolls sideways and every button is on the screen (the tours'
    checks), with a screenshot of each."""

    def assert_screenshot(self, name):
        with Image.open(self.screenshot_dir / f"{name}.png") as image:
            self.assertEqual(image.size, (390, 844))

    def test_entry_dialog_count_and_unit_on_a_phone(self):
        template = self.env["product.template"].create(
            {
                "name": "Phone Router",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "physical",
            }
        )
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_phone_entry_tour",
            login="admin",
        )
        self.assertEqual(len(template.serial_ids), 5)
        self.assert_screenshot("serial_entry_phone")

        shelf = self.env["stock.location"].create(
            {
                "name": "Phone Shelf",
                "usage": "internal",
                "location_id": self.env.ref("stock.warehouse0").lot_stock_id.id,
            }
        )
        product = template.product_variant_id
        self.env["stock.lot"]._serial_add_to_stock(
            product, ["PH-0101", "PH-0102", "PH-0103"], shelf
        )
        count = self.env["serial.count"].create({"location_id": shelf.id})
        action = count.action_scan()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.paste_text = "PH-0101\nPH-0102\nPH-0001\nPH-0999"
        wizard.action_add_pasted()
        wizard.action_confirm()
        self.start_tour(
            f"/odoo/action-serial_tracking.action_serial_counts/{count.id}",
            "serial_tracking_phone_count_tour",
            login="admin",
        )
        self.assert_screenshot("serial_count_phone")

        unit = template.serial_ids.filtered(lambda lot: lot.name == "PH-0101")
        # Odoo's stock_account writes a lot's average cost whenever its form
        # reads the lot's value, in a read-only request: Odoo logs the refused
        # query and serves the request again with a read/write cursor.
        with mute_logger("odoo.sql_db"):
            self.start_tour(
                f"/odoo/action-serial_tracking.action_serial_numbers/{unit.id}",
                "serial_tracking_phone_unit_tour",
                login="admin",
            )
        self.assert_screenshot("serial_unit_phone")

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import tempfile
from pathlib import Path

from odoo.tests import tagged

from .common import FakeCameraTourCase, write_camera_video

GTIN = "09506000134352"


@tagged("post_install", "-at_install")
class TestCameraScanTours(FakeCameraTourCase):
    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def test_scan_label_codes_with_the_camera_then_a_wedge_scanner(self):
        template = self.env["product.template"].create(
            {
                "name": "Tour Camera Scanner",
                "type": "consu",
                "barcode": GTIN[1:],
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        codes = self.label_codes(
            GTIN,
            [
                ("QR", "CAM-0001"),
                ("DataMatrix", "CAM-0002"),
                ("Code128", "CAM-0003"),
                ("QR", "CAM-0001"),
            ],
        )
        self.camera_video = self.folder / "labels.y4m"
        # the tour knows these seconds (SCHEDULE) to time each code
        self.assertEqual(
            write_camera_video(self.camera_video, [image for image, _text in codes]),
            [1.0, 3.5, 6.0, 8.5],
        )
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_camera_tour",
            login="admin",
            timeout=180,
        )
        wizard = self.env["serial.entry.wizard"].search([], order="id desc", limit=1)
        self.assertEqual(
            wizard._entered_serials(), ["CAM-0001", "CAM-0002", "CAM-0003", "CAM-0004"]
        )
        self.assertFalse(wizard.paste_text)
        self.assertEqual(
            sorted(template.serial_ids.mapped("name")),
            ["CAM-0001", "CAM-0002", "CAM-0003", "CAM-0004"],
        )

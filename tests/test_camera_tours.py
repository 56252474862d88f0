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

    def product(self, mode="accounting"):
        return self.env["product.template"].create(
            {
                "name": "Tour Camera Scanner",
                "type": "consu",
                "barcode": GTIN[1:],
                "serial_tracking_enabled": True,
                "serial_tracking_mode": mode,
            }
        )

    def film_labels(self, labels=None):
        """The fake camera's video of ``labels`` ((symbology, serial)), by
        default a QR, a DataMatrix, a Code 128, then the first QR again."""
        codes = self.label_codes(
            GTIN,
            labels
            or [
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
            [1.0, 3.5, 6.0, 8.5][: len(codes)],
        )

    def test_scan_label_codes_with_the_camera_then_a_wedge_scanner(self):
        template = self.product()
        self.film_labels()
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

    def test_the_camera_closes_when_the_quantity_is_reached(self):
        template = self.product()
        self.film_labels()
        self.start_tour(
            f"/odoo/action-stock.product_template_action_product/{template.id}",
            "serial_tracking_camera_quantity_tour",
            login="admin",
            timeout=120,
        )
        self.assertEqual(
            sorted(template.serial_ids.mapped("name")), ["CAM-0001", "CAM-0002"]
        )

    def test_count_scans_with_the_camera_from_its_form(self):
        template = self.product("physical")
        product = template.product_variant_id
        stock = self.env.ref("stock.warehouse0").lot_stock_id
        self.env["stock.lot"]._serial_add_to_stock(
            product, ["CAM-0001", "CAM-0002"], stock
        )
        count = self.env["serial.count"].create({"location_id": stock.id})
        # a count has no product to recognise the DataMatrix of Odoo's label
        # (AI 01 and 21 without a GS1 prefix) by: a QR and a Code 128
        self.film_labels([("QR", "CAM-0001"), ("Code128", "CAM-0002")])
        self.start_tour(
            f"/odoo/action-serial_tracking.action_serial_counts/{count.id}",
            "serial_tracking_camera_count_tour",
            login="admin",
            timeout=120,
        )
        self.assertEqual(count.state, "in_progress")
        lines = count.line_ids.sorted("id")
        self.assertEqual(lines.mapped("name"), ["CAM-0001", "CAM-0002"])
        # the QR's Digital Link names its product, the plain serial none
        self.assertEqual(lines.mapped("scan_product_id"), product)
        self.assertFalse(lines[1].scan_product_id)

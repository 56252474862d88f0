# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from PIL import Image

from odoo.tests import tagged

from .common import ShippingNoticeTourCase


@tagged("post_install", "-at_install")
class TestShippingNoticeTours(ShippingNoticeTourCase):
    def test_import_a_notice_then_receive_a_pallet_by_scanning_its_cartons(self):
        """The notice imported through its button and dialog (a file
        uploaded), then the pallet received by scanning its two cartons'
        labels in the entry dialog, which counts each package's units; a
        screenshot of the dialog showing them, for the README."""
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{self.receipt.id}",
            "serial_tracking_notice_tour",
            login="admin",
            timeout=120,
        )
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", self.receipt.id)]
        )
        self.assertEqual(attachment.name, "notice.csv")
        self.assertEqual(self.receipt.state, "done")
        names = [f"TOUR-NT-{number}" for number in range(1, 7)]
        self.assertEqual(
            self.packages_received(names),
            {
                name: self.carton_sscc if number <= 3 else self.other_carton_sscc
                for number, name in enumerate(names, start=1)
            },
        )
        cartons = self.env["stock.package"].search(
            [("name", "in", [self.carton_sscc, self.other_carton_sscc])]
        )
        self.assertEqual(len(cartons), 2)
        self.assertEqual(cartons.parent_package_id.name, self.pallet_sscc)
        self.assertEqual(cartons.location_id, self.warehouse.lot_stock_id)
        lots = self.env["stock.lot"].search([("name", "in", names)])
        self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
        self.assertFalse(any(lots.mapped("serial_unannounced")))
        self.assertIn(
            "Shipping notice: 6 units announced, 6 received, 0 not received.",
            "\n".join(self.receipt.message_ids.mapped("body")),
        )
        with Image.open(self.screenshot_dir / "serial_notice_packages.png") as image:
            self.assertEqual(image.size, (1366, 1000))

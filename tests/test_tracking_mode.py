# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form

from .common import SerialTrackingCase


class TestTrackingMode(SerialTrackingCase):
    def test_physical_mode_switches_native_serial_tracking_on(self):
        self.assertEqual(self.physical_product.tracking, "serial")
        self.assertTrue(self.physical_product.is_storable)
        self.assertEqual(self.accounting_product.tracking, "none")

    def test_mode_defaults_from_the_company(self):
        self.company.serial_tracking_default_mode = "physical"
        template = self.env["product.template"].create(
            {"name": "Defaulted", "type": "consu"}
        )
        self.assertEqual(template.serial_tracking_mode, "physical")
        self.company.serial_tracking_default_mode = "accounting"
        form = Form(self.env["product.template"])
        form.name = "From the form"
        self.assertEqual(form.serial_tracking_mode, "accounting")

    def test_mode_can_change_while_no_serial_exists(self):
        template = self.create_tracked_product("Undecided", "accounting")
        template.serial_tracking_mode = "physical"
        self.assertEqual(template.tracking, "serial")
        template.serial_tracking_mode = "accounting"
        self.assertEqual(template.tracking, "none")

    def test_mode_is_locked_once_serials_exist(self):
        self.add_serials(self.accounting_product, ["LOCK-1"])
        with self.assertRaisesRegex(
            UserError, "cannot change once a product has serials"
        ):
            self.accounting_product.serial_tracking_mode = "physical"
        self.assertEqual(self.accounting_product.serial_tracking_mode, "accounting")
        self.assertEqual(self.accounting_product.tracking, "none")
        # writing the same mode again is harmless
        self.accounting_product.serial_tracking_mode = "accounting"

    def test_native_tracking_follows_the_serial_settings(self):
        with self.assertRaisesRegex(UserError, "tracks serials in Physical mode"):
            self.physical_product.tracking = "lot"
        self.assertEqual(self.physical_product.tracking, "serial")

    def test_only_goods_track_serials(self):
        with self.assertRaisesRegex(ValidationError, "only goods have serial numbers"):
            self.env["product.template"].create(
                {
                    "name": "Support Hour",
                    "type": "service",
                    "serial_tracking_enabled": True,
                }
            )

    def test_unticking_keeps_serials_and_history(self):
        lots = self.add_serials(self.physical_product, ["KEEP-1", "KEEP-2"])
        self.physical_product.serial_tracking_enabled = False
        self.assertEqual(self.physical_product.tracking, "none")
        self.assertTrue(lots.exists())
        self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
        self.assertEqual(len(lots.history_ids), 2)
        self.assertEqual(self.physical_product.serial_count, 2)
        # switching back finds the same serials; uniqueness still holds meanwhile
        self.physical_product.serial_tracking_enabled = True
        self.assertEqual(self.physical_product.serial_ids, lots)
        self.assertEqual(self.physical_product.tracking, "serial")

    def test_existing_native_serials_are_adopted(self):
        template = self.env["product.template"].create(
            {
                "name": "Native Serials",
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        product = template.product_variant_id
        on_hand, gone = self.env["stock.lot"].create(
            [
                {"name": "N-1", "product_id": product.id},
                {"name": "N-2", "product_id": product.id},
            ]
        )
        self.env["stock.quant"]._update_available_quantity(
            product, self.stock_location, 1, lot_id=on_hand
        )
        template.write(
            {"serial_tracking_enabled": True, "serial_tracking_mode": "physical"}
        )
        self.assertTrue(on_hand.is_serial and gone.is_serial)
        self.assertEqual(on_hand.serial_status, "in_stock")
        self.assertFalse(gone.serial_status)
        self.assertEqual(template.serial_count, 2)

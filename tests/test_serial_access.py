# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError

from .common import SerialTrackingCase


class TestSerialAccess(SerialTrackingCase):
    """Manage Serials is enforced on the server, as an RPC call would meet it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls.add_serials(cls.accounting_product, ["ACC-0001"])
        cls.plain_product = cls.env["product.template"].create(
            {"name": "Plain Goods", "type": "consu"}
        )

    def test_stock_admin_has_the_group_implied(self):
        self.assertIn(self.group_manage_serials, self.stock_admin.all_group_ids)
        self.assertNotIn(self.group_manage_serials, self.stock_user.all_group_ids)

    def test_switching_tracking_on_needs_the_group(self):
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            self.plain_product.with_user(self.product_editor).write(
                {"serial_tracking_enabled": True}
            )
        self.assertFalse(self.plain_product.serial_tracking_enabled)
        self.plain_product.with_user(self.serial_manager).write(
            {"serial_tracking_enabled": True}
        )
        self.assertTrue(self.plain_product.serial_tracking_enabled)

    def test_creating_a_tracked_product_needs_the_group(self):
        products = self.env["product.template"].with_user(self.product_editor)
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            products.create(
                {"name": "Sneaky", "type": "consu", "serial_tracking_enabled": True}
            )
        self.assertFalse(self.env["product.template"].search([("name", "=", "Sneaky")]))
        # an ordinary product, with the mode default in its values, is fine
        plain = products.create({"name": "Ordinary", "type": "consu"})
        self.assertFalse(plain.serial_tracking_enabled)

    def test_mode_and_warranty_need_the_group(self):
        template = self.create_tracked_product("No serials yet", "accounting")
        for vals in (
            {"serial_tracking_mode": "physical"},
            {"serial_warranty_duration": 6},
            {"serial_warranty_unit": "year"},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(AccessError, "Manage Serials"),
            ):
                template.with_user(self.product_editor).write(vals)
        self.assertEqual(template.serial_tracking_mode, "accounting")
        template.with_user(self.serial_manager).write({"serial_warranty_duration": 6})
        self.assertEqual(template.serial_warranty_duration, 6)

    def test_company_settings_need_the_group(self):
        settings_admin = self.env.ref("base.user_admin")
        self.assertIn(self.group_manage_serials, settings_admin.all_group_ids)
        outsider = self.stock_user
        outsider.group_ids += self.env.ref("base.group_system")
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            self.company.with_user(outsider).write({"serial_uniqueness": "company"})
        self.assertEqual(self.company.serial_uniqueness, "product")

    def test_direct_serial_edits_need_the_group(self):
        lot_as_user = self.lot.with_user(self.stock_user)
        self.assertEqual(lot_as_user.name, "ACC-0001")  # reading is allowed
        self.assertEqual(lot_as_user.serial_status, "in_stock")
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            lot_as_user.write({"condition_notes": "scratched"})
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            lot_as_user.unlink()
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            self.env["stock.lot"].with_user(self.stock_user).create(
                {
                    "name": "ACC-9999",
                    "product_id": self.accounting_product.product_variant_id.id,
                }
            )
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "ACC-9999")]))
        self.assertFalse(self.lot.condition_notes)

        self.lot.with_user(self.serial_manager).write({"condition_notes": "scratched"})
        self.assertEqual(self.lot.condition_notes, "scratched")

    def test_accountant_without_group_reads_serials_and_history(self):
        lot = self.lot.with_user(self.billing_user)
        self.assertEqual(lot.serial_status, "in_stock")
        self.assertEqual(lot.history_ids.event_type, "ADJUST")
        with self.assertRaises(AccessError):
            lot.write({"condition_notes": "x"})

    def test_add_serial_dialog_needs_the_group(self):
        with self.assertRaisesRegex(AccessError, "Manage Serials"):
            self.accounting_product.with_user(self.stock_user).action_add_serial()
        action = self.accounting_product.with_user(
            self.serial_manager
        ).action_add_serial()
        self.assertEqual(action["res_model"], "serial.add.wizard")

    def test_lots_of_untracked_products_are_not_affected(self):
        lot_product = self.env["product.product"].create(
            {
                "name": "Lot Goods",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        lot = (
            self.env["stock.lot"]
            .with_user(self.stock_user)
            .create({"name": "LOT-1", "product_id": lot_product.id})
        )
        lot.write({"ref": "native"})
        self.assertFalse(lot.is_serial)
        self.assertEqual(lot.ref, "native")

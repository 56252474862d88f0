# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import SerialTrackingCase


class TestAddSerialWizard(SerialTrackingCase):
    def _open(self, template, user):
        action = template.with_user(user).action_add_serial()
        return Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )

    def test_add_serial_to_accounting_product(self):
        form = self._open(self.accounting_product, self.serial_manager)
        self.assertEqual(form.product_id, self.accounting_product.product_variant_id)
        self.assertEqual(form.location_id, self.stock_location)
        form.name = "  NEW-0001 "
        form.condition_notes = "Boxed"
        form.save().action_confirm()
        lot = self.accounting_product.serial_ids
        self.assertEqual(lot.name, "NEW-0001")
        self.assertEqual(lot.serial_status, "in_stock")
        self.assertEqual(lot.location_id, self.stock_location)
        self.assertEqual(lot.condition_notes, "Boxed")
        self.assertTrue(lot.date_received)
        self.assertEqual(lot.history_ids.event_type, "ADJUST")
        # accounting mode keeps stock quantities out of it
        self.assertFalse(self.env["stock.quant"].search([("lot_id", "=", lot.id)]))

    def test_add_serial_to_physical_product_adjusts_stock(self):
        form = self._open(self.physical_product, self.serial_manager)
        form.name = "PHY-0001"
        form.save().action_confirm()
        lot = self.physical_product.serial_ids
        product = self.physical_product.product_variant_id
        self.assertEqual(
            product.with_context(location=self.stock_location.id).qty_available, 1
        )
        self.assertEqual(lot.location_id, self.stock_location)
        self.assertEqual(lot.product_qty, 1)

    def test_existing_serial_is_refused_and_nothing_written(self):
        self.add_serials(self.accounting_product, ["NEW-0002"])
        form = self._open(self.accounting_product, self.serial_manager)
        form.name = "NEW-0002"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "already exist: NEW-0002"):
            wizard.action_confirm()
        self.assertEqual(len(self.accounting_product.serial_ids), 1)

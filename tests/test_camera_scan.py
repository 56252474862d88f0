# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form

from .common import CameraScanCase, SerialCountCase

GS = "\x1d"


class TestScanIntoTheEntryDialog(CameraScanCase):
    """``scan_code``: one code read by the camera or a wedge scanner, added
    at once with the dialog's own reading of codes."""

    def test_every_label_code_is_added_in_order_and_a_repeat_is_flagged(self):
        _receipt, wizard = self.receipt_wizard(count=4)
        self.assert_scan(
            wizard.scan_code(self.digital_link("CAM-1")),
            "added",
            entered=1,
            required=4,
            done=False,
        )
        # the DataMatrix of Odoo's label: AI 01 and AI 21 without separator
        self.assert_scan(wizard.scan_code(f"01{self.GTIN}21CAM-2"), "added", entered=2)
        self.assert_scan(wizard.scan_code("CAM-3"), "added", entered=3)
        self.assert_scan(
            wizard.scan_code(self.digital_link("CAM-1")),
            "duplicate",
            "CAM-1 is already in the list: it was not added again.",
            entered=3,
        )
        self.assertEqual(wizard._entered_serials(), ["CAM-1", "CAM-2", "CAM-3"])
        # GS1-128 as a scanner sends it, with its symbology identifier
        self.assert_scan(
            wizard.scan_code(f"]C101{self.GTIN}21CAM-4{GS}10LOT7"),
            "added",
            entered=4,
            done=True,
        )
        self.assertTrue(wizard.can_confirm)

    def test_a_code_is_one_serial_as_written(self):
        _receipt, wizard = self.receipt_wizard(count=2)
        self.assert_scan(wizard.scan_code("2024-5000\r\n"), "added", entered=1)
        self.assertEqual(wizard._entered_serials(), ["2024-5000"])

    def test_refused_gtin_of_another_product_writes_nothing(self):
        _receipt, wizard = self.receipt_wizard(count=2)
        wizard.scan_code("CAM-1")
        self.assert_scan(
            wizard.scan_code(self.digital_link("CAM-9", gtin="04012345000016")),
            "refused",
            "is for the product with GTIN 04012345000016, not for Tracked Scanner",
            entered=1,
        )
        self.assertEqual(wizard._entered_serials(), ["CAM-1"])

    def test_refused_serial_that_exists_writes_nothing(self):
        self.add_serials(self.physical_product, ["OLD-1"])
        _receipt, wizard = self.receipt_wizard(count=2)
        self.assert_scan(
            wizard.scan_code("OLD-1"),
            "refused",
            "already in stock or used by another product: OLD-1.",
        )
        self.assertFalse(wizard.serial_names)
        self.assertFalse(wizard.problem)

    def test_refused_code_without_serial(self):
        _receipt, wizard = self.receipt_wizard(count=2)
        self.assert_scan(
            wizard.scan_code(f"(01){self.GTIN}(10)LOT7"),
            "refused",
            "holds no serial number (application identifier 21)",
        )
        self.assert_scan(
            wizard.scan_code("   "), "refused", "The code read holds no serial number."
        )
        self.assertFalse(wizard.serial_names)

    def test_delivery_selects_units_here_and_refuses_others(self):
        self.add_serials(self.physical_product, ["HERE-1", "HERE-2"], self.shelf)
        self.add_serials(self.physical_product, ["AWAY-1"])
        wizard = self.delivery_wizard(count=2, location=self.shelf)
        self.assert_scan(
            wizard.scan_code(self.digital_link("HERE-1")),
            "added",
            entered=1,
            required=2,
        )
        self.assert_scan(
            wizard.scan_code("AWAY-1"),
            "refused",
            "These serial numbers are not available at WH/Stock/Shelf 9: AWAY-1.",
            entered=1,
        )
        self.assert_scan(wizard.scan_code("HERE-1"), "duplicate", entered=1)
        self.assertEqual(wizard.selected_lot_ids.mapped("name"), ["HERE-1"])
        self.assert_scan(wizard.scan_code("HERE-2"), "added", entered=2, done=True)


class TestScanIntoACount(SerialCountCase, CameraScanCase):
    def test_scans_are_saved_with_the_product_their_code_names(self):
        self.add_serials(self.physical_product, ["C-1", "C-2"], self.shelf)
        count = self.new_count(user=self.stock_user)
        wizard = self.env["serial.entry.wizard"].browse(count.action_scan()["res_id"])
        self.assert_scan(
            wizard.scan_code(self.digital_link("C-1")),
            "added",
            "1 saved in",
            entered=1,
            required=0,
            done=False,
        )
        self.assert_scan(wizard.scan_code("C-1"), "duplicate")
        line = count.line_ids
        self.assertEqual(line.name, "C-1")
        self.assertEqual(line.scan_product_id, self.product)

    def test_refused_serial_of_an_accounting_product_writes_nothing(self):
        self.add_serials(self.physical_product, ["C-1"], self.shelf)
        self.add_serials(self.accounting_product, ["ACC-1"])
        count = self.new_count(user=self.stock_user)
        wizard = self.env["serial.entry.wizard"].browse(count.action_scan()["res_id"])
        self.assert_scan(
            wizard.scan_code("ACC-1"),
            "refused",
            "tracked in accounting mode (on invoices and bills, not in stock) and "
            "cannot be counted: ACC-1 (Tracked Laptop)",
            entered=0,
        )
        self.assertFalse(wizard.serial_names)
        self.assertFalse(
            self.env["serial.count.line"].search([("count_id", "=", count.id)])
        )

    def test_scan_with_camera_opens_the_dialog_with_the_camera(self):
        self.add_serials(self.physical_product, ["C-1"], self.shelf)
        count = self.new_count(user=self.stock_user)
        action = count.action_scan_camera()
        self.assertEqual(count.state, "in_progress")
        self.assertEqual(action["res_model"], "serial.entry.wizard")
        self.assertTrue(action["context"]["serial_scan_camera"])
        self.assertNotIn("serial_scan_camera", count.action_scan()["context"])


class TestScanIntoAddSerial(CameraScanCase):
    def _wizard(self):
        action = self.physical_product.with_user(
            self.serial_manager
        ).action_add_serial()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.serial_manager)
            .with_context(**action["context"])
        )
        form.location_id = self.shelf
        form.condition_notes = "Boxed"
        return form.save()

    def test_each_code_adds_its_unit_at_once(self):
        wizard = self._wizard()
        self.assert_scan(
            wizard.scan_code(self.digital_link("ADD-1")),
            "added",
            "ADD-1 added to WH/Stock/Shelf 9.",
            entered=1,
        )
        self.assert_scan(wizard.scan_code("ADD-2"), "added", entered=2)
        self.assert_scan(
            wizard.scan_code("ADD-1"),
            "duplicate",
            "ADD-1 is already added: it was not added again.",
            entered=2,
        )
        lots = self.physical_product.serial_ids.sorted("name")
        self.assertEqual(lots.mapped("name"), ["ADD-1", "ADD-2"])
        self.assertEqual(set(lots.mapped("location_id")), {self.shelf})
        self.assertEqual(set(lots.mapped("condition_notes")), {"Boxed"})

    def test_refused_codes_write_nothing(self):
        self.add_serials(self.physical_product, ["OLD-1"])
        wizard = self._wizard()
        self.assert_scan(
            wizard.scan_code("OLD-1"),
            "refused",
            "These serial numbers already exist: OLD-1.",
            entered=0,
        )
        self.assert_scan(
            wizard.scan_code(self.digital_link("ADD-9", gtin="04012345000016")),
            "refused",
            "is for the product with GTIN 04012345000016",
            entered=0,
        )
        self.assertEqual(self.physical_product.serial_ids.mapped("name"), ["OLD-1"])
        self.assertFalse(wizard.scanned_names)

    def test_add_without_a_serial_is_refused_after_scanning(self):
        # the number is not required to open the dialog and scan
        wizard = self._wizard()
        wizard.scan_code("ADD-1")
        with self.assertRaisesRegex(UserError, "Enter a serial number."):
            wizard.action_confirm()
        self.assertEqual(self.physical_product.serial_ids.mapped("name"), ["ADD-1"])

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.stock_speed_path import SPEED_PATH_PARAM
from .common import BackgroundValidationCase, PhysicalModeCase


@tagged("post_install", "-at_install")
class TestExpectedSerials(PhysicalModeCase):
    def assert_expected(self, lots, receipt):
        self.assertEqual(set(lots.mapped("serial_status")), {"expected"})
        self.assertFalse(
            self.env["stock.quant"].search_count([("lot_id", "in", lots.ids)])
        )
        self.assertFalse(lots.location_id)
        self.assertFalse(any(lots.mapped("date_received")))
        for lot in lots:
            self.assertEqual(self.events(lot), ["ANNOUNCE"])
            row = lot.history_ids
            self.assertEqual(row.document_ref, receipt)
            self.assertEqual(row.partner_id, self.vendor)
            self.assertEqual(row.location_dest_id, self.stock_location)

    def test_confirm_creates_expected_units_that_validation_receives(self):
        for switch in ("1", "0"):
            with self.subTest(speed_path=switch):
                self.env["ir.config_parameter"].sudo().set_param(
                    SPEED_PATH_PARAM, switch
                )
                prefix = f"EX{switch}-"
                on_hand = self.product.qty_available
                receipt = self.new_receipt()
                self.enter(receipt.move_ids, f"{prefix}1..{prefix}3")
                names = [f"{prefix}{number}" for number in (1, 2, 3)]
                lots = self.lots(*names)
                self.assertEqual(len(lots), 3)
                lines = receipt.move_ids.move_line_ids.sorted("id")
                # the lines carry the units, as Odoo's do for existing serials
                self.assertEqual(lines.lot_id.mapped("name"), names)
                self.assertEqual(lines.mapped("quantity"), [1.0] * 3)
                self.assert_expected(lots, receipt)
                self.product.invalidate_recordset()
                self.assertEqual(self.product.qty_available, on_hand)
                receipt.move_ids.invalidate_recordset(["serial_display"])
                shown = f"{prefix}1 – {prefix}3 (3) (3 / 3)"
                self.assertEqual(receipt.move_ids.serial_display, shown)

                receipt.button_validate()
                self.assertEqual(receipt.state, "done")
                # the units announced are the ones received
                self.assertEqual(self.lots(*names), lots)
                self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
                self.assertEqual(lots.location_id, self.stock_location)
                self.assertTrue(all(lots.mapped("date_received")))
                for lot in lots:
                    self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE"])
                self.product.invalidate_recordset()
                self.assertEqual(self.product.qty_available, on_hand + 3)
                self.receive_nothing_twice(names[0])

    def receive_nothing_twice(self, name):
        """A received unit is in stock: a new receipt cannot announce it."""
        receipt = self.new_receipt(quantity=1)
        with self.assertRaisesRegex(UserError, "already in stock"):
            self.enter(receipt.move_ids, name)
        self.assertFalse(receipt.move_ids.move_line_ids.lot_id)

    def test_announcing_a_serial_twice_is_refused(self):
        first = self.new_receipt(quantity=2)
        self.enter(first.move_ids, "TW-1\nTW-2")
        unit = self.lots("TW-1")
        second = self.new_receipt(quantity=2)
        action = second.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        wizard.paste_text = "TW-1\nTW-3"
        wizard.action_add_pasted()
        self.assertIn(
            "1 serial numbers are already expected on another receipt: TW-1.",
            wizard.problem,
        )
        with self.assertRaisesRegex(UserError, "already expected on another receipt"):
            wizard.action_confirm()
        self.assertFalse(second.move_ids.move_line_ids.lot_id)
        self.assertFalse(self.lots("TW-3"))
        self.assertEqual(self.lots("TW-1"), unit)
        self.assertEqual(self.events(unit), ["ANNOUNCE"])
        # past the dialog, the unique index refuses it as it refuses a
        # serial received twice
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(ValidationError, "already used or given twice"),
        ):
            self.env["stock.lot"]._serial_announce(
                self.product, ["TW-1"], self.company, second
            )
        self.assertEqual(self.lots("TW-1"), unit)

    def test_reopening_the_dialog_keeps_the_units(self):
        receipt = self.new_receipt()
        self.enter(receipt.move_ids, "RO-1..RO-3")
        lots = self.lots("RO-1", "RO-2", "RO-3")
        wizard = self.enter(receipt.move_ids)
        self.assertFalse(wizard.problem)
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, lots)
        for lot in lots:
            self.assertEqual(self.events(lot), ["ANNOUNCE"])

    def test_removing_a_unit_from_the_entry_deletes_it_with_its_history(self):
        receipt = self.new_receipt()
        self.enter(receipt.move_ids, "RM-1..RM-3")
        kept, dropped = self.lots("RM-1", "RM-2"), self.lots("RM-3")
        dropped_id = dropped.id
        self.assertTrue(self.history_of([dropped_id]))
        self.enter(receipt.move_ids, "RM-1\nRM-2\nRM-4")
        self.assertFalse(dropped.exists())
        self.assertFalse(self.history_of([dropped_id]))
        added = self.lots("RM-4")
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, kept | added)
        self.assert_expected(kept | added, receipt)

    def test_deleting_a_line_deletes_its_expected_unit(self):
        receipt = self.new_receipt()
        self.enter(receipt.move_ids, "DL-1..DL-3")
        unit = self.lots("DL-2")
        line = receipt.move_ids.move_line_ids.filtered(lambda ml: ml.lot_id == unit)
        line.unlink()
        self.assertFalse(unit.exists())
        self.assertFalse(self.history_of([unit.id]))
        self.assertEqual(len(self.lots("DL-1", "DL-3")), 2)

    def test_another_serial_on_the_line_deletes_the_expected_one(self):
        receipt = self.new_receipt(quantity=1)
        self.enter(receipt.move_ids, "CH-1")
        unit = self.lots("CH-1")
        receipt.move_ids.move_line_ids.write({"lot_id": False, "lot_name": "CH-2"})
        self.assertFalse(unit.exists())
        self.assertFalse(self.history_of([unit.id]))

    def test_cancelling_the_receipt_deletes_its_expected_units(self):
        receipt = self.new_receipt()
        self.enter(receipt.move_ids, "CA-1..CA-3")
        lots = self.lots("CA-1", "CA-2", "CA-3")
        lot_ids = lots.ids
        receipt.action_cancel()
        self.assertEqual(receipt.state, "cancel")
        self.assertFalse(lots.exists())
        self.assertFalse(self.history_of(lot_ids))

    def test_a_unit_received_before_is_kept_when_its_receipt_is_cancelled(self):
        self.receive("BK-1")
        unit = self.lots("BK-1")
        vendor_return = self.transfer(
            self.warehouse.out_type_id,
            self.stock_location,
            self.supplier_location,
            ["BK-1"],
            self.vendor,
        )
        self.assertEqual(vendor_return.state, "done")
        self.assertEqual(unit.serial_status, "returned_vendor")
        receipt = self.new_receipt(quantity=1)
        self.enter(receipt.move_ids, "BK-1")
        # the unit that comes back is the one the line carries
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, unit)
        self.assertEqual(unit.serial_status, "returned_vendor")
        receipt.action_cancel()
        self.assertTrue(unit.exists())
        self.assertEqual(self.events(unit), ["ANNOUNCE", "RECEIVE", "VENDOR_RETURN"])

    def test_history_stays_append_only(self):
        receipt = self.new_receipt(quantity=1)
        self.enter(receipt.move_ids, "AO-1")
        row = self.lots("AO-1").history_ids
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            row.sudo().unlink()
        # a unit announced is a record of its document: not deleted by hand
        with self.assertRaisesRegex(UserError, "appear on documents"):
            self.lots("AO-1").unlink()
        self.assertTrue(row.exists())

    def test_expected_units_are_not_stock(self):
        receipt = self.new_receipt(quantity=2)
        self.enter(receipt.move_ids, "NS-1\nNS-2")
        delivery = self.new_delivery(1)
        action = delivery.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.available_count, 0)
        wizard.paste_text = "NS-1"
        with self.assertRaisesRegex(UserError, "not available at .*: NS-1"):
            wizard.action_select_pasted()
        wizard.action_auto_select()
        self.assertFalse(wizard.selected_lot_ids)
        self.assertFalse(delivery.move_ids.move_line_ids)
        # no customer holds them: the portal and the public lookup have none
        self.env.company.serial_public_warranty_lookup = True
        Lot = self.env["stock.lot"]
        self.assertFalse(Lot._serial_public_lookup("NS-1"))
        self.assertFalse(
            Lot.search(Lot._serial_portal_domain(self.vendor))
            & self.lots("NS-1", "NS-2")
        )

    def test_serials_list_filters_expected_units(self):
        receipt = self.new_receipt(quantity=1)
        self.enter(receipt.move_ids, "FI-1")
        self.receive("FI-2")
        view = self.env.ref("serial_tracking.stock_lot_view_search_serial")
        arch = self.env["stock.lot"].get_view(view.id, "search")["arch"]
        self.assertIn('name="filter_expected"', arch)
        found = self.env["stock.lot"].search(
            [("serial_status", "=", "expected"), ("product_id", "=", self.product.id)]
        )
        self.assertEqual(found, self.lots("FI-1"))

    def test_an_invoice_does_not_offer_expected_units(self):
        # an Expected unit of a product invoiced in accounting mode (as a
        # vendor bill will announce them)
        product = self.accounting_product.product_variant_id
        bill = self.make_move("in_invoice", self.vendor, 1, product=product)
        unit = self.env["stock.lot"]._serial_announce(
            product, ["IX-1"], self.company, bill
        )
        self.assertEqual(unit.serial_status, "expected")
        invoice = self.make_move("out_invoice", self.customer, 1, product=product)
        action = invoice.invoice_line_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.mode, "remove")
        self.assertEqual(wizard.available_count, 0)
        wizard.paste_text = "IX-1"
        with self.assertRaisesRegex(UserError, "not available.*: IX-1"):
            wizard.action_select_pasted()
        self.assertFalse(invoice.invoice_line_ids.serial_lot_ids)


@tagged("post_install", "-at_install")
class TestExpectedSerialsInBackground(BackgroundValidationCase):
    """An entry of at least the company's background threshold (3 here) on a
    receipt: the dialog's request keeps the names, and the background job
    creates the units as Expected units, slice by slice (2 here)."""

    def setUp(self):
        super().setUp()
        self.company.serial_validation_slice_size = 2

    def test_a_large_entry_creates_its_units_in_the_background(self):
        for switch in ("1", "0"):
            with self.subTest(speed_path=switch):
                self.env["ir.config_parameter"].sudo().set_param(
                    SPEED_PATH_PARAM, switch
                )
                prefix = f"BG{switch}-"
                names = [f"{prefix}{number}" for number in range(1, 6)]
                receipt, answer = self.large_entry(f"{prefix}1..{prefix}5")
                self.assertIn(
                    "created as Expected units in the background",
                    answer["params"]["message"],
                )
                self.assertEqual(
                    answer["params"]["next"], {"type": "ir.actions.act_window_close"}
                )
                self.assertEqual(receipt.serial_background_state, "queued")
                self.assertEqual(receipt.serial_background_action, "announce")
                self.assertEqual(receipt.serial_background_units_total, 5)
                self.assertFalse(self.lots(*names))
                # locked while the job runs
                with self.assertRaisesRegex(UserError, "in the background"):
                    receipt.move_ids.action_open_serial_entry()
                self.run_job()
                self.assertFalse(receipt.serial_background_state)
                self.assertEqual(receipt.serial_background_units_done, 4)
                lots = self.lots(*names)
                self.assertEqual(len(lots), 5)
                self.assertEqual(set(lots.mapped("serial_status")), {"expected"})
                lines = receipt.move_ids.move_line_ids.sorted("id")
                self.assertEqual(lines.lot_id.mapped("name"), names)
                self.assertFalse(any(lines.mapped("lot_name")))
                for lot in lots:
                    self.assertEqual(self.events(lot), ["ANNOUNCE"])
                    self.assertEqual(lot.history_ids.document_ref, receipt)
                self.assertTrue(
                    receipt.message_ids.filtered(
                        lambda m: "created as Expected units in the background"
                        in (m.body or "")
                    )
                )
                # validating receives the units the job created
                self.validate(receipt)
                self.assertEqual(receipt.state, "done")
                self.assertEqual(self.lots(*names), lots)
                self.assertEqual(self.in_stock(*names), 5)
                for lot in lots:
                    self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE"])

    def test_a_serial_announced_meanwhile_stops_the_job_with_the_reason(self):
        receipt, _answer = self.large_entry("MW-1..MW-4", quantity=4)
        # another receipt announces MW-3 before the job reaches it
        other = self.new_receipt(1)
        self.enter(other.move_ids, "MW-3")
        announced = self.lots("MW-3")
        self.run_job()
        self.assertEqual(receipt.serial_background_state, "failed")
        self.assertIn(
            "2 of 4 serials were put on the receipt as Expected units in earlier "
            "slices; the other 2 are not on it",
            receipt.serial_background_error,
        )
        self.assertIn(
            "already expected on another receipt: MW-3",
            receipt.serial_background_error,
        )
        # the first slice stays, the failed one is undone whole
        self.assertEqual(len(self.lots("MW-1", "MW-2")), 2)
        self.assertFalse(self.lots("MW-4"))
        self.assertEqual(self.lots("MW-3"), announced)
        self.assertEqual(announced.history_ids.document_ref, other)
        lines = receipt.move_ids.move_line_ids.sorted("id")
        self.assertEqual(lines.lot_id.mapped("name"), ["MW-1", "MW-2"])
        # the lines Odoo made for the other two units stay, without serial
        self.assertEqual(len(lines), 4)
        self.assertFalse(any(lines.mapped("lot_name")))
        self.assertFalse(receipt.move_ids.serial_names_to_announce)
        # confirmed again without the serial of the other receipt, it ends
        self.enter(receipt.move_ids, "MW-1\nMW-2\nMW-4\nMW-5")
        self.run_job()
        self.assertFalse(receipt.serial_background_state)
        self.assertEqual(
            receipt.move_ids.move_line_ids.sorted("id").lot_id.mapped("name"),
            ["MW-1", "MW-2", "MW-4", "MW-5"],
        )

    def test_a_transfer_built_in_code_keeps_the_names(self):
        """Demo data and warranty claims build their transfers in code: the
        entry keeps its names at any size, its units made at validation."""
        receipt = self.receipt("BC-1", "BC-2", "BC-3")
        self.assertFalse(receipt.serial_background_state)
        self.assertFalse(self.lots("BC-1", "BC-2", "BC-3"))
        self.assertEqual(
            sorted(receipt.move_ids.move_line_ids.mapped("lot_name")),
            ["BC-1", "BC-2", "BC-3"],
        )

    def test_a_large_entry_again_replaces_the_units_no_longer_named(self):
        receipt, _answer = self.large_entry("RE-1..RE-4", quantity=4)
        self.run_job()
        first = self.lots("RE-1", "RE-2", "RE-3", "RE-4")
        self.assertEqual(len(first), 4)
        # the background job runs through the class's enter
        self.enter(receipt.move_ids, "RE-3\nRE-4\nRE-5\nRE-6")
        self.assertFalse(receipt.serial_background_state)
        lines = receipt.move_ids.move_line_ids.sorted("id")
        self.assertEqual(lines.lot_id.mapped("name"), ["RE-3", "RE-4", "RE-5", "RE-6"])
        self.assertTrue(all(lines.mapped("picked")))
        # the units dropped were never received: deleted with their history
        self.assertFalse(self.lots("RE-1", "RE-2"))
        self.assertEqual(self.lots("RE-3", "RE-4"), first[2:])

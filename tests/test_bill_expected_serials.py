# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError

from .common import AccountingModeCase


class TestBillExpectedSerials(AccountingModeCase):
    """Confirming the entry dialog of a vendor bill's line creates its
    serials as Expected units; posting brings those very units in."""

    def test_confirm_creates_expected_units_on_the_line(self):
        bill = self.new_bill(text="BX-1..BX-3")
        line = bill.invoice_line_ids
        lots = self.lots("BX-1", "BX-2", "BX-3")
        self.assertEqual(len(lots), 3)
        self.assertEqual(line.serial_lot_ids, lots)
        self.assertFalse(line.serial_names)
        self.assertEqual(line._serial_entered_names(), ["BX-1", "BX-2", "BX-3"])
        self.assertEqual(set(lots.mapped("serial_status")), {"expected"})
        self.assertFalse(lots.location_id)
        self.assertFalse(any(lots.mapped("date_received")))
        for lot in lots:
            self.assertEqual(self.events(lot), ["ANNOUNCE"])
            self.assertEqual(lot.history_ids.document_ref, bill)
            self.assertEqual(lot.history_ids.partner_id, self.vendor)
            self.assertEqual(lot.history_ids.location_dest_id, self.stock_location)
        # the dialog opens again with them
        action = line.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual(wizard._entered_serials(), ["BX-1", "BX-2", "BX-3"])

    def test_posting_stores_what_posting_the_names_stores(self):
        twin = self.create_tracked_product(
            "Tracked Laptop Twin", "accounting"
        ).product_variant_id
        announced = self.new_bill(text="PX-1..PX-3")
        units = self.lots("PX-1", "PX-2", "PX-3")
        announced.action_post()
        named = self.make_move(
            "in_invoice", self.vendor, 3, ["PX-1", "PX-2", "PX-3"], product=twin
        )
        named.action_post()
        # the Expected units are the ones brought in, not new ones
        self.assertEqual(self.lots("PX-1", "PX-2", "PX-3"), units)
        self.assertEqual(announced.invoice_line_ids.serial_lot_ids, units)

        def outcome(product, bill):
            return [
                (
                    unit[0],
                    *unit[1:8],
                    tuple(row[:9] for row in unit[8] if row[0] != "ANNOUNCE"),
                )
                for unit in self.accounting_outcome(product, bill, "")
            ]

        self.assertEqual(outcome(self.product, announced), outcome(twin, named))
        self.assertEqual(set(units.mapped("serial_status")), {"in_stock"})
        self.assertEqual(units.location_id, self.stock_location)
        self.assertEqual(self.events(units[0]), ["ANNOUNCE", "BILL"])
        self.assertEqual(
            units[0].history_ids.sorted("id")[-1].previous_values["serial_status"],
            "expected",
        )

    def test_announcing_a_serial_twice_is_refused(self):
        self.new_bill(quantity=1, text="AT-1")
        unit = self.lots("AT-1")
        other = self.new_bill(quantity=1)
        action = other.invoice_line_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.paste_text = "AT-1"
        wizard.action_add_pasted()
        self.assertIn(
            "already expected on another bill or receipt: AT-1", wizard.problem
        )
        with self.assertRaisesRegex(UserError, "already expected on another bill"):
            wizard.action_confirm()
        self.assertFalse(other.invoice_line_ids.serial_lot_ids)
        # a bill naming it (above the threshold) is refused when posted
        named = self.make_move("in_invoice", self.vendor, 1, ["AT-1"])
        with self.assertRaisesRegex(
            UserError, "already expected on another bill or receipt: AT-1"
        ):
            named.action_post()
        self.assertEqual(named.state, "draft")
        self.assertEqual(unit.serial_status, "expected")
        self.assertEqual(self.events(unit), ["ANNOUNCE"])

    def test_removing_a_unit_from_the_entry_deletes_it_with_its_history(self):
        bill = self.new_bill(text="RX-1..RX-3")
        kept = self.lots("RX-1", "RX-2")
        dropped_id = self.lots("RX-3").id
        self.enter_on_line(bill.invoice_line_ids, "RX-1, RX-2, RX-4")
        self.assertFalse(self.env["stock.lot"].browse(dropped_id).exists())
        self.assertFalse(self.history_of([dropped_id]))
        self.assertEqual(self.lots("RX-1", "RX-2"), kept)
        self.assertEqual(bill.invoice_line_ids.serial_lot_ids, kept | self.lots("RX-4"))

    def test_deleting_the_line_or_the_draft_bill_deletes_its_units(self):
        bill = self.new_bill(text="DL-1..DL-3")
        lot_ids = self.lots("DL-1", "DL-2", "DL-3").ids
        bill.write({"invoice_line_ids": [Command.delete(bill.invoice_line_ids.id)]})
        self.assertFalse(self.env["stock.lot"].browse(lot_ids).exists())
        self.assertFalse(self.history_of(lot_ids))
        other = self.new_bill(text="DL-4..DL-6")
        lot_ids = self.lots("DL-4", "DL-5", "DL-6").ids
        other.unlink()
        self.assertFalse(self.env["stock.lot"].browse(lot_ids).exists())
        self.assertFalse(self.history_of(lot_ids))

    def test_cancelling_the_draft_bill_deletes_its_units_and_keeps_names(self):
        bill = self.new_bill(text="CX-1..CX-3")
        lot_ids = self.lots("CX-1", "CX-2", "CX-3").ids
        bill.button_cancel()
        self.assertEqual(bill.state, "cancel")
        self.assertFalse(self.env["stock.lot"].browse(lot_ids).exists())
        self.assertFalse(self.history_of(lot_ids))
        self.assertEqual(
            bill.invoice_line_ids._serial_entered_names(), ["CX-1", "CX-2", "CX-3"]
        )

    def test_reset_to_draft_gives_the_units_back_as_expected(self):
        bill = self.new_bill(text="RD-1..RD-2", quantity=2)
        units = self.lots("RD-1", "RD-2")
        bill.action_post()
        bill.button_draft()
        self.assertEqual(set(units.mapped("serial_status")), {"expected"})
        self.assertFalse(units.location_id)
        self.assertFalse(any(units.mapped("date_received")))
        self.assertEqual(bill.invoice_line_ids.serial_lot_ids, units)
        self.assertEqual(self.events(units[0]), ["ANNOUNCE", "BILL", "REVERSAL"])
        bill.action_post()
        self.assertEqual(set(units.mapped("serial_status")), {"in_stock"})
        # cancelled once posted: the units are kept for their history, no
        # longer Expected, and the bill keeps their names
        bill.button_cancel()
        self.assertEqual(bill.state, "cancel")
        self.assertEqual(units.mapped("serial_status"), [False, False])
        self.assertFalse(bill.invoice_line_ids.serial_lot_ids)
        self.assertEqual(
            self.events(units[0]),
            ["ANNOUNCE", "BILL", "REVERSAL", "BILL", "REVERSAL", "REVERSAL"],
        )
        again = self.make_move("in_invoice", self.vendor, 2, ["RD-1", "RD-2"])
        again.action_post()
        self.assertEqual(set(units.mapped("serial_status")), {"in_stock"})

    def test_expected_units_of_a_bill_are_not_stock(self):
        self.new_bill(quantity=1, text="NX-1")
        unit = self.lots("NX-1")
        invoice = self.make_move("out_invoice", self.customer, 1)
        action = invoice.invoice_line_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.available_count, 0)
        invoice.invoice_line_ids.serial_lot_ids = [Command.set(unit.ids)]
        with self.assertRaisesRegex(UserError, r"not in stock: NX-1 \(Expected\)"):
            invoice.action_post()
        self.assertEqual(unit.serial_status, "expected")
        self.env.company.serial_public_warranty_lookup = True
        Lot = self.env["stock.lot"]
        self.assertFalse(Lot._serial_public_lookup("NX-1"))
        self.assertFalse(Lot.search(Lot._serial_portal_domain(self.vendor)) & unit)

    def test_an_entry_of_the_background_threshold_is_left_to_the_job(self):
        self.company.serial_background_validation_threshold = 3
        bill = self.new_bill(text="TH-1..TH-3")
        self.assertFalse(self.lots("TH-1", "TH-2", "TH-3"))
        self.assertEqual(bill.serial_background_state, "queued")
        self.assertEqual(
            bill.invoice_line_ids.serial_names_to_announce, "TH-1\nTH-2\nTH-3"
        )
        self.env["stock.picking"]._serial_cron_validate_queued()
        units = self.lots("TH-1", "TH-2", "TH-3")
        self.assertEqual(bill.invoice_line_ids.serial_lot_ids, units)
        self.assertEqual(set(units.mapped("serial_status")), {"expected"})
        self.assertEqual(self.events(units[0]), ["ANNOUNCE"])

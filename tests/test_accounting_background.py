# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

import psycopg2

from odoo.exceptions import UserError
from odoo.tools import mute_logger

from .common import (
    AccountingBackgroundCase,
    AccountingModeCase,
    committed_env,
    cursor_env,
)


class TestAccountingBackground(AccountingBackgroundCase):
    """A vendor bill's entry of the background threshold or more is created
    as Expected units by the background job, and posting a bill, an invoice
    or a credit note of that many units changes them there, slice by slice,
    the document locked and its units held meanwhile."""

    def fail_in_slice_two(self, prefix):
        """An invoice of 7 units posted, then its fifth unit (slice 2)
        scrapped before the job runs; returns the invoice and its names."""
        names = self.stock_of(prefix, 7)
        invoice = self.make_move("out_invoice", self.customer, 7, names)
        invoice.action_post()
        self.lots(names[4]).sudo().write({"serial_status": "scrapped"})
        self.run_job()
        return invoice, names

    def test_a_large_bill_entry_is_announced_then_posted_in_the_background(self):
        names = [f"BG-{n}" for n in range(1, 8)]
        bill = self.make_move("in_invoice", self.vendor, 7)
        line = bill.invoice_line_ids
        self.enter_on_line(line, "BG-1..BG-7")
        self.assertEqual(bill.serial_background_state, "queued")
        self.assertEqual(bill.serial_background_action, "announce")
        self.assertEqual(bill.serial_background_units_total, 7)
        self.assertFalse(self.lots(*names))
        self.assertEqual(line.serial_names_to_announce, "\n".join(names))
        # locked meanwhile: no posting, no second entry, no cancelling
        locked = "being created as Expected units in the background"
        with self.assertRaisesRegex(UserError, locked):
            bill.action_post()
        with self.assertRaisesRegex(UserError, locked):
            line.action_open_serial_entry()
        with self.assertRaisesRegex(UserError, locked):
            bill.button_cancel()
        self.assertEqual(bill.state, "draft")
        # one slice, then the job's time is up: its progress shows
        self.assertTrue(self.run_one_slice(bill))
        self.assertEqual(bill.serial_background_units_done, 3)
        self.assertEqual(line.serial_lot_ids, self.lots(*names[:3]))
        self.run_job()
        units = self.lots(*names)
        self.assertFalse(bill.serial_background_state)
        self.assertFalse(line.serial_names_to_announce)
        self.assertEqual(line.serial_lot_ids, units)
        self.assertEqual(set(units.mapped("serial_status")), {"expected"})
        self.assertEqual(self.events(units[6]), ["ANNOUNCE"])
        self.assertIn(
            "created as Expected units in the background", bill.message_ids[0].body
        )
        # posted: the units are brought in by the job, slice by slice
        result = bill.action_post()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(bill.serial_background_state, "queued")
        self.assertEqual(bill.serial_background_action, "post")
        self.assertIn(
            "get their new status in the background", result["params"]["message"]
        )
        self.assertEqual(set(units.mapped("serial_status")), {"expected"})
        self.run_one_slice(bill)
        self.assertEqual(
            units.mapped("serial_status"), ["in_stock"] * 3 + ["expected"] * 4
        )
        self.run_job()
        self.assertFalse(bill.serial_background_state)
        self.assertEqual(set(units.mapped("serial_status")), {"in_stock"})
        self.assertEqual(units.location_id, self.stock_location)
        self.assertEqual(self.events(units[6]), ["ANNOUNCE", "BILL"])
        self.assertIn(
            "got their new status in the background", bill.message_ids[0].body
        )

    def test_a_serial_announced_meanwhile_stops_the_bill_entry(self):
        bill = self.make_move("in_invoice", self.vendor, 7)
        self.enter_on_line(bill.invoice_line_ids, "BA-1..BA-7")
        self.run_one_slice(bill)
        # another bill announces BA-5 before the job's second slice
        self.company.serial_background_validation_threshold = 0
        other = self.make_move("in_invoice", self.vendor, 1)
        self.enter_on_line(other.invoice_line_ids, "BA-5")
        self.run_job()
        self.assertEqual(bill.serial_background_state, "failed")
        self.assertIn(
            "3 of 7 serials were put on the bill", bill.serial_background_error
        )
        self.assertIn(
            "already expected on another bill or receipt: BA-5",
            bill.serial_background_error,
        )
        line = bill.invoice_line_ids
        self.assertEqual(line.serial_lot_ids, self.lots("BA-1", "BA-2", "BA-3"))
        self.assertFalse(line.serial_names_to_announce)
        self.assertFalse(self.lots("BA-4"))
        # the other bill gone, the entry confirmed again and the bill posted
        # (below the threshold now): the failure is behind it
        other.unlink()
        self.enter_on_line(line, "BA-1..BA-7")
        bill.action_post()
        self.assertFalse(bill.serial_background_state)
        self.assertEqual(set(line.serial_lot_ids.mapped("serial_status")), {"in_stock"})
        self.assertEqual(len(line.serial_lot_ids), 7)

    def test_an_invoice_posted_in_slices_stores_what_posting_at_once_stores(self):
        sliced_names = self.stock_of("SL-", 7)
        at_once_names = self.stock_of("AO-", 7, product=self.twin)
        sliced = [
            self.env["account.move"].search(
                [("invoice_line_ids.serial_lot_ids.name", "=", "SL-1")]
            )
        ]
        at_once = [
            self.env["account.move"].search(
                [("invoice_line_ids.serial_lot_ids.name", "=", "AO-1")]
            )
        ]
        invoice = self.make_move("out_invoice", self.customer, 7, sliced_names)
        invoice.action_post()
        self.assertEqual(invoice.serial_background_state, "queued")
        self.run_job()
        sliced.append(invoice)
        self.company.serial_background_validation_threshold = 0
        twin_invoice = self.make_move(
            "out_invoice", self.customer, 7, at_once_names, product=self.twin
        )
        twin_invoice.action_post()
        at_once.append(twin_invoice)
        outcome = self.accounting_outcome(self.product, sliced, "SL-")
        self.assertEqual(outcome, self.accounting_outcome(self.twin, at_once, "AO-"))
        self.assertEqual({unit[1] for unit in outcome}, {"sold"})
        self.assertEqual({unit[4] for unit in outcome}, {self.customer.id})
        # reset to draft, both give back the same
        invoice.button_draft()
        twin_invoice.button_draft()
        self.assertEqual(
            self.accounting_outcome(self.product, sliced, "SL-"),
            self.accounting_outcome(self.twin, at_once, "AO-"),
        )

    def test_a_posting_in_the_background_locks_the_invoice(self):
        names = self.stock_of("LK-", 6)
        invoice = self.make_move("out_invoice", self.customer, 6, names)
        invoice.action_post()
        units = self.lots(*names)
        locked = "cannot be reset to draft or cancelled meanwhile"
        with self.assertRaisesRegex(UserError, locked):
            invoice.button_draft()
        with self.assertRaisesRegex(UserError, locked):
            invoice.button_cancel()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.serial_background_state, "queued")
        self.assertEqual(set(units.mapped("serial_status")), {"in_stock"})
        self.assertEqual(self.events(units[0]), ["BILL"])

    def test_a_unit_pending_on_an_invoice_cannot_be_taken_by_another(self):
        names = self.stock_of("PD-", 6)
        first = self.make_move("out_invoice", self.customer, 6, names)
        first.action_post()
        other = self.make_move("out_invoice", self.other_customer, 1, ["PD-5"])
        pending = (
            rf"being posted in the background by {re.escape(first.display_name)}, "
            r"so they cannot be on another document until it is done: PD-5"
        )
        with self.assertRaisesRegex(UserError, pending):
            other.action_post()
        self.assertEqual(other.state, "draft")
        unit = self.lots("PD-5")
        self.assertEqual(unit.serial_status, "in_stock")
        self.assertEqual(self.events(unit), ["BILL"])
        # the entry dialog says so too
        self.assertRegex(
            other._serial_problems_for(other.invoice_line_ids, ["PD-5"]), pending
        )
        # and a customer credit note of the unit is refused as well
        refund = self.make_move("out_refund", self.customer, 1, ["PD-5"])
        with self.assertRaisesRegex(UserError, pending):
            refund.action_post()
        self.run_job()
        with self.assertRaisesRegex(UserError, r"not in stock: PD-5 \(Sold\)"):
            other.action_post()
        self.assertEqual(unit.holder_partner_id, self.customer)

    def test_a_failing_slice_leaves_the_earlier_slices_and_can_be_resumed(self):
        invoice, names = self.fail_in_slice_two("FS-")
        units = self.lots(*names)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.serial_background_state, "failed")
        self.assertEqual(invoice.serial_background_units_done, 3)
        error = invoice.serial_background_error
        self.assertIn("3 of 7 serial units got their new status", error)
        self.assertIn(r"not in stock: FS-5 (Scrapped)", error)
        self.assertIn("click Resume", error)
        self.assertIn(error, invoice.message_ids[0].body)
        self.assertEqual(
            units.mapped("serial_status"),
            ["sold"] * 3 + ["in_stock", "scrapped", "in_stock", "in_stock"],
        )
        # the units it did not reach are still held by it
        other = self.make_move("out_invoice", self.other_customer, 1, ["FS-6"])
        with self.assertRaisesRegex(UserError, "being posted in the background"):
            other.action_post()
        # the cause fixed, resumed from where it stopped
        units[4].sudo().write({"serial_status": "in_stock"})
        invoice.action_serial_resume_background()
        self.assertEqual(invoice.serial_background_state, "queued")
        self.assertEqual(invoice.serial_background_units_done, 3)
        self.run_job()
        self.assertFalse(invoice.serial_background_state)
        self.assertEqual(set(units.mapped("serial_status")), {"sold"})
        for unit in units:
            self.assertEqual(self.events(unit), ["BILL", "INVOICE"])

    def test_reset_to_draft_after_a_failure_reverses_what_was_applied(self):
        invoice, names = self.fail_in_slice_two("RF-")
        units = self.lots(*names)
        invoice.button_draft()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.serial_background_state)
        self.assertEqual(invoice.serial_background_units_done, 0)
        self.assertEqual(
            units.mapped("serial_status"),
            ["in_stock"] * 4 + ["scrapped", "in_stock", "in_stock"],
        )
        for unit in units[:3]:
            self.assertEqual(self.events(unit), ["BILL", "INVOICE", "REVERSAL"])
            self.assertFalse(unit.holder_partner_id)
        for unit in units[3:]:
            self.assertEqual(self.events(unit), ["BILL"])
        with self.assertRaisesRegex(UserError, "Only a posted document"):
            invoice.action_serial_resume_background()

    def test_one_scheduled_action_runs_transfers_and_invoices_oldest_first(self):
        names = self.stock_of("OF-", 6)
        receipt = self.receipt(*[f"OR-{n}" for n in range(1, 7)])
        receipt.button_validate()
        invoice = self.make_move("out_invoice", self.customer, 6, names)
        invoice.action_post()
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertEqual(invoice.serial_background_state, "queued")
        invoice.serial_background_date = receipt.serial_background_date - timedelta(
            minutes=1
        )
        queued = self.env["serial.background.work"]._serial_background_queued()
        self.assertEqual(
            [(record._name, record.id) for record in queued],
            [("account.move", invoice.id), ("stock.picking", receipt.id)],
        )
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_background_state)
        self.assertFalse(invoice.serial_background_state)
        self.assertEqual(set(self.lots(*names).mapped("serial_status")), {"sold"})


class TestAccountingBackgroundRace(AccountingModeCase):
    """Background posting against another posting in a transaction of its
    own, committed (the test class writes nothing of the company)."""

    def test_a_unit_held_by_a_background_posting_committed_meanwhile(self):
        """Another invoice's request that read the unit before the large
        invoice's posting committed, and posts it after: it fails to
        serialize rather than sell the unit (Odoo retries it), and the retry
        is refused, the unit held."""
        large_id, small_id = self.committed_race([f"RACE-BG-{n}" for n in range(1, 6)])
        with self.registry.cursor() as cr:
            other_env = cursor_env(self.registry, cr)
            # the other request has read the database before
            cr.execute("SELECT count(*) FROM stock_lot")
            with committed_env(self) as env:
                env["account.move"].browse(large_id).action_post()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                other_env["account.move"].browse(small_id).action_post()
            cr.rollback()
        with committed_env(self) as env:
            large, small = env["account.move"].browse([large_id, small_id])
            with self.assertRaisesRegex(
                UserError, "being posted in the background by .*RACE-BG-5"
            ):
                small.action_post()
            self.assertEqual(small.state, "draft")
            self.assertEqual(large.serial_background_state, "queued")
            unit = small.invoice_line_ids.serial_lot_ids
            self.assertEqual(unit.serial_status, "in_stock")
            self.assertEqual(unit.history_ids.mapped("event_type"), ["ADJUST"])

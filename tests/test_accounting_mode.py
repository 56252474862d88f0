# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

import psycopg2

from odoo import Command
from odoo.exceptions import UserError

from .common import (
    AccountingModeCase,
    committed_env,
    new_invoice,
    run_concurrently,
)


class TestAccountingPosting(AccountingModeCase):
    def test_vendor_bill_brings_serials_in(self):
        bill = self.make_move("in_invoice", self.vendor, 3, ["B-1", "B-2", "B-3"])
        bill.action_post()
        lots = self.lots("B-1", "B-2", "B-3")
        self.assertEqual(len(lots), 3)
        self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
        self.assertEqual(set(lots.mapped("date_received")), {date(2025, 3, 1)})
        self.assertEqual(lots.location_id, self.stock_location)
        self.assertEqual(bill.invoice_line_ids.serial_lot_ids, lots)
        self.assertEqual(set(lots.history_ids.mapped("event_type")), {"BILL"})
        row = lots[0].history_ids
        self.assertEqual(row.document_ref, bill)
        self.assertEqual(row.action_open_document()["res_id"], bill.id)
        self.assertEqual(self.accounting_product.serial_history_count, 3)

    def test_count_must_equal_quantity_and_nothing_is_written(self):
        bill = self.make_move("in_invoice", self.vendor, 3, ["C-1", "C-2"])
        with self.assertRaisesRegex(
            UserError, r"3 units need 3 serial numbers, 2 are entered"
        ):
            bill.action_post()
        self.assertEqual(bill.state, "draft")
        self.assertFalse(self.lots("C-1", "C-2"))

    def test_quantity_must_be_a_whole_number(self):
        bill = self.make_move("in_invoice", self.vendor, 1.5, ["D-1"])
        with self.assertRaisesRegex(UserError, "must be a whole number, not 1.5"):
            bill.action_post()
        self.assertEqual(bill.state, "draft")

    def test_bill_refuses_units_in_stock_and_accepts_units_bought_back(self):
        self.bill("E-1", "E-2")
        again = self.make_move("in_invoice", self.vendor, 1, ["E-1"])
        with self.assertRaisesRegex(
            UserError, "already in stock, so they cannot be bought: E-1"
        ):
            again.action_post()
        invoice = self.make_move("out_invoice", self.customer, 1, ["E-2"])
        invoice.action_post()
        buy_back = self.make_move("in_invoice", self.customer, 1, ["E-2"])
        buy_back.action_post()
        self.assertEqual(self.lots("E-2").serial_status, "in_stock")
        self.assertEqual(self.events(self.lots("E-2")), ["BILL", "INVOICE", "BILL"])

    def test_customer_invoice_sells_available_units(self):
        self.bill("F-1", "F-2", "F-3")
        invoice = self.make_move(
            "out_invoice",
            self.customer,
            2,
            ["F-1", "F-3"],
            invoice_date=date(2025, 4, 2),
        )
        invoice.action_post()
        sold = self.lots("F-1", "F-3")
        self.assertEqual(set(sold.mapped("serial_status")), {"sold"})
        self.assertEqual(sold.holder_partner_id, self.customer)
        self.assertEqual(set(sold.mapped("warranty_date_start")), {date(2025, 4, 2)})
        self.assertEqual(set(sold.mapped("warranty_date_end")), {date(2026, 4, 2)})
        self.assertEqual(self.lots("F-2").serial_status, "in_stock")
        second = self.make_move("out_invoice", self.other_customer, 1, ["F-1"])
        with self.assertRaisesRegex(UserError, r"line .*: not in stock: F-1 \(Sold\)"):
            second.action_post()
        self.assertEqual(self.lots("F-1").holder_partner_id, self.customer)

    def test_customer_credit_note_from_the_reversal_wizard(self):
        self.bill("G-1", "G-2")
        invoice = self.make_move("out_invoice", self.customer, 2, ["G-1", "G-2"])
        invoice.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": date(2025, 5, 1)})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        line = credit_note.invoice_line_ids
        self.assertEqual(line._serial_entered_names(), ["G-1", "G-2"])
        line.quantity = 1
        line.serial_names = "G-2"
        credit_note.action_post()
        self.assertEqual(self.lots("G-2").serial_status, "returned")
        self.assertEqual(self.lots("G-1").serial_status, "sold")
        self.assertEqual(self.events(self.lots("G-2"))[-1], "CREDIT_NOTE")
        # a returned unit is available again
        resale = self.make_move("out_invoice", self.other_customer, 1, ["G-2"])
        resale.action_post()
        self.assertEqual(self.lots("G-2").holder_partner_id, self.other_customer)

    def test_customer_credit_note_refuses_units_not_sold_to_that_customer(self):
        self.bill("H-1", "H-2")
        self.make_move("out_invoice", self.customer, 1, ["H-1"]).action_post()
        for serial, fragment in (
            ("H-1", r"not sold to Other Customer: H-1 \(Sold\)"),
            ("H-2", r"not sold to Other Customer: H-2 \(In Stock\)"),
            ("NOPE-1", "unknown serials: NOPE-1"),
        ):
            with self.subTest(serial=serial):
                credit = self.make_move("out_refund", self.other_customer, 1, [serial])
                with self.assertRaisesRegex(UserError, fragment):
                    credit.action_post()
        self.assertEqual(self.lots("H-1").serial_status, "sold")

    def test_vendor_credit_note_returns_units_to_the_vendor(self):
        self.bill("I-1", "I-2")
        self.make_move("out_invoice", self.customer, 1, ["I-2"]).action_post()
        refund = self.make_move("in_refund", self.vendor, 1, ["I-1"])
        refund.action_post()
        self.assertEqual(self.lots("I-1").serial_status, "returned_vendor")
        self.assertEqual(self.events(self.lots("I-1")), ["BILL", "VENDOR_CREDIT_NOTE"])
        refused = self.make_move("in_refund", self.vendor, 1, ["I-2"])
        with self.assertRaisesRegex(UserError, r"not in stock: I-2 \(Sold\)"):
            refused.action_post()


class TestAccountingReversal(AccountingModeCase):
    def test_reset_to_draft_restores_the_units(self):
        self.bill("R-1", "R-2")
        invoice = self.make_move("out_invoice", self.customer, 2, ["R-1", "R-2"])
        invoice.action_post()
        invoice.button_draft()
        lots = self.lots("R-1", "R-2")
        self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
        self.assertFalse(lots.holder_partner_id)
        self.assertFalse(lots.last_customer_id)
        self.assertFalse(any(lots.mapped("warranty_date_start")))
        self.assertEqual(lots.location_id, self.stock_location)
        self.assertEqual(self.events(lots[0]), ["BILL", "INVOICE", "REVERSAL"])
        self.assertEqual(lots[0].history_ids.sorted("id")[-1].document_ref, invoice)
        # and posting again applies it again
        invoice.action_post()
        self.assertEqual(set(lots.mapped("serial_status")), {"sold"})

    def test_cancel_of_a_bill_takes_new_units_out_of_stock(self):
        bill = self.bill("S-1")
        bill.button_cancel()
        lot = self.lots("S-1")
        self.assertFalse(lot.serial_status)
        self.assertEqual(self.events(lot), ["BILL", "REVERSAL"])
        again = self.make_move("in_invoice", self.vendor, 1, ["S-1"])
        again.action_post()
        self.assertEqual(lot.serial_status, "in_stock")

    def test_reversal_refused_when_a_unit_moved_on(self):
        bill = self.bill("T-1", "T-2")
        invoice = self.make_move("out_invoice", self.customer, 1, ["T-2"])
        invoice.action_post()
        with self.assertRaisesRegex(
            UserError, r"moved on since.*T-2: Customer Invoice on"
        ):
            bill.button_draft()
        self.assertEqual(bill.state, "posted")
        self.assertEqual(self.lots("T-1").serial_status, "in_stock")
        self.assertEqual(self.lots("T-2").serial_status, "sold")
        self.assertNotIn("REVERSAL", self.lots("T-1").history_ids.mapped("event_type"))


class TestAccountingAccessAndOutput(AccountingModeCase):
    def test_billing_user_without_the_group_assigns_serials_and_posts(self):
        user = self.billing_user
        self.assertFalse(user.has_group("serial_tracking.group_manage_serials"))
        bill = self.make_move("in_invoice", self.vendor, 2, user=user)
        action = bill.invoice_line_ids.with_user(user).action_open_serial_entry()
        wizard = (
            self.env["serial.entry.wizard"].with_user(user).browse(action["res_id"])
        )
        wizard.paste_text = "U-1..U-2"
        wizard.action_add_pasted()
        wizard.action_confirm()
        bill.with_user(user).action_post()
        self.assertEqual(
            set(self.lots("U-1", "U-2").mapped("serial_status")), {"in_stock"}
        )

        invoice = self.make_move("out_invoice", self.customer, 1, user=user)
        action = invoice.invoice_line_ids.with_user(user).action_open_serial_entry()
        wizard = (
            self.env["serial.entry.wizard"].with_user(user).browse(action["res_id"])
        )
        self.assertEqual(wizard.mode, "remove")
        wizard.action_auto_select()
        wizard.action_confirm()
        invoice.with_user(user).action_post()
        self.assertEqual(invoice.invoice_line_ids.serial_lot_ids.serial_status, "sold")
        # still no direct edits of serial records
        with self.assertRaisesRegex(Exception, "Manage Serials"):
            self.lots("U-1").with_user(user).write({"condition_notes": "x"})

    def test_entry_dialog_lists_problems_before_writing(self):
        self.bill("V-1")
        bill = self.make_move("in_invoice", self.vendor, 2)
        action = bill.invoice_line_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.paste_text = "V-1, V-2"
        wizard.action_add_pasted()
        self.assertIn("already in stock, so they cannot be bought: V-1", wizard.problem)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(bill.invoice_line_ids.serial_names)

    def test_invoice_pdf_lists_serials_as_ranges(self):
        self.bill(*[f"W-{n:03d}" for n in range(1, 13)])
        invoice = self.make_move(
            "out_invoice", self.customer, 12, [f"W-{n:03d}" for n in range(1, 13)]
        )
        invoice.action_post()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("Serial numbers:", html)
        self.assertIn("W-001 – W-012 (12)", html)

    def test_two_invoices_posting_the_same_serial_at_once(self):
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Race Invoice Laptop",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "accounting",
                }
            )
            product = template.product_variant_id
            partner = env["res.partner"].create({"name": "Race Customer"})
            stock = (
                env["stock.warehouse"]
                .search([("company_id", "=", env.company.id)], limit=1)
                .lot_stock_id
            )
            lot = env["stock.lot"]._serial_add_to_stock(product, ["RACE-INV-1"], stock)
            invoices = env["account.move"]
            for _invoice in range(2):
                invoices |= new_invoice(
                    env,
                    "out_invoice",
                    partner,
                    product,
                    1,
                    price_unit=10,
                    invoice_date=date(2025, 6, 1),
                    serial_lot_ids=[Command.set(lot.ids)],
                )
        self.addCleanup(self._drop_race, template.id, partner.id, invoices.ids)

        def post(env, index):
            env["account.move"].browse(invoices[index].id).action_post()
            return "posted"

        outcomes = run_concurrently(self, post)
        refused = [o for o in outcomes.values() if o != "posted"]
        self.assertTrue(
            all(
                isinstance(o, (UserError, psycopg2.errors.SerializationFailure))
                for o in refused
            ),
            outcomes,
        )
        self.assertEqual(
            sorted(map(str, outcomes.values())).count("posted"), 1, outcomes
        )
        with committed_env(self) as env:
            states = env["account.move"].browse(invoices.ids).mapped("state")
            lot = env["stock.lot"].search([("name", "=", "RACE-INV-1")])
            self.assertEqual(sorted(states), ["draft", "posted"])
            self.assertEqual(lot.serial_status, "sold")
            self.assertEqual(lot.history_ids.mapped("event_type").count("INVOICE"), 1)
            # the loser, retried as Odoo's RPC layer would, gets a clear refusal
            loser = (
                env["account.move"]
                .browse(invoices.ids)
                .filtered(lambda m: m.state == "draft")
            )
            with self.assertRaisesRegex(
                UserError, r"not in stock: RACE-INV-1 \(Sold\)"
            ):
                loser.action_post()

    def _drop_race(self, template_id, partner_id, invoice_ids):
        with committed_env(self) as env:
            moves = env["account.move"].browse(invoice_ids)
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.unlink()
            env.cr.execute(
                "DELETE FROM stock_lot WHERE product_tmpl_id = %s", [template_id]
            )
            template = env["product.template"].browse(template_id)
            template.product_variant_ids.unlink()
            template.unlink()
            env["res.partner"].browse(partner_id).unlink()

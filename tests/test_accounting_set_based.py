# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError

from ..models.stock_speed_path import SPEED_PATH_PARAM
from .common import AccountingModeCase


class TestAccountingSetBasedPosting(AccountingModeCase):
    """Posting changes the units that exist in set-based statements; the
    ORM's way (the stock speed path switched off) stores the same."""

    def switch_speed_path(self, value):
        self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, value)

    def test_set_based_posting_stores_what_the_orm_stores(self):
        twin = self.create_tracked_product(
            "Tracked Laptop Twin",
            "accounting",
            serial_warranty_duration=12,
            serial_warranty_unit="month",
        ).product_variant_id
        set_based = self.run_documents(self.product, "SB-", 4)
        self.switch_speed_path("0")
        orm = self.run_documents(twin, "ORM-", 4)
        outcome = self.accounting_outcome(self.product, set_based, "SB-")
        self.assertEqual(outcome, self.accounting_outcome(twin, orm, "ORM-"))
        # and it is what the documents say
        by_name = {unit[0]: unit for unit in outcome}
        self.assertEqual(by_name["1"][1], "returned")
        self.assertEqual(
            by_name["2"][1:5],
            ("sold", self.customer_location.id, self.customer.id, self.customer.id),
        )
        self.assertEqual(by_name["4"][1], "returned_vendor")
        self.assertEqual(
            [row[0] for row in by_name["2"][8]],
            ["BILL", "INVOICE", "REVERSAL", "INVOICE"],
        )

    def test_posting_queries_do_not_grow_with_the_units(self):
        """A few statements per document line, whatever the number of
        units: invoices of 3 units and of 1,000 send about as many queries
        (unit by unit, the ORM writes 100 units a statement)."""
        self.add_serials(self.accounting_product, [f"Q-{n}" for n in range(1, 1005)])
        counts = []
        # the first invoice posted also does what is done once (its journal's
        # sequence...): not counted
        for serials in (
            ["Q-1"],
            ["Q-2", "Q-3", "Q-4"],
            [f"Q-{n}" for n in range(5, 1005)],
        ):
            invoice = self.make_move(
                "out_invoice", self.customer, len(serials), serials
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            invoice.action_post()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(
                set(invoice.invoice_line_ids.serial_lot_ids.mapped("serial_status")),
                {"sold"},
            )
        # Odoo's own work may add a query now and then, never one per unit
        self.assertLessEqual(counts[2], counts[1] + 2)

    def test_a_unit_that_cannot_change_is_refused_and_nothing_is_written(self):
        self.bill("NW-1", "NW-2")
        lots = self.lots("NW-1", "NW-2")
        # a unit scrapped in between cannot be sold: the check refuses the
        # whole invoice, naming it, before a row is written
        lots[1].sudo().write({"serial_status": "scrapped"})
        invoice = self.make_move("out_invoice", self.customer, 2, ["NW-1", "NW-2"])
        history = lots.history_ids
        with self.assertRaisesRegex(UserError, r"not in stock: NW-2 \(Scrapped\)"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(lots.mapped("serial_status"), ["in_stock", "scrapped"])
        self.assertEqual(lots.history_ids, history)
        with self.assertRaisesRegex(
            UserError, r"cannot become Sold: NW-2 \(Scrapped\)"
        ):
            lots._serial_check_transition("sold")

    def test_a_claims_warranty_status_follows_the_set_based_change(self):
        """A stored field of another model that depends on what posting
        writes (a claim's warranty status) is recomputed, as after the ORM's
        write: a unit sold long ago, claimed, credited and sold again today
        is under warranty on the claim's date."""
        self.bill("WC-1")
        unit = self.lots("WC-1")
        self.make_move(
            "out_invoice", self.customer, 1, ["WC-1"], invoice_date=date(2020, 1, 1)
        ).action_post()
        claim = self.env["serial.warranty.claim"].create(
            {"lot_id": unit.id, "partner_id": self.customer.id, "reason": "Noise"}
        )
        self.assertEqual(claim.warranty_status, "expired")
        self.make_move("out_refund", self.customer, 1, ["WC-1"]).action_post()
        self.make_move(
            "out_invoice", self.customer, 1, ["WC-1"], invoice_date=claim.date
        ).action_post()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(unit.warranty_date_start, claim.date)
        self.assertEqual(claim.warranty_status, "under")

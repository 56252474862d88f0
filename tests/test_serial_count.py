# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, new_test_user

from odoo.addons.serial_tracking.tools.serial_count import (
    ExpectedUnit,
    KnownSerial,
    ScannedSerial,
    compare_count,
    count_summary,
    where_is,
)

from .common import Command, SerialCountCase, committed_env, run_concurrently

SHELF, SUB_SHELF, OTHER = 10, 11, 20
WIDGET, GADGET = 1, 2


class TestCountRules(BaseCase):
    """The comparison, in plain Python."""

    def test_each_result_and_where_the_system_thinks_a_unit_is(self):
        expected = [
            ExpectedUnit(101, "A-1", WIDGET, SHELF),
            ExpectedUnit(102, "A-2", WIDGET, SUB_SHELF),
            ExpectedUnit(103, "A-3", GADGET, SHELF),
        ]
        known = [
            KnownSerial(101, "A-1", WIDGET, "in_stock", SHELF),
            KnownSerial(104, "B-1", WIDGET, "in_stock", OTHER),
            KnownSerial(105, "B-2", GADGET, "sold", None),
            KnownSerial(106, "B-3", GADGET, "scrapped", None),
        ]
        rows = compare_count(
            ["A-1", "B-1", "B-2", "B-3", "NEW-1"], expected, known, {SHELF, SUB_SHELF}
        )
        self.assertEqual(
            [(row.name, row.result, row.elsewhere, row.location_id) for row in rows],
            [
                ("A-1", "counted", None, SHELF),
                ("B-1", "unexpected", "location", OTHER),
                ("B-2", "unexpected", "customer", None),
                ("B-3", "unexpected", "scrapped", None),
                ("NEW-1", "unknown", None, None),
                ("A-3", "missing", None, SHELF),
                ("A-2", "missing", None, SUB_SHELF),
            ],
        )
        self.assertEqual(
            count_summary(rows),
            {
                WIDGET: {"counted": 1, "unexpected": 1, "missing": 1},
                GADGET: {"unexpected": 2, "missing": 1},
                None: {"unknown": 1},
            },
        )

    def test_a_unit_on_hand_here_outside_the_scope_is_counted(self):
        known = [KnownSerial(7, "X-1", GADGET, "in_stock", SUB_SHELF)]
        rows = compare_count(["X-1"], [], known, {SHELF, SUB_SHELF})
        self.assertEqual(rows[0].result, "counted")

    def test_same_name_for_two_products_prefers_the_unit_expected_here(self):
        expected = [ExpectedUnit(9, "S-1", GADGET, SHELF)]
        known = [
            KnownSerial(8, "S-1", WIDGET, "in_stock", OTHER),
            KnownSerial(9, "S-1", GADGET, "in_stock", SHELF),
        ]
        rows = compare_count(["S-1"], expected, known, {SHELF})
        self.assertEqual([(row.lot_id, row.result) for row in rows], [(9, "counted")])

    def test_a_name_of_units_of_two_products_here_asks_which_product(self):
        expected = [
            ExpectedUnit(8, "S-1", WIDGET, SHELF),
            ExpectedUnit(9, "S-1", GADGET, SHELF),
        ]
        known = [
            KnownSerial(8, "S-1", WIDGET, "in_stock", SHELF),
            KnownSerial(9, "S-1", GADGET, "in_stock", SHELF),
        ]
        rows = compare_count(["S-1"], expected, known, {SHELF})
        self.assertEqual(
            [(row.result, row.lot_id) for row in rows],
            [("ambiguous", None), ("missing", 8), ("missing", 9)],
        )
        # a scan that names its product stands for that product's unit
        rows = compare_count(
            [ScannedSerial("S-1", GADGET), ScannedSerial("S-1", WIDGET)],
            expected,
            known,
            {SHELF},
        )
        self.assertEqual(
            [(row.result, row.lot_id, row.scan_product_id) for row in rows],
            [("counted", 9, GADGET), ("counted", 8, WIDGET)],
        )
        rows = compare_count([ScannedSerial("S-1", 3)], [], known, {SHELF})
        self.assertEqual((rows[0].result, rows[0].product_id), ("unknown", 3))

    def test_where_is(self):
        self.assertEqual(where_is("in_stock", OTHER), "location")
        self.assertEqual(where_is("returned_vendor", None), "vendor")
        self.assertEqual(where_is("consumed", None), "consumed")
        self.assertEqual(where_is("in_stock", None), "nowhere")
        self.assertEqual(where_is("expected", None), "expected")


class TestSerialCount(SerialCountCase):
    def setUp(self):
        super().setUp()
        self.add_serials(
            self.physical_product, ["C-1", "C-2", "C-3", "C-4"], self.shelf
        )
        self.add_serials(self.physical_product, ["E-1"], self.other_shelf)
        self.add_serials(self.physical_product, ["S-1"])
        self.deliver("S-1")

    def results(self, count):
        return {line.name: line.result for line in count.line_ids}

    def test_an_expected_unit_is_not_expected_at_the_place(self):
        # announced by a receipt to the shelf, not received: not stock there
        receipt = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.shelf,
            1,
            self.vendor,
        )
        self.enter(receipt.move_ids, "EXP-1")
        self.assertEqual(self.lots("EXP-1").serial_status, "expected")
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "C-1", "C-2", "C-3", "C-4")
        self.assertEqual(
            self.results(count),
            dict.fromkeys(("C-1", "C-2", "C-3", "C-4"), "counted"),
        )
        self.scan(count, "EXP-1")
        line = count.line_ids.filtered(lambda line: line.name == "EXP-1")
        self.assertEqual((line.result, line.elsewhere), ("unexpected", "expected"))

    def test_counted_missing_unexpected_unknown_each_applied(self):
        count = self.new_count(user=self.stock_admin, add_unknown=True)
        self.scan(count, "C-1", "C-2", "E-1", "S-1", "NEW-1")
        self.assertEqual(count.state, "in_progress")
        self.assertEqual(
            self.results(count),
            {
                "C-1": "counted",
                "C-2": "counted",
                "C-3": "missing",
                "C-4": "missing",
                "E-1": "unexpected",
                "S-1": "unexpected",
                "NEW-1": "unknown",
            },
        )
        self.assertEqual(
            (
                count.counted_count,
                count.missing_count,
                count.unexpected_count,
                count.unknown_count,
                count.scanned_count,
            ),
            (2, 2, 2, 1, 5),
        )
        elsewhere = {line.name: line.elsewhere for line in count.line_ids}
        self.assertEqual(elsewhere["E-1"], "location")
        self.assertEqual(elsewhere["S-1"], "customer")
        new_line = count.line_ids.filtered(lambda line: line.name == "NEW-1")
        new_line.product_id = self.product

        count.action_apply()

        self.assertEqual(count.state, "applied")
        self.assertEqual(count.applied_by_id, self.stock_admin)
        places = self.quant_places("C-1", "C-2", "C-3", "C-4", "E-1", "S-1", "NEW-1")
        self.assertEqual(places["C-1"], [self.shelf])
        # missing units left for the inventory loss location: no longer on hand
        self.assertEqual(places["C-3"], [])
        self.assertEqual(places["C-4"], [])
        self.assertEqual(places["E-1"], [self.shelf])
        self.assertEqual(places["S-1"], [self.shelf])
        self.assertEqual(places["NEW-1"], [self.shelf])
        self.assertEqual(self.lots("C-3").serial_status, "scrapped")
        self.assertEqual(self.lots("S-1").serial_status, "in_stock")
        self.assertEqual(self.lots("NEW-1").serial_status, "in_stock")
        # one COUNT row per unit counted or changed, naming the count
        rows = self.env["stock.lot.history"].search(
            [("res_model", "=", "serial.count"), ("res_id", "=", count.id)]
        )
        self.assertEqual(
            sorted(rows.lot_id.mapped("name")),
            ["C-1", "C-2", "C-3", "C-4", "E-1", "NEW-1", "S-1"],
        )
        self.assertEqual(set(rows.mapped("event_type")), {"COUNT"})
        self.assertEqual(set(rows.mapped("document_name")), {count.name})
        to = {row.lot_id.name: row.location_dest_id for row in rows}
        self.assertEqual(to["C-3"], self.loss_location)
        self.assertEqual(to["E-1"], self.shelf)
        self.assertEqual(to["NEW-1"], self.shelf)
        self.assertEqual(
            rows.filtered(lambda row: row.lot_id.name == "S-1").note,
            "Unexpected (At a Customer)",
        )
        # a unit found where the system holds it: seen there, when it was scanned
        seen = self.lots("C-1").history_ids.filtered(
            lambda row: row.event_type == "COUNT"
        )
        self.assertEqual(len(seen), 1)
        self.assertEqual(
            (seen.location_id, seen.location_dest_id, seen.note),
            (self.shelf, self.shelf, "Counted"),
        )
        scanned = count.line_ids.filtered(lambda line: line.name == "C-1")
        self.assertEqual(seen.date, scanned.date)
        self.assertEqual(
            sorted(count.line_ids.filtered("applied").mapped("name")),
            ["C-3", "C-4", "E-1", "NEW-1", "S-1"],
        )

    def chatter(self, count):
        return "\n".join(count.message_ids.mapped("body"))

    def test_unknown_serials_are_only_reported_without_the_option(self):
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "C-1", "C-2", "C-3", "C-4", "NEW-2", "ODD-7")
        count.action_apply()
        self.assertFalse(self.lots("NEW-2", "ODD-7"))
        self.assertEqual(self.results(count)["NEW-2"], "unknown")
        self.assertIn(
            "0 unknown serials created. 2 unknown serials scanned were left out "
            "(Create Unknown Serials is off): NEW-2, ODD-7.",
            self.chatter(count),
        )

    def applied_count(self):
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "C-1", "C-2", "C-3", "E-1")
        count.action_apply()
        return count

    def test_refused_reopening_an_applied_count(self):
        count = self.applied_count()
        applied_on, history = count.date_applied, self.lots("C-4").history_ids
        for user in (self.stock_user, self.stock_admin):
            with self.assertRaisesRegex(
                UserError, "is applied and kept as it was applied"
            ):
                count.with_user(user).write({"state": "in_progress"})
        with self.assertRaisesRegex(UserError, "is applied and kept"):
            count.sudo().write({"note": "Rewritten", "date_applied": False})
        self.env.invalidate_all()
        self.assertEqual(
            (count.state, count.date_applied, count.note),
            ("applied", applied_on, False),
        )
        with self.assertRaisesRegex(UserError, "cannot be applied twice"):
            count.action_apply()
        self.assertEqual(self.lots("C-4").history_ids, history)
        self.assertEqual(
            count.line_ids.filtered(lambda line: line.name == "C-4").result, "missing"
        )

    def test_refused_changing_or_deleting_the_lines_of_an_applied_count(self):
        count = self.applied_count()
        lines = count.line_ids

        def record():
            self.env.invalidate_all()
            return [
                (line.name, line.result, line.lot_id, line.product_id, line.applied)
                for line in lines.exists()
            ]

        before = record()
        missing = lines.filtered(lambda line: line.result == "missing")
        for values in (
            {"result": "counted"},
            {"name": "C-9"},
            {"lot_id": False},
            {"applied": False},
        ):
            with self.assertRaisesRegex(UserError, "is applied: its serials are kept"):
                missing.with_user(self.stock_admin).write(values)
            with self.assertRaisesRegex(UserError, "is applied: its serials are kept"):
                missing.sudo().write(values)
        with self.assertRaisesRegex(UserError, "The serials of a count are kept"):
            lines.sudo().unlink()
        with self.assertRaisesRegex(UserError, "is applied and kept"):
            count.sudo().write({"line_ids": [Command.clear()]})
        with self.assertRaisesRegex(UserError, "An applied count is kept"):
            count.sudo().unlink()
        self.assertEqual(record(), before)
        self.assertEqual(len(before), 5)

    def test_open_count_lines_change_by_scanning_only(self):
        count = self.new_count(user=self.stock_user)
        self.scan(count, "C-1", "C-2", "NEW-1")
        lines = count.line_ids.with_user(self.stock_user)
        scanned = lines.filtered(lambda line: line.name == "C-1")
        for values in (
            {"scanned": False},
            {"result": "missing"},
            {"name": "C-9"},
            {"product_id": self.accounting_product.product_variant_id.id},
        ):
            with self.assertRaisesRegex(UserError, "change by scanning only"):
                scanned.write(values)
        with self.assertRaisesRegex(UserError, "added by scanning them"):
            self.env["serial.count.line"].sudo().create(
                {"count_id": count.id, "name": "C-3", "scanned": True}
            )
        with self.assertRaisesRegex(UserError, "The serials of a count are kept"):
            scanned.sudo().unlink()
        self.env.invalidate_all()
        self.assertEqual(
            sorted(count.line_ids.filtered("scanned").mapped("name")),
            ["C-1", "C-2", "NEW-1"],
        )
        self.assertEqual(
            (scanned.result, scanned.product_id), ("counted", self.product)
        )
        # the one choice left to a person: the product of an unknown serial
        unknown = lines.filtered(lambda line: line.name == "NEW-1")
        unknown.product_id = self.product
        self.assertEqual(unknown.product_id, self.product)
        count.with_user(self.stock_admin).action_apply()
        self.assertEqual(self.quant_places("C-1")["C-1"], [self.shelf])

    def test_refused_confirming_a_dialog_left_open_while_the_count_was_applied(self):
        count = self.new_count(user=self.stock_admin)
        wizard = self.scan(count, "C-1", "C-2", confirm=False)
        count.action_apply()
        lines = count.line_ids
        before = sorted(lines.mapped(lambda line: (line.name, line.result)))
        self.assertIn(("C-3", "missing"), before)
        with self.assertRaisesRegex(UserError, "is applied: start a new count"):
            wizard.action_confirm()
        with self.assertRaisesRegex(UserError, "Start the count and scan"):
            count.action_compare()
        self.env.invalidate_all()
        self.assertEqual(
            sorted(count.line_ids.mapped(lambda line: (line.name, line.result))), before
        )

    def test_refused_writing_the_status_or_dates_of_a_count(self):
        count = self.new_count(user=self.stock_user)
        self.scan(count, "C-1")
        for values in (
            {"state": "applied"},
            {"state": "draft"},
            {"date_applied": "2026-01-01 00:00:00"},
            {"applied_by_id": self.stock_admin.id},
        ):
            with self.assertRaisesRegex(UserError, "follow its buttons"):
                count.with_user(self.stock_admin).write(values)
        self.env.invalidate_all()
        self.assertEqual(
            (count.state, count.date_applied, count.applied_by_id.id),
            ("in_progress", False, False),
        )
        with self.assertRaisesRegex(UserError, "cannot be created applied"):
            self.env["serial.count"].with_user(self.stock_admin).create(
                {"location_id": self.shelf.id, "state": "applied"}
            )
        self.assertFalse(self.env["serial.count"].search([("state", "=", "applied")]))

    def test_only_an_inventory_administrator_deletes_a_count_never_applied(self):
        count = self.new_count(user=self.stock_user)
        self.scan(count, "C-1")
        line_ids = count.line_ids.ids
        with self.assertRaises(AccessError):
            count.with_user(self.stock_user).unlink()
        self.assertTrue(count.exists())
        count.with_user(self.stock_admin).unlink()
        self.assertFalse(count.exists())
        self.assertFalse(self.env["serial.count.line"].browse(line_ids).exists())

    def test_a_unit_that_moved_after_its_scan_is_left_alone(self):
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "C-1", "C-2", "C-3", "C-4", "E-1")
        self.assertEqual(self.results(count)["C-1"], "counted")
        self.dated_later(self.deliver("C-1"))
        self.dated_later(
            self.transfer(
                self.warehouse.int_type_id,
                self.other_shelf,
                self.stock_location,
                ["E-1"],
            )
        )

        count.action_apply()

        # still at the customer, and E-1 where it was taken after its scan
        self.assertEqual(self.lots("C-1").serial_status, "sold")
        self.assertEqual(self.quant_places("C-1")["C-1"], [])
        self.assertEqual(self.quant_places("E-1")["E-1"], [self.stock_location])
        left = count.line_ids.filtered(lambda line: line.name in ("C-1", "E-1"))
        self.assertEqual(
            [
                (line.name, line.result, line.left_alone, line.applied)
                for line in left.sorted("name")
            ],
            [
                ("C-1", "unexpected", "moved", False),
                ("E-1", "unexpected", "moved", False),
            ],
        )
        self.assertFalse(
            self.env["stock.lot.history"].search(
                [
                    ("res_model", "=", "serial.count"),
                    ("lot_id", "in", left.lot_id.ids),
                ]
            )
        )
        self.assertIn(
            "Left alone, as they moved after they were scanned: C-1, E-1.",
            self.chatter(count),
        )
        self.assertEqual(self.quant_places("C-2")["C-2"], [self.shelf])

    def test_a_count_of_one_product_leaves_other_products_alone(self):
        printer = self.create_tracked_product("Tracked Printer", "physical")
        self.add_serials(printer, ["P-1"], self.other_shelf)
        count = self.new_count(user=self.stock_admin, product_id=self.product.id)
        self.scan(count, "C-1", "C-2", "C-3", "C-4", "E-1", "P-1")
        self.assertEqual(self.results(count)["P-1"], "unexpected")

        count.action_apply()

        self.assertEqual(self.quant_places("E-1")["E-1"], [self.shelf])
        unit = self.lots("P-1", product=printer)
        self.assertEqual(
            unit.quant_ids.filtered(lambda quant: quant.quantity > 0).location_id,
            self.other_shelf,
        )
        line = count.line_ids.filtered(lambda line: line.name == "P-1")
        self.assertEqual(
            (line.result, line.left_alone, line.applied),
            ("unexpected", "outside_scope", False),
        )
        self.assertIn(
            "Left alone, outside the count's products: P-1.", self.chatter(count)
        )

    def test_a_serial_two_products_share_here_asks_which_product(self):
        printer = self.create_tracked_product(
            "Tracked Printer", "physical", barcode="9506000134352"
        )
        self.add_serials(printer, ["C-1"], self.shelf)
        count = self.new_count(user=self.stock_admin)
        wizard = self.scan(count, "C-1", "C-2", "C-3", "C-4")
        self.assertIn(
            "Units of several products (Tracked Printer, Tracked Scanner) are named "
            "C-1 here",
            wizard.last_message,
        )
        # the name again: still not saying whose unit it is, a repeat
        wizard = self.scan(count, "C-1")
        self.assertIn("1 were scanned in this count before", wizard.last_message)
        line = count.line_ids.filtered(lambda line: line.name == "C-1" and line.scanned)
        self.assertEqual((line.result, line.lot_id.id), ("ambiguous", False))
        # neither unit is counted out while the question is open
        self.assertEqual(
            count.line_ids.filtered(lambda line: line.name == "C-1").mapped("result"),
            ["ambiguous", "missing", "missing"],
        )
        with self.assertRaisesRegex(
            UserError, "Units of several products are named C-1 at WH/Stock/Shelf 9"
        ):
            count.action_apply()
        self.assertEqual(count.state, "in_progress")
        self.assertEqual(self.quant_places("C-1")["C-1"], [self.shelf])

        # the printer's GS1 code names its product; a person answers for the
        # name scanned alone
        self.scan(count, "(01)09506000134352(21)C-1")
        line.scan_product_id = self.product
        count.action_apply()

        self.assertEqual(count.state, "applied")
        units = self.env["stock.lot"].search([("name", "=", "C-1")])
        self.assertEqual(
            sorted(
                (
                    unit.product_id.name,
                    unit.quant_ids.filtered(
                        lambda quant: quant.quantity > 0
                    ).location_id,
                )
                for unit in units
            ),
            [("Tracked Printer", self.shelf), ("Tracked Scanner", self.shelf)],
        )
        self.assertEqual(
            sorted(
                (line.scan_product_id.name, line.result, line.lot_id.product_id.name)
                for line in count.line_ids.filtered(lambda line: line.name == "C-1")
            ),
            [
                ("Tracked Printer", "counted", "Tracked Printer"),
                ("Tracked Scanner", "counted", "Tracked Scanner"),
            ],
        )

    def test_answering_with_a_product_scanned_already_is_a_repeat(self):
        printer = self.create_tracked_product(
            "Tracked Printer", "physical", barcode="9506000134352"
        )
        self.add_serials(printer, ["C-1"], self.shelf)
        count = self.new_count(user=self.stock_user)
        self.scan(count, "(01)09506000134352(21)C-1", "C-2", "C-3", "C-4")
        self.scan(count, "C-1")
        scans = count.line_ids.filtered(
            lambda line: line.name == "C-1" and line.scanned
        )
        self.assertEqual(
            sorted((line.scan_product_id.name or "", line.result) for line in scans),
            [("", "ambiguous"), ("Tracked Printer", "counted")],
        )
        undecided = scans.filtered(lambda line: line.result == "ambiguous")
        undecided.with_user(
            self.stock_user
        ).scan_product_id = printer.product_variant_id
        self.assertFalse(undecided.exists())
        count.action_compare()
        self.assertEqual(
            sorted(
                (line.result, line.lot_id.product_id.name)
                for line in count.line_ids.filtered(lambda line: line.name == "C-1")
            ),
            [("counted", "Tracked Printer"), ("missing", "Tracked Scanner")],
        )

    def test_resuming_a_count_by_another_user(self):
        count = self.new_count(user=self.stock_user)
        self.scan(count, "C-1", "C-2", confirm=False)  # dialog closed: kept
        self.assertEqual(sorted(count.line_ids.mapped("name")), ["C-1", "C-2"])
        other = count.with_user(self.stock_admin)
        wizard = self.scan(other, "C-2", "C-3")
        self.assertIn("1 were scanned in this count before", wizard.last_message)
        self.assertEqual(
            self.results(count),
            {"C-1": "counted", "C-2": "counted", "C-3": "counted", "C-4": "missing"},
        )
        self.assertEqual(count.counted_by_ids, self.stock_user | self.stock_admin)
        by = {line.name: line.user_id for line in count.line_ids if line.scanned}
        self.assertEqual(by["C-1"], self.stock_user)
        self.assertEqual(by["C-3"], self.stock_admin)

    def test_refused_location_without_track_serials_products(self):
        empty = self.env["stock.location"].create(
            {
                "name": "Empty Bay",
                "usage": "internal",
                "location_id": self.stock_location.id,
            }
        )
        count = self.new_count(location=empty, user=self.stock_user)
        with self.assertRaisesRegex(
            UserError, "Empty Bay holds no units of products with Track Serials"
        ):
            count.action_start()
        self.assertEqual(count.state, "draft")
        self.assertFalse(count.line_ids)

    def test_refused_serial_of_an_accounting_product_is_named(self):
        self.add_serials(self.accounting_product, ["ACC-1"])
        count = self.new_count(user=self.stock_user)
        with self.assertRaisesRegex(UserError, r"ACC-1 \(Tracked Laptop\)"):
            self.scan(count, "C-1", "ACC-1")
        self.assertFalse(
            self.env["serial.count.line"].search([("count_id", "=", count.id)])
        )

    def test_refused_applying_twice(self):
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "C-1", "C-2", "C-3")
        count.action_apply()
        history = self.env["stock.lot.history"].search_count([])
        with self.assertRaisesRegex(
            UserError, "applied already.*cannot be applied twice"
        ):
            count.action_apply()
        self.assertEqual(self.env["stock.lot.history"].search_count([]), history)
        self.assertEqual(self.quant_places("C-4")["C-4"], [])
        with self.assertRaisesRegex(UserError, "is applied: start a new count"):
            count.action_scan()

    def test_refused_apply_without_the_inventory_adjustment_right(self):
        count = self.new_count(user=self.stock_user)
        self.scan(count, "C-1")
        with self.assertRaisesRegex(AccessError, "only inventory administrators"):
            count.action_apply()
        self.assertEqual(count.state, "in_progress")
        self.assertEqual(self.quant_places("C-2")["C-2"], [self.shelf])
        self.assertFalse(
            self.env["stock.lot.history"].search([("res_model", "=", "serial.count")])
        )

    def test_refused_to_a_user_without_inventory_rights(self):
        count = self.new_count(user=self.stock_user)
        with self.assertRaises(AccessError):
            count.with_user(self.billing_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["serial.count"].with_user(self.billing_user).create(
                {"location_id": self.shelf.id}
            )

    def test_counts_and_their_lines_are_isolated_per_company(self):
        count = self.new_count(user=self.stock_user)
        self.scan(count, "C-1")
        other_company = self.env["res.company"].create({"name": "Other Count Co"})
        outsider = new_test_user(
            self.env,
            login="st_count_other_company",
            groups="stock.group_stock_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        self.assertFalse(self.env["serial.count"].with_user(outsider).search([]))
        self.assertFalse(self.env["serial.count.line"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            count.with_user(outsider).action_scan()
        self.assertEqual(count.line_ids.filtered("scanned").mapped("name"), ["C-1"])

    def test_refused_unknown_serial_without_a_tracked_product(self):
        count = self.new_count(user=self.stock_admin, add_unknown=True)
        self.scan(count, "C-1", "NEW-3")
        with self.assertRaisesRegex(UserError, "give each one a product.*NEW-3"):
            count.action_apply()
        self.assertEqual(count.state, "in_progress")
        self.assertFalse(self.lots("NEW-3"))
        self.assertEqual(self.quant_places("C-2")["C-2"], [self.shelf])

    def test_refused_while_a_unit_is_reserved_unless_freed(self):
        cage = self.env["stock.location"].create(
            {"name": "Cage", "usage": "internal", "location_id": self.stock_location.id}
        )
        self.add_serials(self.physical_product, ["R-1", "R-2"], cage)
        delivery = self.picking(
            self.warehouse.out_type_id, cage, self.customer_location, 1, self.customer
        )
        reserved = delivery.move_ids.move_line_ids.lot_id
        self.assertEqual(len(reserved), 1)
        count = self.new_count(location=cage, user=self.stock_admin)
        self.scan(count, *({"R-1", "R-2"} - {reserved.name}))
        with self.assertRaisesRegex(
            UserError, f"{reserved.name} \\({delivery.name}\\).*Free Reservations"
        ):
            count.action_apply()
        self.assertEqual(count.state, "in_progress")
        self.assertEqual(self.quant_places(reserved.name)[reserved.name], [cage])
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, reserved)

        count.free_reservations = True
        count.action_apply()
        self.assertEqual(count.state, "applied")
        self.assertEqual(self.quant_places(reserved.name)[reserved.name], [])
        self.assertEqual(reserved.history_ids[:1].location_dest_id, self.loss_location)
        self.assertFalse(delivery.move_ids.move_line_ids.filtered("lot_id"))

    def test_scope_is_fixed_once_scanning_starts(self):
        count = self.new_count(user=self.stock_user)
        count.action_start()
        with self.assertRaisesRegex(UserError, "fixed once scanning starts"):
            count.location_id = self.other_shelf

    def test_the_count_prints(self):
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "C-1", "E-1")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_tracking.action_report_serial_count", count.ids
        )
        self.assertIn(count.name, html.decode())
        self.assertIn("E-1", html.decode())
        summary = count._report_summary()
        self.assertEqual(
            summary,
            [
                {
                    "product": self.product.display_name,
                    "counted": 1,
                    "missing": 3,
                    "unexpected": 1,
                    "unknown": 0,
                }
            ],
        )

    def test_location_and_product_open_a_count(self):
        action = self.env.ref("serial_tracking.action_serial_count_location")
        self.assertEqual(action.binding_model_id.model, "stock.location")
        action = self.physical_product.action_serial_count()
        self.assertEqual(action["context"]["default_product_id"], self.product.id)


class TestSerialCountConcurrency(SerialCountCase):
    def test_two_users_scanning_the_same_count_at_once_no_duplicates(self):
        with committed_env(self) as env:
            count = env["serial.count"].create(
                {"location_id": self.stock_location.id, "state": "in_progress"}
            )
        self.addCleanup(self._drop_count, count.id)

        def scan(env, index):
            names = [["RACE-1", "RACE-2", "RACE-3"], ["RACE-2", "RACE-3", "RACE-4"]][
                index
            ]
            action = env["serial.count"].browse(count.id).action_scan()
            wizard = env["serial.entry.wizard"].browse(action["res_id"])
            wizard.paste_text = "\n".join(names)
            wizard.action_add_pasted()
            env.flush_all()
            time.sleep(0.5)  # keep the transaction open while the other inserts
            return "scanned"

        # the second insert meets the first one's rows: PostgreSQL refuses it
        # (serialization failure) and Odoo's request layer runs it again, when
        # it finds them and adds only its new serial
        outcomes = run_concurrently(self, scan, retries=3)
        self.assertEqual(list(outcomes.values()), ["scanned", "scanned"], outcomes)
        with committed_env(self) as env:
            env.cr.execute(
                "SELECT name FROM serial_count_line WHERE count_id = %s ORDER BY name",
                [count.id],
            )
            names = [name for (name,) in env.cr.fetchall()]
        self.assertEqual(names, ["RACE-1", "RACE-2", "RACE-3", "RACE-4"])

    def _drop_count(self, count_id):
        with committed_env(self) as env:
            env["serial.count"].browse(count_id).unlink()

    def _committed_count(self):
        """A count in progress of a bay holding RACE-C1 and RACE-C2, RACE-C1
        scanned; all committed, and removed after the test."""
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Race Count Scanner",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "physical",
                }
            )
            bay = env["stock.location"].create(
                {
                    "name": "Race Bay",
                    "usage": "internal",
                    "location_id": self.stock_location.id,
                }
            )
            env["stock.lot"]._serial_add_to_stock(
                template.product_variant_id, ["RACE-C1", "RACE-C2"], bay
            )
            count = env["serial.count"].create({"location_id": bay.id})
            count.action_start()
            count._serial_entry_added(None, ["RACE-C1"])
        self.addCleanup(self._drop_race, template.id, bay.id, count.id)
        return count.id, bay.id

    def _scan(self, env, count_id, *names):
        admin = env.ref("base.user_admin")
        count = env["serial.count"].with_user(admin).browse(count_id)
        action = count.action_scan()
        wizard = env["serial.entry.wizard"].with_user(admin).browse(action["res_id"])
        wizard.paste_text = "\n".join(names)
        wizard.action_add_pasted()
        env.flush_all()

    def _apply(self, env, count_id):
        admin = env.ref("base.user_admin")
        env["serial.count"].with_user(admin).browse(count_id).action_apply()
        env.flush_all()

    def _race_result(self, count_id):
        with committed_env(self) as env:
            count = env["serial.count"].browse(count_id)
            places = {
                quant.lot_id.name: quant.location_id.id
                for quant in env["stock.quant"].search(
                    [
                        ("lot_id.name", "like", "RACE-C"),
                        ("quantity", ">", 0),
                        ("location_id.usage", "=", "internal"),
                    ]
                )
            }
            return (
                count.state,
                {line.name: line.result for line in count.line_ids},
                places,
            )

    def test_a_scan_made_while_apply_waits_is_seen_by_it(self):
        count_id, bay_id = self._committed_count()
        scanned = threading.Event()

        def work(env, index):
            if index == 0:
                self._scan(env, count_id, "RACE-C2")
                scanned.set()
                time.sleep(1)  # the Apply meets the scan's lock meanwhile
                return "scanned"
            scanned.wait(20)
            self._apply(env, count_id)
            return "applied"

        # the Apply, begun before the scan ended, is refused by PostgreSQL for
        # the count's row written under it; run again, it sees the scan
        outcomes = run_concurrently(self, work, retries=3)
        self.assertEqual(outcomes, {0: "scanned", 1: "applied"}, outcomes)
        self.assertEqual(
            self._race_result(count_id),
            (
                "applied",
                {"RACE-C1": "counted", "RACE-C2": "counted"},
                {"RACE-C1": bay_id, "RACE-C2": bay_id},
            ),
        )

    def test_a_scan_waiting_on_apply_is_refused_after_it(self):
        count_id, bay_id = self._committed_count()
        applying = threading.Event()

        def work(env, index):
            if index == 0:
                self._apply(env, count_id)
                applying.set()
                time.sleep(1)  # the scan meets the Apply's lock meanwhile
                return "applied"
            applying.wait(20)
            self._scan(env, count_id, "RACE-C2")
            return "scanned"

        outcomes = run_concurrently(self, work, retries=3)
        self.assertEqual(outcomes[0], "applied", outcomes)
        self.assertIsInstance(outcomes[1], UserError, outcomes)
        self.assertIn("is applied: start a new count", str(outcomes[1]))
        # RACE-C2 was counted out before the scan; the scan left no line behind
        self.assertEqual(
            self._race_result(count_id),
            (
                "applied",
                {"RACE-C1": "counted", "RACE-C2": "missing"},
                {"RACE-C1": bay_id},
            ),
        )

    def _drop_race(self, template_id, location_id, count_id):
        with committed_env(self) as env:
            env.cr.execute(
                "SELECT id FROM product_product WHERE product_tmpl_id = %s",
                [template_id],
            )
            product_ids = tuple(row[0] for row in env.cr.fetchall())
            env.cr.execute("DELETE FROM serial_count WHERE id = %s", [count_id])
            env.cr.execute(
                "DELETE FROM mail_message WHERE model = 'serial.count' AND res_id = %s",
                [count_id],
            )
            env.cr.execute(
                "DELETE FROM mail_followers"
                " WHERE res_model = 'serial.count' AND res_id = %s",
                [count_id],
            )
            for table in (
                "stock_move_line",
                "stock_quant",
                "stock_move",
                "stock_lot_history",
                "stock_lot",
            ):
                env.cr.execute(
                    f"DELETE FROM {table} WHERE product_id IN %s", [product_ids]
                )
            env.cr.execute(
                "DELETE FROM serial_tracking_counter WHERE product_tmpl_id = %s",
                [template_id],
            )
            env.cr.execute("DELETE FROM product_product WHERE id IN %s", [product_ids])
            env.cr.execute("DELETE FROM product_template WHERE id = %s", [template_id])
            env.cr.execute("DELETE FROM stock_location WHERE id = %s", [location_id])

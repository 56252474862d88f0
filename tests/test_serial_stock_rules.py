# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_rules import (
    ACCOUNT_MOVE_KINDS,
    HISTORY_EVENT_TYPES,
    SERIAL_DOCUMENT_KINDS,
    SERIAL_STATUS_TRANSITIONS,
    SERIAL_STATUSES,
    account_move_kind,
    announces_serials,
    classify_move,
    move_kind,
)
from odoo.addons.serial_tracking.tools.serial_stock_rules import (
    SerialLineRow,
    SerialPlace,
    leaving_keys,
    may_move,
    quant_keys,
    refusal_reason,
    refused_lines,
    unit_at_source,
    units_of,
)

PRODUCT, COMPANY, OTHER_COMPANY = 10, 1, 2
STOCK, SHELF, OUTPUT, CUSTOMERS, VENDORS, TRANSIT, SUBCONTRACTOR, LOSS = range(1, 9)
PLACES = {
    STOCK: SerialPlace("internal", "1/2/", COMPANY),
    SHELF: SerialPlace("internal", "1/2/3/", COMPANY),
    OUTPUT: SerialPlace("internal", "1/4/", COMPANY),
    CUSTOMERS: SerialPlace("customer", "5/", None),
    VENDORS: SerialPlace("supplier", "6/", None),
    TRANSIT: SerialPlace("transit", "7/", None),
    SUBCONTRACTOR: SerialPlace("internal", "1/8/", COMPANY),
    LOSS: SerialPlace("inventory", "9/", None),
}


def line(serial, source, destination, line_id=1, lot_id=100, company=COMPANY):
    return SerialLineRow(
        id=line_id,
        product_id=PRODUCT,
        lot_id=lot_id,
        serial=serial,
        location_id=source,
        location_dest_id=destination,
        quantity=1.0,
        move_id=1,
        company_id=company,
    )


def row(source, destination, lot_id=100, **values):
    """A line as the quant keys read it: ``line``'s, with ``values``."""
    return line(None, source, destination, lot_id=lot_id)._replace(**values)


class TestSerialDocumentKinds(BaseCase):
    def test_every_kind_sets_a_known_status_and_event(self):
        statuses = {status for status, _label in SERIAL_STATUSES}
        events = {event for event, _label in HISTORY_EVENT_TYPES}
        for name, kind in SERIAL_DOCUMENT_KINDS.items():
            with self.subTest(kind=name):
                self.assertIn(kind.mode, ("accounting", "physical", None))
                self.assertIn(kind.entry, ("add", "remove", None))
                self.assertIn(kind.event, events)
                self.assertIn(kind.status, statuses | {None})

    def test_only_receipts_and_bills_announce_expected_units(self):
        announcing = {kind for kind in SERIAL_DOCUMENT_KINDS if announces_serials(kind)}
        self.assertEqual(announcing, {"receipt", "bill"})
        announcement = SERIAL_DOCUMENT_KINDS["announcement"]
        self.assertEqual(
            (announcement.event, announcement.status), ("ANNOUNCE", "expected")
        )
        # an Expected unit can only be received; a new unit may be announced
        self.assertEqual(SERIAL_STATUS_TRANSITIONS["expected"], {"in_stock"})
        self.assertIn("expected", SERIAL_STATUS_TRANSITIONS[False])
        self.assertEqual(
            move_kind("supplier", "internal"), "receipt", "what a receipt is"
        )

    def test_invoice_types(self):
        self.assertEqual(
            {
                move_type: (kind.entry, kind.event, kind.status)
                for move_type in ACCOUNT_MOVE_KINDS
                for kind in [account_move_kind(move_type)]
            },
            {
                "in_invoice": ("add", "BILL", "in_stock"),
                "out_refund": ("add", "CREDIT_NOTE", "returned"),
                "out_invoice": ("remove", "INVOICE", "sold"),
                "in_refund": ("remove", "VENDOR_CREDIT_NOTE", "returned_vendor"),
            },
        )
        self.assertIsNone(account_move_kind("entry"))
        for move_type in ACCOUNT_MOVE_KINDS:
            self.assertEqual(account_move_kind(move_type).mode, "accounting")

    def test_moves_by_place(self):
        self.assertEqual(move_kind("supplier", "internal"), "receipt")
        self.assertEqual(move_kind("internal", "customer"), "delivery")
        self.assertEqual(move_kind("customer", "internal"), "return")
        self.assertEqual(move_kind("internal", "supplier"), "vendor_return")
        self.assertEqual(move_kind("inventory", "internal"), "adjustment")
        self.assertEqual(move_kind("internal", "inventory"), "scrap")
        self.assertEqual(move_kind("production", "internal"), "build")
        self.assertEqual(move_kind("internal", "production"), "consumption")
        self.assertEqual(move_kind("internal", "transit"), "internal_move")
        self.assertEqual(move_kind("view", "internal"), "adjustment")
        self.assertEqual(move_kind("internal", "view"), "scrap")
        self.assertEqual(move_kind("supplier", "customer"), "outside_move")
        for source in ("supplier", "customer", "internal", "inventory", "production"):
            for destination in ("supplier", "customer", "internal", "transit"):
                kind = SERIAL_DOCUMENT_KINDS[move_kind(source, destination)]
                self.assertEqual(kind.mode, "physical")
                self.assertEqual(
                    classify_move(source, destination), (kind.event, kind.status)
                )


class TestSerialStockRules(BaseCase):
    def test_units_of_the_line_company_or_a_shared_place(self):
        on_hand = {
            (PRODUCT, "S1"): [[STOCK, COMPANY], [SHELF, OTHER_COMPANY]],
            (PRODUCT, "S2"): [[TRANSIT, OTHER_COMPANY]],
        }
        self.assertEqual(
            units_of(line("S1", VENDORS, STOCK), on_hand, PLACES), [[STOCK, COMPANY]]
        )
        self.assertEqual(
            units_of(line("S2", VENDORS, STOCK), on_hand, PLACES),
            [[TRANSIT, OTHER_COMPANY]],
        )
        self.assertEqual(units_of(line("S3", VENDORS, STOCK), on_hand, PLACES), [])
        self.assertNotIn((PRODUCT, "S3"), on_hand)

    def test_unit_at_source_or_inside_it(self):
        on_hand = {(PRODUCT, "S1"): [[SHELF, COMPANY]]}
        self.assertEqual(
            unit_at_source(line("S1", STOCK, CUSTOMERS), on_hand, PLACES),
            [SHELF, COMPANY],
        )
        self.assertIsNone(
            unit_at_source(line("S1", OUTPUT, CUSTOMERS), on_hand, PLACES)
        )

    def test_a_unit_leaving_moves_with_its_line(self):
        on_hand, unrecorded = {(PRODUCT, "S1"): [[STOCK, COMPANY]]}, set()
        self.assertTrue(
            may_move(
                line("S1", STOCK, OUTPUT), on_hand, set(), PLACES, set(), unrecorded
            )
        )
        self.assertEqual(on_hand[PRODUCT, "S1"], [[OUTPUT, COMPANY]])
        self.assertFalse(
            may_move(
                line("S1", STOCK, CUSTOMERS), on_hand, set(), PLACES, set(), unrecorded
            )
        )
        self.assertEqual(unrecorded, set())

    def test_a_unit_in_stock_cannot_come_in(self):
        on_hand = {(PRODUCT, "S1"): [[STOCK, COMPANY]]}
        self.assertFalse(
            may_move(line("S1", VENDORS, STOCK), on_hand, set(), PLACES, set(), set())
        )
        self.assertTrue(
            may_move(line("S2", VENDORS, STOCK), on_hand, set(), PLACES, set(), set())
        )
        # to a place outside stock (dropship), nothing is in stock twice
        self.assertTrue(
            may_move(
                line("S1", VENDORS, CUSTOMERS), on_hand, set(), PLACES, set(), set()
            )
        )
        # another company's unit does not clash
        self.assertTrue(
            may_move(
                line("S1", VENDORS, STOCK, company=OTHER_COMPANY),
                on_hand,
                set(),
                PLACES,
                set(),
                set(),
            )
        )

    def test_a_unit_the_subcontractor_holds_unrecorded(self):
        on_hand, unrecorded = {}, set()
        self.assertTrue(
            may_move(
                line("S1", SUBCONTRACTOR, STOCK, lot_id=7),
                on_hand,
                set(),
                PLACES,
                {SUBCONTRACTOR},
                unrecorded,
            )
        )
        self.assertEqual(on_hand, {(PRODUCT, "S1"): [[STOCK, COMPANY]]})
        self.assertEqual(unrecorded, {(PRODUCT, SUBCONTRACTOR, 7)})
        # not from a subcontractor's place: refused
        self.assertFalse(
            may_move(line("S2", OUTPUT, STOCK), {}, set(), PLACES, set(), set())
        )

    def test_a_unit_owed_to_the_subcontractor_comes_back(self):
        owed = {(PRODUCT, "S1", SUBCONTRACTOR)}
        on_hand = {(PRODUCT, "S1"): [[STOCK, COMPANY]]}
        self.assertTrue(
            may_move(
                line("S1", LOSS, SUBCONTRACTOR),
                on_hand,
                owed,
                PLACES,
                {SUBCONTRACTOR},
                set(),
            )
        )
        self.assertEqual(owed, set())
        # owed no more: the unit in stock refuses it
        self.assertFalse(
            may_move(
                line("S1", LOSS, SUBCONTRACTOR),
                on_hand,
                owed,
                PLACES,
                {SUBCONTRACTOR},
                set(),
            )
        )

    def test_pick_and_ship_validated_together(self):
        on_hand = {(PRODUCT, "S1"): [[STOCK, COMPANY]]}
        ship = line("S1", OUTPUT, CUSTOMERS, line_id=2)
        pick = line("S1", STOCK, OUTPUT, line_id=1)
        refused, unrecorded = refused_lines([ship, pick], on_hand, set(), PLACES, set())
        self.assertEqual((refused, unrecorded), ([], set()))
        self.assertEqual(on_hand[PRODUCT, "S1"], [[CUSTOMERS, COMPANY]])

    def test_refused_lines_are_what_is_left(self):
        on_hand = {(PRODUCT, "S1"): [[STOCK, COMPANY]]}
        lines = [
            line("S1", VENDORS, STOCK, line_id=1),
            line("S2", STOCK, CUSTOMERS, line_id=2),
            line("S3", VENDORS, STOCK, line_id=3),
        ]
        refused, _unrecorded = refused_lines(lines, on_hand, set(), PLACES, set())
        self.assertEqual([refused_line.id for refused_line in refused], [1, 2])

    def test_refusal_reasons(self):
        units = [[SHELF, COMPANY]]
        self.assertEqual(
            refusal_reason(line("S1", VENDORS, STOCK), PLACES, units, False),
            ("in_stock", SHELF),
        )
        self.assertEqual(
            refusal_reason(line("S1", OUTPUT, CUSTOMERS), PLACES, units, False),
            ("elsewhere", SHELF),
        )
        self.assertEqual(
            refusal_reason(line("S1", OUTPUT, CUSTOMERS), PLACES, [], False),
            ("absent", None),
        )
        # received from the subcontractor while already in stock
        self.assertEqual(
            refusal_reason(line("S1", SUBCONTRACTOR, STOCK), PLACES, units, True),
            ("in_stock", SHELF),
        )
        self.assertEqual(
            refusal_reason(line("S1", SUBCONTRACTOR, CUSTOMERS), PLACES, units, True),
            ("elsewhere", SHELF),
        )

    def test_quant_keys(self):
        self.assertEqual(
            quant_keys(
                [
                    row(STOCK, OUTPUT, lot_id=1),
                    row(STOCK, OUTPUT, lot_id=None),
                    row(STOCK, OUTPUT, lot_id=2, owner_id=5),
                    row(STOCK, OUTPUT, lot_id=3, package_id=6),
                    row(STOCK, OUTPUT, lot_id=4, result_package_id=6),
                ]
            ),
            [(PRODUCT, STOCK, 1), (PRODUCT, OUTPUT, 1)],
        )

    def test_leaving_keys(self):
        rows = [
            row(STOCK, OUTPUT, lot_id=1),
            row(OUTPUT, CUSTOMERS, lot_id=1),
            row(STOCK, CUSTOMERS, lot_id=2),
            row(VENDORS, STOCK, lot_id=3),
            row(STOCK, CUSTOMERS, lot_id=4, quantity=0),
            row(STOCK, CUSTOMERS, lot_id=None),
            row(SUBCONTRACTOR, STOCK, lot_id=5),
        ]
        internal = {STOCK, OUTPUT, SUBCONTRACTOR}
        self.assertEqual(
            leaving_keys(rows, internal, {(PRODUCT, SUBCONTRACTOR, 5)}),
            [(PRODUCT, STOCK, 1), (PRODUCT, STOCK, 2)],
        )

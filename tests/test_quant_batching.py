# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.tools import mute_logger

from ..models import stock_move_line
from ..models.stock_speed_path import (
    SPEED_PATH_PARAM,
    action_done_batched,
    stored_quant_fields,
    write_each,
)
from .common import SerialTrackingCase, committed_env, new_lined_transfer


class TestQuantBatching(SerialTrackingCase):
    """Quant updates of Track Serials products are batched; everything Odoo
    records must come out exactly as Odoo's own, unit-by-unit code gives it.
    Each test runs the same operations (Odoo's own API) on a product Odoo
    tracks natively and on a Track Serials product, then compares."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.native = cls.env["product.product"].create(
            {
                "name": "Native Serial Scanner",
                "is_storable": True,
                "tracking": "serial",
                "standard_price": 10.0,
            }
        )
        cls.tracked = cls.physical_product.product_variant_id
        cls.tracked.standard_price = 10.0
        cls.shelf = cls.env["stock.location"].create(
            {
                "name": "Shelf B",
                "usage": "internal",
                "location_id": cls.stock_location.id,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Batch Partner"})

    def run_flow(self, product):
        with freeze_time("2026-01-05 09:00:00"):
            self.validated_transfer(
                product,
                self.supplier_location,
                self.stock_location,
                6,
                self.warehouse.in_type_id,
                names=[f"P-{n}" for n in range(1, 7)],
                partner=self.partner,
            )
        with freeze_time("2026-01-06 09:00:00"):
            self.validated_transfer(
                product,
                self.supplier_location,
                self.shelf,
                2,
                self.warehouse.in_type_id,
                names=["P-7", "P-8"],
                partner=self.partner,
            )
        with freeze_time("2026-01-07 09:00:00"):
            # reserved by Odoo (oldest first), validated
            self.validated_transfer(
                product,
                self.stock_location,
                self.customer_location,
                4,
                self.warehouse.out_type_id,
                partner=self.partner,
            )
        with freeze_time("2026-01-08 09:00:00"):
            # chosen units, one of them from the shelf
            self.validated_transfer(
                product,
                self.stock_location,
                self.customer_location,
                2,
                self.warehouse.out_type_id,
                lots=self.lots("P-6", "P-8", product=product),
                partner=self.partner,
            )
        with freeze_time("2026-01-09 09:00:00"):
            # a unit comes back from the customer, another moves to the shelf
            self.validated_transfer(
                product,
                self.customer_location,
                self.stock_location,
                1,
                self.warehouse.in_type_id,
                lots=self.lots("P-1", product=product),
                partner=self.partner,
            )
            self.validated_transfer(
                product,
                self.stock_location,
                self.shelf,
                1,
                lots=self.lots("P-5", product=product),
                partner=self.partner,
            )
        with freeze_time("2026-01-10 09:00:00"):
            # reserved for three, only one shipped (the rest cancelled), one left
            # reserved elsewhere
            self.validated_transfer(
                product,
                self.stock_location,
                self.customer_location,
                3,
                self.warehouse.out_type_id,
                picked_count=1,
                partner=self.partner,
            )
            waiting = self.picking(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                1,
                product=product,
                assign=False,
            )
            waiting.action_assign()

    def outcome(self, product):
        """What Odoo recorded for ``product``, in comparable form."""
        self.env.flush_all()
        self.env.invalidate_all()
        quants = self.env["stock.quant"].search([("product_id", "=", product.id)])
        moves = self.env["stock.move"].search(
            [("product_id", "=", product.id)], order="id"
        )
        return {
            "quants": sorted(
                (
                    q.location_id.complete_name,
                    q.lot_id.name or "",
                    q.quantity,
                    q.reserved_quantity,
                    str(q.in_date),
                    q.value,
                )
                for q in quants
            ),
            # every other stored field, as create and write leave it
            "quant_fields": sorted(
                (
                    tuple(
                        (
                            name,
                            q[name].display_name
                            if q._fields[name].type == "many2one"
                            else q[name],
                        )
                        for name in stored_quant_fields(q)
                        if name not in ("id", "product_id", "create_date", "write_date")
                    )
                    for q in quants
                ),
                key=repr,
            ),
            "moves": [
                (
                    m.location_id.name,
                    m.location_dest_id.name,
                    m.state,
                    m.quantity,
                    m.value,
                    m.remaining_qty,
                    m.remaining_value,
                    m.price_unit,
                )
                for m in moves
            ],
            "move_lines": [
                sorted(
                    (
                        ml.location_id.complete_name,
                        ml.location_dest_id.complete_name,
                        ml.lot_id.name or "",
                        ml.quantity,
                        ml.state,
                        ml.picked,
                    )
                    for ml in m.move_line_ids
                )
                for m in moves
            ],
            "lots": sorted(
                self.env["stock.lot"]
                .search([("product_id", "=", product.id)])
                .mapped("name")
            ),
            "on_hand": (
                product.qty_available,
                product.with_context(location=self.shelf.id).qty_available,
            ),
        }

    def test_same_results_as_odoo(self):
        self.run_flow(self.native)
        self.run_flow(self.tracked)
        native, ours = self.outcome(self.native), self.outcome(self.tracked)
        self.maxDiff = None
        self.assertEqual(ours, native)
        # the flow did something worth comparing
        self.assertEqual(native["on_hand"], (2.0, 1.0))
        self.assertIn(
            ("WH/Stock", "P-1", 1.0, 0.0, "2026-01-09 09:00:00", 10.0), native["quants"]
        )
        self.assertIn(
            ("Customers", "P-8", 1.0, 0.0, "2026-01-06 09:00:00", 0.0), native["quants"]
        )
        self.assertIn(
            ("WH/Stock/Shelf B", "P-7", 1.0, 1.0, "2026-01-06 09:00:00", 10.0),
            native["quants"],
            "one unit stays reserved",
        )

    def receipt_outcome(self, switch):
        """Two receipts of new serials of a fresh Track Serials product, with
        the speed path switch at ``switch``: one through the entry dialog
        (generate, confirm, validate), one whose lines name the serials, to a
        shelf; every stored field of the serials, their history, the lines,
        the moves and the quants, in comparable form."""
        self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, switch)
        product = self.create_tracked_product(
            f"Receipt Scanner {switch}", "physical", standard_price=10.0
        ).product_variant_id
        prefix = f"RC{switch}-"
        with freeze_time("2026-05-04 09:00:00"):
            receipt = self.picking(
                self.warehouse.in_type_id,
                self.supplier_location,
                self.stock_location,
                5,
                self.partner,
                product=product,
                assign=False,
            )
            wizard = self.env["serial.entry.wizard"].browse(
                receipt.move_ids.action_open_serial_entry()["res_id"]
            )
            wizard.write(
                {"gen_prefix": prefix, "gen_start": 1, "gen_count": 5, "gen_padding": 3}
            )
            wizard.action_generate()
            wizard.action_confirm()
            receipt.button_validate()
        with freeze_time("2026-05-05 09:00:00"):
            second = self.validated_transfer(
                product,
                self.supplier_location,
                self.shelf,
                3,
                self.warehouse.in_type_id,
                names=[f"{prefix}1{n}" for n in range(3)],
                partner=self.partner,
            )
        self.env.flush_all()
        self.env.invalidate_all()
        # what differs between the two runs by construction: the product,
        # the serials' prefix, the transfers' names
        renamed = {
            prefix: "P-",
            product.display_name: "PRODUCT",
            receipt.name: "RECEIPT-1",
            second.name: "RECEIPT-2",
            f"{product.id}:": "PRODUCT:",  # the serial key of a per-product scope
        }

        def comparable(value):
            if isinstance(value, str):
                for old, new in renamed.items():
                    value = value.replace(old, new)
            return value

        def stored(records, *extra):
            rows = []
            for record in records:
                row = []
                for name, field in sorted(record._fields.items()):
                    if (
                        not field.store
                        or not field.column_type
                        or name in ("id", "create_date", "write_date")
                    ) and name not in extra:
                        continue
                    value = record[name]
                    if field.type == "many2one":
                        value = value.display_name
                    elif field.type in (
                        "reference",
                        "many2one_reference",
                        "properties",
                    ):
                        value = bool(value)
                    row.append((name, comparable(value)))
                rows.append(tuple(row))
            return sorted(rows, key=repr)

        lots = self.env["stock.lot"].search([("product_id", "=", product.id)])
        moves = self.env["stock.move"].search([("product_id", "=", product.id)])
        return {
            "lots": stored(lots),
            "history": stored(lots.history_ids),
            "move_lines": stored(moves.move_line_ids),
            "moves": stored(moves),
            "quants": stored(
                self.env["stock.quant"].search([("product_id", "=", product.id)]),
                "value",
            ),
            "on_hand": product.qty_available,
        }

    def test_receipts_same_results_as_with_the_switch_off(self):
        self.addCleanup(self.registry.clear_cache)
        off, on = self.receipt_outcome("0"), self.receipt_outcome("1")
        self.maxDiff = None
        for table in off:
            with self.subTest(table=table):
                self.assertEqual(on[table], off[table])
        # worth comparing: eight serials received, valued, with their history
        # (the five entered in the dialog announced first)
        self.assertEqual(off["on_hand"], 8.0)
        self.assertEqual(len(off["lots"]), 8)
        self.assertEqual(len(off["history"]), 13)
        self.assertEqual(
            sorted(dict(row)["event_type"] for row in off["history"]),
            ["ANNOUNCE"] * 5 + ["RECEIVE"] * 8,
        )
        self.assertIn(("value", 10.0), off["quants"][0])
        self.assertIn(("value", 50.0), off["moves"][0] + off["moves"][1])

    def test_a_receipt_of_new_serials_is_validated_batched(self):
        # the serials come first, so that the batched validation takes the
        # receipt's lines as it takes a delivery's (not Odoo's unit-by-unit loop)
        validations = []

        def recorded(lines, batch, rows):
            validations.append(action_done_batched(lines, batch, rows))
            return validations[-1]

        names = ["NEW-1", "NEW-2", "NEW-3"]
        with patch.object(stock_move_line, "action_done_batched", recorded):
            receipt = self.validated_transfer(
                self.tracked,
                self.supplier_location,
                self.stock_location,
                3,
                self.warehouse.in_type_id,
                names=names,
                partner=self.partner,
            )
        self.assertEqual(validations, [True])
        self.assertEqual(receipt.state, "done")
        self.assertEqual(
            receipt.move_ids.move_line_ids.sorted("id").lot_id.mapped("name"), names
        )
        self.assertEqual(self.tracked.qty_available, 3.0)

    def test_confirmed_serials_go_on_the_lines_odoo_made(self):
        def confirmed(switch, count=3):
            """A receipt marked as to do (Odoo makes one line per unit to come),
            then serials generated and confirmed in the entry dialog, the speed
            path switch at ``switch``: the lines Odoo made, and the lines after."""
            self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, switch)
            receipt = self.picking(
                self.warehouse.in_type_id,
                self.supplier_location,
                self.stock_location,
                count,
                assign=False,
                product=self.tracked,
            )
            made = receipt.move_ids.move_line_ids
            wizard = self.env["serial.entry.wizard"].browse(
                receipt.move_ids.action_open_serial_entry()["res_id"]
            )
            prefix = f"BL{switch}-"
            wizard.write(
                {
                    "gen_prefix": prefix,
                    "gen_start": 1,
                    "gen_count": count,
                    "gen_padding": 1,
                }
            )
            wizard.action_generate()
            wizard.action_confirm()
            return made, receipt.move_ids.move_line_ids

        made, lines = confirmed("1")
        self.assertEqual(len(made), 3, "Odoo makes a line per unit to come")
        self.assertEqual(lines, made)
        # the lines carry the receipt's Expected units
        self.assertEqual(
            lines.sorted("id").lot_id.mapped("name"), ["BL1-1", "BL1-2", "BL1-3"]
        )
        self.assertEqual(set(lines.lot_id.mapped("serial_status")), {"expected"})
        self.assertEqual(lines.mapped("quantity"), [1.0] * 3)
        # the speed path off: Odoo's lines are replaced by new ones
        made, lines = confirmed("0")
        self.assertFalse(lines & made)
        self.assertEqual(
            lines.sorted("id").lot_id.mapped("name"), ["BL0-1", "BL0-2", "BL0-3"]
        )
        self.assertEqual(set(lines.lot_id.mapped("serial_status")), {"expected"})

    def test_serials_written_together_keep_odoo_checks(self):
        # write_each runs the field's constraints and company check, as the
        # ORM's write does: a serial of another product is refused
        receipt = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            2,
            assign=False,
            product=self.tracked,
        )
        lines = receipt.move_ids.move_line_ids
        other = self.env["stock.lot"].create(
            [{"name": f"OTHER-{n}", "product_id": self.native.id} for n in range(2)]
        )
        with self.assertRaises(ValidationError):
            write_each(lines, "lot_id", other.ids)

        own = self.env["stock.lot"].create(
            [{"name": f"OWN-{n}", "product_id": self.tracked.id} for n in range(2)]
        )
        write_each(lines, "lot_id", own.ids)
        self.assertEqual(lines.lot_id, own)
        self.assertEqual(lines.write_uid, self.env.user)

    def test_same_results_with_units_without_serials_on_hand(self):
        # untracked units at the same location change which quants Odoo
        # picks and their dates: those updates are left to Odoo
        for product in (self.native, self.tracked):
            with freeze_time("2026-01-01 09:00:00"):
                self.env["stock.quant"]._update_available_quantity(
                    product, self.stock_location, 2
                )
        self.run_flow(self.native)
        self.run_flow(self.tracked)
        self.assertEqual(self.outcome(self.tracked), self.outcome(self.native))

    def test_shipping_a_unit_reserved_by_another_delivery(self):
        # Odoo frees the other delivery's reservation of a unit shipped
        # before it: the batched validation must leave the same state
        firsts = {}
        for product in (self.native, self.tracked):
            with freeze_time("2026-04-01 09:00:00"):
                self.validated_transfer(
                    product,
                    self.supplier_location,
                    self.stock_location,
                    3,
                    self.warehouse.in_type_id,
                    names=["S-1", "S-2", "S-3"],
                    partner=self.partner,
                )
            with freeze_time("2026-04-02 09:00:00"):
                first = self.picking(
                    self.warehouse.out_type_id,
                    self.stock_location,
                    self.customer_location,
                    3,
                    product=product,
                    assign=False,
                )
                first.action_assign()
                self.validated_transfer(
                    product,
                    self.stock_location,
                    self.customer_location,
                    1,
                    self.warehouse.out_type_id,
                    lots=self.lots("S-2", product=product),
                    partner=self.partner,
                )
            firsts[product] = first
        self.maxDiff = None
        self.assertEqual(self.outcome(self.tracked), self.outcome(self.native))
        # worth comparing: the first delivery lost the unit shipped by the second
        for first in firsts.values():
            self.assertEqual(first.move_ids.state, "partially_available")
            self.assertEqual(
                sorted(first.move_ids.move_line_ids.lot_id.mapped("name")),
                ["S-1", "S-3"],
            )

    def test_putaway_rules_place_units_as_in_odoo(self):
        # lines of a Track Serials move skip Odoo's putaway only where the
        # destination has no rule; a rule sends them where it sends Odoo's
        self.env["stock.putaway.rule"].create(
            [
                {
                    "product_id": product.id,
                    "location_in_id": self.stock_location.id,
                    "location_out_id": self.shelf.id,
                }
                for product in (self.native, self.tracked)
            ]
        )
        destinations = {}
        for product in (self.native, self.tracked):
            receipt = self.picking(
                self.warehouse.in_type_id,
                self.supplier_location,
                self.stock_location,
                2,
                product=product,
                assign=False,
            )
            self.env["stock.quant"]._update_available_quantity(
                product,
                self.stock_location,
                1,
                lot_id=self.env["stock.lot"].create(
                    {"name": "T-1", "product_id": product.id}
                ),
            )
            delivery = self.picking(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                1,
                product=product,
                assign=False,
            )
            destinations[product] = [
                line.location_dest_id
                for line in (receipt | delivery).move_line_ids.sorted("id")
            ]
        self.assertEqual(destinations[self.tracked], destinations[self.native])
        self.assertEqual(
            destinations[self.native], [self.shelf, self.shelf, self.customer_location]
        )

    def test_batched_transfers_take_far_fewer_queries(self):
        names = [f"Q-{n:03d}" for n in range(40)]
        counts = {}
        for product in (self.native, self.tracked):
            for step, args in (
                (
                    "receipt",
                    (
                        self.supplier_location,
                        self.stock_location,
                        40,
                        self.warehouse.in_type_id,
                    ),
                ),
                (
                    "delivery",
                    (
                        self.stock_location,
                        self.customer_location,
                        40,
                        self.warehouse.out_type_id,
                    ),
                ),
            ):
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                with freeze_time(
                    "2026-02-01 09:00:00" if step == "receipt" else "2026-02-02"
                ):
                    self.validated_transfer(
                        product,
                        *args,
                        names=names if step == "receipt" else None,
                        partner=self.partner,
                    )
                counts[product, step] = self.env.cr.sql_log_count - before
        # Odoo's own code runs several queries per unit (about 280 for the
        # delivery, 180 for the receipt here); batched, a handful per transfer
        # (about 50 for the delivery; about 90 for the receipt, which also
        # creates the serials and their history, 165 if its quants are not
        # batched)
        self.assertLess(
            counts[self.tracked, "delivery"],
            counts[self.native, "delivery"] / 4,
            counts,
        )
        self.assertLess(
            counts[self.tracked, "receipt"],
            counts[self.native, "receipt"] * 0.6,
            counts,
        )
        self.assertEqual(
            self.outcome(self.tracked)["quants"], self.outcome(self.native)["quants"]
        )

    def stock_for_reservation(self, product, shelf_a):
        """Units at three places, received in an order their ids do not follow;
        one in a box, one owned by a partner, one without serial, and one
        serial counted twice (on hand on Shelf A, missing in stock)."""
        Quant = self.env["stock.quant"]
        box = self.env["stock.package"].create({"name": "Box 1"})
        lots = {
            name: self.env["stock.lot"].create({"name": name, "product_id": product.id})
            for name in ("R-1", "R-2", "R-3", "R-4", "R-5", "R-6", "R-7")
        }
        for name, location, day, extra in (
            ("R-3", self.stock_location, 3, {}),
            ("R-1", self.shelf, 5, {}),
            ("R-2", shelf_a, 1, {}),
            ("R-5", self.stock_location, 2, {"package_id": box}),
            ("R-4", self.shelf, 4, {"owner_id": self.partner}),
            ("R-6", self.stock_location, 6, {}),
            ("R-7", shelf_a, 7, {}),
        ):
            Quant._update_available_quantity(
                product,
                location,
                1,
                lot_id=lots[name],
                in_date=f"2026-03-0{day} 09:00:00",
                **extra,
            )
        Quant._update_available_quantity(
            product,
            self.stock_location,
            -1,
            lot_id=lots["R-7"],
            in_date="2026-03-08 09:00:00",
        )
        Quant._update_available_quantity(
            product, self.stock_location, 1, in_date="2026-03-01 08:00:00"
        )

    def reservations(self, product):
        """Reserve one unit, then nine more (more than is free), as Odoo does
        when a delivery is confirmed; what was reserved, line by line."""
        pickings = self.env["stock.picking"]
        for quantity in (1, 9):
            picking = self.picking(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                quantity,
                product=product,
                assign=False,
            )
            picking.action_assign()
            pickings |= picking
        self.env.flush_all()
        self.env.invalidate_all()
        quants = self.env["stock.quant"].search([("product_id", "=", product.id)])
        return {
            "lines": [
                [
                    (
                        ml.location_id.complete_name,
                        ml.location_dest_id.complete_name,
                        ml.lot_id.name or "",
                        ml.package_id.name or "",
                        ml.owner_id.name or "",
                        ml.quantity,
                        ml.quantity_product_uom,
                        ml.product_uom_id.name,
                        ml.state,
                        ml.picked,
                        ml.company_id.name,
                    )
                    for ml in picking.move_ids.move_line_ids.sorted("id")
                ]
                for picking in pickings
            ],
            "moves": [(m.state, m.quantity) for m in pickings.move_ids],
            "quants": sorted(
                (
                    q.location_id.complete_name,
                    q.lot_id.name or "",
                    q.package_id.name or "",
                    q.owner_id.name or "",
                    q.quantity,
                    q.reserved_quantity,
                )
                for q in quants
            ),
        }

    def test_reservation_same_lines_as_odoo_for_each_removal_strategy(self):
        self.maxDiff = None
        shelf_a = self.env["stock.location"].create(
            {
                "name": "Shelf A",
                "usage": "internal",
                "location_id": self.stock_location.id,
            }
        )
        for strategy in ("fifo", "lifo", "closest"):
            with self.subTest(strategy=strategy):
                self.stock_location.removal_strategy_id = self.env.ref(
                    f"stock.removal_{strategy}"
                )
                native = self.env["product.product"].create(
                    {
                        "name": f"Native Reserve {strategy}",
                        "is_storable": True,
                        "tracking": "serial",
                    }
                )
                tracked = self.create_tracked_product(
                    f"Tracked Reserve {strategy}", "physical"
                ).product_variant_id
                outcomes = []
                for product in (native, tracked):
                    self.stock_for_reservation(product, shelf_a)
                    outcomes.append(self.reservations(product))
                self.assertEqual(outcomes[1], outcomes[0])
                # worth comparing: the strategy chose the first unit, the
                # second delivery got what was left, the unit without serial last
                lines = outcomes[0]["lines"]
                self.assertEqual(
                    lines[0][0][2],
                    {"fifo": "R-2", "lifo": "R-7", "closest": "R-6"}[strategy],
                )
                self.assertEqual(len(lines[1]), 7)
                self.assertEqual(lines[1][-1][2], "")
                self.assertEqual(
                    outcomes[0]["moves"],
                    [("assigned", 1.0), ("partially_available", 7.0)],
                )

    def test_company_check_still_refuses_a_serial_of_another_company(self):
        other_company = self.env["res.company"].create({"name": "Batch Other Co"})
        theirs = (
            self.env["stock.lot"]
            .with_company(other_company)
            .create(
                {
                    "name": "THEIRS-1",
                    "product_id": self.tracked.id,
                    "company_id": other_company.id,
                }
            )
        )
        mine = self.env["stock.lot"].create(
            {"name": "MINE-1", "product_id": self.tracked.id}
        )
        picking = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            2,
            product=self.tracked,
            confirm=False,
        )
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": picking.move_ids.id,
                    "product_id": self.tracked.id,
                    "lot_id": lot.id,
                    "location_id": self.supplier_location.id,
                    "location_dest_id": self.stock_location.id,
                    "quantity": 1,
                }
                for lot in (mine, theirs)
            ]
        )
        picking.move_ids.picked = True
        with self.assertRaisesRegex(
            UserError, "company inconsistencies(.|\\n)*THEIRS-1"
        ):
            picking.button_validate()

    def test_company_check_still_refuses_serials_of_a_product_of_another_company(self):
        other_company = self.env["res.company"].create({"name": "Batch Other Co 2"})
        template = self.create_tracked_product(
            "Other Co Laptop", "accounting", company_id=other_company.id
        )
        with self.assertRaisesRegex(UserError, "company inconsistencies"):
            self.env["stock.lot"].create(
                [
                    {
                        "name": f"OC-{n}",
                        "product_id": template.product_variant_id.id,
                        "company_id": self.company.id,
                    }
                    for n in range(3)
                ]
            )

    def test_a_unit_reserved_where_it_has_no_quant(self):
        # Odoo makes a quant that holds only the reservation: its quantity
        # stays NULL, not 0
        raw = {}
        for product in (self.native, self.tracked):
            lot = self.env["stock.lot"].create(
                {"name": f"GHOST-{product.id}", "product_id": product.id}
            )
            picking = self.picking(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                1,
                product=product,
                assign=False,
            )
            picking.move_ids.move_line_ids = [
                Command.create(
                    {
                        "product_id": product.id,
                        "lot_id": lot.id,
                        "quantity": 1,
                        "location_id": self.stock_location.id,
                        "location_dest_id": self.customer_location.id,
                    }
                )
            ]
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT quantity, reserved_quantity FROM stock_quant WHERE lot_id = %s",
                [lot.id],
            )
            raw[product] = self.env.cr.fetchall()
        self.assertEqual(raw[self.native], [(None, 1.0)])
        self.assertEqual(raw[self.tracked], raw[self.native])

    def test_two_deliveries_of_the_same_serial_at_once(self):
        # Odoo skips a quant another transaction has locked and makes a new,
        # negative one: both deliveries would ship the unit. The batch skips
        # it too, without waiting, and refuses: Odoo's request layer runs the
        # validation again, which then finds the unit gone. The first
        # delivery's transaction stays open, holding the unit's quant, while
        # the second validates in another: had the second waited for that
        # lock, it would end with the lock timeout of cursor_env instead.
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Race Scanner",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "physical",
                }
            )
            product = template.product_variant_id
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            stock, customers = (
                warehouse.lot_stock_id,
                env.ref("stock.stock_location_customers"),
            )
            lot = env["stock.lot"]._serial_add_to_stock(product, ["RACE-SHIP-1"], stock)
            pickings = env["stock.picking"]
            for _delivery in range(2):
                pickings |= new_lined_transfer(
                    env,
                    warehouse.out_type_id,
                    stock,
                    customers,
                    product,
                    lots=lot,
                    picked=False,
                )
            pickings.move_ids.picked = True
            lot_id, stock_id = lot.id, stock.id
        self.addCleanup(self._drop_race, template.id, pickings.ids)
        with committed_env(self) as first:
            first["stock.picking"].browse(pickings[0].id).button_validate()
            first.flush_all()
            # the first delivery holds the unit's quant until it commits
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.LockNotAvailable),
                committed_env(self) as probe,
            ):
                probe.cr.execute(
                    """SELECT id FROM stock_quant
                        WHERE lot_id = %s AND location_id = %s
                          FOR UPDATE NOWAIT""",
                    [lot_id, stock_id],
                )
            try:
                with committed_env(self) as second:
                    second["stock.picking"].browse(pickings[1].id).button_validate()
                    second.flush_all()
                outcome = "done"
            except Exception as error:  # noqa: BLE001 - asserted below
                outcome = error
            self.assertIsInstance(
                outcome,
                (ConcurrencyError, UserError),
                "the second delivery shipped the unit too, or waited for the "
                "first's lock",
            )
        with committed_env(self) as env:
            first_state, second_state = (
                env["stock.picking"].browse(pickings.ids).mapped("state")
            )
            self.assertEqual(first_state, "done")
            self.assertNotEqual(second_state, "done")
            quants = env["stock.quant"].search([("lot_id.name", "=", "RACE-SHIP-1")])
            self.assertEqual(
                sorted((q.location_id.usage, q.quantity) for q in quants if q.quantity),
                [("customer", 1.0), ("inventory", -1.0)],
            )
            retried = env["stock.picking"].browse(pickings[1].id)
            with self.assertRaisesRegex(UserError, "RACE-SHIP-1 cannot leave"):
                retried.button_validate()

    def _drop_race(self, template_id, picking_ids):
        with committed_env(self) as env:
            env.cr.execute(
                "SELECT id FROM product_product WHERE product_tmpl_id = %s",
                [template_id],
            )
            product_ids = tuple(row[0] for row in env.cr.fetchall())
            for table in (
                "stock_move_line",
                "stock_quant",
                "stock_move",
                "stock_lot_history",
            ):
                env.cr.execute(
                    f"DELETE FROM {table} WHERE product_id IN %s", [product_ids]
                )
            env.cr.execute(
                "DELETE FROM stock_picking WHERE id IN %s", [tuple(picking_ids)]
            )
            env.cr.execute(
                "DELETE FROM stock_lot WHERE product_id IN %s", [product_ids]
            )
            env.cr.execute("DELETE FROM product_product WHERE id IN %s", [product_ids])
            env.cr.execute("DELETE FROM product_template WHERE id = %s", [template_id])

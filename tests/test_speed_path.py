# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import UserError

from ..models import stock_speed_path
from ..models.stock_speed_path import (
    MIRRORED_METHODS,
    SPEED_PATH_PARAM,
    current_fingerprints,
    forget_registry_state,
    speed_path_applies,
)
from .common import PhysicalModeCase, fingerprint_differences


class TestSpeedPathGuard(PhysicalModeCase):
    """The speed path's one check: the switch, and the fingerprints of the
    Odoo methods it mirrors (an update of Odoo that changes one of them
    switches it off)."""

    def setUp(self):
        super().setUp()
        # the guard is worked out once per registry: again for each test, and
        # again after it with the recorded fingerprints
        forget_registry_state(self.env)
        self.addCleanup(forget_registry_state, self.env)

    def test_mirrored_methods_are_those_written_against(self):
        # When this fails, Odoo changed a method the speed path mirrors: the
        # speed path is off until its copy in models/stock_speed_path.py is
        # checked against the new code and the new fingerprint recorded.
        current = current_fingerprints(self.env)
        differences = fingerprint_differences(current, MIRRORED_METHODS)
        self.assertFalse(
            differences,
            "The Odoo methods the speed path mirrors differ from those recorded; "
            "once the copies are checked against them, record in "
            "MIRRORED_METHODS:\n" + "\n".join(differences),
        )
        self.assertTrue(speed_path_applies(self.env["stock.quant"], self.product))
        # the comparison fails, naming the method, for a fingerprint that
        # differs, one not recorded, and a method gone from Odoo
        key = (
            "stock.move.line",
            "_action_done",
            "odoo.addons.stock.models.stock_move_line",
        )
        self.assertEqual(
            fingerprint_differences(current, {**MIRRORED_METHODS, key: "0" * 64}),
            [f"changed: {key!r}: {current[key]!r},"],
        )
        unrecorded = {
            recorded: fingerprint
            for recorded, fingerprint in MIRRORED_METHODS.items()
            if recorded != key
        }
        self.assertEqual(
            fingerprint_differences(current, unrecorded),
            [f"not recorded: {key!r}: {current[key]!r},"],
        )
        gone = (
            "stock.quant",
            "_serial_no_such_odoo_method",
            "odoo.addons.stock.models.stock_quant",
        )
        with patch.dict(MIRRORED_METHODS, {gone: "0" * 64}):
            self.assertEqual(
                fingerprint_differences(
                    current_fingerprints(self.env), MIRRORED_METHODS
                ),
                [f"gone from Odoo: {gone!r}"],
            )

    def test_the_switch_is_off_at_0_only(self):
        Param = self.env["ir.config_parameter"].sudo()
        for value, applies in (
            ("0", False),
            (" 0 ", False),
            ("1", True),
            # the second implementation of earlier versions, since removed
            ("2", True),
            (False, True),  # no parameter: the default
        ):
            with self.subTest(value=value):
                Param.set_param(SPEED_PATH_PARAM, value)
                self.assertEqual(
                    speed_path_applies(self.env["stock.quant"], self.product),
                    applies,
                )

    def test_the_products_it_applies_to(self):
        plain = self.env["product.product"].create(
            {"name": "Plain Storable", "is_storable": True}
        )
        accounting = self.accounting_product.product_variant_id
        records = self.env["stock.move"]
        self.assertTrue(speed_path_applies(records, self.product))
        self.assertTrue(speed_path_applies(records))
        for products in (plain, accounting, self.product | plain, plain.browse()):
            with self.subTest(products=products.mapped("name")):
                self.assertFalse(speed_path_applies(records, products))

    def validation_queries(self, prefix):
        """Queries of the validation of a delivery of 20 serials."""
        names = [f"{prefix}-{n}" for n in range(20)]
        self.add_serials(self.physical_product, names)
        delivery = self.new_delivery(len(names))
        self.enter(delivery.move_ids, ", ".join(names))
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        delivery.button_validate()
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - start
        self.assertEqual(delivery.state, "done")
        lots = delivery.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("name")), sorted(names))
        self.assertEqual(
            {quant.location_id for quant in lots.quant_ids if quant.quantity > 0},
            {self.customer_location},
        )
        self.assertEqual(set(lots.mapped("serial_status")), {"sold"})
        return queries

    def test_a_changed_odoo_method_switches_the_speed_path_off(self):
        on = self.validation_queries("FP-ON")
        changed_key = (
            "stock.move.line",
            "_action_done",
            "odoo.addons.stock.models.stock_move_line",
        )
        self.assertIn(changed_key, MIRRORED_METHODS)
        with (
            patch.dict(MIRRORED_METHODS, {changed_key: "0" * 64}),
            self.assertLogs(stock_speed_path.__name__, "WARNING") as logs,
        ):
            forget_registry_state(self.env)
            self.assertFalse(speed_path_applies(self.env["stock.quant"], self.product))
            # Odoo's code does the work, a handful of queries per serial
            # instead of a handful per transfer, with the same result
            off = self.validation_queries("FP-OFF")
            self.validation_queries("FP-OFF-AGAIN")
        self.assertGreater(off, on * 2, (on, off))
        # one warning, naming the method, however often the guard is asked
        self.assertEqual(len(logs.records), 1, logs.output)
        self.assertIn("stock.move.line._action_done", logs.output[0])
        self.assertNotIn("stock.quant", logs.output[0])
        # the recorded fingerprints back: on again
        forget_registry_state(self.env)
        self.assertTrue(speed_path_applies(self.env["stock.quant"], self.product))
        self.assertLess(self.validation_queries("FP-BACK"), off / 2)

    def test_a_method_gone_from_odoo_switches_it_off(self):
        missing = (
            "stock.quant",
            "_serial_no_such_odoo_method",
            "odoo.addons.stock.models.stock_quant",
        )
        with (
            patch.dict(MIRRORED_METHODS, {missing: "0" * 64}),
            self.assertLogs(stock_speed_path.__name__, "WARNING") as logs,
        ):
            forget_registry_state(self.env)
            self.assertIsNone(current_fingerprints(self.env)[missing])
            self.assertFalse(speed_path_applies(self.env["stock.quant"]))
        self.assertIn("stock.quant._serial_no_such_odoo_method", logs.output[0])


class TestValidationChecksOnTheSpeedPath(PhysicalModeCase):
    """Odoo's checks of Validate over every line of a transfer (the lines
    naming no serial, the quantity picked) answer on the speed path as Odoo's
    own code answers, asked of the database."""

    def both_ways(self, check):
        """``check()``'s answer with the speed path on and with it off."""
        answers = []
        for switch in ("1", "0"):
            self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, switch)
            self.env.invalidate_all()
            answers.append(check())
        return answers

    def test_a_line_naming_no_serial_is_refused_as_by_odoo(self):
        receipt = self.receipt("NS-1", "NS-2", "NS-3")
        receipt.move_ids.move_line_ids.sorted("id")[-1].write(
            {"lot_id": False, "lot_name": False}
        )
        receipt.move_ids.picked = True

        def refusal():
            with self.assertRaises(UserError) as raised:
                receipt.button_validate()
            return raised.exception.args[0]

        on, off = self.both_ways(refusal)
        self.assertIn("You need to supply a Lot/Serial number", on)
        self.assertEqual(on, off)
        lines = self.both_ways(
            lambda: receipt._get_lot_move_lines_for_sanity_check(set()).ids
        )
        self.assertEqual(lines[0], receipt.move_ids.move_line_ids.sorted("id")[-1:].ids)
        # Odoo's lists every line it checks; its caller reports those that
        # name no serial, the only ones the speed path returns
        self.assertEqual(
            receipt.env["stock.move.line"]
            .browse(lines[1])
            .filtered(lambda line: not line.lot_name and not line.lot_id)
            .ids,
            lines[0],
        )

    def test_the_quantity_picked_is_odoos(self):
        receipt = self.receipt("PQ-1", "PQ-2", "PQ-3")
        move = receipt.move_ids
        self.assertEqual(self.both_ways(move._get_picked_quantity), [3, 3])
        move.move_line_ids.sorted("id")[0].picked = False
        self.assertEqual(self.both_ways(move._get_picked_quantity), [2, 2])

    def test_a_package_leaving_whole_is_odoos_entire_pack(self):
        """Odoo's entire-package move (``_check_entire_pack``) where a
        package leaves whole; with no package, nothing to look at."""
        outcomes = []
        for switch in ("1", "0"):
            self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, switch)
            names = [f"EP{switch}-{number}" for number in range(1, 4)]
            self.receive(*names)
            package = self.env["stock.package"].create({"name": f"BOX-{switch}"})
            self.env["stock.quant"].search(
                [("lot_id", "in", self.lots(*names).ids), ("quantity", ">", 0)]
            ).move_quants(package_dest_id=package)
            delivery = self.new_delivery(3)
            lines = delivery.move_ids.move_line_ids
            outcomes.append(
                (
                    len(lines),
                    set(lines.mapped("package_id.name")),
                    set(lines.mapped("result_package_id.name")),
                    set(lines.mapped("is_entire_pack")),
                )
            )
            plain = self.new_delivery(1)
            self.receive(f"PL{switch}")
            plain.action_assign()
            self.assertFalse(plain.move_ids.move_line_ids.result_package_id)
        self.assertEqual(outcomes[0], (3, {"BOX-1"}, {"BOX-1"}, {True}))
        self.assertEqual(outcomes[1], (3, {"BOX-0"}, {"BOX-0"}, {True}))

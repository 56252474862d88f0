# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import UserError

from ..models import serial_bulk, stock_speed_path
from ..models.stock_lot import StockLot
from ..models.stock_speed_path import (
    MIRRORED_METHODS,
    SPEED_PATH_PARAM,
    SerialQuantBatch,
    current_fingerprints,
    forget_registry_state,
    speed_path_applies,
)
from .common import PhysicalModeCase, counting_calls, fingerprint_differences

# The addon's copies of Odoo's and the ORM's code, each run only where the
# speed path applies. assign_new_lots, name_blank_lines and lot_blank_lines
# ask the check themselves and do their copied work through write_each and
# write_lots_valued, counted here.
SPEED_PATH_COPIES = (
    (SerialQuantBatch, "_prepare"),
    (SerialQuantBatch, "update_key"),
    (SerialQuantBatch, "flush"),
    (stock_speed_path, "create_quants"),
    (stock_speed_path, "reserve_quantity"),
    (stock_speed_path, "reserve_units"),
    (stock_speed_path, "out_move_lines"),
    (stock_speed_path, "action_done_batched"),
    (stock_speed_path, "assign_lots_first"),
    (stock_speed_path, "write_each"),
    (stock_speed_path, "write_lots_valued"),
    (stock_speed_path, "putaway_is_destination"),
    (stock_speed_path, "lines_lacking_serial"),
    (stock_speed_path, "all_lines_picked"),
    (stock_speed_path, "no_line_in_a_package"),
    (serial_bulk, "check_company_in_bulk"),
    (StockLot, "_serial_create_batched"),
    (StockLot, "_serial_precompute_in_bulk"),
)


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

    def test_the_orms_own_methods_are_fingerprinted(self):
        """The ORM's methods the copies mirror (its create, for the quants
        written in one INSERT and the serials created by the batch) and its
        private APIs they use are fingerprinted: a change of any switches the
        speed path off, the warning naming it."""
        for key in (
            ("stock.quant", "create", "odoo.orm.models"),
            ("stock.quant", "_create", "odoo.orm.models"),
            ("stock.quant", "modified", "odoo.orm.models"),
            ("stock.lot", "create", "odoo.orm.models"),
            ("stock.lot", "_add_precomputed_values", "odoo.orm.models"),
            ("stock.lot", "default_get", "odoo.orm.models"),
            ("stock.lot", "_check_company", "odoo.orm.models"),
            ("stock.move.line", "_check_company", "odoo.orm.models"),
            ("Field", "_insert_cache", "odoo.orm.fields"),
            ("Many2one", "_update_inverses", "odoo.orm.fields_relational"),
            ("Environment", "protecting", "odoo.orm.environments"),
            ("Field", "write", "odoo.orm.fields"),
        ):
            model, method, module = key
            with self.subTest(key=key):
                self.assertIn(key, MIRRORED_METHODS)
                self.assertIsNotNone(current_fingerprints(self.env)[key])
                with (
                    patch.dict(MIRRORED_METHODS, {key: "0" * 64}),
                    self.assertLogs(stock_speed_path.__name__, "WARNING") as logs,
                ):
                    forget_registry_state(self.env)
                    self.assertFalse(speed_path_applies(self.env["stock.lot"]))
                self.assertEqual(len(logs.records), 1, logs.output)
                self.assertIn(f"{model}.{method} ({module})", logs.output[0])
                forget_registry_state(self.env)
                self.assertTrue(speed_path_applies(self.env["stock.lot"]))

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


class TestNoCopyWithTheSwitchOff(PhysicalModeCase):
    """With the switch at 0 Odoo's code does all the work: none of the
    addon's copies of Odoo's or the ORM's code (``SPEED_PATH_COPIES``) runs,
    while its own rules (statuses, history, the stock rules) hold as with it
    on; with it on, the same flows run every copy."""

    def run_flows(self, prefix):
        """Serials created in bulk into stock by an inventory adjustment, a
        receipt, an internal transfer, a delivery, its return and an
        inventory adjustment of a unit counted missing: {serial, without
        ``prefix``: (status, location, history)}, and the calls of each copy."""
        names = [f"{prefix}-{suffix}" for suffix in ("A1", "A2", "R1", "R2", "R3")]
        with counting_calls(SPEED_PATH_COPIES) as calls:
            self.add_serials(self.physical_product, names[:2])
            self.receive(*names[2:])
            self.transfer(
                self.warehouse.int_type_id, self.stock_location, self.shelf, names[2:4]
            )
            delivery = self.deliver(names[0], names[1], names[4])
            self.return_picking(delivery, *names[:2])
            counted = self.env["stock.quant"].search(
                [("lot_id", "=", self.lots(names[2]).id), ("quantity", ">", 0)]
            )
            self.assertEqual(counted.location_id, self.shelf)
            counted.with_context(inventory_mode=True).inventory_quantity = 0
            counted.action_apply_inventory()
        lots = self.lots(*names)
        self.assertEqual(len(lots), len(names))
        outcome = {
            lot.name.removeprefix(f"{prefix}-"): (
                lot.serial_status,
                lot.location_id.name,
                self.events(lot),
            )
            for lot in lots
        }
        return outcome, dict(calls)

    def test_no_copy_runs_with_the_switch_off(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(SPEED_PATH_PARAM, "0")
        off, calls_off = self.run_flows("OFF")
        Param.set_param(SPEED_PATH_PARAM, "1")
        on, calls_on = self.run_flows("ON")
        self.assertEqual(
            {copy: count for copy, count in calls_off.items() if count}, {}
        )
        self.assertEqual(
            [copy for copy, count in calls_on.items() if not count],
            [],
            calls_on,
        )
        self.assertEqual(len(calls_on), len(SPEED_PATH_COPIES))
        # the addon's rules, the same both ways
        self.assertEqual(off, on)
        self.assertEqual(
            off["A1"],
            ("returned", self.stock_location.name, ["ADJUST", "SHIP", "RETURN"]),
        )
        self.assertEqual(off["R2"][:2], ("in_stock", self.shelf.name))
        self.assertEqual(off["R2"][2], ["ANNOUNCE", "RECEIVE", "MOVE"])
        self.assertEqual(off["R3"][0], "sold")
        self.assertEqual(off["R1"][2][-1], "ADJUST")

    def test_a_quant_created_without_a_quants_cache(self):
        """Odoo validates a line with ``quants_cache=None`` while it frees
        another reservation; on the speed path a quant created then is added
        to no cache. With the switch off, Odoo's own create runs, which adds
        it to the cache it is given: none, a TypeError, as in Odoo."""
        lot = self.add_serials(self.physical_product, ["QC-1"])
        Quant = self.env["stock.quant"].sudo().with_context(quants_cache=None)
        values = {
            "product_id": self.product.id,
            "location_id": self.shelf.id,
            "lot_id": lot.id,
            "quantity": 0,
        }
        quant = Quant.create(values)
        self.assertEqual((quant.lot_id, quant.location_id), (lot, self.shelf))
        self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, "0")
        with self.assertRaises(TypeError), self.env.cr.savepoint():
            Quant.create({**values, "location_id": self.stock_location.id})

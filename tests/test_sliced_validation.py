# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.stock_speed_path import SPEED_PATH_PARAM
from .common import BackgroundValidationCase, purchase_order


@tagged("post_install", "-at_install")
class TestSlicedValidation(BackgroundValidationCase):
    """A transfer of more serial units than the company's slice size is
    validated slice by slice by the background job; what it stores is what
    validating it at once stores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.product | cls.twin).standard_price = 40.0
        cls.names = [f"SL-{number}" for number in range(1, 8)]

    def flows(self, product, sliced):
        """Seven units received, moved to the shelf, delivered from it, and
        four of them returned: each transfer validated at once, or in the
        background in slices of three (3 + 3 + the last unit; the return
        3 + 1)."""
        self.company.serial_background_validation_threshold = 3 if sliced else 0
        names = self.names

        def move(picking_type, source, destination, units, partner=None):
            picking = self.transfer(
                picking_type,
                source,
                destination,
                units,
                partner=partner,
                product=product,
                validate=False,
            )
            self.validate(picking)
            self.assertEqual(picking.state, "done")
            self.assertFalse(picking.serial_background_state)
            return picking

        move(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            names,
            self.vendor,
        )
        move(self.warehouse.int_type_id, self.stock_location, self.shelf, names)
        delivery = move(
            self.warehouse.out_type_id,
            self.shelf,
            self.customer_location,
            names,
            self.customer,
        )
        returned = self.return_picking(
            delivery, *names[:4], product=product, validate=False
        )
        self.validate(returned)
        self.assertEqual(returned.state, "done", returned.serial_background_error)

    def assert_slicing_changes_nothing(self):
        self.flows(self.product, sliced=False)
        split_before = self.env["stock.move"].search_count(
            [("product_id", "=", self.twin.id)]
        )
        self.flows(self.twin, sliced=True)
        at_once = self.stored_outcome(self.product)
        sliced = self.stored_outcome(self.twin)
        for key in at_once:
            self.assertEqual(sliced[key], at_once[key], key)
        # it was sliced: the moves were split
        self.assertGreater(
            self.env["stock.move"].search_count([("product_id", "=", self.twin.id)]),
            split_before + 4,
        )

    def test_slices_store_what_validating_at_once_stores(self):
        self.assert_slicing_changes_nothing()

    def test_slices_store_the_same_without_speed_path(self):
        self.env["ir.config_parameter"].sudo().set_param(SPEED_PATH_PARAM, "0")
        self.assert_slicing_changes_nothing()

    def test_progress_counts_the_units_of_each_slice(self):
        receipt = self.receipt(*self.names)
        receipt.button_validate()
        self.assertEqual(receipt.serial_background_units_total, 7)
        self.assertEqual(receipt.serial_background_units_done, 0)
        slices = []
        receipt._serial_validate_in_background(
            after_slice=lambda count: slices.append(count) or True
        )
        self.assertEqual(slices, [3, 3])
        self.assertEqual(receipt.state, "done")
        self.assertEqual(self.in_stock(*self.names), 7)

    def test_a_run_that_must_stop_leaves_the_rest_queued(self):
        receipt = self.receipt(*self.names)
        receipt.button_validate()
        more = receipt._serial_validate_in_background(after_slice=lambda count: False)
        self.assertTrue(more)
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertEqual(receipt.serial_background_units_done, 3)
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(self.in_stock(*self.names), 3)
        # the transfer is locked meanwhile
        for action in (
            receipt.button_validate,
            receipt.action_cancel,
            receipt.do_unreserve,
            lambda: receipt.write({"origin": "edited"}),
            lambda: receipt.move_ids[:1].action_open_serial_entry(),
        ):
            with self.assertRaisesRegex(UserError, "cannot be changed, validated"):
                action()
        self.assertFalse(receipt.origin)
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(self.in_stock(*self.names), 7)

    def test_failing_slice_keeps_the_slices_before_it(self):
        receipt = self.receipt(*self.names)
        receipt.with_user(self.stock_user).button_validate()
        # meanwhile the fifth unit (slice 2) came in through another receipt
        self.company.serial_background_validation_threshold = 0
        self.receive("SL-5")
        self.company.serial_background_validation_threshold = 3
        history = self.env["stock.lot.history"].search_count([])
        self.run_job()
        self.assertEqual(receipt.serial_background_state, "failed")
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_background_units_done, 3)
        error = receipt.serial_background_error
        self.assertIn("3 of 7 serial units were validated", error)
        self.assertIn("the other 4 are still to validate", error)
        self.assertIn("SL-5 cannot be received", error)
        # slice 1 is done, slice 2 left nothing behind
        self.assertEqual(self.in_stock("SL-1", "SL-2", "SL-3"), 3)
        self.assertFalse(self.lots("SL-4", "SL-6", "SL-7"))
        self.assertEqual(self.env["stock.lot.history"].search_count([]), history + 3)
        done = receipt.move_ids.filtered(lambda move: move.state == "done")
        self.assertEqual(done.move_line_ids.lot_id.mapped("name"), self.names[:3])
        self.assertEqual(
            sum(
                receipt.move_ids.filtered(lambda m: m.state == "assigned").mapped(
                    "quantity"
                )
            ),
            4,
        )
        message = receipt.message_ids.filtered(
            lambda m: "could not be validated in the background" in (m.body or "")
        )
        self.assertIn("3 of 7 serial units were validated", message.body)
        self.assertIn(self.stock_user.partner_id, message.partner_ids)
        # fixed, the rest is validated again, and the transfer is done once
        receipt.move_ids.move_line_ids.filtered(
            lambda line: line.lot_name == "SL-5"
        ).lot_name = "SL-8"
        self.validate(receipt)
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_background_state)
        self.assertFalse(receipt.backorder_ids)
        # SL-5 came in through the other receipt
        self.assertEqual(self.in_stock(*self.names, "SL-8"), 8)

    def test_backorder_made_once_with_the_last_slice(self):
        receipt = self.partial_receipt(*self.names)
        action = receipt.button_validate()
        Form.from_action(self.env, action).save().process()
        self.assertEqual(receipt.serial_background_state, "queued")
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(len(receipt.backorder_ids), 1)
        self.assertEqual(receipt.backorder_ids.move_ids.product_uom_qty, 1)
        self.assertEqual(sum(receipt.move_ids.mapped("quantity")), 7)
        self.assertEqual(self.in_stock(*self.names), 7)


@tagged("post_install", "-at_install", "serial_tracking_purchase")
class TestSlicedPurchaseReceipt(BackgroundValidationCase):
    """Runs on a database with Purchase (purchase_stock), installed by the
    test command for these tests only: the purchase order's received
    quantities are the same whether its receipt is validated at once or in
    slices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "purchase_line_id" not in cls.env["stock.move"]._fields:
            raise unittest.SkipTest("purchase_stock is not installed on this database")

    def buy_and_receive(self, product, sliced):
        """An order of eight units; seven received, the eighth left to a
        backorder."""
        self.company.serial_background_validation_threshold = 3 if sliced else 0
        order = purchase_order(self.env, self.vendor, product, 8)
        receipt = order.picking_ids
        names = [f"PO-{number}" for number in range(1, 9)]
        self.enter(receipt.move_ids, "\n".join(names))
        receipt.move_ids.move_line_ids.filtered(
            lambda line: (line.lot_id.name or line.lot_name) == "PO-8"
        ).unlink()
        Form.from_action(self.env, receipt.button_validate()).save().process()
        if receipt.serial_background_state == "queued":
            self.run_job()
        self.assertEqual(receipt.state, "done")
        return order

    def test_order_receives_the_same_in_slices(self):
        at_once = self.buy_and_receive(self.product, sliced=False)
        sliced = self.buy_and_receive(self.twin, sliced=True)
        self.assertGreater(len(sliced.picking_ids.move_ids), 2)
        for order in (at_once, sliced):
            self.assertEqual(order.order_line.qty_received, 7)
            self.assertEqual(order.receipt_status, "partial")
            self.assertEqual(len(order.picking_ids), 2)
        at_once_outcome = self.stored_outcome(self.product)
        sliced_outcome = self.stored_outcome(self.twin)
        for key in at_once_outcome:
            self.assertEqual(sliced_outcome[key], at_once_outcome[key], key)


@tagged("post_install", "-at_install")
class TestMarkAsToDoInSlices(BackgroundValidationCase):
    """Mark as To Do on a transfer of at least the company's threshold of
    serial units confirms it at once and leaves the lines of its units (one
    per unit to come, or the units reserved) to the background job, slice by
    slice; the transfer ends as Odoo's own Mark as To Do leaves it."""

    def mark_as_to_do(self, picking, sliced):
        self.company.serial_background_validation_threshold = 3 if sliced else 0
        result = picking.action_confirm()
        if sliced:
            self.assertEqual(result["params"]["title"], "Prepared in the background")
            self.assertEqual(picking.serial_background_state, "queued")
            self.assertEqual(picking.serial_background_action, "assign")
            self.assertEqual(picking.serial_background_units_total, 7)
            self.assertFalse(picking.move_line_ids)
            self.run_job()
        self.assertFalse(picking.serial_background_state)
        return picking

    def outcome(self, picking):
        return (
            picking.state,
            picking.move_ids.mapped("state"),
            sum(picking.move_ids.mapped("quantity")),
            sorted(
                (line.lot_id.name or "", line.quantity, line.location_id.id)
                for line in picking.move_line_ids
            ),
        )

    def both(self, picking_type, source, destination):
        """The same transfer of each product marked as to do: the product's at
        once, the twin's in slices."""
        return [
            self.mark_as_to_do(
                self.picking(
                    picking_type, source, destination, 7, product=product, confirm=False
                ),
                sliced,
            )
            for product, sliced in ((self.product, False), (self.twin, True))
        ]

    def test_receipt_lines_made_in_slices(self):
        pickings = self.both(
            self.warehouse.in_type_id, self.supplier_location, self.stock_location
        )
        self.assertEqual(self.outcome(pickings[1]), self.outcome(pickings[0]))
        self.assertEqual(len(pickings[1].move_line_ids), 7)
        self.assertEqual(pickings[1].state, "assigned")
        message = pickings[1].message_ids.filtered(
            lambda m: "the lines of its serial units were made" in (m.body or "")
        )
        self.assertTrue(message)

    def test_delivery_reserves_in_slices_what_is_in_stock(self):
        for product in (self.product, self.twin):
            self.add_serials(product, [f"MT-{n}" for n in range(1, 6)])
        pickings = self.both(
            self.warehouse.out_type_id, self.stock_location, self.customer_location
        )
        # five of seven in stock: both partially available, the same units
        self.assertEqual(self.outcome(pickings[1]), self.outcome(pickings[0]))
        self.assertEqual(sum(pickings[1].move_ids.mapped("quantity")), 5)

    def test_lines_left_to_the_job_are_made_by_it_only(self):
        picking = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            7,
            confirm=False,
        )
        picking.action_confirm()
        # as Odoo's scheduler does for every confirmed move
        picking.move_ids._action_assign()
        self.assertFalse(picking.move_line_ids)
        self.assertTrue(picking.move_ids.serial_assign_pending)
        self.run_job()
        self.assertEqual(len(picking.move_line_ids), 7)
        self.assertFalse(picking.move_ids.serial_assign_pending)

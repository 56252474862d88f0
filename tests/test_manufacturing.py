# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo import Command
from odoo.tests import Form, tagged

from .common import SerialTrackingCase


@tagged("post_install", "-at_install", "serial_tracking_mrp")
class TestManufacturing(SerialTrackingCase):
    """Runs on a database with Manufacturing (mrp): the test command installs
    it in a database of its own for these tests only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mrp.production" not in cls.env:
            raise unittest.SkipTest("mrp is not installed on this database")
        cls.board = cls.create_tracked_product(
            "Tracked Board", "physical"
        ).product_variant_id
        cls.robot = cls.create_tracked_product(
            "Tracked Robot", "physical"
        ).product_variant_id
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.robot.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": cls.board.id, "product_qty": 1})
                ],
            }
        )

    def build(self, robot_serial, board):
        form = Form(self.env["mrp.production"])
        form.product_id = self.robot
        form.bom_id = self.bom
        production = form.save()
        production.action_confirm()
        production.move_raw_ids.move_line_ids.unlink()
        production.move_raw_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.board.id,
                    "lot_id": board.id,
                    "quantity": 1,
                    "location_id": production.location_src_id.id,
                    "location_dest_id": production.move_raw_ids.location_dest_id.id,
                }
            )
        ]
        production.move_raw_ids.picked = True
        form = Form(production)
        form.lot_producing_ids.set(
            self.env["stock.lot"].create(
                {"name": robot_serial, "product_id": self.robot.id}
            )
        )
        production = form.save()
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        return production

    def test_build_unbuild_and_build_again(self):
        board = self.add_serials(self.board.product_tmpl_id, ["CB-1"])
        production = self.build("FR-1", board)
        robot = production.lot_producing_ids
        self.assertEqual(board.serial_status, "consumed")
        self.assertEqual(
            (robot.serial_status, robot.location_id), ("in_stock", self.stock_location)
        )
        self.assertIn("BUILD", robot.history_ids.mapped("event_type"))
        self.assertIn("CONSUME", board.history_ids.mapped("event_type"))

        form = Form(self.env["mrp.unbuild"])
        form.mo_id = production
        form.lot_id = robot
        form.save().action_unbuild()
        self.assertEqual(board.serial_status, "in_stock")
        self.assertEqual(board.location_id, self.stock_location)
        self.assertEqual(robot.serial_status, "consumed")

        # the unbuilt board goes into a new robot
        again = self.build("FR-2", board)
        self.assertEqual(board.serial_status, "consumed")
        self.assertEqual(again.lot_producing_ids.serial_status, "in_stock")
        self.assertEqual(
            board.quant_ids.filtered(lambda quant: quant.quantity > 0).location_id,
            again.move_raw_ids.location_dest_id,
        )

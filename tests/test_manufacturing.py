# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import Form, tagged

from .common import ManufacturingCase


@tagged("post_install", "-at_install", "serial_tracking_mrp")
class TestManufacturing(ManufacturingCase):
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

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SubcontractingCase


@tagged("post_install", "-at_install", "serial_tracking_subcontracting")
class TestSubcontracting(SubcontractingCase):
    """Odoo's subcontracting with Track Serials physical products: Odoo
    receives the product from the subcontractor's place before it records the
    production there, in the same validation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production_location = cls.amplifier.property_stock_production

    def validate(self, receipt):
        receipt.move_ids.picked = True
        return receipt.button_validate()

    def test_finished_and_components_tracked_without_resupply(self):
        # the subcontractor uses boards of their own: none of them is ours
        boards = self.env["stock.lot"].create(
            [{"name": name, "product_id": self.board.id} for name in ("BRD-1", "BRD-2")]
        )
        receipt = self.subcontracted_receipt(self.amplifier, 2)
        self.record_finished(receipt, "AMP-1", "AMP-2")
        amplifiers = receipt.move_ids.move_line_ids.lot_id
        for amplifier, board in zip(amplifiers, boards, strict=True):
            production = self.production_of(receipt, amplifier)
            self.consume(production, self.board, board)
            self.consume(production, self.screw, [], quantity=1)
        self.assertIs(self.validate(receipt), True)

        self.assertEqual(receipt.state, "done")
        productions = receipt._get_subcontract_production()
        self.assertEqual(productions.mapped("state"), ["done", "done"])
        for amplifier in amplifiers:
            self.assertEqual(amplifier.serial_status, "in_stock")
            self.assertEqual(amplifier.location_id, self.stock_location)
            self.assertTrue(amplifier.date_received)
            # built at the subcontractor, then received from there
            self.assertEqual(
                self.life(amplifier),
                [
                    ("BUILD", self.production_location, self.subcontracting_location),
                    ("RECEIVE", self.subcontracting_location, self.stock_location),
                ],
            )
            build, receive = amplifier.history_ids.sorted("date")
            self.assertLess(build.date, receive.date)
            self.assertEqual(receive.partner_id, self.subcontractor)
            self.assertEqual(build.partner_id, self.subcontractor)
            self.assertEqual(receive.res_model, "stock.picking")
            self.assertEqual(receive.res_id, receipt.id)
        for board in boards:
            self.assertEqual(board.serial_status, "consumed")
            self.assertEqual(
                self.life(board),
                [("CONSUME", self.subcontracting_location, self.production_location)],
            )
        # Odoo's own stock: the subcontractor's boards and screws are counted
        # negative at their place, nothing of the amplifiers stays there
        Quant = self.env["stock.quant"]
        self.assertEqual(
            Quant._get_available_quantity(
                self.board, self.subcontracting_location, allow_negative=True
            ),
            -2,
        )
        self.assertEqual(
            Quant._get_available_quantity(
                self.amplifier, self.subcontracting_location, allow_negative=True
            ),
            0,
        )
        self.assertEqual(
            Quant._get_available_quantity(self.amplifier, self.stock_location), 2
        )
        # the component built into each amplifier shows in its trace
        production = self.production_of(receipt, amplifiers[0])
        self.assertEqual(production.move_raw_ids.lot_ids, boards[0])

    def test_board_in_our_stock_is_not_consumed_at_the_subcontractor(self):
        board = self.add_serials(self.board.product_tmpl_id, ["BRD-9"])
        receipt = self.subcontracted_receipt(self.amplifier, 1)
        self.record_finished(receipt, "AMP-9")
        production = receipt._get_subcontract_production()
        self.consume(production, self.board, board)
        with self.assertRaises(UserError) as refused:
            self.validate(receipt)
        self.assertRegex(
            str(refused.exception),
            "BRD-9 cannot leave .*Subcontracting: it is not there \\(it is at "
            "WH/Stock\\)",
        )
        self.env.invalidate_all()
        self.assertNotEqual(receipt.state, "done")
        self.assertNotEqual(production.state, "done")
        self.assertEqual(board.location_id, self.stock_location)
        self.assertEqual(board.serial_status, "in_stock")
        self.assertEqual(board.history_ids.mapped("event_type"), ["ADJUST"])
        amplifier = receipt.move_ids.move_line_ids.lot_id
        self.assertFalse(amplifier.history_ids)
        self.assertFalse(amplifier.quant_ids)

    def test_unit_in_stock_is_not_received_again_from_the_subcontractor(self):
        unit = self.add_serials(self.amplifier.product_tmpl_id, ["AMP-7"])
        receipt = self.subcontracted_receipt(self.amplifier, 1)
        self.record_finished(receipt, "AMP-7")
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, unit)
        production = receipt._get_subcontract_production()
        self.consume(production, self.screw, [], quantity=1)
        with self.assertRaises(UserError) as refused:
            self.validate(receipt)
        self.assertIn(
            "AMP-7 cannot be received: it is already in stock at WH/Stock",
            str(refused.exception),
        )
        self.env.invalidate_all()
        self.assertNotEqual(receipt.state, "done")
        self.assertEqual(unit.history_ids.mapped("event_type"), ["ADJUST"])
        self.assertEqual(
            unit.quant_ids.filtered(
                lambda quant: quant.location_id.usage == "internal"
            ).mapped(lambda quant: (quant.location_id, quant.quantity)),
            [(self.stock_location, 1)],
        )

    def test_components_tracked_with_resupply(self):
        self.board.route_ids = [Command.link(self.resupply_route.id)]
        speaker = self.env["product.product"].create(
            {"name": "Speaker", "type": "consu", "is_storable": True}
        )
        self.subcontracting_bom(speaker, self.board)
        boards = self.add_serials(self.board.product_tmpl_id, ["BRD-1", "BRD-2"])
        receipt = self.subcontracted_receipt(speaker, 2)
        production = receipt._get_subcontract_production()
        resupply = production.picking_ids
        self.assertEqual(resupply.location_dest_id, self.subcontracting_location)
        resupply.action_assign()
        self.assertEqual(resupply.move_line_ids.lot_id, boards)
        resupply.button_validate()
        self.assertEqual(resupply.state, "done")
        self.assertEqual(boards.location_id, self.subcontracting_location)

        # the speakers come back the next day: Odoo dates the production a
        # second before the receipt, which within one second of test time
        # would precede the resupply
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            self.consume(production, self.board, boards)
            self.assertIs(self.validate(receipt), True)
        self.assertEqual(production.state, "done")
        for board in boards:
            self.assertEqual(board.serial_status, "consumed")
            self.assertEqual(
                self.life(board)[-2:],
                [
                    ("MOVE", self.stock_location, self.subcontracting_location),
                    ("CONSUME", self.subcontracting_location, self.production_location),
                ],
            )
        self.assertFalse(
            self.env["stock.quant"]._get_available_quantity(
                self.board, self.subcontracting_location, allow_negative=True
            )
        )

    def test_backorder_with_resupply(self):
        self.board.route_ids = [Command.link(self.resupply_route.id)]
        boards = self.add_serials(
            self.board.product_tmpl_id, ["BRD-1", "BRD-2", "BRD-3"]
        )
        self.env["stock.quant"]._update_available_quantity(
            self.screw, self.stock_location, 3
        )
        receipt = self.subcontracted_receipt(self.amplifier, 3)
        resupply = receipt._get_subcontract_production().picking_ids
        resupply.action_assign()
        self.assertIs(resupply.button_validate(), True)
        self.assertEqual(boards.location_id, self.subcontracting_location)

        # two of the three amplifiers come first
        self.record_finished(receipt, "AMP-1", "AMP-2")
        first = receipt.move_ids.move_line_ids.lot_id
        for amplifier, board in zip(first, boards[:2], strict=True):
            production = self.production_of(receipt, amplifier)
            self.consume(production, self.board, board)
            self.consume(production, self.screw, [], quantity=1)
        wizard = self.validate(receipt)
        Form.from_action(self.env, wizard).save().process()
        self.assertEqual(receipt.state, "done")
        backorder = receipt.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)

        self.record_finished(backorder, "AMP-3")
        last = backorder.move_ids.move_line_ids.lot_id
        production = self.production_of(backorder, last)
        self.consume(production, self.board, boards[2])
        self.consume(production, self.screw, [], quantity=1)
        self.assertIs(self.validate(backorder), True)
        self.assertEqual(backorder.state, "done")

        for amplifier in first | last:
            self.assertEqual(amplifier.serial_status, "in_stock")
            self.assertEqual(
                self.life(amplifier),
                [
                    ("BUILD", self.production_location, self.subcontracting_location),
                    ("RECEIVE", self.subcontracting_location, self.stock_location),
                ],
            )
        self.assertEqual(
            last.history_ids.filtered(lambda row: row.event_type == "RECEIVE").res_id,
            backorder.id,
        )
        self.assertEqual(set(boards.mapped("serial_status")), {"consumed"})
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.amplifier, self.stock_location
            ),
            3,
        )

    def test_mass_receipt_by_a_user_without_manage_serials(self):
        tuner = self.create_tracked_product("Tracked Tuner", "physical")
        tuner = tuner.product_variant_id
        self.subcontracting_bom(tuner, self.screw)
        receipt = self.subcontracted_receipt(tuner, 5)
        # Odoo has the one who receives subcontracted products record their
        # productions: an Inventory and Manufacturing user
        user = new_test_user(
            self.env,
            login="st_subcontracting_user",
            groups="stock.group_stock_user,mrp.group_mrp_user",
        )
        self.assertFalse(user.has_group("serial_tracking.group_manage_serials"))
        receipt = receipt.with_user(user)
        # Odoo's mass generation of serials on the receipt: one production each
        self.record_finished(receipt, *(f"TUN-{index}" for index in range(1, 6)))
        # a busy server: every reading of the clock is a second later
        with freeze_time(fields.Datetime.now(), auto_tick_seconds=1):
            self.assertIs(self.validate(receipt), True)
        self.assertEqual(receipt.state, "done")
        productions = receipt.sudo()._get_subcontract_production()
        self.assertEqual(len(productions), 5)
        self.assertEqual(set(productions.mapped("state")), {"done"})
        tuners = productions.lot_producing_ids
        self.assertEqual(
            sorted(tuners.mapped("name")), [f"TUN-{index}" for index in range(1, 6)]
        )
        self.assertEqual(set(tuners.mapped("serial_status")), {"in_stock"})
        for unit in tuners:
            self.assertEqual(
                [event for event, _source, _destination in self.life(unit)],
                ["BUILD", "RECEIVE"],
            )
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.screw, self.subcontracting_location, allow_negative=True
            ),
            -5,
        )


@tagged("post_install", "-at_install", "serial_tracking_subcontracting")
class TestSubcontractingPortal(SubcontractingCase):
    """The subcontractor records the serials of what they made and used on
    Odoo's subcontracting portal, as a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Assembly Contact", "parent_id": cls.subcontractor.id}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="st_subcontractor",
            groups="base.group_portal,stock.group_production_lot",
            partner_id=cls.contact.id,
        )
        cls.cable = cls.create_tracked_product(
            "Tracked Cable", "physical"
        ).product_variant_id

    def portal_create(self, name, product):
        lot = (
            self.env["stock.lot"]
            .with_user(self.portal_user)
            .create({"name": name, "product_id": product.id})
        )
        return lot.with_env(self.env)

    def test_subcontractor_records_serials_on_the_portal(self):
        # no open production: creating a serial by hand is still refused
        with self.assertRaises(AccessError) as refused:
            self.portal_create("AMP-P0", self.amplifier)
        self.assertIn("Manage Serials", str(refused.exception))
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "AMP-P0")]))
        receipt = self.subcontracted_receipt(self.amplifier, 1)
        # a product the subcontractor neither makes nor uses for us
        with self.assertRaises(AccessError):
            self.portal_create("CBL-P1", self.cable)
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "CBL-P1")]))

        amplifier = self.portal_create("AMP-P1", self.amplifier)
        board = self.portal_create("BRD-P1", self.board)
        self.assertTrue(amplifier.is_serial and board.is_serial)

        # the portal's screens: the production's serial, then its components
        portal_receipt = receipt.with_user(self.portal_user).with_context(
            is_subcontracting_portal=1
        )
        action = portal_receipt.move_ids.action_show_subcontract_details()
        production = portal_receipt._get_subcontract_production()
        with Form(
            production.with_context(**action["context"]), view=action["views"][0][0]
        ) as form:
            form.lot_producing_ids.set(amplifier)
            lines = form.move_line_raw_ids._records
            boards = [
                index
                for index, line in enumerate(lines)
                if line["product_id"] == self.board.id
            ]
            if boards:
                with form.move_line_raw_ids.edit(boards[0]) as line:
                    line.lot_id = board
            else:
                with form.move_line_raw_ids.new() as line:
                    line.product_id = self.board
                    line.lot_id = board
                    line.quantity = 1
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, amplifier)
        self.assertEqual(production.lot_producing_ids, amplifier)
        self.assertEqual(production.move_raw_ids.lot_ids, board)
        # the portal user cannot validate; the company does
        with self.assertRaises(UserError):
            portal_receipt.button_validate()
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(amplifier.serial_status, "in_stock")
        self.assertEqual(
            [event for event, _source, _destination in self.life(amplifier)],
            ["BUILD", "RECEIVE"],
        )
        self.assertEqual(board.serial_status, "consumed")
        self.assertEqual(
            [event for event, _source, _destination in self.life(board)], ["CONSUME"]
        )
        # once the production is done, hand-made serials are refused again
        with self.assertRaises(AccessError) as refused:
            self.portal_create("AMP-P2", self.amplifier)
        self.assertIn("Manage Serials", str(refused.exception))

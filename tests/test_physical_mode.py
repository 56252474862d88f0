# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import PhysicalModeCase


class TestPhysicalMode(PhysicalModeCase):
    def test_receipt_through_the_entry_dialog(self):
        receipt = self.new_receipt(3)
        wizard = self.enter(receipt.move_ids, "P-1..P-3")
        self.assertEqual(wizard.mode, "add")
        # the serials are Expected units on the lines until validated
        self.assertEqual(
            sorted(receipt.move_ids.move_line_ids.lot_id.mapped("name")),
            ["P-1", "P-2", "P-3"],
        )
        self.assertEqual(
            set(receipt.move_ids.move_line_ids.lot_id.mapped("serial_status")),
            {"expected"},
        )
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        lot = self.lots("P-2")
        self.assertEqual(lot.serial_status, "in_stock")
        self.assertEqual(lot.location_id, self.stock_location)
        self.assertTrue(lot.date_received)
        self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE"])
        # the history is the audit trail: no chatter message per received unit
        self.assertFalse(lot.message_ids)
        announced, row = lot.history_ids.sorted("id")
        self.assertEqual(announced.document_ref, receipt)
        self.assertEqual(row.document_ref, receipt)
        self.assertEqual(
            (row.location_id, row.location_dest_id),
            (self.supplier_location, self.stock_location),
        )
        self.assertEqual(self.product.qty_available, 3)

    def test_delivery_selects_units_and_sells_them(self):
        self.receive("Q-1", "Q-2")
        delivery = self.new_delivery(1)
        wizard = self.enter(delivery.move_ids, auto_select=True)
        self.assertEqual(wizard.mode, "remove")
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, self.lots("Q-1"))
        delivery.button_validate()
        lot = self.lots("Q-1")
        self.assertEqual(lot.serial_status, "sold")
        self.assertEqual(lot.holder_partner_id, self.customer)
        self.assertTrue(lot.warranty_date_start)
        self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE", "SHIP"])
        self.assertEqual(self.lots("Q-2").serial_status, "in_stock")

    def test_return_brings_the_same_serial_back(self):
        self.receive("R-1")
        delivery = self.deliver("R-1")
        self.return_picking(delivery, "R-1")
        lot = self.lots("R-1")
        self.assertEqual(lot.serial_status, "returned")
        self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE", "SHIP", "RETURN"])

    def test_internal_transfer_and_single_serial_move(self):
        self.receive("M-1", "M-2")
        self.transfer(
            self.warehouse.int_type_id, self.stock_location, self.shelf, ["M-1"]
        )
        lot = self.lots("M-1")
        self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE", "MOVE"])
        move_row = lot.history_ids.sorted("id")[-1]
        self.assertEqual(
            (move_row.location_id, move_row.location_dest_id),
            (self.stock_location, self.shelf),
        )
        self.assertEqual(lot.location_id, self.shelf)
        self.assertEqual(lot.serial_status, "in_stock")
        # moving one serial from its form
        other = self.lots("M-2")
        other.with_user(self.serial_manager).location_id = self.shelf
        self.assertEqual(self.events(other), ["ANNOUNCE", "RECEIVE", "MOVE"])
        self.assertEqual(other.location_id, self.shelf)

    def test_scrap(self):
        self.receive("S-1")
        scrap = self.scrap("S-1")
        lot = self.lots("S-1")
        self.assertEqual(lot.serial_status, "scrapped")
        self.assertEqual(self.events(lot), ["ANNOUNCE", "RECEIVE", "ADJUST"])
        self.assertEqual(lot.history_ids.sorted("id")[-1].document_ref, scrap)

    def test_initialize_serials_keeps_on_hand_quantities(self):
        template = self.env["product.template"].create(
            {"name": "Old Stock Scanner", "type": "consu", "is_storable": True}
        )
        product = template.product_variant_id
        self.env["stock.quant"]._update_available_quantity(
            product, self.stock_location, 3
        )
        template.write(
            {"serial_tracking_enabled": True, "serial_tracking_mode": "physical"}
        )
        self.assertEqual(template.serial_untracked_qty, 3)
        action = template.action_initialize_serials()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual(
            (wizard.required_count, wizard.location_id), (3, self.stock_location)
        )
        wizard.paste_text = "INIT-1..INIT-3"
        wizard.action_add_pasted()
        wizard.action_confirm()
        template.invalidate_recordset(["serial_untracked_qty"])
        self.assertEqual(template.serial_untracked_qty, 0)
        self.assertEqual(
            product.with_context(location=self.stock_location.id).qty_available, 3
        )
        lots = template.serial_ids
        self.assertEqual(len(lots), 3)
        self.assertEqual(set(lots.mapped("product_qty")), {1})
        self.assertEqual(set(lots.history_ids.mapped("event_type")), {"ADJUST"})

    def test_auto_serial_numbers_at_validation(self):
        self.physical_product.write(
            {
                "serial_auto_number": True,
                "serial_number_format": "AUTO-[[INCNUM,NONE,3]]",
            }
        )
        receipt = self.new_receipt(2)
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(
            sorted(receipt.move_line_ids.lot_id.mapped("name")),
            ["AUTO-001", "AUTO-002"],
        )
        self.assertEqual(
            set(receipt.move_line_ids.lot_id.mapped("serial_status")), {"in_stock"}
        )

    def test_entry_refuses_serials_in_stock_or_elsewhere(self):
        self.receive("X-1")
        self.receive("Y-1")
        self.transfer(
            self.warehouse.int_type_id, self.stock_location, self.shelf, ["Y-1"]
        )
        receipt = self.new_receipt(1)
        action = receipt.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.paste_text = "X-1"
        wizard.action_add_pasted()
        self.assertIn("already in stock", wizard.problem)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        delivery = self.new_delivery(1, self.shelf)
        action = delivery.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.paste_text = "X-1"
        with self.assertRaisesRegex(UserError, "not available at .*Shelf 9: X-1"):
            wizard.action_select_pasted()
        self.assertFalse(
            delivery.move_ids.move_line_ids.lot_id.filtered(
                lambda lot: lot.name == "X-1"
            )
        )

    def test_stock_user_without_the_group_receives_serials(self):
        receipt = self.new_receipt(1)
        move = receipt.move_ids.with_user(self.stock_user)
        action = move.action_open_serial_entry()
        wizard = (
            self.env["serial.entry.wizard"]
            .with_user(self.stock_user)
            .browse(action["res_id"])
        )
        wizard.paste_text = "USER-1"
        wizard.action_add_pasted()
        wizard.action_confirm()
        receipt.with_user(self.stock_user).button_validate()
        self.assertEqual(self.lots("USER-1").serial_status, "in_stock")

    def test_server_refuses_receiving_a_serial_in_stock(self):
        self.receive("DUP-1")
        receipt = self.new_receipt(1)
        receipt.move_ids._serial_set_move_lines(names=["DUP-1"])
        with self.assertRaisesRegex(
            UserError, "DUP-1 cannot be received: it is already in stock"
        ):
            receipt.button_validate()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(self.events(self.lots("DUP-1")), ["ANNOUNCE", "RECEIVE"])

    def test_server_refuses_a_unit_leaving_where_it_is_not(self):
        self.receive("AWAY-1")
        self.transfer(
            self.warehouse.int_type_id, self.stock_location, self.shelf, ["AWAY-1"]
        )
        delivery = self.new_delivery(1)
        delivery.move_ids._serial_set_move_lines(lots=self.lots("AWAY-1"))
        other_shelf = self.env["stock.location"].create(
            {
                "name": "Shelf 10",
                "usage": "internal",
                "location_id": self.stock_location.location_id.id,
            }
        )
        delivery.move_ids.move_line_ids.location_id = other_shelf
        with self.assertRaisesRegex(
            UserError, "AWAY-1 cannot leave .*Shelf 10: it is not there"
        ):
            delivery.button_validate()
        self.assertEqual(self.lots("AWAY-1").serial_status, "in_stock")

    def test_classification_of_moves(self):
        from ..tools.serial_rules import classify_move

        self.assertEqual(classify_move("supplier", "internal"), ("RECEIVE", "in_stock"))
        self.assertEqual(classify_move("internal", "customer"), ("SHIP", "sold"))
        self.assertEqual(classify_move("customer", "internal"), ("RETURN", "returned"))
        self.assertEqual(
            classify_move("internal", "supplier"), ("VENDOR_RETURN", "returned_vendor")
        )
        self.assertEqual(classify_move("inventory", "internal"), ("ADJUST", "in_stock"))
        self.assertEqual(classify_move("internal", "inventory"), ("ADJUST", "scrapped"))
        self.assertEqual(classify_move("internal", "transit"), ("MOVE", None))
        self.assertEqual(classify_move("production", "internal"), ("BUILD", "in_stock"))
        self.assertEqual(
            classify_move("internal", "production"), ("CONSUME", "consumed")
        )

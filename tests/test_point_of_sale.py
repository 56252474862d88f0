# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import PointOfSaleCase


@tagged("post_install", "-at_install", "serial_tracking_pos")
class TestPointOfSale(PointOfSaleCase):
    """Runs on a database with the Point of Sale app (point_of_sale): the test
    command installs it in a database of its own for these tests only."""

    def test_real_time_sale_names_the_order_and_its_customer(self):
        self.set_stock_update("real")
        self.receive("POS-R1", "POS-R2")
        self.open_new_session()
        order = self.sell("POS-R1", "POS-R2", customer=self.customer)
        self.assertEqual(order.picking_ids.state, "done")
        for lot in self.lots("POS-R1", "POS-R2"):
            self.assert_sold_at_till(lot, order, self.customer)

    def test_sale_at_closing_gives_each_unit_its_order_customer(self):
        self.set_stock_update("closing")
        self.receive("POS-C1", "POS-C2", "POS-C3")
        self.open_new_session()
        first = self.sell("POS-C1", customer=self.customer)
        second = self.sell("POS-C2", customer=self.other_customer)
        anonymous = self.sell("POS-C3")
        self.assertFalse(first.picking_ids)
        session = self.close_session()
        self.assertEqual(session.state, "closed")
        self.assertEqual(session.picking_ids.state, "done")
        self.assertFalse(session.picking_ids.partner_id)
        self.assert_sold_at_till(self.lots("POS-C1"), first, self.customer)
        self.assert_sold_at_till(self.lots("POS-C2"), second, self.other_customer)
        unit = self.lots("POS-C3")
        self.assertEqual(unit.serial_status, "sold")
        self.assertFalse(unit.holder_partner_id)
        row = unit.history_ids.sorted("id")[-1]
        self.assertEqual((row.res_model, row.res_id), ("pos.order", anonymous.id))

    def test_refund_in_real_time_returns_the_unit_without_holder(self):
        self.set_stock_update("real")
        self.receive("POS-RR1")
        self.open_new_session()
        order = self.sell("POS-RR1", customer=self.customer)
        refund = self.refund(order)
        lot = self.lots("POS-RR1")
        self.assertEqual(lot.serial_status, "returned")
        self.assertFalse(lot.holder_partner_id)
        row = lot.history_ids.sorted("id")[-1]
        self.assertEqual(row.event_type, "RETURN")
        self.assertEqual((row.res_model, row.res_id), ("pos.order", refund.id))

    def test_refund_at_closing_returns_the_unit_without_holder(self):
        self.set_stock_update("closing")
        self.receive("POS-CR1")
        self.open_new_session()
        order = self.sell("POS-CR1", customer=self.customer)
        self.close_session()
        self.assert_sold_at_till(self.lots("POS-CR1"), order, self.customer)
        self.open_new_session()
        refund = self.refund(order)
        self.close_session()
        lot = self.lots("POS-CR1")
        self.assertEqual(lot.serial_status, "returned")
        self.assertFalse(lot.holder_partner_id)
        self.assertEqual(self.events(lot)[-3:], ["RECEIVE", "SHIP", "RETURN"])
        row = lot.history_ids.sorted("id")[-1]
        self.assertEqual((row.res_model, row.res_id), ("pos.order", refund.id))

    def test_invoiced_order_at_closing_names_the_order_and_its_customer(self):
        self.set_stock_update("closing")
        self.receive("POS-I1")
        self.open_new_session()
        order = self.sell("POS-I1", customer=self.customer, invoice=True)
        self.assertTrue(order.is_invoiced)
        self.assertEqual(order.account_move.state, "posted")
        self.close_session()
        self.assert_sold_at_till(self.lots("POS-I1"), order, self.customer)

    def test_till_accepts_units_in_its_stock(self):
        self.receive("POS-OK1")
        self.open_new_session()
        self.assertTrue(self.check_till("uuid-ok", (self.product, "POS-OK1", 1)))

    def test_till_refuses_a_unit_not_in_its_stock(self):
        self.set_stock_update("real")
        self.receive("POS-N1", "POS-N2")
        self.deliver("POS-N1")
        self.open_new_session()
        with self.assertRaisesRegex(UserError, "not in stock at .*POS-N1, POS-NEW"):
            self.check_till(
                "uuid-n",
                (self.product, "POS-N1", 1),
                (self.product, "POS-NEW", 1),
                (self.product, "POS-N2", 1),
            )
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "POS-NEW")]))
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", "uuid-n")]))

    def test_till_refuses_a_unit_sold_earlier_in_the_session(self):
        self.set_stock_update("closing")
        self.receive("POS-S1")
        self.open_new_session()
        self.sell("POS-S1", customer=self.customer)
        # stock moves at closing only: the unit is still on the shelf
        self.assertEqual(self.lots("POS-S1").serial_status, "in_stock")
        with self.assertRaisesRegex(
            UserError, "sold on another order of this session: POS-S1"
        ):
            self.check_till("uuid-s", (self.product, "POS-S1", 1))

    def test_till_accepts_a_unit_refunded_in_the_session(self):
        self.set_stock_update("closing")
        self.receive("POS-SR1")
        self.open_new_session()
        order = self.sell("POS-SR1", customer=self.customer)
        self.refund(order)
        self.assertTrue(self.check_till("uuid-sr", (self.product, "POS-SR1", 1)))

    def test_till_refuses_a_unit_twice_on_one_order(self):
        self.receive("POS-T1")
        self.open_new_session()
        with self.assertRaisesRegex(UserError, "on this order twice: POS-T1"):
            self.check_till(
                "uuid-t", (self.product, "POS-T1", 1), (self.product, "POS-T1", 1)
            )

    def test_unit_not_in_stock_synced_offline_keeps_its_order(self):
        self.set_stock_update("real")
        self.receive("POS-O1")
        self.deliver("POS-O1")
        self.open_new_session()
        # the till was offline: it learns only from the order's picking
        order = self.sell("POS-O1", customer=self.other_customer)
        self.assertEqual(order.state, "paid")
        self.assertNotEqual(order.picking_ids.state, "done")
        lot = self.lots("POS-O1")
        self.assertEqual(lot.holder_partner_id, self.customer)
        self.assertEqual(self.events(lot)[-2:], ["RECEIVE", "SHIP"])
        for record in (order, order.picking_ids):
            self.assertIn(
                "where these serial numbers are not in stock: POS-O1 (orders: "
                f"{order.name})",
                "".join(record.message_ids.mapped("body")),
            )

    def test_closing_names_the_orders_and_serials_it_could_not_move(self):
        self.set_stock_update("closing")
        self.receive("POS-OC1", "POS-OC2")
        self.deliver("POS-OC2")
        self.open_new_session()
        good = self.sell("POS-OC1", customer=self.customer)
        # sold offline: the till could not check it
        bad = self.sell("POS-OC2", customer=self.other_customer)
        session = self.close_session()
        self.assertEqual(session.state, "closed")
        self.assertEqual((good | bad).mapped("state"), ["done", "done"])
        picking = session.picking_ids
        self.assertNotEqual(picking.state, "done")
        expected = (
            f"where these serial numbers are not in stock: POS-OC2 (orders: {bad.name})"
        )
        for record in (session, bad, picking):
            self.assertIn(expected, "".join(record.message_ids.mapped("body")))
        self.assertNotIn(expected, "".join(good.message_ids.mapped("body")))
        self.assertEqual(self.lots("POS-OC2").holder_partner_id, self.customer)


@tagged("post_install", "-at_install", "serial_tracking_pos")
class TestPointOfSaleTour(HttpCase, PointOfSaleCase):
    """The till's own screen, on the database with the Point of Sale app."""

    def test_till_sells_a_scanned_unit_and_refuses_it_typed_again(self):
        self.set_stock_update("closing")
        customer = self.env["res.partner"].create({"name": "Till Tour Customer"})
        self.receive("POS-TOUR-1", "POS-TOUR-2")
        # the scanner reads GS1 codes: the product's GTIN and the serial
        self.company.nomenclature_id = self.env.ref(
            "barcodes_gs1_nomenclature.default_gs1_nomenclature"
        )
        self.config.fallback_nomenclature_id = self.env.ref(
            "barcodes.default_barcode_nomenclature"
        )
        self.product.barcode = "08431673020125"
        self.env.ref("base.user_admin").write(
            {
                "company_ids": [Command.link(self.company.id)],
                "company_id": self.company.id,
                "group_ids": [
                    Command.link(self.env.ref("point_of_sale.group_pos_manager").id)
                ],
            }
        )
        self.start_tour(
            f"/pos/ui/{self.config.id}", "serial_tracking_pos_tour", login="admin"
        )
        self.pos_session = self.config.current_session_id
        orders = self.pos_session.order_ids
        paid = orders.filtered(lambda order: order.state == "paid")
        self.assertEqual(len(paid), 1)
        self.assertEqual(paid.partner_id, customer)
        self.assertEqual(paid.lines.pack_lot_ids.mapped("lot_name"), ["POS-TOUR-1"])
        self.assertFalse((orders - paid).filtered(lambda order: order.state != "draft"))
        self.close_session()
        self.assert_sold_at_till(self.lots("POS-TOUR-1"), paid, customer)
        self.assertEqual(self.lots("POS-TOUR-2").serial_status, "in_stock")

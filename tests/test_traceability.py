# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import tagged

from .common import AccountingModeCase, ManufacturingCase, PhysicalModeCase


def trace_rows(lot):
    """The rows the Trace button lists, in its order, read as the list reads
    them (with the action's context)."""
    action = lot.action_serial_trace()
    History = lot.env["stock.lot.history"].with_context(**action["context"])
    return History.search(action["domain"], order="date, id")


def summary(rows):
    return [
        (
            row.trace_relation,
            row.lot_id.name,
            row.trace_direction,
            row.event_type,
            row.partner_id.name,
            row.document_ref,
        )
        for row in rows
    ]


class TestTraceAccounting(AccountingModeCase):
    def test_trace_from_bill_to_invoice_to_credit_note(self):
        bill = self.bill("TR-1", "TR-2")
        invoice = self.make_move("out_invoice", self.customer, 1, ["TR-1"])
        invoice.action_post()
        credit = self.make_move("out_refund", self.customer, 1, ["TR-1"])
        credit.action_post()
        lot = self.lots("TR-1")
        self.assertEqual(
            summary(trace_rows(lot)),
            [
                ("unit", "TR-1", "upstream", "BILL", "Serial Vendor", bill),
                ("unit", "TR-1", "downstream", "INVOICE", "Serial Customer", invoice),
                (
                    "unit",
                    "TR-1",
                    "downstream",
                    "CREDIT_NOTE",
                    "Serial Customer",
                    credit,
                ),
            ],
        )
        # each row opens its document
        opened = trace_rows(lot)[1].action_open_document()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]), (invoice._name, invoice.id)
        )
        # the Trace button of a history row traces its unit
        self.assertEqual(
            lot.history_ids[0].action_serial_trace()["domain"],
            [("lot_id", "in", [lot.id])],
        )

    def test_trace_is_readable_by_a_stock_user(self):
        self.bill("TR-3")
        lot = self.lots("TR-3").with_user(self.stock_user)
        rows = trace_rows(lot)
        self.assertEqual(rows.mapped("event_type"), ["BILL"])
        self.assertEqual(rows.partner_id.name, "Serial Vendor")


class TestTracePhysical(PhysicalModeCase):
    def test_trace_from_receipt_to_delivery_to_return(self):
        receipt = self.receive("TP-1")
        delivery = self.deliver("TP-1")
        returned = self.return_picking(delivery, "TP-1")
        self.assertEqual(
            summary(trace_rows(self.lots("TP-1"))),
            [
                ("unit", "TP-1", "upstream", "ANNOUNCE", "Physical Vendor", receipt),
                ("unit", "TP-1", "upstream", "RECEIVE", "Physical Vendor", receipt),
                ("unit", "TP-1", "downstream", "SHIP", "Physical Customer", delivery),
                ("unit", "TP-1", "downstream", "RETURN", "Physical Customer", returned),
            ],
        )
        self.assertEqual(
            self.lots("TP-1").action_serial_trace()["display_name"], "Trace of TP-1"
        )


@tagged("post_install", "-at_install", "serial_tracking_mrp")
class TestTraceManufacturing(ManufacturingCase):
    """Runs on the database with Manufacturing (mrp)."""

    def test_trace_through_a_manufacturing_order(self):
        receipt = self.receive("TB-1")
        production = self.build("TR-ROBOT-1", self.lots("TB-1"))
        robot = production.lot_producing_ids
        delivery = self.picking(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            1,
            self.customer,
            product=self.robot,
        )
        self.enter(delivery.move_ids, "TR-ROBOT-1")
        delivery.button_validate()

        # from the component: the robot it went into, and that robot's customer
        board_trace = trace_rows(self.lots("TB-1"))
        self.assertEqual(
            [(r, name, event) for r, name, _d, event, _p, _doc in summary(board_trace)],
            [
                ("unit", "TB-1", "ANNOUNCE"),
                ("unit", "TB-1", "RECEIVE"),
                ("unit", "TB-1", "CONSUME"),
                ("finished", "TR-ROBOT-1", "BUILD"),
                ("finished", "TR-ROBOT-1", "SHIP"),
            ],
        )
        shipped = board_trace.filtered(lambda row: row.event_type == "SHIP")
        self.assertEqual(
            (shipped.partner_id, shipped.document_ref), (self.customer, delivery)
        )
        # from the finished unit: its component and the receipt it came in on
        robot_trace = trace_rows(robot)
        received = robot_trace.filtered(lambda row: row.event_type == "RECEIVE")
        self.assertEqual(
            (received.trace_relation, received.lot_id.name, received.document_ref),
            ("component", "TB-1", receipt),
        )
        self.assertEqual(
            robot_trace.filtered(lambda row: row.lot_id == robot).mapped(
                "trace_relation"
            ),
            ["unit", "unit"],
        )

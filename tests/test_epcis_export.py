# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

import jsonschema

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..wizards import serial_epcis_export
from .common import (
    Command,
    ManufacturingCase,
    SerialCountCase,
    SerialFlowCase,
    events_of,
    exported,
    validate_epcis,
)

GTIN = "09506000134352"
COMPANY_GLN = "9506000000008"
VENDOR_GLN = "9506000000015"


class EpcisCase(SerialFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "EPCIS Customer"})
        cls.vendor.barcode = VENDOR_GLN
        cls.company.partner_id.barcode = COMPANY_GLN
        cls.company.partner_id.tz = "Europe/Brussels"
        cls.namespace = cls.env["ir.config_parameter"].get_param("database.uuid")
        cls.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://serials.example.com"
        )
        cls.web_address = "https://serials.example.com"

    def transaction_types(self, event):
        return sorted(item.get("type", "") for item in event["bizTransactionList"])


class TestEpcisSchema(EpcisCase):
    def test_the_schema_check_refuses_a_broken_document(self):
        # the validation of the other tests would catch these
        self.invoice("in_invoice", self.vendor, ["EP-0"])
        document = exported(
            self.env,
            self.lots("EP-0", product=self.accounting_product).action_export_epcis(),
        )
        validate_epcis(document)
        for broken in (
            {"epcList": ["not a uri"]},
            {"eventTimeZoneOffset": "+1"},
            {"bizStep": "buying"},
            {"eventTime": "yesterday"},
        ):
            with self.subTest(broken=broken):
                event = {**events_of(document)[0], **broken}
                with self.assertRaises(jsonschema.ValidationError):
                    validate_epcis({**document, "epcisBody": {"eventList": [event]}})


class TestEpcisExport(EpcisCase):
    def test_accounting_unit_whole_life(self):
        self.accounting_product.barcode = "9506000134352"
        bill = self.invoice("in_invoice", self.vendor, ["EA-1"])
        invoice = self.invoice("out_invoice", self.customer, ["EA-1"])
        credit = self.invoice("out_refund", self.customer, ["EA-1"])
        unit = self.lots("EA-1", product=self.accounting_product)
        document = exported(self.env, unit.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(document["schemaVersion"], "2.0")
        events = events_of(document)
        self.assertEqual(
            [(e["type"], e["action"], e["bizStep"], e["disposition"]) for e in events],
            [
                ("ObjectEvent", "OBSERVE", "receiving", "sellable_not_accessible"),
                ("ObjectEvent", "OBSERVE", "shipping", "in_transit"),
                ("ObjectEvent", "OBSERVE", "receiving", "returned"),
            ],
        )
        epc = f"https://id.gs1.org/01/{GTIN}/21/EA-1"
        self.assertEqual({tuple(e["epcList"]) for e in events}, {(epc,)})
        received, sold, returned = events
        # the company's time zone
        self.assertIn(received["eventTimeZoneOffset"], ("+01:00", "+02:00"))
        self.assertTrue(received["eventTime"].endswith(received["eventTimeZoneOffset"]))
        # bills and invoices hand over ownership: vendor to company to customer
        company = f"https://id.gs1.org/417/{COMPANY_GLN}"
        customer = f"urn:x-serial-tracking:{self.namespace}:party:{self.customer.id}"
        self.assertEqual(
            received["sourceList"],
            [
                {
                    "type": "owning_party",
                    "source": f"https://id.gs1.org/417/{VENDOR_GLN}",
                }
            ],
        )
        self.assertEqual(
            received["destinationList"],
            [{"type": "owning_party", "destination": company}],
        )
        self.assertEqual(sold["sourceList"][0]["source"], company)
        self.assertEqual(sold["destinationList"][0]["destination"], customer)
        self.assertEqual(returned["sourceList"][0]["source"], customer)
        # the documents, each with its name
        for event, move in ((received, bill), (sold, invoice), (returned, credit)):
            self.assertEqual(
                event["bizTransactionList"],
                [
                    {
                        "type": "inv",
                        "bizTransaction": f"urn:x-serial-tracking:{self.namespace}:"
                        f"document:account.move:{move.id}:"
                        + move.name.replace("/", "%2F"),
                    }
                ],
            )
        # the stock location, as a sub-location of the warehouse's GLN
        self.assertEqual(
            received["readPoint"]["id"],
            f"https://id.gs1.org/414/{COMPANY_GLN}/254/{self.stock_location.id}",
        )
        self.assertEqual(
            received["bizLocation"]["id"], f"https://id.gs1.org/414/{COMPANY_GLN}"
        )
        self.assertNotIn("bizLocation", sold)  # the unit left the company

    def test_physical_unit_whole_life(self):
        receipt = self.receive("EP-1", "EP-2")
        delivery = self.deliver("EP-1", partner=self.customer)
        back = self.transfer(
            self.warehouse.in_type_id,
            self.customer_location,
            self.stock_location,
            ["EP-1"],
            self.customer,
        )
        unit = self.lots("EP-1", product=self.physical_product)
        document = exported(self.env, unit.action_export_epcis())
        validate_epcis(document)
        events = events_of(document)
        self.assertEqual(
            [(e["bizStep"], e["disposition"]) for e in events],
            [
                ("receiving", "sellable_not_accessible"),
                ("shipping", "in_transit"),
                ("receiving", "returned"),
            ],
        )
        # no GTIN: the unit's URI under the company's web address, which the
        # resolver answers
        product_id = self.physical_product.product_variant_id.id
        self.assertEqual(
            events[0]["epcList"],
            [f"{self.web_address}/serial_tracking/unit/{product_id}/EP-1"],
        )
        # transfers hand over possession; receipts and deliveries are advices
        self.assertEqual(events[1]["destinationList"][0]["type"], "possessing_party")
        self.assertEqual(self.transaction_types(events[0]), ["recadv"])
        self.assertEqual(self.transaction_types(events[1]), ["desadv"])
        self.assertIn(
            delivery.name.replace("/", "%2F"),
            events[1]["bizTransactionList"][0]["bizTransaction"],
        )
        self.assertIn(
            back.name.replace("/", "%2F"),
            events[2]["bizTransactionList"][0]["bizTransaction"],
        )

        # a transfer's export: its own events, one per unit
        document = exported(self.env, receipt.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(
            sorted(e["epcList"][0].rsplit("/", 1)[1] for e in events_of(document)),
            ["EP-1", "EP-2"],
        )

    def test_read_in_batches(self):
        self.receive(*[f"EB-{n}" for n in range(5)])
        lots = self.env["stock.lot"].search([("name", "like", "EB-")])
        self.deliver("EB-0", "EB-1", partner=self.customer)
        whole = exported(self.env, lots.action_export_epcis())
        with patch.object(serial_epcis_export, "EPCIS_BATCH_SIZE", 2):
            batched = exported(self.env, lots.action_export_epcis())
        validate_epcis(batched)
        self.assertEqual(len(events_of(batched)), 7)
        self.assertEqual(events_of(batched), events_of(whole))

    def test_events_in_event_time_order(self):
        self.receive("ET-1", "ET-2")
        units = self.env["stock.lot"].search([("name", "in", ["ET-1", "ET-2"])])
        History = self.env["stock.lot.history"]
        # recorded last, dated first: a document dated in the past
        History._record_events(
            [
                {
                    "lot": unit,
                    "event_type": "ADJUST",
                    "date": fields.Datetime.now() - timedelta(days=10),
                    "location_dest_id": self.stock_location.id,
                }
                for unit in units
            ]
        )
        # each unit: announced, received, adjusted (the announcements are
        # not exported)
        rows = History.search(
            [("lot_id", "in", units.ids), ("event_type", "!=", "ANNOUNCE")]
        )
        self.assertEqual(len(rows), 4)
        in_time_order = rows.sorted(lambda row: (row.date, row.id))
        self.assertNotEqual(in_time_order.ids, sorted(rows.ids))
        expected = [
            f"urn:x-serial-tracking:{self.namespace}:history:{row.id}"
            for row in in_time_order
        ]
        document = exported(self.env, units.action_export_epcis())
        validate_epcis(document)
        self.assertEqual([e["eventID"] for e in events_of(document)], expected)
        # read one row at a time, rows of the same time included
        with patch.object(serial_epcis_export, "EPCIS_BATCH_SIZE", 1):
            batched = exported(self.env, units.action_export_epcis())
        self.assertEqual([e["eventID"] for e in events_of(batched)], expected)

    def test_announcement_is_left_out(self):
        # an Expected unit has nothing to export until it is received
        receipt = self.receipt("EA-1")
        unit = self.lots("EA-1", product=self.physical_product)
        self.assertEqual(self.events(unit), ["ANNOUNCE"])
        with self.assertRaisesRegex(
            UserError, "EA-1: there is no serial history to export"
        ):
            unit.action_export_epcis()
        receipt.button_validate()
        self.assertEqual(self.events(unit), ["ANNOUNCE", "RECEIVE"])
        document = exported(self.env, unit.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(
            [(e["bizStep"], e["disposition"]) for e in events_of(document)],
            [("receiving", "sellable_not_accessible")],
        )

    def test_nothing_to_export_says_so(self):
        stranger = self.env["res.company"].create({"name": "Other Company"})
        self.receive("EN-1")
        user = new_test_user(
            self.env,
            login="st_epcis_other",
            groups="stock.group_stock_user",
            company_id=stranger.id,
            company_ids=[Command.set(stranger.ids)],
        )
        unit = self.lots("EN-1", product=self.physical_product)
        Export = self.env["serial.epcis.export"]
        exports = Export.search_count([])
        # the user of another company reads none of the unit's history
        with self.assertRaisesRegex(
            UserError, "EN-1: there is no serial history to export"
        ):
            Export.with_user(user)._epcis_action([("lot_id", "in", unit.ids)], "EN-1")
        self.assertEqual(Export.search_count([]), exports)
        # nor does anyone for a unit without history
        with self.assertRaisesRegex(UserError, "Serials: there is no serial history"):
            self.env["stock.lot"].browse().action_export_epcis()


@tagged("post_install", "-at_install")
class TestEpcisCount(SerialCountCase):
    def test_a_count_observes_units_found_and_decommissions_units_missing(self):
        self.add_serials(self.physical_product, ["EC-1", "EC-2"], self.shelf)
        unit = self.lots("EC-1")
        before = events_of(exported(self.env, unit.action_export_epcis()))
        count = self.new_count(user=self.stock_admin)
        self.scan(count, "EC-1")
        count.action_apply()
        document = exported(self.env, unit.action_export_epcis())
        validate_epcis(document)
        events = events_of(document)
        self.assertEqual(len(events), len(before) + 1)
        seen = events[-1]
        self.assertEqual(
            (seen["type"], seen["action"], seen["bizStep"]),
            ("ObjectEvent", "OBSERVE", "cycle_counting"),
        )
        self.assertIn("readPoint", seen)
        # EC-2, not scanned, counted out to the inventory loss location
        events = events_of(exported(self.env, self.lots("EC-2").action_export_epcis()))
        self.assertEqual(
            (events[-1]["action"], events[-1]["bizStep"], events[-1]["disposition"]),
            ("DELETE", "decommissioning", "inactive"),
        )


class TestEpcisDownload(HttpCase, EpcisCase):
    def test_download_is_the_document_for_its_user_only(self):
        self.receive("ED-1")
        self.stock_user.password = "st-stock-pass"
        action = (
            self.lots("ED-1", product=self.physical_product)
            .with_user(self.stock_user)
            .action_export_epcis()
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate("st_stock_user", "st-stock-pass")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/ld+json")
        self.assertIn(
            "attachment; filename=EPCIS-ED-1.jsonld",
            response.headers["Content-Disposition"],
        )
        document = response.json()
        validate_epcis(document)
        self.assertEqual(len(events_of(document)), 1)
        # another user does not read someone else's export
        self.serial_manager.password = "st-manager-pass"
        self.authenticate("st_serial_manager", "st-manager-pass")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(action["url"]).status_code, 404)


class TestEpcisRecall(EpcisCase):
    def test_recall_selection(self):
        self.invoice("in_invoice", self.vendor, ["ER-1", "ER-2"])
        other = self.env["res.partner"].create({"name": "Sound Vendor"})
        self.invoice("in_invoice", other, ["ER-9"])
        self.invoice("out_invoice", self.customer, ["ER-1", "ER-9"])
        wizard = self.env["serial.recall.wizard"].create(
            {"source": "vendor", "vendor_id": self.vendor.id}
        )
        document = exported(self.env, wizard.action_export_epcis())
        validate_epcis(document)
        serials = sorted(
            event["epcList"][0].rsplit("/", 1)[1] for event in events_of(document)
        )
        self.assertEqual(serials, ["ER-1", "ER-1", "ER-2"])


@tagged("post_install", "-at_install", "serial_tracking_mrp")
class TestEpcisManufacturing(ManufacturingCase):
    def test_manufactured_unit_is_one_transformation_event(self):
        self.robot.barcode = "9506000134352"
        board = self.add_serials(self.board.product_tmpl_id, ["EM-B1"])
        production = self.build("EM-R1", board)
        robot = production.lot_producing_ids
        document = exported(self.env, (robot | board).action_export_epcis())
        validate_epcis(document)
        events = events_of(document)
        transformations = [e for e in events if e["type"] == "TransformationEvent"]
        # the board's CONSUME and the robot's BUILD: one event
        self.assertEqual(len(transformations), 1)
        base_url = self.env.company.get_base_url()
        self.assertEqual(
            transformations[0]["inputEPCList"],
            [f"{base_url}/serial_tracking/unit/{self.board.id}/EM-B1"],
        )
        self.assertEqual(
            transformations[0]["outputEPCList"],
            [f"https://id.gs1.org/01/{GTIN}/21/EM-R1"],
        )
        self.assertEqual(
            transformations[0]["bizTransactionList"][0]["type"], "prodorder"
        )
        self.assertIn(
            production.name.replace("/", "%2F"),
            transformations[0]["bizTransactionList"][0]["bizTransaction"],
        )
        # the board's arrival in stock stays an ObjectEvent
        self.assertEqual(
            [e["type"] for e in events], ["ObjectEvent", "TransformationEvent"]
        )


@tagged("post_install", "-at_install", "serial_tracking_sale")
class TestEpcisSale(EpcisCase):
    def test_delivery_names_its_sales_order(self):
        if "sale_id" not in self.env["stock.picking"]._fields:
            self.skipTest("sale_stock is not installed on this database")
        self.receive("ES-1")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.physical_product.product_variant_id.id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        wizard = self.env["serial.entry.wizard"].browse(
            delivery.move_ids.action_open_serial_entry()["res_id"]
        )
        wizard.action_clear()
        wizard.paste_text = "ES-1"
        wizard.action_select_pasted()
        wizard.action_confirm()
        delivery.button_validate()
        document = exported(self.env, delivery.action_export_epcis())
        validate_epcis(document)
        (event,) = events_of(document)
        self.assertEqual(self.transaction_types(event), ["desadv", "po"])
        order_uri = next(
            item["bizTransaction"]
            for item in event["bizTransactionList"]
            if item["type"] == "po"
        )
        self.assertEqual(
            order_uri,
            f"urn:x-serial-tracking:{self.namespace}:document:sale.order:"
            f"{order.id}:{order.name}",
        )

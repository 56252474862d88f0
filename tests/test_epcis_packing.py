# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import tagged

from ..tools.serial_epcis import sscc_urn
from .common import (
    ShippingNoticeCase,
    events_of,
    exported,
    new_transfer,
    validate_epcis,
)


@tagged("post_install", "-at_install")
class TestEpcisPacking(ShippingNoticeCase):
    def packing(self, document):
        """{parent SSCC URN: sorted child EPCs} of the document's packing
        events."""
        return {
            event["parentID"]: sorted(event["childEPCs"])
            for event in events_of(document)
            if event["type"] == "AggregationEvent"
        }

    def unit_epc(self, name):
        return f"https://id.gs1.org/01/{self.product.barcode.zfill(14)}/21/{name}"

    def test_receipt_in_packages_exports_its_packing(self):
        receipt = self.received_pallet()
        document = exported(self.env, receipt.action_export_epcis())
        validate_epcis(document)
        pallet, carton, other = (
            sscc_urn(sscc)
            for sscc in (self.pallet_sscc, self.carton_sscc, self.other_carton_sscc)
        )
        self.assertEqual(
            self.packing(document),
            {
                pallet: sorted([carton, other]),
                carton: [self.unit_epc("NS-1"), self.unit_epc("NS-2")],
                other: [self.unit_epc("NS-3"), self.unit_epc("NS-4")],
            },
        )
        packing = [e for e in events_of(document) if e["type"] == "AggregationEvent"]
        self.assertEqual(
            {(e["action"], e["bizStep"]) for e in packing}, {("ADD", "packing")}
        )
        # every unit still has its receiving event
        self.assertEqual(
            len([e for e in events_of(document) if e["type"] == "ObjectEvent"]), 5
        )

    def test_a_transfer_without_packages_exports_no_packing(self):
        receipt = self.receive("LOOSE-1")
        document = exported(self.env, receipt.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(self.packing(document), {})

    def delivered(self, *names):
        """A validated delivery of the units ``names`` of received_pallet,
        selected in its entry dialog."""
        wizard = self.delivery_wizard(len(names))
        wizard.paste_text = "\n".join(names)
        wizard.action_select_pasted()
        wizard.action_confirm()
        delivery = wizard._target().picking_id
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        return delivery

    def imported_by_another_company(self, document, quantity):
        """``document`` imported as a shipping notice by another company of
        the same database, onto a receipt of ``quantity`` units:
        (its environment, its warehouse, the receipt)."""
        importer = self.env["res.company"].create({"name": "Importer Co"})
        self.env.user.company_ids |= importer
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=[importer.id])
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", importer.id)], limit=1
        )
        receipt = new_transfer(
            env,
            warehouse.in_type_id,
            self.supplier_location,
            warehouse.lot_stock_id,
            quantity,
            self.product,
            partner=self.company.partner_id,
            assign=False,
        )
        self.import_notice(receipt, "delivery.jsonld", json.dumps(document).encode())
        return env, warehouse, receipt

    def test_delivery_exported_and_imported_by_another_company(self):
        self.received_pallet()
        delivery = self.delivered("NS-1", "NS-2", "NS-3", "NS-4")
        document = exported(self.env, delivery.action_export_epcis())
        validate_epcis(document)

        # the customer, another company of the same database, receives it
        env, warehouse, receipt = self.imported_by_another_company(document, 4)
        self.assert_packed_as_notice_pallet(receipt, loose_unit=False)
        lines = receipt.move_ids.move_line_ids
        self.assertEqual(lines.lot_id.company_id, env.company)
        # the sender's cartons, delivered, stay where they are: the
        # importer's are new packages of the same names, in their pallet
        self.assertFalse(lines.result_package_id & delivery.move_line_ids.package_id)
        self.assertEqual(
            lines.result_package_id.parent_package_id.name, self.pallet_sscc
        )
        receipt.button_validate()
        quants = env["stock.quant"].search(
            [("lot_id", "in", lines.lot_id.ids), ("quantity", ">", 0)]
        )
        self.assertEqual(len(quants), 4)
        self.assertEqual(quants.location_id, warehouse.lot_stock_id)
        self.assertEqual(quants.package_id, lines.result_package_id)
        self.assertEqual(quants.package_id.company_id, env.company)

    def aggregations(self, document):
        """(action, bizStep, parentID, sorted childEPCs) of the document's
        AggregationEvents, in its order."""
        return [
            (
                event["action"],
                event["bizStep"],
                event["parentID"],
                sorted(event["childEPCs"]),
            )
            for event in events_of(document)
            if event["type"] == "AggregationEvent"
        ]

    def test_units_taken_out_of_a_carton_export_its_unpacking(self):
        self.received_pallet()
        delivery = self.delivered("NS-1")
        carton = self.package(self.carton_sscc)
        self.assertEqual(delivery.move_line_ids.package_id, carton)
        self.assertFalse(delivery.move_line_ids.result_package_id)
        document = exported(self.env, delivery.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(
            self.aggregations(document),
            [
                (
                    "DELETE",
                    "unpacking",
                    sscc_urn(self.carton_sscc),
                    [self.unit_epc("NS-1")],
                )
            ],
        )
        # imported by the customer: the unit came in no package
        _env, _warehouse, receipt = self.imported_by_another_company(document, 1)
        self.assertEqual(self.line_packages(receipt), {"NS-1": False})

    def test_return_to_the_vendor_out_of_a_carton_exports_its_unpacking(self):
        receipt = self.received_pallet()
        returned = self.return_picking(receipt, "NS-3")
        document = exported(self.env, returned.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(
            self.aggregations(document),
            [
                (
                    "DELETE",
                    "unpacking",
                    sscc_urn(self.other_carton_sscc),
                    [self.unit_epc("NS-3")],
                )
            ],
        )

    def test_units_moved_into_another_package_export_both(self):
        self.received_pallet()
        box = self.env["stock.package"].create({"name": "095060001000000081"})
        move = self.picking(
            self.warehouse.int_type_id, self.stock_location, self.shelf, 2
        ).move_ids
        self.enter(move, "NS-1\nNS-3")
        move.move_line_ids.result_package_id = box
        move.picking_id.button_validate()
        self.assertEqual(move.picking_id.state, "done")
        document = exported(self.env, move.picking_id.action_export_epcis())
        validate_epcis(document)
        self.assertEqual(
            self.aggregations(document),
            [
                (
                    "DELETE",
                    "unpacking",
                    sscc_urn(self.carton_sscc),
                    [self.unit_epc("NS-1")],
                ),
                (
                    "DELETE",
                    "unpacking",
                    sscc_urn(self.other_carton_sscc),
                    [self.unit_epc("NS-3")],
                ),
                (
                    "ADD",
                    "packing",
                    sscc_urn(box.name),
                    [self.unit_epc("NS-1"), self.unit_epc("NS-3")],
                ),
            ],
        )

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

    def test_delivery_exported_and_imported_by_another_company(self):
        self.received_pallet()
        wizard = self.delivery_wizard(4)
        wizard.paste_text = "NS-1\nNS-2\nNS-3\nNS-4"
        wizard.action_select_pasted()
        wizard.action_confirm()
        delivery = wizard._target().picking_id
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        document = exported(self.env, delivery.action_export_epcis())
        validate_epcis(document)

        # the customer, another company of the same database, receives it
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
            4,
            self.product,
            partner=self.company.partner_id,
            assign=False,
        )
        self.import_notice(receipt, "delivery.jsonld", json.dumps(document).encode())
        self.assert_packed_as_notice_pallet(receipt, loose_unit=False)
        lines = receipt.move_ids.move_line_ids
        self.assertEqual(lines.lot_id.company_id, importer)
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
        self.assertEqual(quants.package_id.company_id, importer)

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
import unittest

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..tools.serial_digital_link import gs1_check_digit
from .common import (
    NOTICE_GTIN,
    BackgroundValidationCase,
    ShippingNoticeCase,
    committed_env,
    drop_committed_template,
    epcis_notice,
    new_transfer,
    notice_data,
    purchase_order,
)

CSV_HEADER = "Serial,SKU,Carton,Pallet\n"


@tagged("post_install", "-at_install")
class TestShippingNotice(ShippingNoticeCase):
    def assert_nothing_written(self, receipt, names):
        self.assertFalse(
            self.env["stock.lot"].search_count([("name", "in", list(names))])
        )
        self.assertFalse(
            self.env["stock.package"].search_count(
                [("name", "in", [self.pallet_sscc, self.carton_sscc])]
            )
        )
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "stock.picking"), ("res_id", "=", receipt.id)]
            )
        )
        self.assertFalse(receipt.move_ids.move_line_ids.lot_id)

    def test_button_only_on_receipts_of_physical_serial_products(self):
        receipt = self.new_receipt(5)
        self.assertTrue(receipt.serial_notice_allowed)
        delivery = self.picking(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            1,
            self.customer,
            assign=False,
        )
        self.assertFalse(delivery.serial_notice_allowed)
        with self.assertRaisesRegex(UserError, "takes no shipping notice"):
            delivery.action_import_serial_notice()

    def test_spreadsheet_notice_announces_units_in_packages(self):
        receipt = self.new_receipt(5)
        wizard = self.notice_wizard(
            receipt, "notice.csv", notice_data("notice_pallet.csv")
        )
        wizard.action_preview()
        self.assertIn("Serial number ← Serial Number", wizard.preview)
        self.assertIn("Carton SSCC ← Carton SSCC", wizard.preview)
        self.assertIn("[SCAN-1] Tracked Scanner: 5", wizard.preview)
        self.assertIn(
            f"{self.carton_sscc} in {self.pallet_sscc}: 2 units", wizard.preview
        )
        wizard.action_import()

        names = [f"NS-{number}" for number in range(1, 6)]
        lots = self.lots(*names)
        self.assertEqual(len(lots), 5)
        self.assertEqual(set(lots.mapped("serial_status")), {"expected"})
        self.assert_packed_as_notice_pallet(receipt)
        pallet = self.package(self.pallet_sscc)
        cartons = self.package(self.carton_sscc) | self.package(self.other_carton_sscc)
        self.assertEqual(cartons.parent_package_id, pallet)
        self.assertFalse(pallet.parent_package_id)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "stock.picking"), ("res_id", "=", receipt.id)]
        )
        self.assertEqual(attachment.name, "notice.csv")
        message = receipt.message_ids.filtered(
            lambda message: attachment in message.attachment_ids
        )
        self.assertIn("5 units announced in 3 packages", message.body)

    def test_epcis_notice_received_into_its_packages(self):
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "shipping_pallet.jsonld")
        names = [f"NT-{number}" for number in range(1, 6)]
        lots = self.lots(*names)
        self.assertEqual(set(lots.mapped("serial_status")), {"expected"})
        self.assertEqual(self.line_packages(receipt)["NT-3"], self.other_carton_sscc)

        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(set(lots.mapped("serial_status")), {"in_stock"})
        pallet = self.package(self.pallet_sscc)
        carton = self.package(self.carton_sscc)
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", lots.ids), ("quantity", ">", 0)]
        )
        package_of = {quant.lot_id.name: quant.package_id for quant in quants}
        self.assertEqual(package_of["NT-1"], carton)
        self.assertEqual(package_of["NT-2"], carton)
        self.assertEqual(package_of["NT-4"], self.package(self.other_carton_sscc))
        self.assertFalse(package_of["NT-5"])
        self.assertEqual(quants.location_id, self.stock_location)
        # the cartons stay in their pallet at the destination
        self.assertEqual(carton.parent_package_id, pallet)
        self.assertEqual(carton.location_id, self.stock_location)
        self.assertEqual(
            set(pallet.contained_quant_ids.lot_id.mapped("name")), set(names[:4])
        )

    def test_refusals_name_the_problem_and_write_nothing(self):
        carton, pallet = self.carton_sscc, self.pallet_sscc
        self.add_serials(self.physical_product, ["IN-STOCK-1"])
        elsewhere = self.new_receipt(quantity=1)
        self.enter(elsewhere.move_ids, "AWAITED-1")
        wrong_sscc = carton[:-1] + str((int(carton[-1]) + 1) % 10)
        cases = [
            (
                "unknown product",
                f"{CSV_HEADER}A-1,NOPE,{carton},{pallet}\n",
                "NOPE (1 units: A-1) names no product",
            ),
            (
                "more units than the demand",
                CSV_HEADER
                + "".join(f"A-{n},SCAN-1,{carton},{pallet}\n" for n in range(1, 4)),
                "this receipt expects 2 units; with the 3 of this notice it would "
                "hold 3",
            ),
            (
                "a serial in stock",
                f"{CSV_HEADER}A-1,SCAN-1,{carton},{pallet}\nIN-STOCK-1,SCAN-1,,\n",
                "already in stock or used by another product: IN-STOCK-1",
            ),
            (
                "a serial expected on another receipt",
                f"{CSV_HEADER}A-1,SCAN-1,{carton},{pallet}\nAWAITED-1,SCAN-1,,\n",
                "already expected on another receipt: AWAITED-1",
            ),
            (
                "a bad SSCC check digit",
                f"{CSV_HEADER}A-1,SCAN-1,{wrong_sscc},{pallet}\n",
                f"Row 2: {wrong_sscc} is not a valid SSCC",
            ),
            (
                "a bad GTIN check digit",
                f"Serial,GTIN\nA-1,{NOTICE_GTIN[:-1]}3\n",
                f"Row 2: {NOTICE_GTIN[:-1]}3 is not a valid GTIN",
            ),
        ]
        for label, text, message in cases:
            with self.subTest(label):
                receipt = self.new_receipt(quantity=2)
                wizard = self.notice_wizard(receipt, "notice.csv", text.encode())
                with self.assertRaises(UserError) as caught:
                    wizard.action_import()
                self.assertIn("Nothing was imported", caught.exception.args[0])
                self.assertIn(message, caught.exception.args[0])
                self.assert_nothing_written(receipt, ["A-1", "A-2", "A-3"])
        content = notice_data("shipping_pallet.jsonld")
        for label, broken, message in [
            ("truncated JSON", content[:-40], "is not valid JSON"),
            (
                "wrong context",
                json.dumps({**json.loads(content), "@context": "https://x.org/c"}),
                "is not an EPCIS 2.0 document",
            ),
        ]:
            with self.subTest(label):
                receipt = self.new_receipt(5)
                broken = broken if isinstance(broken, bytes) else broken.encode()
                wizard = self.notice_wizard(receipt, "notice.jsonld", broken)
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_preview()
                self.assert_nothing_written(receipt, ["NT-1", "NT-5"])

    def test_refused_for_packages_in_stock_and_products_of_no_receipt(self):
        bulk = self.env["product.product"].create(
            {"name": "Bulk Cable", "type": "consu", "is_storable": True}
        )
        carton = self.env["stock.package"].create({"name": self.carton_sscc})
        self.env["stock.quant"]._update_available_quantity(
            bulk, self.stock_location, 1, package_id=carton
        )
        receipt = self.new_receipt(5)
        text = f"{CSV_HEADER}A-1,SCAN-1,{self.carton_sscc},\n"
        wizard = self.notice_wizard(receipt, "notice.csv", text.encode())
        with self.assertRaisesRegex(
            UserError, f"Package {self.carton_sscc} holds stock already"
        ):
            wizard.action_import()
        self.assertFalse(self.lots("A-1"))
        self.assertFalse(receipt.move_ids.move_line_ids.lot_id)
        # a notice of none of the receipt's products
        text = f"{CSV_HEADER}T-1,SCAN-2,,\n"
        wizard = self.notice_wizard(receipt, "twins.csv", text.encode())
        with self.assertRaisesRegex(
            UserError, "None of the 1 units of this notice is of a product"
        ):
            wizard.action_import()
        self.assertFalse(self.lots("T-1", product=self.twin))

    def test_large_notice_of_other_companies_products(self):
        """About 10 MB of events about products of no one here: refused with
        the first reasons named and the others counted, nothing written."""
        epcs = [
            f"https://id.gs1.org/01/{gtin}/21/OTHER-{number:06d}"
            for number in range(180_000)
            for gtin in [self.other_gtin(number % 60)]
        ]
        content = epcis_notice([("ship", epcs)])
        self.assertGreater(len(content), 9_000_000)
        receipt = self.new_receipt(5)
        wizard = self.notice_wizard(receipt, "others.jsonld", content)
        with self.assertRaises(UserError) as caught:
            wizard.action_preview()
        message = caught.exception.args[0]
        self.assertIn("names no product", message)
        self.assertIn("… (+10 more)", message)
        self.assertFalse(
            self.env["stock.lot"].search_count([("name", "=like", "OTHER-%")])
        )
        self.assertFalse(receipt.move_ids.move_line_ids.lot_id)

    @staticmethod
    def other_gtin(number):
        body = f"0400000{number:06d}"
        return body + gs1_check_digit(body)

    def test_receipt_locked_by_another_transaction_is_refused_at_once(self):
        """An import onto a receipt another transaction holds (a second
        import, a validation) is refused without waiting, and writes
        nothing."""
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Notice Concurrent",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "physical",
                    "default_code": "NOTICE-LOCK",
                }
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            picking = new_transfer(
                env,
                warehouse.in_type_id,
                self.supplier_location,
                warehouse.lot_stock_id,
                1,
                template.product_variant_id,
                assign=False,
            )
            picking_id, template_id = picking.id, template.id
        try:
            with committed_env(self) as holder, committed_env(self) as other:
                holder.cr.execute(
                    "SELECT id FROM stock_picking WHERE id = %s FOR NO KEY UPDATE",
                    [picking_id],
                )
                wizard = other["serial.notice.import"].create(
                    {
                        "picking_id": picking_id,
                        "notice_file": base64.b64encode(
                            f"{CSV_HEADER}LOCK-1,NOTICE-LOCK,,\n".encode()
                        ),
                        "notice_filename": "lock.csv",
                    }
                )
                with self.assertRaisesRegex(UserError, "is being changed right now"):
                    wizard.action_import()
                other.cr.rollback()
                holder.cr.rollback()
                self.assertFalse(
                    other["stock.lot"].search_count([("name", "=", "LOCK-1")])
                )
        finally:
            with committed_env(self) as env:
                picking = env["stock.picking"].browse(picking_id)
                picking.action_cancel()
                picking.unlink()
            drop_committed_template(self, template_id)

    def test_two_notices_on_one_receipt(self):
        carton, other, pallet = (
            self.carton_sscc,
            self.other_carton_sscc,
            self.pallet_sscc,
        )
        receipt = self.new_receipt(5)
        first = (
            f"{CSV_HEADER}A-1,SCAN-1,{carton},{pallet}\nA-2,SCAN-1,{carton},{pallet}\n"
        )
        second = (
            f"{CSV_HEADER}A-3,SCAN-1,{other},{pallet}\n"
            f"A-4,{NOTICE_GTIN},{other},{pallet}\nA-5,SCAN-1,,\n"
        )
        self.import_notice(receipt, "first.csv", first.encode())
        self.import_notice(receipt, "second.csv", second.encode())
        self.assertEqual(
            self.line_packages(receipt),
            {
                "A-1": carton,
                "A-2": carton,
                "A-3": other,
                "A-4": other,
                "A-5": False,
            },
        )
        self.assertEqual(
            set(self.lots("A-1", "A-2", "A-3", "A-4", "A-5").mapped("serial_status")),
            {"expected"},
        )
        self.assertEqual(len(self.package(pallet)), 1)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "stock.picking"), ("res_id", "=", receipt.id)]
            ),
            2,
        )

    def test_notice_across_two_receipts(self):
        scanners = self.new_receipt(quantity=3)
        twins = self.new_receipt(quantity=2, product=self.twin)
        text = CSV_HEADER + "".join(
            f"S-{n},SCAN-1,{self.carton_sscc},{self.pallet_sscc}\n" for n in range(1, 4)
        )
        text += "".join(
            f"T-{n},SCAN-2,{self.other_carton_sscc},{self.pallet_sscc}\n"
            for n in range(1, 3)
        )
        wizard = self.notice_wizard(scanners, "notice.csv", text.encode())
        wizard.action_preview()
        self.assertIn(
            "2 units are for products of other receipts and are left for them",
            wizard.preview,
        )
        wizard.action_import()
        self.assertEqual(
            sorted(scanners.move_ids.move_line_ids.lot_id.mapped("name")),
            ["S-1", "S-2", "S-3"],
        )
        self.assertIn(
            "2 units of other products were left for other receipts",
            scanners.message_ids[0].body,
        )
        self.assertFalse(self.lots("T-1", "T-2", product=self.twin))
        self.import_notice(twins, "notice.csv", text.encode())
        self.assertEqual(
            self.line_packages(twins),
            {"T-1": self.other_carton_sscc, "T-2": self.other_carton_sscc},
        )
        # the first receipt's units are its own: importing again adds nothing
        self.import_notice(scanners, "notice.csv", text.encode())
        self.assertEqual(len(scanners.move_ids.move_line_ids), 3)

    def test_scanning_a_package_selects_its_units(self):
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "shipping_pallet.jsonld")
        carton = self.carton_sscc
        for code in (
            carton,
            f"(00){carton}",
            f"00{carton}",
            f"]C100{carton}\x1d",
            f"https://id.gs1.org/00/{carton}",
        ):
            with self.subTest(code=code):
                wizard = self.receipt_entry(receipt)
                result = wizard.scan_code(code)
                self.assertEqual(result["status"], "added", result["message"])
                self.assertEqual(result["serials"], ["NT-1", "NT-2"])
                self.assertEqual(wizard._entered_serials(), ["NT-1", "NT-2"])
        # the pallet holds both cartons
        wizard = self.receipt_entry(receipt)
        result = wizard.scan_code(f"(00){self.pallet_sscc}")
        self.assertEqual(sorted(result["serials"]), ["NT-1", "NT-2", "NT-3", "NT-4"])
        # pasted: a carton's label and a loose unit's serial
        wizard = self.receipt_entry(receipt)
        wizard.paste_text = f"(00){self.other_carton_sscc}\nNT-5"
        wizard.action_add_pasted()
        self.assertEqual(wizard._entered_serials(), ["NT-3", "NT-4", "NT-5"])
        # an SSCC of no package announced here is read as a serial
        self.assertEqual(
            wizard.scan_code("(00)095060001000000043")["status"], "refused"
        )

    def test_received_by_scanning_two_cartons(self):
        receipt = self.new_receipt(quantity=4)
        text = CSV_HEADER + "".join(
            f"R-{n},SCAN-1,{self.carton_sscc if n < 3 else self.other_carton_sscc},"
            f"{self.pallet_sscc}\n"
            for n in range(1, 5)
        )
        self.import_notice(receipt, "notice.csv", text.encode())
        wizard = self.receipt_entry(receipt)
        wizard.scan_code(f"(00){self.carton_sscc}")
        result = wizard.scan_code(f"https://id.gs1.org/00/{self.other_carton_sscc}")
        self.assertTrue(result["done"])
        wizard.action_confirm()
        receipt.button_validate()
        lots = self.lots("R-1", "R-2", "R-3", "R-4")
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", lots.ids), ("quantity", ">", 0)]
        )
        self.assertEqual(
            {quant.lot_id.name: quant.package_id.name for quant in quants},
            {
                "R-1": self.carton_sscc,
                "R-2": self.carton_sscc,
                "R-3": self.other_carton_sscc,
                "R-4": self.other_carton_sscc,
            },
        )
        self.assertEqual(
            quants.package_id.parent_package_id, self.package(self.pallet_sscc)
        )

    def notice_message(self, receipt):
        return "\n".join(receipt.message_ids.mapped("body"))

    def test_units_not_scanned_stay_expected_on_the_backorder(self):
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "notice_pallet.csv")
        self.receive_carton(receipt, f"(00){self.carton_sscc}").process()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(self.in_stock("NS-1", "NS-2"), 2)
        self.assertEqual(self.in_stock("NS-3", "NS-4", "NS-5"), 0)
        backorder = receipt.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 3)
        self.assertEqual(
            self.line_packages(backorder),
            {
                "NS-3": self.other_carton_sscc,
                "NS-4": self.other_carton_sscc,
                "NS-5": False,
            },
        )
        self.assertEqual(
            set(self.lots("NS-3", "NS-4", "NS-5").mapped("serial_status")),
            {"expected"},
        )
        message = self.notice_message(receipt)
        self.assertIn(
            "Shipping notice: 5 units announced, 2 received, 3 not received.",
            message,
        )
        self.assertIn(f"3 stay Expected on the backorder {backorder.name}.", message)
        # the backorder receives them into their carton
        backorder.button_validate()
        quants = self.env["stock.quant"].search(
            [("lot_id.name", "in", ["NS-3", "NS-4"]), ("quantity", ">", 0)]
        )
        self.assertEqual(quants.package_id, self.package(self.other_carton_sscc))
        self.assertEqual(self.in_stock("NS-5"), 1)

    def test_no_backorder_removes_the_units_not_scanned(self):
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "notice_pallet.csv")
        self.receive_carton(
            receipt, f"(00){self.carton_sscc}"
        ).process_cancel_backorder()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.backorder_ids)
        self.assertEqual(self.in_stock("NS-1", "NS-2"), 2)
        gone = ["NS-3", "NS-4", "NS-5"]
        self.assertFalse(self.env["stock.lot"].search_count([("name", "in", gone)]))
        self.assertFalse(
            self.env["stock.lot.history"].search_count([("lot_id.name", "in", gone)])
        )
        message = self.notice_message(receipt)
        self.assertIn("2 received, 3 not received.", message)
        self.assertIn("3 removed, no backorder being made: NS-3", message)

    def test_units_not_on_the_notice_accepted_and_flagged(self):
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "notice_pallet.csv")
        self.receive_carton(
            receipt, f"(00){self.carton_sscc}", "EXTRA-1"
        ).process_cancel_backorder()
        self.assertEqual(self.in_stock("NS-1", "NS-2", "EXTRA-1"), 3)
        extra, announced = self.lots("EXTRA-1", "NS-1")
        self.assertTrue(extra.serial_unannounced)
        self.assertFalse(announced.serial_unannounced)
        message = self.notice_message(receipt)
        self.assertIn(
            "Shipping notice: 5 units announced, 3 received, 3 not received.",
            message,
        )
        self.assertIn(
            "1 received that the notice did not list, flagged Not on the "
            "Shipping Notice: EXTRA-1.",
            message,
        )
        action = receipt.action_view_serial_notice_units()
        self.assertEqual(
            set(self.env["stock.lot"].search(action["domain"]).mapped("name")),
            {"NS-1", "NS-2", "EXTRA-1"},
        )

    def test_dialog_shows_units_announced_and_entered_per_package(self):
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "notice_pallet.csv")
        wizard = self.receipt_entry(receipt)
        wizard.scan_code(f"(00){self.carton_sscc}")
        self.assertEqual(
            wizard.package_summary.splitlines(),
            [
                f"{self.pallet_sscc}: 2 cartons, 4 announced, 2 entered",
                f"    {self.carton_sscc}: 2 announced, 2 entered",
                f"    {self.other_carton_sscc}: 2 announced, 0 entered",
            ],
        )
        # a receipt of units in no package shows none
        plain = self.new_receipt(quantity=1)
        self.assertFalse(self.receipt_entry(plain).package_summary)

    def test_delivered_by_scanning_a_package(self):
        self.received_pallet()
        wizard = self.delivery_wizard(2)
        delivery = wizard._target().picking_id
        # the pallet's label selects the units of both its cartons
        result = wizard.scan_code(f"(00){self.pallet_sscc}")
        self.assertEqual(result["status"], "added", result["message"])
        self.assertEqual(
            sorted(wizard.selected_lot_ids.mapped("name")),
            ["NS-1", "NS-2", "NS-3", "NS-4"],
        )
        wizard.action_clear()
        result = wizard.scan_code(f"https://id.gs1.org/00/{self.carton_sscc}")
        self.assertEqual(result["status"], "added", result["message"])
        self.assertEqual(sorted(result["serials"]), ["NS-1", "NS-2"])
        wizard.action_confirm()
        # the whole carton leaves: Odoo's entire package
        carton = self.package(self.carton_sscc)
        lines = delivery.move_ids.move_line_ids
        self.assertEqual(sorted(lines.lot_id.mapped("name")), ["NS-1", "NS-2"])
        self.assertEqual(lines.package_id, carton)
        self.assertEqual(lines.result_package_id, carton)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        quants = self.env["stock.quant"].search(
            [("lot_id.name", "in", ["NS-1", "NS-2"]), ("quantity", ">", 0)]
        )
        self.assertEqual(quants.location_id, self.customer_location)
        self.assertEqual(quants.package_id, carton)

    def test_a_package_holding_nothing_here_selects_nothing(self):
        self.received_pallet()
        wizard = self.delivery_wizard(location=self.shelf)
        result = wizard.scan_code(f"(00){self.carton_sscc}")
        self.assertEqual(result["status"], "refused")
        self.assertIn(
            f"(00){self.carton_sscc} holds no serial number", result["message"]
        )
        self.assertFalse(wizard.selected_lot_ids)

    def test_received_whole_then_returned_to_the_vendor(self):
        receipt = self.received_pallet()
        self.assertIn(
            "Shipping notice: 5 units announced, 5 received, 0 not received.",
            self.notice_message(receipt),
        )
        # the return, a copy of the receipt, is no receipt with a notice
        returned = self.return_picking(receipt, "NS-5")
        self.assertEqual(returned.state, "done")
        self.assertNotIn("Shipping notice", self.notice_message(returned))

    def test_unit_received_in_a_carton_returned_to_the_vendor(self):
        receipt = self.received_pallet()
        carton = self.package(self.carton_sscc)
        returned = self.return_picking(receipt, "NS-1")
        self.assertEqual(returned.state, "done")
        # taken out of its carton, as Odoo's return reserves it
        self.assertEqual(returned.move_line_ids.package_id, carton)
        self.assertFalse(returned.move_line_ids.result_package_id)
        returned_unit, kept_unit = self.lots("NS-1", "NS-2")
        self.assertEqual(returned_unit.serial_status, "returned_vendor")
        self.assertEqual(self.events(returned_unit)[-1], "VENDOR_RETURN")
        # NS-1 left the carton and the stock; NS-2 stays in the carton
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", (returned_unit | kept_unit).ids),
                ("location_id.usage", "=", "internal"),
                ("quantity", "!=", 0),
            ]
        )
        self.assertEqual(
            [(q.lot_id.name, q.location_id, q.package_id, q.quantity) for q in quants],
            [("NS-2", self.stock_location, carton, 1)],
        )
        self.assertEqual(carton.parent_package_id, self.package(self.pallet_sscc))

    def test_return_to_the_vendor_of_a_unit_not_in_stock_is_refused(self):
        receipt = self.received_pallet()
        wizard = self.delivery_wizard()
        wizard.paste_text = "NS-1"
        wizard.action_select_pasted()
        wizard.action_confirm()
        wizard._target().picking_id.button_validate()
        unit = self.lots("NS-1")
        history = len(unit.history_ids)
        returned = receipt._serial_create_return(unit)
        returned.move_ids.picked = True
        with self.assertRaisesRegex(
            UserError, "NS-1 cannot leave WH/Stock: it is not there."
        ):
            returned.button_validate()
        self.assertNotEqual(returned.state, "done")
        self.assertEqual(unit.serial_status, "sold")
        self.assertEqual(len(unit.history_ids), history)
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", unit.id), ("quantity", ">", 0)]
        )
        self.assertEqual(quants.location_id, self.customer_location)

    def test_fewer_units_refused_without_a_notice(self):
        receipt = self.new_receipt(quantity=2)
        wizard = self.receipt_entry(receipt)
        self.assertFalse(wizard.fewer_allowed)
        wizard.scan_code("ALONE-1")
        self.assertFalse(wizard.can_confirm)
        with self.assertRaisesRegex(UserError, "needs 2 serial numbers and 1 are"):
            wizard.action_confirm()
        self.assertFalse(self.env["stock.lot"].search_count([("name", "=", "ALONE-1")]))


@tagged("post_install", "-at_install")
class TestShippingNoticeInBackground(BackgroundValidationCase, ShippingNoticeCase):
    def test_large_notice_announced_by_the_job_in_packages(self):
        receipt = self.new_receipt(5)
        self.run_job()  # its Mark as To Do, left to the job
        wizard = self.notice_wizard(
            receipt, "notice.csv", notice_data("notice_pallet.csv")
        )
        wizard.action_preview()
        result = wizard.action_import()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertFalse(self.lots("NS-1"))
        self.run_job()
        self.assertFalse(receipt.serial_background_state)
        self.assert_packed_as_notice_pallet(receipt)
        self.assertEqual(
            set(self.lots(*[f"NS-{n}" for n in range(1, 6)]).mapped("serial_status")),
            {"expected"},
        )
        self.assertFalse(receipt.move_ids.serial_notice_packages)

    def notice_csv(self, sku, names, package=None):
        """A notice (bytes) of the units ``names`` of the product ``sku``,
        the first four in the carton ``package`` when given."""
        rows = [
            f"{name},{sku},{package if package and index < 4 else ''},\n"
            for index, name in enumerate(names)
        ]
        return (CSV_HEADER + "".join(rows)).encode()

    def entered_against_notice(self, product, sku, threshold, carton):
        """A receipt of ``product`` whose notice announces N-1 to N-5 (the
        first four in ``carton``), entered with N-1, N-3 and EXTRA-1 while
        the company's background threshold is ``threshold``: whether the
        entry went to the job, and {serial: (picked, status, not on the
        notice, package)} of its lines."""
        self.company.serial_background_validation_threshold = 0
        receipt = self.new_receipt(5, product=product)
        names = [f"N-{number}" for number in range(1, 6)]
        self.import_notice(receipt, "notice.csv", self.notice_csv(sku, names, carton))
        self.company.serial_background_validation_threshold = threshold
        wizard = self.receipt_entry(receipt)
        wizard.paste_text = "N-1\nN-3\nEXTRA-1"
        wizard.action_add_pasted()
        wizard.action_confirm()
        queued = receipt.serial_background_state == "queued"
        if queued:
            self.run_job()
        self.assertFalse(receipt.serial_background_state)
        lines = {
            line.lot_id.name: (
                line.picked,
                line.lot_id.serial_status,
                line.lot_id.serial_unannounced,
                bool(line.result_package_id),
            )
            for line in receipt.move_ids.move_line_ids
        }
        self.assertEqual(len(lines), len(receipt.move_ids.move_line_ids))
        return receipt, queued, lines

    def test_entry_in_the_background_leaves_the_notice_units_as_at_once(self):
        self.twin.default_code = "SCAN-3"
        carton, other_carton = (
            body + gs1_check_digit(body)
            for body in ("09506000100000071", "09506000100000072")
        )
        at_once, queued, lines = self.entered_against_notice(
            self.product, "SCAN-1", 0, carton
        )
        self.assertFalse(queued)
        self.assertEqual(
            lines,
            {
                "N-1": (True, "expected", False, True),
                "N-2": (False, "expected", False, True),
                "N-3": (True, "expected", False, True),
                "N-4": (False, "expected", False, True),
                "N-5": (False, "expected", False, False),
                "EXTRA-1": (True, "expected", True, False),
            },
        )
        in_background, queued, background_lines = self.entered_against_notice(
            self.twin, "SCAN-3", 3, other_carton
        )
        self.assertTrue(queued)
        self.assertEqual(background_lines, lines)
        self.assertFalse(in_background.move_ids.serial_names_entered)
        # the validation carries the units not entered to the backorder, in
        # their carton, for both
        self.company.serial_background_validation_threshold = 0
        for receipt, sscc in ((at_once, carton), (in_background, other_carton)):
            action = receipt.button_validate()
            Form.from_action(self.env, action).save().process()
            self.assertEqual(receipt.state, "done")
            self.assertEqual(
                {
                    line.lot_id.name: line.result_package_id.name or False
                    for line in receipt.backorder_ids.move_ids.move_line_ids
                },
                {"N-2": sscc, "N-4": sscc, "N-5": False},
            )

    def validated_against_notice(self, product, sku, prefix, sliced, backorder):
        """A receipt of eight units of ``product`` whose notice announces
        them (no packages), entered with the first five and one unit not on
        the notice, then validated at once or in slices of three, with or
        without ``backorder``: the receipt's counts messages (the
        backorder's name replaced) and the serials of its backorder."""
        self.company.serial_background_validation_threshold = 0
        receipt = self.new_receipt(8, product=product)
        names = [f"{prefix}-{number}" for number in range(1, 9)]
        self.import_notice(receipt, "notice.csv", self.notice_csv(sku, names))
        wizard = self.receipt_entry(receipt)
        wizard.paste_text = "\n".join([*names[:5], f"{prefix}-EXTRA"])
        wizard.action_add_pasted()
        wizard.action_confirm()
        self.company.serial_background_validation_threshold = 3 if sliced else 0
        confirmation = Form.from_action(self.env, receipt.button_validate()).save()
        if backorder:
            confirmation.process()
        else:
            confirmation.process_cancel_backorder()
        if sliced:
            self.assertEqual(receipt.serial_background_state, "queued")
            self.run_job()
            # validated in slices: the first three units by a move of their own
            self.assertEqual(len(receipt.move_ids), 2)
        self.assertEqual(receipt.state, "done")
        messages = [
            str(body)
            for body in receipt.message_ids.sorted("id").mapped("body")
            if "Shipping notice:" in body
        ]
        if receipt.backorder_ids:
            messages = [
                message.replace(receipt.backorder_ids.name, "BACKORDER")
                for message in messages
            ]
        kept = sorted(
            receipt.backorder_ids.move_ids.move_line_ids.lot_id.mapped("name")
        )
        return messages, kept

    def test_sliced_validation_posts_the_counts_of_the_whole_receipt_once(self):
        self.twin.default_code = "SCAN-3"
        for prefix, backorder in (("B", True), ("C", False)):
            with self.subTest(backorder=backorder):
                at_once = self.validated_against_notice(
                    self.product, "SCAN-1", prefix, False, backorder
                )
                messages, kept = at_once
                self.assertEqual(len(messages), 1)
                self.assertIn(
                    "Shipping notice: 8 units announced, 6 received, 3 not received.",
                    messages[0],
                )
                self.assertIn(
                    f"1 received that the notice did not list, flagged Not on the "
                    f"Shipping Notice: {prefix}-EXTRA.",
                    messages[0],
                )
                self.assertEqual(
                    kept,
                    [f"{prefix}-{number}" for number in (6, 7, 8)] if backorder else [],
                )
                sliced = self.validated_against_notice(
                    self.twin, "SCAN-3", prefix, True, backorder
                )
                self.assertEqual(sliced, at_once)


@tagged("post_install", "-at_install", "serial_tracking_purchase")
class TestShippingNoticeOnPurchase(ShippingNoticeCase):
    """Runs on a database with Purchase (purchase_stock): products named by
    the vendor's own codes, and the purchase order as the reference."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "purchase_id" not in cls.env["stock.picking"]._fields:
            raise unittest.SkipTest("purchase_stock is not installed on this database")
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.vendor.id,
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "product_code": "VND-77",
            }
        )

    def test_vendor_codes_and_products_off_the_order(self):
        receipt = purchase_order(self.env, self.vendor, self.product, 3).picking_ids
        text = "Serial,Vendor Code,Carton\n" + "".join(
            f"V-{n},VND-77,{self.carton_sscc}\n" for n in range(1, 3)
        )
        self.import_notice(receipt, "vendor.csv", text.encode())
        self.assertEqual(
            self.line_packages(receipt),
            {"V-1": self.carton_sscc, "V-2": self.carton_sscc},
        )
        # a product of this company, but not on the order, is refused
        text = "Serial,Vendor Code\nV-3,VND-77\nW-1,SCAN-2\n"
        wizard = self.notice_wizard(receipt, "other.csv", text.encode())
        with self.assertRaises(UserError) as caught:
            wizard.action_preview()
        self.assertIn(
            "SCAN-2 (1 units: W-1) is not on the purchase order",
            caught.exception.args[0],
        )
        self.assertFalse(self.lots("V-3"))

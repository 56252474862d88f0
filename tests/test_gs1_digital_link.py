# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import re

import zxingcpp
from PIL import Image

from odoo.exceptions import UserError

from .common import Gs1EntryCase
from .test_gs1 import GTIN

REPORT = "serial_tracking.action_report_serial_label"


def label_html(env, lots):
    html, _ = env["ir.actions.report"]._render_qweb_html(REPORT, lots.ids)
    return html.decode()


def qr_codes(html):
    """{alt text: what the QR code image says}, read back from the label's
    images by a barcode reader."""
    codes = {}
    for alt, data in re.findall(
        r'alt="([^"]*)" src="data:image/png;base64,([^"]+)"', html
    ):
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if found:
            codes[alt] = found[0].text
    return codes


class TestDigitalLinkLabels(Gs1EntryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://serials.example.com"
        )
        cls.product.barcode = "9506000134352"

    def test_label_qr_holds_the_digital_link_when_the_company_prints_it(self):
        self.receive("DL-1", "DL/2 é")
        lots = self.lots("DL-1") | self.lots("DL/2 é")
        self.assertFalse(self.env.company.serial_digital_link_labels)  # off by default
        self.assertFalse("/01/" in label_html(self.env, lots))

        self.env.company.serial_digital_link_labels = True
        html = label_html(self.env, lots)
        codes = qr_codes(html)
        for serial, encoded in (("DL-1", "DL-1"), ("DL/2 é", "DL%2F2%20%C3%A9")):
            uri = f"https://serials.example.com/01/{GTIN}/21/{encoded}"
            with self.subTest(serial=serial):
                # the image is a QR code of that very URI
                self.assertEqual(codes.get(f"Barcode {uri}"), uri)
        # the QR code takes the place of the Code 128
        self.assertFalse('alt="Barcode DL-1"' in html)

        # with GS1 barcodes for lots and serials, in place of the DataMatrix
        self.env.user.group_ids += self.env.ref("stock.group_stock_lot_print_gs1")
        html = label_html(self.env, lots[0])
        self.assertTrue(
            f'alt="Barcode https://serials.example.com/01/{GTIN}/21/DL-1"' in html
        )
        self.assertFalse(f'alt="Barcode 01{GTIN}21DL-1"' in html)

    def test_product_without_valid_gtin_prints_without_qr_and_says_why(self):
        self.env.company.serial_digital_link_labels = True
        receipt = self.receive("DL-7")
        self.product.barcode = "9506000134353"  # wrong check digit
        action = receipt.action_print_serial_labels()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(
            "No QR code on the labels of Tracked Scanner: the product's barcode is "
            "not a valid GTIN",
            action["params"]["message"],
        )
        # the labels print all the same, after the notice
        self.assertEqual(
            action["params"]["next"]["report_name"],
            "serial_tracking.report_serial_label",
        )
        html = label_html(self.env, self.lots("DL-7"))
        self.assertFalse("/01/" in html)
        self.assertTrue('alt="Barcode DL-7"' in html)

        # a valid GTIN: the labels print straight away
        self.product.barcode = "9506000134352"
        self.assertEqual(
            receipt.action_print_serial_labels()["type"], "ir.actions.report"
        )


class TestDigitalLinkEntry(Gs1EntryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = "9506000134352"

    def test_scanned_digital_links_of_any_domain_give_their_serials(self):
        received, selecting = self.receive_scans_then_select(
            [
                f"https://id.gs1.org/01/{GTIN}/21/DL-0001",
                "https://brand.example/p/01/9506000134352/10/LOT7/21/DL%2F2?x=1",
                f"(01){GTIN}(21)DL-0003",
                "DL-0004",
            ],
            # a scanned link selects the unit in a delivery too
            f"https://serials.example.com/01/{GTIN}/21/DL%2F2",
        )
        self.assertEqual(
            received._entered_serials(), ["DL-0001", "DL/2", "DL-0003", "DL-0004"]
        )
        self.assertEqual(self.lots("DL/2").serial_status, "in_stock")
        self.assertEqual(selecting.selected_lot_ids, self.lots("DL/2"))

    def test_links_of_another_product_bad_gtin_or_without_serial_are_refused(self):
        _receipt, wizard = self.receipt_wizard()
        other = "https://x.example/01/04012345000016/21/DL-1"
        bad = "https://x.example/01/09506000134353/21/DL-2"
        no_serial = f"https://x.example/01/{GTIN}"
        wizard.paste_text = "\n".join([other, bad, no_serial, "DL-4"])
        with self.assertRaises(UserError) as caught:
            wizard.action_add_pasted()
        message = str(caught.exception)
        self.assertIn(
            f"{other} is for the product with GTIN 04012345000016, not for "
            "Tracked Scanner (barcode 9506000134352)",
            message,
        )
        self.assertIn(f"{bad} holds 09506000134353, which is not a valid GTIN", message)
        self.assertIn(f"{no_serial} holds no serial number (/21/ in the link)", message)
        self.assertNotIn("DL-4", message)
        self.assertFalse(wizard._entered_serials())

    def test_serials_of_links_are_literal(self):
        received, selecting = self.receive_scans_then_select(
            [
                f"https://id.gs1.org/01/{GTIN}/21/2024-0001",
                f"https://id.gs1.org/01/{GTIN}/21/100-105",
                f"https://id.gs1.org/01/{GTIN}/21/AB%2C12",
            ],
            f"https://id.gs1.org/01/{GTIN}/21/100-105",
        )
        self.assertTrue(received.read_ranges)
        self.assertEqual(received._entered_serials(), ["2024-0001", "100-105", "AB,12"])
        self.assertEqual(self.lots("100-105").serial_status, "in_stock")
        self.assertEqual(selecting.selected_lot_ids, self.lots("100-105"))

    def test_a_web_address_that_is_no_link_is_pasted_text(self):
        _receipt, wizard = self.receipt_wizard(count=2)
        wizard.paste_text = "https://example.com/2024/01/a\nDL-0009"
        wizard.action_add_pasted()
        self.assertEqual(
            wizard._entered_serials(), ["https://example.com/2024/01/a", "DL-0009"]
        )

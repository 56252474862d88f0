# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import shutil
from datetime import date

from odoo.exceptions import UserError
from odoo.tools import html2plaintext, mute_logger

from .common import AccountingModeCase, PhysicalModeCase

REPORT = "serial_tracking.action_report_serial_label"


def label_text(env, lots):
    html, _ = env["ir.actions.report"]._render_qweb_html(REPORT, lots.ids)
    return html.decode(), html2plaintext(html.decode())


class TestSerialLabelsAccounting(AccountingModeCase):
    def test_labels_of_a_bill_show_product_serial_barcode_and_warranty(self):
        bill = self.bill("LB-1", "LB-2")
        lots = self.lots("LB-1", "LB-2")
        lots[0].warranty_date_start = date(2025, 4, 1)
        action = bill.action_print_serial_labels()
        self.assertEqual(action["report_name"], "serial_tracking.report_serial_label")
        self.assertEqual(action["context"]["active_ids"], lots.ids)
        html, text = label_text(self.env, lots)
        self.assertIn("Tracked Laptop", text)
        self.assertIn("LB-1", text)
        self.assertIn("LB-2", text)
        self.assertIn("Warranty: 04/01/2026", text)
        # the serial as a (Code 128) barcode image
        self.assertIn('alt="Barcode LB-1" src="data:image/png;base64,', html)
        # warranty end only on the label of a unit that has one
        self.assertNotIn("Warranty", label_text(self.env, lots[1])[1])

    def test_labels_reuse_odoos_lot_label_with_gs1_datamatrix(self):
        self.bill("LB-5")
        self.accounting_product.barcode = "09506000134352"
        self.env.user.group_ids += self.env.ref("stock.group_stock_lot_print_gs1")
        html, text = label_text(self.env, self.lots("LB-5"))
        self.assertIn("LB-5", text)
        # GTIN (AI 01) and serial (AI 21) in one DataMatrix
        self.assertIn('alt="Barcode 0109506000134352' + '21LB-5"', html)

    def test_a_draft_bill_without_serials_says_so(self):
        draft = self.make_move("in_invoice", self.vendor, 1)
        with self.assertRaisesRegex(UserError, "no serial numbers to print"):
            draft.action_print_serial_labels()

    def test_pdf_of_many_labels(self):
        # Odoo prints PDF through wkhtmltopdf (Debian's package will do)
        self.assertTrue(shutil.which("wkhtmltopdf"), "wkhtmltopdf is not installed")
        lots = self.add_serials(
            self.accounting_product, [f"LP-{n:04d}" for n in range(100)]
        )
        # Debian's wkhtmltopdf (unpatched Qt) warns that it ignores header options
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(REPORT, lots.ids)
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))


class TestSerialLabelsPhysical(PhysicalModeCase):
    def test_labels_of_a_receipt_are_its_received_serials(self):
        receipt = self.receive("LR-1", "LR-2", "LR-3")
        self.receive("LR-9")
        action = receipt.action_print_serial_labels()
        self.assertEqual(
            self.env["stock.lot"]
            .browse(action["context"]["active_ids"])
            .mapped("name"),
            ["LR-1", "LR-2", "LR-3"],
        )
        _html, text = label_text(self.env, self.lots("LR-2"))
        self.assertIn("Tracked Scanner", text)
        self.assertIn("LR-2", text)
        self.assertNotIn("Warranty", text)

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import BaseCase

from ..tools.serial_gs1 import gs1_raw_form, looks_like_gs1, same_gtin
from .common import Gs1EntryCase

GTIN = "09506000134352"  # a valid GTIN-14 (check digit 2)
GS = "\x1d"


class TestGs1Text(BaseCase):
    def test_what_is_taken_for_a_gs1_code(self):
        for item, expected in (
            (f"(01){GTIN}(21)SN-0001", True),
            (" (21)SN-0001 ", True),
            (f"]d201{GTIN}21SN-0001", True),
            (f"01{GTIN}21SN-0001{GS}10LOT", True),
            (f"01{GTIN}21SN-0001", False),  # digits alone may be a serial
            ("SN-(21)-1", False),
            ("SN-0001", False),
        ):
            with self.subTest(item=item):
                self.assertEqual(looks_like_gs1(item), expected)
        # digits alone are a code when they start with the product's own GTIN
        product_barcode = "9506000134352"
        self.assertTrue(looks_like_gs1(f"01{GTIN}21SN-0001", product_barcode))
        self.assertFalse(looks_like_gs1(f"01{GTIN}", product_barcode))
        self.assertFalse(looks_like_gs1("010401234500001621SN-1", product_barcode))

    def test_raw_form_and_gtin(self):
        self.assertEqual(
            gs1_raw_form(f"(01){GTIN}(21)SN-0001"), f"01{GTIN}{GS}21SN-0001{GS}"
        )
        self.assertEqual(gs1_raw_form(f" ]d201{GTIN}21A "), f"]d201{GTIN}21A")
        self.assertTrue(same_gtin(GTIN, "9506000134352"))  # kept as an EAN-13
        self.assertTrue(same_gtin(GTIN, GTIN))
        self.assertFalse(same_gtin(GTIN, "9506000134353"))
        self.assertFalse(same_gtin(GTIN, "ABC"))


class TestGs1Entry(Gs1EntryCase):
    """Odoo's GS1 nomenclature (barcodes_gs1_nomenclature, a dependency of
    stock) decomposes the codes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = "9506000134352"

    def test_company_gs1_nomenclature_or_odoos_default_one(self):
        _receipt, wizard = self.receipt_wizard()
        default = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        self.assertFalse(self.env.company.nomenclature_id.is_gs1_nomenclature)
        self.assertEqual(wizard._gs1_nomenclature(), default)
        self.env.company.nomenclature_id = default
        wizard.paste_text = f"(01){GTIN}(21)SN-0001"
        wizard.action_add_pasted()
        self.assertEqual(wizard._entered_serials(), ["SN-0001"])

    def test_scanned_codes_give_their_serials(self):
        received, selecting = self.receive_scans_then_select(
            [
                f"(01){GTIN}(21)SN-0001",
                f"]d201{GTIN}21SN-0002{GS}10LOT7",
                f"01{GTIN}21SN-0005",  # raw, as a scanner without FNC1 sends it
                "SN-0003",
            ],
            # a scan selects the unit in a delivery too
            f"(01){GTIN}(21)SN-0002",
        )
        self.assertEqual(
            received._entered_serials(), ["SN-0001", "SN-0002", "SN-0005", "SN-0003"]
        )
        self.assertEqual(self.lots("SN-0002").serial_status, "in_stock")
        self.assertEqual(selecting.selected_lot_ids, self.lots("SN-0002"))

    def test_codes_of_another_product_or_without_serial_are_refused(self):
        _receipt, wizard = self.receipt_wizard()
        other_gtin = "04012345000016"
        wizard.paste_text = "\n".join(
            [
                f"(01){other_gtin}(21)SN-0001",
                f"(01){GTIN}(10)LOT7",
                "(01)09506000134353(21)SN-0002",  # wrong check digit
                f"(01){GTIN}(21)SN-0004",
            ]
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_add_pasted()
        message = str(caught.exception)
        self.assertIn(
            f"(01){other_gtin}(21)SN-0001 is for the product with GTIN {other_gtin}, "
            "not for Tracked Scanner (barcode 9506000134352)",
            message,
        )
        self.assertIn(f"(01){GTIN}(10)LOT7 holds no serial number", message)
        self.assertIn(
            "(01)09506000134353(21)SN-0002 is not a valid GS1 barcode", message
        )
        self.assertNotIn("SN-0004", message)
        self.assertFalse(wizard._entered_serials())

    def test_product_without_barcode_takes_any_gtin(self):
        self.product.barcode = False
        _receipt, wizard = self.receipt_wizard()
        wizard.paste_text = "(01)04012345000016(21)SN-0009"
        wizard.action_add_pasted()
        self.assertEqual(wizard._entered_serials(), ["SN-0009"])

    def test_product_without_barcode_refuses_another_products_gtin(self):
        other = self.accounting_product.product_variant_id
        other.barcode = "4012345000016"  # its EAN-13
        self.product.barcode = False
        _receipt, wizard = self.receipt_wizard()
        lots = self.env["stock.lot"].search_count([])
        wizard.paste_text = "\n".join(
            [
                "(01)04012345000016(21)SN-0010",
                "https://x.example/01/04012345000016/21/SN-0011",
                "(01)09506000134352(21)SN-0012",  # no product's GTIN
                "SN-0013",
            ]
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_add_pasted()
        message = str(caught.exception)
        for code in (
            "(01)04012345000016(21)SN-0010",
            "https://x.example/01/04012345000016/21/SN-0011",
        ):
            self.assertIn(
                f"{code} is for {other.display_name} (GTIN 04012345000016), not for "
                "Tracked Scanner, which has no barcode",
                message,
            )
        self.assertNotIn("SN-0012", message)
        self.assertNotIn("SN-0013", message)
        self.assertFalse(wizard._entered_serials())
        self.assertEqual(self.env["stock.lot"].search_count([]), lots)

    def test_serials_of_codes_are_literal(self):
        # with Read ranges on, a code's serial is never a span nor a list
        _receipt, wizard = self.receipt_wizard(count=4)
        self.assertTrue(wizard.read_ranges)
        wizard.paste_text = "\n".join(
            [
                f"(01){GTIN}(21)2024-0001",
                f"]d201{GTIN}21100-105",
                "(21)AB,12",
                "7-8",  # pasted text: a span still
            ]
        )
        wizard.action_add_pasted()
        self.assertEqual(
            wizard._entered_serials(), ["2024-0001", "100-105", "AB,12", "7", "8"]
        )

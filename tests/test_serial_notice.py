# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_digital_link import gs1_check_digit
from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_notice import (
    KEY_GTIN,
    KEY_REFERENCE,
    NoticeRefused,
    map_columns,
    read_notice,
    sscc_of_code,
    valid_sscc,
)

from .common import NOTICE_GTIN, NOTICE_SSCC, epcis_notice, notice_data, sscc_urn

PROPERTY = settings(max_examples=200, deadline=None, database=None)
PALLET, CARTON_1, CARTON_2 = NOTICE_SSCC
GTIN = NOTICE_GTIN


def refusal(filename, content):
    """The text of the refusal of a notice."""
    try:
        read_notice(filename, content)
    except NoticeRefused as error:
        return str(error)
    raise AssertionError(f"{filename} was read")


class TestSerialNotice(BaseCase):
    def test_spreadsheet_csv_units_and_packages(self):
        notice = read_notice("notice.csv", notice_data("notice_pallet.csv"))
        self.assertEqual(notice.kind, "spreadsheet")
        self.assertEqual(
            notice.mapping,
            {
                "serial": "Serial Number",
                "product": "SKU",
                "carton": "Carton SSCC",
                "pallet": "Pallet SSCC",
            },
        )
        self.assertEqual(
            [(unit.serial, unit.carton, unit.pallet) for unit in notice.units],
            [
                ("NS-1", CARTON_1, PALLET),
                ("NS-2", CARTON_1, PALLET),
                ("NS-3", CARTON_2, PALLET),
                ("NS-4", CARTON_2, PALLET),
                ("NS-5", None, None),
            ],
        )
        self.assertEqual({unit.key_kind for unit in notice.units}, {KEY_REFERENCE})
        # the pallet comes before the cartons it holds
        self.assertEqual(
            list(notice.packages.items()),
            [(PALLET, None), (CARTON_1, PALLET), (CARTON_2, PALLET)],
        )

    def test_spreadsheet_xlsx_with_gtin_column(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["IMEI", "EAN", "Case"])
        sheet.append(["35000001", GTIN[1:], CARTON_1])
        sheet.append(["35000002", GTIN[1:], CARTON_1])
        content = io.BytesIO()
        workbook.save(content)
        notice = read_notice("notice.xlsx", content.getvalue())
        self.assertEqual(
            notice.mapping, {"serial": "IMEI", "gtin": "EAN", "carton": "Case"}
        )
        self.assertEqual(
            [(u.serial, u.key_kind, u.key, u.carton) for u in notice.units],
            [
                ("35000001", KEY_GTIN, GTIN, CARTON_1),
                ("35000002", KEY_GTIN, GTIN, CARTON_1),
            ],
        )
        self.assertEqual(notice.packages, {CARTON_1: None})

    def test_header_spellings(self):
        for header, kind in [
            ("Serial", "serial"),
            ("serial_number", "serial"),
            ("SN", "serial"),
            (" S/N ", "serial"),
            ("IMEI", "serial"),
            ("SKU", "product"),
            ("Item", "product"),
            ("Vendor Code", "product"),
            ("vendor-code", "product"),
            ("GTIN", "gtin"),
            ("Barcode", "gtin"),
            ("Carton", "carton"),
            ("Case SSCC", "carton"),
            ("Pallet", "pallet"),
            ("PALLET_SSCC", "pallet"),
        ]:
            with self.subTest(header=header):
                self.assertEqual(map_columns(["Notes", header]), {kind: 1})

    def test_spreadsheet_refusals_name_every_row(self):
        bad_sscc = CARTON_1[:-1] + str((int(CARTON_1[-1]) + 1) % 10)
        content = (
            "Serial,GTIN,Carton,Pallet\n"
            f"A1,{GTIN},{CARTON_1},{PALLET}\n"
            f"A2,09506000134353,{CARTON_1},{PALLET}\n"
            f"A3,{GTIN},{bad_sscc},\n"
            f",{GTIN},,\n"
            f"A1,{GTIN},{CARTON_1},{PALLET}\n"
            f"A4,{GTIN},{CARTON_1},{CARTON_2}\n"
        ).encode()
        message = refusal("bad.csv", content)
        self.assertIn("Row 3: 09506000134353 is not a valid GTIN", message)
        self.assertIn(f"Row 4: {bad_sscc} is not a valid SSCC", message)
        self.assertIn("Row 5: no serial number.", message)
        self.assertIn("1 serial numbers are listed twice: A1.", message)
        self.assertIn(
            f"Carton {CARTON_1} is on two pallets: {PALLET} and {CARTON_2}.", message
        )

    def test_spreadsheet_without_serial_or_product_column(self):
        message = refusal("cols.csv", b"Name,Qty\nA1,1\n")
        self.assertIn("no serial number column", message)
        self.assertIn("its headers are: Name, Qty", message)
        self.assertIn("no product column", message)

    def test_epcis_units_packed_pallet_carton_unit(self):
        notice = read_notice("n.jsonld", notice_data("shipping_pallet.jsonld"))
        self.assertEqual(notice.kind, "epcis")
        self.assertEqual(
            [(u.serial, u.key_kind, u.key, u.carton, u.pallet) for u in notice.units],
            [
                ("NT-1", KEY_GTIN, GTIN, CARTON_1, PALLET),
                ("NT-2", KEY_GTIN, GTIN, CARTON_1, PALLET),
                ("NT-3", KEY_GTIN, GTIN, CARTON_2, PALLET),
                ("NT-4", KEY_GTIN, GTIN, CARTON_2, PALLET),
                ("NT-5", KEY_GTIN, GTIN, None, None),
            ],
        )
        self.assertEqual(
            list(notice.packages.items()),
            [(PALLET, None), (CARTON_1, PALLET), (CARTON_2, PALLET)],
        )

    def test_epcis_truncated_json(self):
        content = notice_data("shipping_pallet.jsonld")
        message = refusal("cut.jsonld", content[: len(content) // 2])
        self.assertIn("cut.jsonld is not valid JSON (cut short or damaged?)", message)

    def test_epcis_wrong_context(self):
        document = json.loads(notice_data("shipping_pallet.jsonld"))
        document["@context"] = ["https://example.com/epcis-context.jsonld"]
        message = refusal("ctx.json", json.dumps(document).encode())
        self.assertIn("is not an EPCIS 2.0 document: its @context", message)

    def test_epcis_without_shipping_event(self):
        document = json.loads(notice_data("shipping_pallet.jsonld"))
        for event in document["epcisBody"]["eventList"]:
            if event["type"] == "ObjectEvent":
                event["bizStep"] = "receiving"
        message = refusal("noship.json", json.dumps(document).encode())
        self.assertIn("has no shipping event", message)

    def test_epcis_unit_under_two_cartons(self):
        unit = f"https://id.gs1.org/01/{GTIN}/21/U-1"
        content = epcis_notice(
            [
                ("pack", CARTON_1, [unit]),
                ("pack", CARTON_2, [unit]),
                ("ship", [sscc_urn(CARTON_1), sscc_urn(CARTON_2)]),
            ]
        )
        message = refusal("two.json", content)
        self.assertIn(
            f"Event 2: U-1 is packed in two packages, {CARTON_1} and {CARTON_2}.",
            message,
        )

    def test_epcis_unpacking_takes_units_out_of_their_package(self):
        units = [f"https://id.gs1.org/01/{GTIN}/21/U-{n}" for n in range(1, 5)]
        content = epcis_notice(
            [
                ("pack", CARTON_1, units[:2]),
                ("pack", CARTON_2, units[2:]),
                ("pack", PALLET, [sscc_urn(CARTON_1), sscc_urn(CARTON_2)]),
                # U-1 taken out of its carton; the second carton emptied and
                # taken off the pallet (an unpacking listing no child)
                ("unpack", CARTON_1, units[:1]),
                ("unpack", CARTON_2, []),
                ("unpack", PALLET, [sscc_urn(CARTON_2)]),
                ("ship", [sscc_urn(PALLET), *units[:1], *units[2:]]),
            ]
        )
        notice = read_notice("unpacked.json", content)
        self.assertEqual(
            [(unit.serial, unit.carton, unit.pallet) for unit in notice.units],
            [
                ("U-2", CARTON_1, PALLET),
                ("U-1", None, None),
                ("U-3", None, None),
                ("U-4", None, None),
            ],
        )
        self.assertEqual(notice.packages, {PALLET: None, CARTON_1: PALLET})

    def test_epcis_unit_unpacked_from_a_package_it_is_not_in(self):
        unit = f"https://id.gs1.org/01/{GTIN}/21/U-1"
        content = epcis_notice(
            [
                ("pack", CARTON_1, [unit]),
                ("unpack", CARTON_2, [unit]),
                ("ship", [sscc_urn(CARTON_1)]),
            ]
        )
        message = refusal("unpacked.json", content)
        self.assertIn(
            f"Event 2: U-1 is unpacked from {CARTON_2}, but the document packed "
            f"it in {CARTON_1}.",
            message,
        )
        # a unit packed before the document's first event leaves its package
        # with nothing to undo
        content = epcis_notice(
            [("unpack", CARTON_2, [unit]), ("ship", [unit])],
        )
        notice = read_notice("unpacked.json", content)
        self.assertEqual(
            [(unit.serial, unit.carton) for unit in notice.units], [("U-1", None)]
        )

    def test_epcis_cycle_in_nesting(self):
        content = epcis_notice(
            [
                ("pack", CARTON_1, [sscc_urn(CARTON_2)]),
                ("pack", CARTON_2, [sscc_urn(PALLET)]),
                ("pack", PALLET, [sscc_urn(CARTON_1)]),
                ("ship", [sscc_urn(PALLET)]),
            ]
        )
        message = refusal("cycle.json", content)
        self.assertIn("is packed inside itself (a cycle in the nesting)", message)

    def test_epcis_duplicated_serials_and_bad_check_digits(self):
        content = epcis_notice(
            [
                (
                    "ship",
                    [
                        f"https://id.gs1.org/01/{GTIN}/21/D-1",
                        "urn:epc:id:sgtin:9506000.013435.D-1",
                        "https://id.gs1.org/01/09506000134353/21/D-2",
                    ],
                ),
                (
                    "pack",
                    f"https://id.gs1.org/00/{PALLET[:-1]}{(int(PALLET[-1]) + 1) % 10}",
                    [],
                ),
            ]
        )
        message = refusal("dup.json", content)
        self.assertIn(
            "Event 1: https://id.gs1.org/01/09506000134353/21/D-2 holds", message
        )
        self.assertIn("Event 2: the parentID", message)
        content = epcis_notice(
            [
                (
                    "ship",
                    [
                        f"https://id.gs1.org/01/{GTIN}/21/D-1",
                        "urn:epc:id:sgtin:9506000.013435.D-1",
                    ],
                )
            ]
        )
        self.assertIn(
            "1 serial numbers are listed twice: D-1.", refusal("dup.json", content)
        )

    def test_gs1_example_documents(self):
        """GS1's own examples (tests/data/notice/gs1): a shipping event of two
        SGTINs is read; an aggregation observed at receiving ships nothing."""
        notice = read_notice(
            "9.6.1.jsonld", notice_data("gs1/Example_9.6.1-ObjectEvent.jsonld")
        )
        gtin = "1061414107346" + gs1_check_digit("1061414107346")
        self.assertEqual(
            [(unit.serial, unit.key, unit.carton) for unit in notice.units],
            [("2017", gtin, None), ("2018", gtin, None)],
        )
        self.assertEqual(notice.packages, {})
        message = refusal(
            "9.6.3.jsonld", notice_data("gs1/Example_9.6.3-AggregationEvent.jsonld")
        )
        self.assertIn("has no shipping event", message)

    def test_not_a_notice(self):
        with self.assertRaises(SerialInputError):
            read_notice("notice.pdf", b"%PDF")

    def test_sscc_forms(self):
        for code in (
            CARTON_1,
            f"(00){CARTON_1}",
            f"00{CARTON_1}",
            f"]C100{CARTON_1}\x1d",
            f"https://id.gs1.org/00/{CARTON_1}",
            f"https://labels.example.com/x/00/{CARTON_1}?s=1",
            sscc_urn(CARTON_1),
        ):
            with self.subTest(code=code):
                self.assertEqual(sscc_of_code(code), CARTON_1)
        for code in ("BOX-1", f"(01){GTIN}", "12345", f"https://x.com/01/{GTIN}"):
            with self.subTest(code=code):
                self.assertIsNone(sscc_of_code(code))

    @PROPERTY
    @given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(1, 9))
    def test_sscc_check_digit_and_urn(self, body, shift):
        sscc = body + gs1_check_digit(body)
        self.assertTrue(valid_sscc(sscc))
        wrong = sscc[:-1] + str((int(sscc[-1]) + shift) % 10)
        self.assertFalse(valid_sscc(wrong))
        for prefix_length in range(6, 13):
            self.assertEqual(sscc_of_code(sscc_urn(sscc, prefix_length)), sscc)
            self.assertEqual(sscc_of_code(f"(00){sscc}"), sscc)

    @PROPERTY
    @given(
        st.lists(
            st.tuples(
                st.text(alphabet="ABCXYZ0123456789-", min_size=1, max_size=12),
                st.sampled_from([None, CARTON_1, CARTON_2]),
            ),
            min_size=1,
            max_size=30,
            unique_by=lambda row: row[0],
        )
    )
    def test_csv_rows_read_back(self, rows):
        content = "SN,SKU,Carton,Pallet\n" + "".join(
            f"{serial},P1,{carton or ''},{PALLET if carton else ''}\n"
            for serial, carton in rows
        )
        notice = read_notice("rows.csv", content.encode())
        self.assertEqual(
            [(unit.serial, unit.carton) for unit in notice.units], list(rows)
        )
        for unit in notice.units:
            self.assertEqual(unit.pallet, PALLET if unit.carton else None)
            if unit.carton:
                self.assertEqual(notice.packages[unit.carton], PALLET)

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import codecs
import datetime
import io
import zipfile
from unittest.mock import patch

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools import serial_files
from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_files import (
    MAX_FILE_BYTES,
    MAX_FILE_ROWS,
    read_serial_file,
)
from odoo.addons.serial_tracking.tools.serial_text import parse_serial_values


def xlsx(rows, text_cells=()):
    """An .xlsx holding ``rows``; ``text_cells`` (coordinates) are forced to
    text, as when a person types ``=...`` in a cell formatted as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate in text_cells:
        sheet[coordinate].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(content, old, new):
    """``content`` with ``old`` replaced by ``new`` in the first sheet's XML."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in data, data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return buffer.getvalue()


class TestSerialFiles(BaseCase):
    def test_xlsx_values_as_a_person_sees_them(self):
        content = xlsx(
            [
                ["SN-1"],
                [1001],
                [1001.0],
                ["0007"],
                [None],
                [12.5],
                [0.1],
                [datetime.date(2024, 12, 1)],
                [" padded "],
                [True],
            ]
        )
        self.assertEqual(
            read_serial_file("list.XLSX", content),
            [
                "SN-1",
                "1001",
                "1001",
                "0007",
                "12.5",
                "0.1",
                "2024-12-01",
                "padded",
                "TRUE",
            ],
        )

    def test_xlsx_serial_column_by_header(self):
        content = xlsx(
            [
                [None],
                ["Description", " Serial "],
                ["laptop", "A-1"],
                ["mouse", 42],
                ["cable", None],
                ["0001", "A-3"],
            ]
        )
        self.assertEqual(read_serial_file("s.xlsx", content), ["A-1", "42", "A-3"])
        for header in (
            "serial",
            "SERIALS",
            "Serial Number",
            "serial no",
            "Lot/Serial Number",
        ):
            with self.subTest(header=header):
                content = xlsx([["x", header], ["y", "B-1"]])
                self.assertEqual(read_serial_file("s.xlsx", content), ["B-1"])

    def test_xlsx_without_header_keeps_the_first_row_of_the_first_column(self):
        content = xlsx([[], ["S-1", "note"], ["S-2"], [None, "S-9"]])
        self.assertEqual(read_serial_file("s.xlsx", content), ["S-1", "S-2"])

    def test_xlsx_formulas(self):
        # a formula cell gives its cached value; text starting with "=" stays text
        content = xlsx(
            [["serial"], ["=1000+1"], ['=HYPERLINK("http://x")']], text_cells=["A3"]
        )
        content = rewrite_sheet(
            content, "<f>1000+1</f><v></v>", "<f>1000+1</f><v>1001</v>"
        )
        values = read_serial_file("s.xlsx", content)
        self.assertEqual(values, ["1001", '=HYPERLINK("http://x")'])
        # the text is then refused like any serial starting with a formula character
        with self.assertRaisesRegex(SerialInputError, "formula"):
            parse_serial_values(values)

    def test_xlsx_with_wrong_stored_dimensions_is_read_whole(self):
        content = rewrite_sheet(
            xlsx([["D-1"], ["D-2"], ["D-3"]]),
            '<dimension ref="A1:A3"/>',
            '<dimension ref="A1"/>',
        )
        self.assertEqual(read_serial_file("s.xlsx", content), ["D-1", "D-2", "D-3"])

    def test_csv_with_bom_and_semicolons(self):
        content = "\ufeffNote;Serial\na;S-1\nb;S-2\n;\nc;0003\n".encode()
        self.assertEqual(read_serial_file("s.csv", content), ["S-1", "S-2", "0003"])

    def test_csv_encodings(self):
        for content in (
            codecs.BOM_UTF16_LE + "serial\r\nÄ-1\r\n".encode("utf-16-le"),
            codecs.BOM_UTF16_BE + "serial\nÄ-1\n".encode("utf-16-be"),
            codecs.BOM_UTF32_LE + "serial\nÄ-1\n".encode("utf-32-le"),
            "serial\nÄ-1\n".encode(),
            "Ä-1\n".encode("cp1252"),
        ):
            with self.subTest(content=content[:12]):
                self.assertEqual(read_serial_file("s.csv", content), ["Ä-1"])

    def test_csv_quotes_and_pipes(self):
        content = b'serial|model\n"Q-1|x"|a\n"Q-2"|b\nQ-3|c\n'
        self.assertEqual(read_serial_file("s.csv", content), ["Q-1|x", "Q-2", "Q-3"])
        self.assertEqual(read_serial_file("s.csv", b"T-1\tx\nT-2\ty\n"), ["T-1", "T-2"])
        self.assertEqual(
            read_serial_file("s.csv", b"ONLY-1\nONLY-2"), ["ONLY-1", "ONLY-2"]
        )

    def test_csv_mixed_delimiters_use_the_one_detected_first(self):
        # the delimiter is detected once; a row using another stays one cell,
        # and so one serial
        content = b"A-1,x\nA-2;y\nA-3,z\nA-4,w\n"
        values = read_serial_file("s.csv", content)
        self.assertEqual(values, ["A-1", "A-2;y", "A-3", "A-4"])
        self.assertEqual(
            parse_serial_values(values).serials, ["A-1", "A-2;y", "A-3", "A-4"]
        )

    def test_year_number_cells_are_one_serial_each(self):
        for name, content in (
            ("y.xlsx", xlsx([["Serial"], ["2024-5000"], ["2024-5001"]])),
            ("y.csv", b"Serial,Note\n2024-5000,a\n2024-5001,b\n"),
            ("y.txt", b"2024-5000\n2024-5001\n"),
        ):
            with self.subTest(name=name):
                parsed = parse_serial_values(read_serial_file(name, content))
                self.assertEqual(parsed.serials, ["2024-5000", "2024-5001"])

    def test_a_cell_holding_a_comma_or_semicolon_is_one_serial(self):
        for name, content in (
            ("c.xlsx", xlsx([["Serial"], ["A,B"], ["C;D"], ["E..F"]])),
            ("c.csv", b'Serial,Note\n"A,B",x\n"C;D",y\nE..F,z\n'),
            ("c.csv", b'Serial;Note\nA,B;x\n"C;D";y\nE..F;z\n'),
        ):
            with self.subTest(name=name, content=content[:14]):
                parsed = parse_serial_values(read_serial_file(name, content))
                self.assertEqual(parsed.serials, ["A,B", "C;D", "E..F"])
        # a .txt line is a list: commas and semicolons separate serials
        parsed = parse_serial_values(read_serial_file("c.txt", b"A,B\nC;D\nE..F\n"))
        self.assertEqual(parsed.serials, ["A", "B", "C", "D", "E..F"])

    def test_txt_several_per_line(self):
        self.assertEqual(
            read_serial_file("s.TXT", b"A1, A2\nA3\tA4;A5\r\n\nA6\rA7 "),
            ["A1", "A2", "A3", "A4", "A5", "A6", "A7"],
        )
        # no span in a file; repeats are left to the caller
        self.assertEqual(
            read_serial_file("s.txt", b"S-1..S-3\nS-1"), ["S-1..S-3", "S-1"]
        )

    def test_bad_files(self):
        good = xlsx([["A-1"]] * 50)
        not_a_workbook = io.BytesIO()
        with zipfile.ZipFile(not_a_workbook, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        for name, content, fragments in (
            ("empty.csv", b"", ["empty"]),
            ("empty.xlsx", b"", ["empty"]),
            ("blank.csv", b"\n\n ,\n", ["holds no serial numbers"]),
            ("blank.txt", b" \r\n\t;", ["holds no serial numbers"]),
            ("blank.xlsx", xlsx([[None], [" "]]), ["holds no serial numbers"]),
            (
                "garbage.xlsx",
                b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
                ["cannot be read", "save it again"],
            ),
            ("truncated.xlsx", good[: len(good) // 2], ["cannot be read"]),
            ("other.xlsx", not_a_workbook.getvalue(), ["cannot be read"]),
            (
                "locked.xlsx",
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
                ["password-protected", "old .xls", "without a password as .xlsx"],
            ),
            ("report.pdf", b"%PDF-1.4", ["report.pdf", ".xlsx", ".csv", ".txt"]),
            ("noextension", b"A-1", [".xlsx", ".csv", ".txt"]),
            ("old.xls", b"\xd0\xcf\x11\xe0", [".xlsx", ".csv", ".txt"]),
            ("nul.csv", b"A-1\x00\nA-2", ["binary"]),
            ("nul.txt", b"\xef\xbb\xbfA-1\x00", ["binary"]),
            ("long.txt", b"A" * (1024 * 1024 + 1), ["over 1 MB"]),
            ("long.csv", b"ok\n" + b"B" * (1024 * 1024 + 1), ["over 1 MB"]),
            (
                "cell.csv",
                b"serial\n" + b"C" * 200_000 + b"\n",
                ["over 100000 characters near line 2"],
            ),
            (
                "quote.csv",
                b'serial\n"open\n' + b"D\n" * 70_000,
                ["quote that is not closed"],
            ),
            ("huge.csv", b"x" * (MAX_FILE_BYTES + 1), ["20 MB"]),
            ("bad-utf16.csv", codecs.BOM_UTF16_LE + b"A\x00B", ["encoding", "UTF-8"]),
        ):
            with self.subTest(name=name):
                with self.assertRaises(SerialInputError) as caught:
                    read_serial_file(name, content)
                for fragment in fragments:
                    self.assertIn(fragment, str(caught.exception))

    def test_row_limit(self):
        rows = b"\n".join(b"S%d" % n for n in range(MAX_FILE_ROWS))
        self.assertEqual(len(read_serial_file("max.csv", rows)), MAX_FILE_ROWS)
        self.assertEqual(len(read_serial_file("max.txt", rows + b"\n")), MAX_FILE_ROWS)
        for name in ("many.csv", "many.txt"):
            with (
                self.subTest(name=name),
                self.assertRaisesRegex(SerialInputError, "more than 200000 rows"),
            ):
                read_serial_file(name, rows + b"\nS-LAST")
        far_row = rewrite_sheet(
            xlsx([["E-1"], ["E-2"]]),
            '<row r="2"><c r="A2"',
            '<row r="200001"><c r="A200001"',
        )
        with self.assertRaisesRegex(SerialInputError, "more than 200000 rows"):
            read_serial_file("far.xlsx", far_row)

    def test_xlsx_that_unpacks_too_big_is_refused(self):
        content = xlsx([["A-1"]])
        with patch.object(serial_files, "MAX_XLSX_UNPACKED_BYTES", 1000):
            with self.assertRaisesRegex(SerialInputError, "unpacks to more than"):
                read_serial_file("bomb.xlsx", content)

    def test_hundred_thousand_rows_xlsx(self):
        content = xlsx([[f"SN-{n:06d}", "wide", "row"] for n in range(1, 100001)])
        values = read_serial_file("big.xlsx", content)
        self.assertEqual(len(values), 100000)
        self.assertEqual((values[0], values[-1]), ("SN-000001", "SN-100000"))

    def test_plain_reader_leaves_dates_and_odd_parts_to_openpyxl(self):
        dated = xlsx([["Serial"], [datetime.datetime(2024, 5, 1, 8, 30)], ["D-2"]])
        strict = rewrite_sheet(xlsx([["S-1"]]), 'r="A1"', 'r="a1"')
        for name, content in (("dated", dated), ("lower-case reference", strict)):
            with self.subTest(name), zipfile.ZipFile(io.BytesIO(content)) as archive:
                with self.assertRaises(serial_files._NotPlain):
                    serial_files._xlsx_plain_column(archive, "f.xlsx")
        self.assertEqual(
            read_serial_file("f.xlsx", dated), ["2024-05-01 08:30:00", "D-2"]
        )
        self.assertEqual(read_serial_file("f.xlsx", strict), ["S-1"])

    @settings(max_examples=150, deadline=None, database=None)
    @given(
        st.lists(
            st.lists(
                st.one_of(
                    st.none(),
                    st.text(
                        alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                        max_size=12,
                    ),
                    st.sampled_from(
                        ["Serial", "serial number", " SERIALS ", "=A1", "x005F_y"]
                    ),
                    st.integers(-(10**15), 10**15),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.booleans(),
                ),
                max_size=4,
            ),
            min_size=1,
            max_size=12,
        ),
        st.booleans(),
    )
    def test_plain_reader_equals_openpyxl(self, rows, write_only):
        workbook = openpyxl.Workbook(write_only=write_only)
        sheet = workbook.create_sheet() if write_only else workbook.active
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
            plain = serial_files._xlsx_plain_column(archive, "p.xlsx")
        book = openpyxl.load_workbook(
            io.BytesIO(buffer.getvalue()), read_only=True, data_only=True
        )
        book.worksheets[0].reset_dimensions()
        self.assertEqual(plain, serial_files._xlsx_column(book.worksheets[0], "p.xlsx"))

    @settings(max_examples=150, deadline=None, database=None)
    @given(
        st.binary(max_size=2000), st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.CSV"])
    )
    def test_any_bytes_give_values_or_the_documented_error(self, content, name):
        try:
            values = read_serial_file(name, content)
        except SerialInputError as error:
            self.assertTrue(str(error))
            return
        self.assertTrue(values)
        self.assertTrue(
            all(
                isinstance(value, str) and value == value.strip() and value
                for value in values
            )
        )

    @settings(max_examples=100, deadline=None, database=None)
    @given(
        st.lists(
            st.text(alphabet="AZ09-_/.", min_size=1, max_size=10),
            min_size=1,
            max_size=30,
        ),
        st.sampled_from([",", ";", "\t", "|"]),
    )
    def test_csv_first_column_comes_back_whatever_the_delimiter(
        self, serials, delimiter
    ):
        text = "\n".join(f"{serial}{delimiter}note" for serial in serials)
        self.assertEqual(read_serial_file("p.csv", text.encode()), serials)

import codecs
import io
import zipfile

import openpyxl
from hypothesis import given, settings, strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_files import MAX_FILE_ROWS, read_serial_file


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class TestSerialFiles(BaseCase):
    def test_xlsx_values_as_a_person_sees_them(self):
        content = xlsx([["SN-1"], [1001], [1001.0], ["0007"], [None], [12.5]])
        self.assertEqual(read_serial_file("list.XLSX", content), ["SN-1", "1001", "1001", "0007", "12.5"])

    def test_xlsx_serial_column_by_header(self):
        content = xlsx([["Description", "Serial Number"], ["laptop", "A-1"], ["mouse", 42]])
        self.assertEqual(read_serial_file("s.xlsx", content), ["A-1", "42"])

    def test_xlsx_formula_text_is_just_text(self):
        content = xlsx([["serial"], ["'=HYPERLINK(\"x\")"]])
        self.assertEqual(read_serial_file("s.xlsx", content), ["'=HYPERLINK(\"x\")"])

    def test_csv_with_bom_and_semicolons(self):
        content = "\ufeffSerial;Note\nS-1;a\nS-2;b\n".encode()
        self.assertEqual(read_serial_file("s.csv", content), ["S-1", "S-2"])

    def test_csv_utf16_and_legacy_encoding(self):
        content = codecs.BOM_UTF16_LE + "serial\nÄ-1\n".encode("utf-16-le")
        self.assertEqual(read_serial_file("s.csv", content), ["Ä-1"])
        self.assertEqual(read_serial_file("s.csv", "Ä-2\n".encode("cp1252")), ["Ä-2"])

    def test_csv_mixed_delimiters_keep_the_first_column(self):
        content = b"A-1,x\nA-2;y\nA-3,z\n"
        values = read_serial_file("s.csv", content)
        self.assertEqual(values[0], "A-1")
        self.assertEqual(values[2], "A-3")

    def test_txt_several_per_line(self):
        self.assertEqual(read_serial_file("s.txt", b"A1, A2\nA3\tA4;A5\r\n\nA6"),
                         ["A1", "A2", "A3", "A4", "A5", "A6"])

    def test_bad_files(self):
        good = xlsx([["A-1"]] * 5)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        for name, content, fragment in (
            ("empty.csv", b"", "empty"),
            ("blank.csv", b"\n\n ,\n", "no serial numbers"),
            ("garbage.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "cannot be read"),
            ("truncated.xlsx", good[: len(good) // 2], "cannot be read|damaged"),
            ("other.xlsx", buffer.getvalue(), "cannot be read|damaged"),
            ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "password-protected"),
            ("report.pdf", b"%PDF-1.4", r"\.xlsx, \.csv or \.txt"),
            ("nul.csv", b"A-1\x00\nA-2", "binary"),
            ("long.txt", b"A" * (1024 * 1024 + 1), "over 1 MB"),
            ("huge.csv", b"x" * (21 * 1024 * 1024), "largest file"),
            ("many.csv", b"\n".join(b"S%d" % n for n in range(MAX_FILE_ROWS + 1)), "more than 200000 rows"),
        ):
            with self.subTest(name=name), self.assertRaisesRegex(SerialInputError, fragment):
                read_serial_file(name, content)

    def test_hundred_thousand_rows_xlsx(self):
        content = xlsx([[f"SN-{n:06d}"] for n in range(1, 100001)])
        values = read_serial_file("big.xlsx", content)
        self.assertEqual(len(values), 100000)
        self.assertEqual(values[-1], "SN-100000")

    @settings(max_examples=150, deadline=None, database=None)
    @given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.CSV"]))
    def test_any_bytes_give_values_or_the_documented_error(self, content, name):
        try:
            values = read_serial_file(name, content)
        except SerialInputError as error:
            self.assertTrue(str(error))
            return
        self.assertTrue(values)
        self.assertTrue(all(isinstance(value, str) and value for value in values))

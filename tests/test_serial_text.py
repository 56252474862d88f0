import string

from hypothesis import given, settings, strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_text import (
    MAX_SERIAL_LENGTH,
    MAX_SERIALS_PER_ENTRY,
    collapse_serials,
    expand_ranges,
    format_collapsed,
    generate_serials,
    normalize_serial,
    parse_serial_text,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)
serial_chars = st.text(alphabet=string.ascii_letters + string.digits + "-_/.", min_size=1, max_size=20)


class TestSerialText(BaseCase):
    def test_separators_trimming_and_duplicates(self):
        parsed = parse_serial_text(" A1 ,A2;A3\tA4\r\nA5\n\n;;A2, A1 \rA6")
        self.assertEqual(parsed.serials, ["A1", "A2", "A3", "A4", "A5", "A6"])
        self.assertEqual(parsed.duplicates, ["A2", "A1"])
        self.assertEqual(parsed.duplicate_count, 2)

    def test_numeric_span(self):
        serials = parse_serial_text("1000-1234").serials
        self.assertEqual(len(serials), 235)
        self.assertEqual((serials[0], serials[-1]), ("1000", "1234"))
        self.assertEqual(parse_serial_text("0998 - 1001").serials, ["0998", "0999", "1000", "1001"])

    def test_prefixed_span_keeps_prefix_suffix_and_padding(self):
        serials = parse_serial_text("SN-0001..SN-0250").serials
        self.assertEqual(len(serials), 250)
        self.assertEqual(serials[:2], ["SN-0001", "SN-0002"])
        self.assertEqual(serials[-1], "SN-0250")
        self.assertEqual(parse_serial_text("B7-01X..B7-03X").serials, ["B7-01X", "B7-02X", "B7-03X"])
        self.assertEqual(parse_serial_text("SN-0009..0011").serials, ["SN-0009", "SN-0010", "SN-0011"])

    def test_hyphenated_serials_are_not_spans(self):
        self.assertEqual(parse_serial_text("SN-2024-0001").serials, ["SN-2024-0001"])

    def test_span_errors(self):
        for text, fragment in (
            ("SN-0010..SN-0001", "reversed"),
            ("2000-1000", "reversed"),
            ("AB-01..CD-05", "differ only in their last number"),
            ("SN-01..", "not a valid span"),
            ("1-100001", str(MAX_SERIALS_PER_ENTRY)),
        ):
            with self.subTest(text=text), self.assertRaisesRegex(SerialInputError, fragment):
                parse_serial_text(text)

    def test_serial_values(self):
        self.assertEqual(normalize_serial("\u00a0 SN-1 \u2003"), "SN-1")
        self.assertEqual(normalize_serial("Cafe\u0301"), "Caf\u00e9")  # NFC
        self.assertNotEqual(normalize_serial("\u0410BC"), "ABC")  # Cyrillic look-alike kept
        with self.assertRaisesRegex(SerialInputError, "control character"):
            normalize_serial("SN\x07-1")
        with self.assertRaisesRegex(SerialInputError, "invisible"):
            normalize_serial("SN\u200b-1")
        with self.assertRaisesRegex(SerialInputError, "maximum is 64"):
            normalize_serial("X" * (MAX_SERIAL_LENGTH + 1))
        self.assertEqual(normalize_serial("X" * MAX_SERIAL_LENGTH), "X" * MAX_SERIAL_LENGTH)
        for formula in ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"):
            with self.subTest(formula=formula), self.assertRaisesRegex(SerialInputError, "formula"):
                normalize_serial(formula)
        self.assertEqual(normalize_serial("SN=1+2"), "SN=1+2")  # only a leading one runs

    def test_generation(self):
        self.assertEqual(generate_serials("SN-", 1, 3, padding=4), ["SN-0001", "SN-0002", "SN-0003"])
        self.assertEqual(generate_serials("", 100, 2, padding=3, suffix="-A"), ["100-A", "101-A"])
        self.assertEqual(generate_serials("N", 98, end=101, padding=2), ["N98", "N99", "N100", "N101"])
        for kwargs, fragment in (
            ({"start": -1, "count": 2}, "start"),
            ({"start": 1, "count": 0}, "how many"),
            ({"start": 5, "end": 4}, "lower than the start"),
            ({"start": 1}, "either"),
            ({"start": 1, "count": MAX_SERIALS_PER_ENTRY + 1}, "at most"),
        ):
            with self.subTest(kwargs=kwargs), self.assertRaisesRegex(SerialInputError, fragment):
                generate_serials("SN-", **kwargs)

    def test_collapse_display(self):
        serials = [f"SN-{n:04d}" for n in range(1, 11)] + ["SN-0042", "X"]
        self.assertEqual(format_collapsed(serials), "SN-0001 – SN-0010 (10), SN-0042, X")
        self.assertEqual(format_collapsed(serials, limit=1), "SN-0001 – SN-0010 (10), … (+2 more)")
        self.assertEqual(len(collapse_serials(["A9", "A10", "A11"])), 2)  # width changes

    @PROPERTY
    @given(st.lists(serial_chars, unique=True, max_size=60))
    def test_collapse_expand_round_trip(self, serials):
        self.assertEqual(expand_ranges(collapse_serials(serials)), serials)

    @PROPERTY
    @given(st.text(max_size=300))
    def test_any_text_parses_or_gives_the_documented_error(self, text):
        try:
            parsed = parse_serial_text(text)
        except SerialInputError as error:
            self.assertTrue(str(error))
            return
        self.assertEqual(len(parsed.serials), len(set(parsed.serials)))
        for serial in parsed.serials:
            self.assertEqual(serial, serial.strip())
            self.assertTrue(0 < len(serial) <= MAX_SERIAL_LENGTH)

    @PROPERTY
    @given(st.integers(0, 10**6), st.integers(1, 500), st.integers(0, 8),
           st.text(alphabet="AB-", max_size=3))
    def test_generated_serials_are_distinct_and_span_back(self, start, count, padding, prefix):
        serials = generate_serials("P" + prefix + "X", start, count, padding=padding)
        self.assertEqual(len(set(serials)), count)
        if len(serials[0]) == len(serials[-1]):
            self.assertEqual(parse_serial_text(f"{serials[0]}..{serials[-1]}").serials, serials)

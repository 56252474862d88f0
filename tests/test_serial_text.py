# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_text import (
    MAX_SERIAL_LENGTH,
    MAX_SERIALS_PER_ENTRY,
    SerialRange,
    collapse_serials,
    expand_ranges,
    format_collapsed,
    generate_serials,
    normalize_serial,
    parse_serial_entries,
    parse_serial_text,
    parse_serial_values,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)
serial_chars = st.text(
    alphabet=string.ascii_letters + string.digits + "-_/.", min_size=1, max_size=20
)
# a small alphabet so that lists often hold runs (A8, A9, A10, A09...)
runny_serials = st.text(alphabet="A-0189", min_size=1, max_size=5)


class TestSerialText(BaseCase):
    def test_separators_trimming_and_duplicates(self):
        parsed = parse_serial_text(" A1 ,A2;A3\tA4\r\nA5\n\n;;A2, A1 \rA6\r\nA2")
        self.assertEqual(parsed.serials, ["A1", "A2", "A3", "A4", "A5", "A6"])
        self.assertEqual(parsed.duplicates, ["A2", "A1"])
        self.assertEqual(parsed.duplicate_count, 3)
        self.assertEqual(parse_serial_text("").serials, [])
        self.assertEqual(parse_serial_text(None).serials, [])
        self.assertEqual(parse_serial_text(" \n ,; \t").duplicate_count, 0)

    def test_numeric_span(self):
        serials = parse_serial_text("1000-1234").serials
        self.assertEqual(len(serials), 235)
        self.assertEqual(
            (serials[0], serials[1], serials[-1]), ("1000", "1001", "1234")
        )
        padded = parse_serial_text("0001-0250").serials
        self.assertEqual(
            (len(padded), padded[0], padded[9], padded[-1]),
            (250, "0001", "0010", "0250"),
        )
        self.assertEqual(
            parse_serial_text("0998 - 1001").serials, ["0998", "0999", "1000", "1001"]
        )
        self.assertEqual(parse_serial_text("7-7").serials, ["7"])

    def test_spans_mix_with_plain_serials_and_report_repeats(self):
        parsed = parse_serial_text("5, 3-6\nSN-1..SN-2, SN-2")
        self.assertEqual(parsed.serials, ["5", "3", "4", "6", "SN-1", "SN-2"])
        self.assertEqual(parsed.duplicates, ["5", "SN-2"])
        self.assertEqual(parsed.duplicate_count, 2)

    def test_prefixed_span_keeps_prefix_suffix_and_padding(self):
        serials = parse_serial_text("SN-0001..SN-0250").serials
        self.assertEqual(len(serials), 250)
        self.assertEqual(serials[:2], ["SN-0001", "SN-0002"])
        self.assertEqual(serials[-1], "SN-0250")
        self.assertEqual(
            parse_serial_text("B7-01X..B7-03X").serials, ["B7-01X", "B7-02X", "B7-03X"]
        )
        self.assertEqual(
            parse_serial_text("SN-0009..0011").serials,
            ["SN-0009", "SN-0010", "SN-0011"],
        )
        self.assertEqual(
            parse_serial_text("SN-98 .. SN-100").serials, ["SN-98", "SN-99", "SN-100"]
        )
        # the first end gives the padding
        self.assertEqual(parse_serial_text("SN-9..SN-0010").serials, ["SN-9", "SN-10"])

    def test_hyphenated_serials_are_not_spans(self):
        self.assertEqual(parse_serial_text("SN-2024-0001").serials, ["SN-2024-0001"])
        self.assertEqual(
            parse_serial_text("A-1-2, 1-2-3, 12-AB").serials,
            ["A-1-2", "1-2-3", "12-AB"],
        )

    def test_span_errors_name_the_item(self):
        for text, fragments in (
            ("SN-0010..SN-0001", ["SN-0010..SN-0001", "reversed"]),
            ("2000-1000", ["2000-1000", "reversed"]),
            ("AB-01..CD-05", ["AB-01", "CD-05", "differ only in their last number"]),
            ("SN-01A..SN-05B", ["SN-01A", "SN-05B", "differ only"]),
            ("SN-01..", ["SN-01..", "not a valid span"]),
            ("A..B", ["A..B", "not a valid span"]),
            ("..5", ["not a valid span"]),
            ("S1..S2..S3", ["S1..S2..S3", "not a valid span"]),
            ("1-100001", ["1-100001", "100001", str(MAX_SERIALS_PER_ENTRY)]),
            ("SN-1..SN-200000", ["200000", "Split"]),
            ("1" * 80 + "-" + "2" * 80, ["not a valid span"]),
        ):
            with self.subTest(text=text):
                with self.assertRaises(SerialInputError) as caught:
                    parse_serial_text(text)
                for fragment in fragments:
                    self.assertIn(fragment, str(caught.exception))

    def test_spans_read_are_reported(self):
        parsed = parse_serial_text("2024-5000, A-1\nSN-1..SN-3; 7-7, A-1")
        self.assertEqual(
            parsed.spans, [("2024-5000", 2977), ("SN-1..SN-3", 3), ("7-7", 1)]
        )
        self.assertEqual(len(parsed.serials), 2977 + 1 + 3 + 1)
        self.assertEqual(parsed.duplicates, ["A-1"])
        self.assertEqual(parse_serial_text("A-1, 2024-ABC").spans, [])

    def test_without_spans_every_item_is_one_serial_as_written(self):
        parsed = parse_serial_text(
            "2024-5000, SN-1..SN-3;1000 - 1001\n2024-5000", spans=False
        )
        self.assertEqual(parsed.serials, ["2024-5000", "SN-1..SN-3", "1000 - 1001"])
        self.assertEqual((parsed.duplicates, parsed.spans), (["2024-5000"], []))
        # a reversed span is no span here; items are still split and checked
        self.assertEqual(
            parse_serial_text("2000-1000", spans=False).serials, ["2000-1000"]
        )
        self.assertEqual(parse_serial_text("A,B", spans=False).serials, ["A", "B"])
        for text, fragment in (
            ("=1+1", "formula"),
            ("A\u200bB", r"U\+200B"),
            ("Z" * 65, "maximum is 64"),
        ):
            with (
                self.subTest(text=text),
                self.assertRaisesRegex(SerialInputError, fragment),
            ):
                parse_serial_text(text, spans=False)

    def test_serials_read_from_codes_are_literal_beside_pasted_text(self):
        # a GS1 code's serial is one serial as written, whatever it holds;
        # the text around it is read as a paste, spans and lists included
        parsed = parse_serial_entries(
            [
                ("2024-0001", True),
                ("100-102, A", False),
                ("100-105", True),
                (" AB,12 ", True),
                ("SN-1..SN-2", True),
                ("101", True),
            ]
        )
        self.assertEqual(
            parsed.serials,
            ["2024-0001", "100", "101", "102", "A", "100-105", "AB,12", "SN-1..SN-2"],
        )
        self.assertEqual(parsed.spans, [("100-102", 3)])
        self.assertEqual(parsed.duplicates, ["101"])
        # read ranges off: text items stay whole too
        self.assertEqual(
            parse_serial_entries([("5-6", False), ("7-8", True)], spans=False).serials,
            ["5-6", "7-8"],
        )
        # a literal is checked like any serial
        for literal, fragment in (("=1", "formula"), ("A\x00B", r"U\+0000")):
            with (
                self.subTest(literal=literal),
                self.assertRaisesRegex(SerialInputError, fragment),
            ):
                parse_serial_entries([(literal, True)])

    def test_file_values_are_serials_as_written(self):
        parsed = parse_serial_values(
            [
                " 2024-5000 ",
                "2024-5001",
                "A,B",
                "C;D",
                "S-1..S-3",
                "Cafe\u0301",
                "",
                "  ",
                "2024-5000",
            ]
        )
        self.assertEqual(
            parsed.serials,
            ["2024-5000", "2024-5001", "A,B", "C;D", "S-1..S-3", "Caf\u00e9"],
        )
        self.assertEqual(
            (parsed.duplicates, parsed.duplicate_count, parsed.spans),
            (["2024-5000"], 1, []),
        )
        for value, fragment in (
            ("=HYPERLINK(1)", "formula"),
            ("-5", "formula"),
            ("A\nB", "control character"),
            ("A\tB", r"U\+0009"),
            ("Y" * 65, "maximum is 64"),
        ):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(SerialInputError, fragment),
            ):
                parse_serial_values(["OK-1", value])
        with self.assertRaisesRegex(SerialInputError, "gives 100001 serial numbers"):
            parse_serial_values(str(n) for n in range(MAX_SERIALS_PER_ENTRY + 1))

    def test_entry_cap_counts_all_serials_after_expansion(self):
        self.assertEqual(
            len(parse_serial_text("1-100000").serials), MAX_SERIALS_PER_ENTRY
        )
        for text, total in (
            ("1-60000\n60001-120000", "120000"),
            ("1-60000, 1-60000", "120000"),  # repeats count: the entry gives them
            ("1-100000\nX", "100001"),
        ):
            with self.subTest(text=text):
                with self.assertRaises(SerialInputError) as caught:
                    parse_serial_text(text)
                self.assertIn(f"gives {total} serial numbers", str(caught.exception))

    def test_serial_values(self):
        self.assertEqual(normalize_serial("\u00a0 SN-1 \u2003"), "SN-1")
        self.assertEqual(normalize_serial("Cafe\u0301"), "Caf\u00e9")  # NFC
        self.assertEqual(
            normalize_serial("\u0410BC"), "\u0410BC"
        )  # Cyrillic look-alike kept
        self.assertNotEqual(normalize_serial("\u0410BC"), "ABC")
        self.assertEqual(normalize_serial("  "), "")
        self.assertEqual(normalize_serial(None), "")
        self.assertEqual(normalize_serial(1001), "1001")
        self.assertEqual(
            normalize_serial("SN 1"), "SN 1"
        )  # inner spaces are the user's
        for value, fragment in (
            ("SN\x07-1", r"U\+0007"),
            ("SN\t1", r"U\+0009"),
            ("SN\n1", "control character"),
            ("SN\u200b-1", r"U\+200B"),
            ("SN\u2028-1", "invisible"),
            ("\ufeffSN-1", r"U\+FEFF"),
            ("X" * (MAX_SERIAL_LENGTH + 1), "65 characters long; the maximum is 64"),
        ):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(SerialInputError, fragment),
            ):
                normalize_serial(value)
        self.assertEqual(
            normalize_serial(" " + "X" * MAX_SERIAL_LENGTH + " "),
            "X" * MAX_SERIAL_LENGTH,
        )
        for formula in ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"):
            with (
                self.subTest(formula=formula),
                self.assertRaisesRegex(SerialInputError, "formula"),
            ):
                normalize_serial(formula)
        self.assertEqual(
            normalize_serial("SN=1+2"), "SN=1+2"
        )  # only a leading one runs

    def test_parsed_items_are_checked_like_single_serials(self):
        self.assertEqual(parse_serial_text("Cafe\u0301, Caf\u00e9").duplicate_count, 1)
        with self.assertRaisesRegex(SerialInputError, "maximum is 64"):
            parse_serial_text("OK-1\n" + "Y" * 65)
        with self.assertRaisesRegex(SerialInputError, r"U\+200B"):
            parse_serial_text("A\u200bB")
        with self.assertRaisesRegex(SerialInputError, "formula"):
            parse_serial_text("=1+1")

    def test_generation(self):
        self.assertEqual(
            generate_serials("SN-", 1, 3, padding=4), ["SN-0001", "SN-0002", "SN-0003"]
        )
        self.assertEqual(
            generate_serials("", 100, 2, padding=3, suffix="-A"), ["100-A", "101-A"]
        )
        self.assertEqual(
            generate_serials("N", 98, end=101, padding=2),
            ["N98", "N99", "N100", "N101"],
        )
        self.assertEqual(generate_serials(" SN-", 0, 1, suffix="/B "), ["SN-0/B"])
        self.assertEqual(
            len(generate_serials(count=MAX_SERIALS_PER_ENTRY)), MAX_SERIALS_PER_ENTRY
        )
        for kwargs, fragment in (
            ({"start": -1, "count": 2}, "start number"),
            ({"start": 1.5, "count": 2}, "start number"),
            ({"start": "1", "count": 2}, "start number"),
            ({"start": 1, "count": 0}, "how many"),
            ({"start": 1, "count": 2.0}, "how many"),
            ({"start": 1, "count": True}, "how many"),
            ({"start": 5, "end": 4}, "not lower than the start"),
            ({"start": 5, "end": "9"}, "last number"),
            ({"start": 1}, "either"),
            ({"start": 1, "count": 2, "end": 2}, "not both"),
            ({"start": 1, "count": MAX_SERIALS_PER_ENTRY + 1}, "at most 100000"),
            ({"start": 1, "end": MAX_SERIALS_PER_ENTRY + 1}, "at most 100000"),
            ({"start": 1, "count": 2, "padding": -1}, "digits"),
            ({"start": 1, "count": 2, "padding": 70}, "digits"),
            ({"start": 1, "count": 2, "padding": 62}, "maximum is 64"),
        ):
            with (
                self.subTest(kwargs=kwargs),
                self.assertRaisesRegex(SerialInputError, fragment),
            ):
                generate_serials("SN-", **kwargs)
        with self.assertRaisesRegex(SerialInputError, "formula"):
            generate_serials("=", 1, 1)
        with self.assertRaisesRegex(SerialInputError, r"U\+000A"):
            generate_serials("A\nB", 1, 1)

    def test_collapse_display(self):
        serials = [f"SN-{n:04d}" for n in range(1, 11)] + ["SN-0042", "X"]
        self.assertEqual(
            format_collapsed(serials), "SN-0001 – SN-0010 (10), SN-0042, X"
        )
        self.assertEqual(
            format_collapsed(serials, limit=1), "SN-0001 – SN-0010 (10), … (+2 more)"
        )
        self.assertEqual(
            format_collapsed(serials, limit=3), "SN-0001 – SN-0010 (10), SN-0042, X"
        )
        self.assertEqual(format_collapsed(serials, limit=0), "… (+3 more)")
        self.assertEqual(format_collapsed([]), "")
        # models hand in the tail in the user's language
        self.assertEqual(
            format_collapsed(serials, limit=1, more="… (+%(count)s de plus)"),
            "SN-0001 – SN-0010 (10), … (+2 de plus)",
        )
        self.assertEqual(str(SerialRange("SN-0042", "SN-0042", 1)), "SN-0042")

    def test_collapse_rules(self):
        def shown(serials):
            return [str(serial_range) for serial_range in collapse_serials(serials)]

        self.assertEqual(
            shown(["A9", "A10", "A11"]), ["A9", "A10 – A11 (2)"]
        )  # width changes
        self.assertEqual(shown(["A09", "A10"]), ["A09 – A10 (2)"])
        self.assertEqual(shown(["A3", "A1", "A2"]), ["A3", "A1 – A2 (2)"])  # order kept
        self.assertEqual(shown(["1-X", "2-X", "3-Y"]), ["1-X – 2-X (2)", "3-Y"])
        self.assertEqual(shown(["B1", "A2"]), ["B1", "A2"])
        self.assertEqual(shown(["A1", "A1"]), ["A1", "A1"])
        ranges = collapse_serials(["P-007/Q", "P-008/Q", "P-009/Q"])
        self.assertEqual(
            [(r.first, r.last, r.count) for r in ranges], [("P-007/Q", "P-009/Q", 3)]
        )

    def test_hundred_thousand_serials(self):
        # how long this takes is measured by make bench (its step "text")
        serials = [f"SN-{n:06d}" for n in range(100000)]
        parsed = parse_serial_text("\n".join(serials[::-1]))
        ranges = collapse_serials(serials)
        text = format_collapsed(serials[::2], limit=20)
        self.assertEqual(parsed.serials, serials[::-1])
        self.assertEqual(len(ranges), 1)
        self.assertTrue(text.endswith("(+49980 more)"))

    @PROPERTY
    @given(st.lists(st.one_of(serial_chars, runny_serials), unique=True, max_size=60))
    def test_collapse_expand_round_trip(self, serials):
        ranges = collapse_serials(serials)
        self.assertEqual(expand_ranges(ranges), serials)
        self.assertEqual(
            sum(serial_range.count for serial_range in ranges), len(serials)
        )

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
            self.assertEqual(normalize_serial(serial), serial)
            self.assertTrue(0 < len(serial) <= MAX_SERIAL_LENGTH)

    @PROPERTY
    @given(
        st.integers(0, 10**6),
        st.integers(1, 500),
        st.integers(0, 8),
        st.text(alphabet="AB-", max_size=3),
    )
    def test_generated_serials_are_distinct_and_span_back(
        self, start, count, padding, prefix
    ):
        serials = generate_serials("P" + prefix + "X", start, count, padding=padding)
        self.assertEqual(len(set(serials)), count)
        self.assertEqual(expand_ranges(collapse_serials(serials)), serials)
        if len(serials[0]) == len(serials[-1]):
            self.assertEqual(
                parse_serial_text(f"{serials[0]}..{serials[-1]}").serials, serials
            )

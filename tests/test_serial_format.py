# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_format import (
    MAX_COUNTER,
    RenderedParts,
    counter_pattern,
    format_from_odoo_sequence,
    format_serial,
    last_number,
    parse_format,
    preview,
)

DAY = date(2024, 12, 1)
NEXT_DAY = date(2024, 12, 2)


class TestSerialFormat(BaseCase):
    def _serials(self, fmt, day, numbers, ref="REF1"):
        parts = parse_format(fmt).render_parts(day, ref)
        return [format_serial(parts, number) for number in numbers], parts

    def test_required_examples(self):
        serials, parts = self._serials("SN-[[INCNUM,NONE,6]]", DAY, [1, 2])
        self.assertEqual(serials, ["SN-000001", "SN-000002"])
        self.assertEqual(parts, RenderedParts("SN-", "", "", 6, 1))

        fmt = "ITEM-[[YEAR]][[MONTH]]-[[INCNUM,DAILY,4]]"
        serials, parts = self._serials(fmt, DAY, [1, 2])
        self.assertEqual(serials, ["ITEM-202412-0001", "ITEM-202412-0002"])
        self.assertEqual(
            (parts.prefix, parts.period_key), ("ITEM-202412-", "2024-12-01")
        )
        next_serials, next_parts = self._serials(fmt, NEXT_DAY, [1])
        self.assertEqual(next_parts.period_key, "2024-12-02")  # a new counter
        self.assertEqual(next_serials, ["ITEM-202412-0001"])

        fmt = "[[DATE]]-[[INCNUM,NONE,3,1]]"
        serials, parts = self._serials(fmt, DAY, [1, 2])
        self.assertEqual(serials, ["2024-12-01-001", "2024-12-01-002"])
        self.assertEqual(
            (parts.prefix, parts.period_key, parts.start), ("2024-12-01-", "", 1)
        )
        next_serials, next_parts = self._serials(fmt, NEXT_DAY, [1])
        self.assertEqual(next_parts.prefix, "2024-12-02-")  # other text: a new counter
        self.assertEqual(next_serials, ["2024-12-02-001"])

    def test_numbers_widen_and_never_wrap(self):
        parts = parse_format("SN-[[INCNUM,NONE,6]]").render_parts(DAY)
        self.assertEqual(format_serial(parts, 1000000), "SN-1000000")
        self.assertEqual(format_serial(parts, 999999), "SN-999999")

    def test_tokens_case_and_spaces(self):
        serials, parts = self._serials(
            "[[REF]]/[[YY]][[MONTH]][[DAY]]/[[INCNUM,YEARLY,2,7]]-X", DAY, [7]
        )
        self.assertEqual(serials, ["REF1/241201/07-X"])
        self.assertEqual(
            (parts.period_key, parts.start, parts.suffix), ("2024", 7, "-X")
        )
        parts = parse_format(" A[[ incnum , monthly , 3 ]][[ date ]] ").render_parts(
            date(2025, 3, 9)
        )
        self.assertEqual(
            (parts.prefix, parts.suffix, parts.period_key, parts.digits),
            ("A", "2025-03-09", "2025-03", 3),
        )
        parts = parse_format("[[Year]]-[[INCNUM,None,4,0]]").render_parts(DAY)
        self.assertEqual(
            (parts.prefix, parts.start, format_serial(parts, 0)),
            ("2024-", 0, "2024-0000"),
        )
        parts = parse_format("[[DATE]]/[[INCNUM,DAILY,2]]").render_parts(
            date(987, 6, 5)
        )
        self.assertEqual(
            (parts.prefix, parts.period_key), ("0987-06-05/", "0987-06-05")
        )

    def test_refusals_quote_the_problem_and_say_what_is_allowed(self):
        for fmt, fragments in (
            ("", ["empty", "SN-[[INCNUM,NONE,6]]"]),
            ("   ", ["empty"]),
            ("SN-0001", ["exactly one", "has 0"]),
            ("[[INCNUM,NONE,3]]-[[INCNUM,NONE,3]]", ["exactly one", "has 2"]),
            (
                "[[WEEK]]-[[INCNUM,NONE,3]]",
                ["Unknown token [[WEEK]]", "[[DATE]]", "[[REF]]"],
            ),
            ("[[]]-[[INCNUM,NONE,3]]", ["Unknown token [[]]"]),
            (
                "[[INCNUM,HOURLY,3]]",
                ["[[INCNUM,HOURLY,3]]", "HOURLY", "NONE, DAILY, MONTHLY or YEARLY"],
            ),
            ("[[INCNUM,NONE,0]]", ["[[INCNUM,NONE,0]]", "digits", "from 1 to 12"]),
            ("[[INCNUM,NONE,13]]", ["from 1 to 12"]),
            ("[[INCNUM,NONE,x]]", ["[[INCNUM,NONE,x]]", "digits"]),
            ("[[INCNUM,NONE]]", ["[[INCNUM,NONE]]", "[[INCNUM,reset,digits]]"]),
            (
                "[[INCNUM,NONE,3,1,1]]",
                ["[[INCNUM,NONE,3,1,1]]", "[[INCNUM,reset,digits,start]]"],
            ),
            ("[[INCNUM,NONE,3,-1]]", ["[[INCNUM,NONE,3,-1]]", "start", "from 0"]),
            ("[[INCNUM,NONE,3,1000000000]]", ["start", "999999999"]),
            ("SN-[[INCNUM,NONE,3]", ["unclosed [[", "[[INCNUM,NONE,3]"]),
            ("SN]]-[[INCNUM,NONE,3]]", ["stray ]]", "SN]]"]),
            (
                "SN-[[INCNUM,DAILY,4]]",
                ["DAILY", "repeat the same serials", "[[DATE]]", "reset NONE"],
            ),
            ("[[REF]]-[[INCNUM,YEARLY,4]]", ["YEARLY", "no date"]),
            ("[[YEAR,2]][[INCNUM,NONE,3]]", ["[[YEAR,2]]", "no arguments"]),
            ("X" * 59 + "[[INCNUM,NONE,6]]", ["65 characters", "maximum is 64"]),
            ("X" * 44 + "[[DATE]][[INCNUM,NONE,12]]", ["66 characters"]),
            ("=SN[[INCNUM,NONE,3]]", ["formula"]),
            ("SN\t[[INCNUM,NONE,3]]", ["control character", "U+0009"]),
        ):
            with self.subTest(fmt=fmt):
                with self.assertRaises(SerialInputError) as caught:
                    parse_format(fmt)
                for fragment in fragments:
                    self.assertIn(fragment, str(caught.exception))
        # the longest accepted: 64 characters
        parts = parse_format("X" * 58 + "[[INCNUM,NONE,6]]").render_parts(DAY)
        self.assertEqual(len(format_serial(parts, 1)), 64)

    def test_reference_token(self):
        serial_format = parse_format("[[REF]]-[[INCNUM,NONE,3]]")
        with self.assertRaisesRegex(SerialInputError, "no internal reference; set one"):
            serial_format.render_parts(DAY, "")
        with self.assertRaisesRegex(SerialInputError, "no internal reference"):
            serial_format.render_parts(DAY, "  ")
        self.assertEqual(serial_format.render_parts(DAY, " AB ").prefix, "AB-")
        with self.assertRaisesRegex(
            SerialInputError, "69 characters; the maximum is 64"
        ):
            serial_format.render_parts(DAY, "R" * 65)
        with self.assertRaisesRegex(SerialInputError, "formula"):
            serial_format.render_parts(DAY, "=CMD")
        with self.assertRaisesRegex(SerialInputError, "control character"):
            serial_format.render_parts(DAY, "A\x00B")

    def test_counter_pattern_is_the_exact_inverse_of_format_serial(self):
        serial_format = parse_format("SN-[[YEAR]]-[[INCNUM,NONE,4]]/B")
        number_of = counter_pattern(serial_format.render_parts(DAY))
        self.assertEqual(number_of("SN-2024-0042/B"), 42)
        self.assertEqual(number_of("SN-2024-0000/B"), 0)
        self.assertEqual(number_of("SN-2024-12345/B"), 12345)
        for name in (
            "SN-2024-0042",
            "SN-2023-0042/B",
            "SN-2024-042/B",
            "SN-2024-00042/B",
            "SN-2024-00a2/B",
            "XSN-2024-0042/B",
            "",
            None,
        ):
            with self.subTest(name=name):
                self.assertIsNone(number_of(name))
        # a suffix made of digits
        number_of = counter_pattern(
            parse_format("[[INCNUM,NONE,3]][[YEAR]]").render_parts(DAY)
        )
        self.assertEqual(number_of("0052024"), 5)
        self.assertEqual(number_of("12342024"), 1234)

    def test_preview(self):
        serial_format = parse_format("SN-[[YEAR]]-[[INCNUM,NONE,4]]/B")
        self.assertEqual(
            preview(serial_format, DAY, "", 9, 2), ["SN-2024-0009/B", "SN-2024-0010/B"]
        )
        self.assertEqual(
            preview("P[[INCNUM,NONE,2]]", DAY, "", 99), ["P99", "P100", "P101"]
        )
        with self.assertRaisesRegex(SerialInputError, "exactly one"):
            preview("P", DAY, "", 1)

    @settings(max_examples=200, deadline=None, database=None)
    @given(
        st.text(alphabet="AB-/_ 09", max_size=6),
        st.sampled_from(
            ["", "[[DATE]]", "[[YEAR]]", "[[YY]]-[[MONTH]]", "[[DAY]]", "[[REF]]"]
        ),
        st.sampled_from(["NONE", "DAILY", "monthly", "Yearly"]),
        st.integers(1, 12),
        st.text(alphabet="AB-/_ 09", max_size=6),
        st.integers(0, 10**13),
        st.dates(),
    )
    def test_format_serial_and_counter_pattern_agree(
        self, before, token, reset, digits, after, number, day
    ):
        text = f"X{before}{token}[[INCNUM,{reset},{digits}]]{after}"
        try:
            parts = parse_format(text).render_parts(day, "R1")
        except SerialInputError as error:
            # the only refusal these can meet: a reset with no date in the text
            self.assertIn("no date", str(error))
            self.assertIn(token, ("", "[[REF]]"))
            self.assertNotEqual(reset, "NONE")
            return
        serial = format_serial(parts, number)
        self.assertTrue(
            serial.startswith(parts.prefix) and serial.endswith(parts.suffix)
        )
        self.assertGreaterEqual(
            len(serial), len(parts.prefix) + digits + len(parts.suffix)
        )
        self.assertEqual(counter_pattern(parts)(serial), number)

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.text(alphabet="S0159-", max_size=12))
    def test_counter_pattern_accepts_only_names_the_format_gives(self, name):
        parts = parse_format("S-[[INCNUM,NONE,3]]-9").render_parts(DAY)
        number = counter_pattern(parts)(name)
        if number is None:
            self.assertIsNone(re.fullmatch(r"S-(\d{3}|[1-9]\d{3,})-9", name))
        else:
            self.assertEqual(format_serial(parts, number), name)

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.text(max_size=80))
    def test_any_format_parses_or_gives_the_documented_error(self, text):
        try:
            serial_format = parse_format(text)
            parts = serial_format.render_parts(DAY, "R")
        except SerialInputError as error:
            self.assertTrue(str(error))
            return
        self.assertEqual(counter_pattern(parts)(format_serial(parts, 5)), 5)


class TestOdooSequenceAndLimits(BaseCase):
    def test_last_number_is_where_a_serial_would_outgrow_its_length(self):
        parts = parse_format("X" * 59 + "[[INCNUM,NONE,5]]").render_parts(DAY)
        self.assertEqual(last_number(parts), 99999)
        self.assertEqual(len(format_serial(parts, last_number(parts))), 64)
        parts = parse_format("SN-[[INCNUM,NONE,4]]").render_parts(DAY)
        self.assertEqual(last_number(parts), MAX_COUNTER)  # the counter's column

    def test_odoo_custom_lot_serial_as_a_format(self):
        for (prefix, suffix, padding, next_number), expected in (
            (("RBX/", "", 7, 1), "RBX/[[INCNUM,NONE,7]]"),
            (("RBX/", "", 7, 42), "RBX/[[INCNUM,NONE,7,42]]"),
            (
                ("%(year)s-%(y)s", "-%(month)s%(day)s", 4, 1),
                "[[YEAR]]-[[YY]][[INCNUM,NONE,4]]-[[MONTH]][[DAY]]",
            ),
            (("100%%-", False, 0, 1), "100%-[[INCNUM,NONE,1]]"),
        ):
            with self.subTest(prefix=prefix):
                text = format_from_odoo_sequence(prefix, suffix, padding, next_number)
                self.assertEqual(text, expected)
                parse_format(text)

    def test_odoo_codes_without_a_token_are_refused(self):
        for prefix, reason in (
            ("W%(woy)s-", "%\\(woy\\)s"),
            ("A[[B", "\\[\\["),
            ("50%-", "%"),
            ("=X", "formula"),
        ):
            with self.subTest(prefix=prefix):
                with self.assertRaisesRegex(SerialInputError, reason):
                    format_from_odoo_sequence(prefix, "", 7, 1)
        with self.assertRaisesRegex(SerialInputError, "at most 12"):
            format_from_odoo_sequence("P", "", 13, 1)

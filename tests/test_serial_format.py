from datetime import date

from hypothesis import given, settings, strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_errors import SerialInputError
from odoo.addons.serial_tracking.tools.serial_format import (
    counter_pattern,
    format_serial,
    parse_format,
    preview,
)

DAY = date(2024, 12, 1)


class TestSerialFormat(BaseCase):
    def _serials(self, fmt, day, numbers):
        parts = parse_format(fmt).render_parts(day, "REF1")
        return [format_serial(parts, number) for number in numbers], parts

    def test_required_examples(self):
        serials, parts = self._serials("SN-[[INCNUM,NONE,6]]", DAY, [1, 2])
        self.assertEqual(serials, ["SN-000001", "SN-000002"])
        self.assertEqual(parts.period_key, "")

        serials, parts = self._serials("ITEM-[[YEAR]][[MONTH]]-[[INCNUM,DAILY,4]]", DAY, [1, 2])
        self.assertEqual(serials, ["ITEM-202412-0001", "ITEM-202412-0002"])
        _next_day, next_parts = self._serials(
            "ITEM-[[YEAR]][[MONTH]]-[[INCNUM,DAILY,4]]", date(2024, 12, 2), [1]
        )
        self.assertNotEqual(parts.period_key, next_parts.period_key)  # a new counter

        serials, parts = self._serials("[[DATE]]-[[INCNUM,NONE,3,1]]", DAY, [1, 2])
        self.assertEqual(serials, ["2024-12-01-001", "2024-12-01-002"])
        next_serials, next_parts = self._serials("[[DATE]]-[[INCNUM,NONE,3,1]]", date(2024, 12, 2), [1])
        self.assertEqual(next_serials, ["2024-12-02-001"])
        self.assertNotEqual(parts.prefix, next_parts.prefix)

    def test_tokens(self):
        serials, parts = self._serials("[[REF]]/[[YY]][[MONTH]][[DAY]]/[[INCNUM,YEARLY,2,7]]-X", DAY, [7])
        self.assertEqual(serials, ["REF1/241201/07-X"])
        self.assertEqual((parts.period_key, parts.start, parts.suffix), ("2024", 7, "-X"))
        self.assertEqual(parse_format("A[[ incnum , monthly , 3 ]][[date]]").render_parts(DAY).period_key, "2024-12")

    def test_numbers_widen(self):
        parts = parse_format("SN-[[INCNUM,NONE,6]]").render_parts(DAY)
        self.assertEqual(format_serial(parts, 1000000), "SN-1000000")

    def test_refusals_point_at_the_problem(self):
        for fmt, fragment in (
            ("", "empty"),
            ("SN-0001", "exactly one"),
            ("[[INCNUM,NONE,3]]-[[INCNUM,NONE,3]]", "has 2"),
            ("[[WEEK]]-[[INCNUM,NONE,3]]", r"Unknown token \[\[WEEK\]\]"),
            ("[[INCNUM,HOURLY,3]]", "HOURLY"),
            ("[[INCNUM,NONE,0]]", "digits"),
            ("[[INCNUM,NONE,x]]", "digits"),
            ("[[INCNUM,NONE]]", "write"),
            ("[[INCNUM,NONE,3,-1]]", "start"),
            ("[[INCNUM,NONE,3]", "unclosed"),
            ("SN]]-[[INCNUM,NONE,3]]", "stray"),
            ("SN-[[INCNUM,DAILY,4]]", "same serials again"),
            ("[[YEAR,2]][[INCNUM,NONE,3]]", "no arguments"),
            ("X" * 60 + "[[INCNUM,NONE,6]]", "longer than 64"),
            ("=SN[[INCNUM,NONE,3]]", "formula"),
        ):
            with self.subTest(fmt=fmt), self.assertRaisesRegex(SerialInputError, fragment):
                parse_format(fmt)

    def test_ref_token_needs_a_reference(self):
        with self.assertRaisesRegex(SerialInputError, "internal reference"):
            parse_format("[[REF]]-[[INCNUM,NONE,3]]").render_parts(DAY, "")

    def test_counter_pattern_and_preview(self):
        serial_format = parse_format("SN-[[YEAR]]-[[INCNUM,NONE,4]]/B")
        parts = serial_format.render_parts(DAY)
        number_of = counter_pattern(parts)
        self.assertEqual(number_of("SN-2024-0042/B"), 42)
        self.assertEqual(number_of("SN-2024-12345/B"), 12345)
        self.assertIsNone(number_of("SN-2024-0042"))
        self.assertIsNone(number_of("SN-2023-0042/B"))
        self.assertEqual(preview(serial_format, DAY, "", 9, 2), ["SN-2024-0009/B", "SN-2024-0010/B"])

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.text(max_size=80))
    def test_any_format_parses_or_gives_the_documented_error(self, text):
        try:
            serial_format = parse_format(text)
        except SerialInputError as error:
            self.assertTrue(str(error))
            return
        parts = serial_format.render_parts(DAY, "R")
        self.assertEqual(counter_pattern(parts)(format_serial(parts, 5)), 5)

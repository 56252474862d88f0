# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form

from .common import (
    SerialTrackingCase,
    committed_env,
    drop_committed_template,
    run_concurrently,
)


class TestSerialNumbering(SerialTrackingCase):
    def _numbered(self, fmt, **vals):
        return self.create_tracked_product(
            "Numbered",
            "accounting",
            serial_auto_number=True,
            serial_number_format=fmt,
            **vals,
        )

    def test_counter_without_reset(self):
        template = self._numbered("SN-[[INCNUM,NONE,6]]")
        self.assertEqual(
            template._serial_generate_from_format(2), ["SN-000001", "SN-000002"]
        )
        self.assertEqual(template._serial_generate_from_format(1), ["SN-000003"])

    def test_daily_reset_with_year_and_month(self):
        template = self._numbered("ITEM-[[YEAR]][[MONTH]]-[[INCNUM,DAILY,4]]")
        with freeze_time("2024-12-01 10:00:00"):
            self.assertEqual(
                template._serial_generate_from_format(2),
                ["ITEM-202412-0001", "ITEM-202412-0002"],
            )
        with freeze_time("2024-12-02 10:00:00"):
            # the counter restarts; numbers already used as serials would be skipped
            self.assertEqual(
                template._serial_generate_from_format(1), ["ITEM-202412-0001"]
            )

    def test_date_prefix_starts_a_new_counter_each_day(self):
        template = self._numbered("[[DATE]]-[[INCNUM,NONE,3,1]]")
        with freeze_time("2024-12-01 10:00:00"):
            self.assertEqual(
                template._serial_generate_from_format(2),
                ["2024-12-01-001", "2024-12-01-002"],
            )
        with freeze_time("2024-12-02 10:00:00"):
            self.assertEqual(
                template._serial_generate_from_format(1), ["2024-12-02-001"]
            )

    def test_dates_follow_the_company_timezone(self):
        self.company.partner_id.tz = "Pacific/Auckland"  # UTC+13 in December
        template = self._numbered("[[DATE]]-[[INCNUM,NONE,3]]")
        with freeze_time("2024-12-01 20:00:00"):  # already 2 December in Auckland
            self.assertEqual(
                template._serial_generate_from_format(1), ["2024-12-02-001"]
            )

    def test_number_widens_instead_of_wrapping(self):
        template = self._numbered("N[[INCNUM,NONE,2,98]]")
        self.assertEqual(
            template._serial_generate_from_format(3), ["N98", "N99", "N100"]
        )

    def test_counter_goes_past_32_bits(self):
        # an imported serial far above 2,147,483,647 pushes the counter past it
        template = self._numbered("SN-[[INCNUM,NONE,4]]")
        self.add_serials(template, ["SN-0001", "SN-900000000000"])
        self.assertEqual(
            template._serial_generate_from_format(2), ["SN-0002", "SN-900000000001"]
        )
        self.assertEqual(template._serial_generate_from_format(1), ["SN-900000000002"])

    def test_reference_token(self):
        template = self._numbered("[[REF]]-[[INCNUM,NONE,3]]", default_code="LAP")
        self.assertEqual(template._serial_generate_from_format(1), ["LAP-001"])

    def test_existing_serials_are_skipped_never_reused(self):
        template = self._numbered("SN-[[INCNUM,NONE,4]]")
        self.add_serials(template, ["SN-0001", "SN-0002", "SN-0005"])
        self.assertEqual(
            template._serial_generate_from_format(3), ["SN-0003", "SN-0006", "SN-0007"]
        )
        self.assertEqual(template._serial_generate_from_format(1), ["SN-0008"])

    def test_preview_consumes_nothing(self):
        template = self._numbered("SN-[[INCNUM,NONE,4]]")
        self.assertEqual(template.serial_format_preview, "SN-0001, SN-0002, SN-0003")
        template.invalidate_recordset(["serial_format_preview"])
        self.assertEqual(template.serial_format_preview, "SN-0001, SN-0002, SN-0003")
        template._serial_generate_from_format(2)
        template.invalidate_recordset(["serial_format_preview"])
        self.assertEqual(template.serial_format_preview, "SN-0003, SN-0004, SN-0005")

    def test_live_preview_in_the_product_form(self):
        form = Form(self.env["product.template"])
        form.name = "Previewed"
        form.serial_tracking_enabled = True
        form.serial_number_format = "B-[[INCNUM,NONE,2]]"
        self.assertEqual(form.serial_format_preview, "B-01, B-02, B-03")

    def test_bad_formats_are_refused_on_save(self):
        for fmt, reason in (
            ("SN-0001", "INCNUM"),
            ("[[INCNUM,NONE,3]]-[[INCNUM,NONE,3]]", "INCNUM"),
            ("SN-[[WEEKDAY]]-[[INCNUM,NONE,3]]", "WEEKDAY"),
            ("SN-[[INCNUM,HOURLY,3]]", "HOURLY"),
            ("SN-[[INCNUM,DAILY,4]]", "DATE"),
        ):
            with self.subTest(fmt=fmt), self.assertRaisesRegex(ValidationError, reason):
                self._numbered(fmt)

    def test_concurrent_allocations_never_share_a_number(self):
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Race Numbered",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "accounting",
                    "serial_auto_number": True,
                    "serial_number_format": "R-[[INCNUM,NONE,4]]",
                }
            )
        self.addCleanup(drop_committed_template, self, template.id)
        results = run_concurrently(
            self,
            lambda env, _index: env["product.template"]
            .browse(template.id)
            ._serial_generate_from_format(50),
            retries=4,
        )
        self.assertEqual(len(results), 2, results)
        first, second = results[0], results[1]
        self.assertEqual(len(first), 50)
        self.assertEqual(len(second), 50)
        self.assertFalse(set(first) & set(second))
        self.assertEqual(sorted(first + second), [f"R-{n:04d}" for n in range(1, 101)])

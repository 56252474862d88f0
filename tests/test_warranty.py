# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from .common import SerialTrackingCase


class TestWarranty(SerialTrackingCase):
    def test_warranty_status_over_time(self):
        self.accounting_product.write(
            {"serial_warranty_duration": 12, "serial_warranty_unit": "month"}
        )
        lot = self.add_serials(self.accounting_product, ["W-1"])
        self.assertEqual(lot.warranty_status, "none")
        lot.warranty_date_start = date(2025, 3, 10)
        self.assertEqual(lot.warranty_date_end, date(2026, 3, 10))
        Lot = self.env["stock.lot"]
        for today, expected in (
            ("2025-06-01", "under"),
            ("2026-03-10", "under"),
            ("2026-03-11", "expired"),
        ):
            with self.subTest(today=today), freeze_time(today):
                lot.invalidate_recordset(["warranty_status"])
                self.assertEqual(lot.warranty_status, expected)
                found = Lot.search(
                    [("id", "=", lot.id), ("warranty_status", "=", expected)]
                )
                self.assertEqual(found, lot)
                other = "expired" if expected == "under" else "under"
                self.assertFalse(
                    Lot.search([("id", "=", lot.id), ("warranty_status", "=", other)])
                )
        self.assertEqual(
            Lot.search([("id", "=", lot.id), ("warranty_status", "!=", "none")]), lot
        )

    def test_warranty_units(self):
        lot = self.add_serials(self.accounting_product, ["W-2"])
        for duration, unit, end in (
            (30, "day", date(2025, 1, 31)),
            (2, "year", date(2027, 1, 1)),
            (0, "month", False),
        ):
            with self.subTest(unit=unit):
                self.accounting_product.write(
                    {"serial_warranty_duration": duration, "serial_warranty_unit": unit}
                )
                lot.warranty_date_start = date(2025, 1, 1)
                self.assertEqual(lot.warranty_date_end, end)

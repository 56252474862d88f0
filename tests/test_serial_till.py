# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.serial_till import (
    NOT_IN_STOCK,
    SOLD_IN_SESSION,
    TWICE_ON_ORDER,
    sold_in_session,
    till_refusals,
)

SCANNER, ROUTER = 10, 11

units = st.tuples(st.sampled_from((SCANNER, ROUTER)), st.sampled_from("ABCDE"))


class TestSerialTill(BaseCase):
    """What a till may sell, without the ORM."""

    def test_units_in_stock_and_not_sold_pass(self):
        self.assertEqual(
            till_refusals(
                [(SCANNER, "A"), (ROUTER, "A")], {(SCANNER, "A"), (ROUTER, "A")}, set()
            ),
            [],
        )

    def test_each_refusal_names_its_unit_and_reason(self):
        self.assertEqual(
            till_refusals(
                [(SCANNER, "A"), (SCANNER, "B"), (SCANNER, "C"), (SCANNER, "A")],
                {(SCANNER, "A"), (SCANNER, "B")},
                {(SCANNER, "B")},
            ),
            [
                ((SCANNER, "B"), SOLD_IN_SESSION),
                ((SCANNER, "C"), NOT_IN_STOCK),
                ((SCANNER, "A"), TWICE_ON_ORDER),
            ],
        )

    def test_same_serial_of_another_product_is_another_unit(self):
        self.assertEqual(
            till_refusals([(ROUTER, "A")], {(SCANNER, "A")}, set()),
            [((ROUTER, "A"), NOT_IN_STOCK)],
        )

    def test_unit_refunded_in_the_session_is_back(self):
        self.assertEqual(
            sold_in_session(
                [
                    (SCANNER, "A", 1),
                    (SCANNER, "A", -1),
                    (SCANNER, "B", 1),
                    (ROUTER, "B", -1),
                ]
            ),
            {(SCANNER, "B")},
        )
        self.assertEqual(
            sold_in_session([(SCANNER, "A", 1), (SCANNER, "A", -1), (SCANNER, "A", 1)]),
            {(SCANNER, "A")},
        )

    # the machine the tests share may be slow to draw: no health check on speed
    @settings(
        max_examples=100,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.lists(units, max_size=8),
        st.sets(units, max_size=6),
        st.sets(units, max_size=6),
    )
    def test_a_unit_passes_once_in_stock_and_not_sold(
        self, sold, in_stock, sold_before
    ):
        refused = till_refusals(sold, in_stock, sold_before)
        passed = list(sold)
        for key, _reason in refused:
            passed.remove(key)
        self.assertEqual(len(passed), len(set(passed)))
        for key in passed:
            self.assertIn(key, in_stock)
            self.assertNotIn(key, sold_before)

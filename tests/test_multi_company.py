# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import SerialTrackingCase


class TestMultiCompany(SerialTrackingCase):
    def test_history_and_serials_are_isolated_per_company(self):
        lot = self.add_serials(self.accounting_product, ["MC-1"])
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="st_other_company",
            groups="stock.group_stock_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        History = self.env["stock.lot.history"].with_user(outsider)
        self.assertFalse(History.search([("lot_id", "=", lot.id)]))
        with self.assertRaises(AccessError):
            lot.history_ids.with_user(outsider).read(["event_type"])
        self.assertFalse(
            self.env["stock.lot"].with_user(outsider).search([("name", "=", "MC-1")])
        )

    def test_same_serial_in_two_companies(self):
        """A shared product may carry the same serial number in two companies."""
        self.assertFalse(self.accounting_product.company_id)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        mine = self.add_serials(self.accounting_product, ["SHARED-1"])
        other_stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", other_company.id)], limit=1)
            .lot_stock_id
        )
        theirs = (
            self.env["stock.lot"]
            .with_company(other_company)
            ._serial_add_to_stock(
                self.accounting_product.product_variant_id, ["SHARED-1"], other_stock
            )
        )
        self.assertEqual(mine.company_id, self.company)
        self.assertEqual(theirs.company_id, other_company)
        self.assertEqual(theirs.history_ids.company_id, other_company)

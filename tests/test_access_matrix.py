# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import SerialTrackingCase

ACTIONS = (
    "read_serials",
    "read_history",
    "tick_track_serials",
    "change_mode_or_format",
    "create_serial",
    "edit_serial",
    "delete_serial",
    "import_serials",
    "assign_on_document",
    "alter_history",
)

# What each role may do; every other action must be refused. (docs/security.md.)
ALLOWED = {
    "inventory_user": {"read_serials", "read_history"},
    "inventory_admin": {
        "read_serials",
        "read_history",
        "tick_track_serials",
        "change_mode_or_format",
        "create_serial",
        "edit_serial",
        "delete_serial",
        "import_serials",
    },
    "invoicing_user": {"read_serials", "read_history", "assign_on_document"},
    "accountant_manager": {
        "read_serials",
        "read_history",
        "tick_track_serials",
        "change_mode_or_format",
        "create_serial",
        "edit_serial",
        "delete_serial",
        "import_serials",
        "assign_on_document",
    },
    "portal_user": set(),
    "other_company_user": set(),
}


class TestAccessMatrix(SerialTrackingCase):
    """Each role against each action, through the ORM as an RPC call would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other_company = cls.env["res.company"].create({"name": "Matrix Other Co"})
        cls.users = {
            "inventory_user": cls.stock_user,
            "inventory_admin": cls.stock_admin,
            "invoicing_user": cls.billing_user,
            "accountant_manager": new_test_user(
                cls.env,
                login="st_accountant_manager",
                groups="account.group_account_invoice,serial_tracking.group_manage_serials",
            ),
            "portal_user": new_test_user(
                cls.env, login="st_portal", groups="base.group_portal"
            ),
            "other_company_user": new_test_user(
                cls.env,
                login="st_other_co",
                groups="stock.group_stock_manager,account.group_account_invoice",
                company_id=other_company.id,
                company_ids=[other_company.id],
            ),
        }
        # products of this company: the other company's users must not reach them
        cls.accounting_product.company_id = cls.company
        cls.lot = cls.add_serials(cls.accounting_product, ["MX-1"])
        cls.customer = cls.env["res.partner"].create({"name": "Matrix Customer"})

    # one function per action, run as ``user``; it raises when refused
    def read_serials(self, user):
        lot = self.lot.with_user(user)
        if not lot.search([("id", "=", lot.id)]):
            raise AccessError(self.env._("not visible"))
        lot.read(["name", "serial_status"])

    def read_history(self, user):
        rows = (
            self.env["stock.lot.history"]
            .with_user(user)
            .search([("lot_id", "=", self.lot.id)])
        )
        if not rows:
            raise AccessError(self.env._("not visible"))
        rows.read(["event_type"])

    def tick_track_serials(self, user):
        template = self.env["product.template"].create(
            {"name": "Matrix Plain", "type": "consu", "company_id": self.company.id}
        )
        template.with_user(user).write({"serial_tracking_enabled": True})

    def change_mode_or_format(self, user):
        template = self.create_tracked_product(
            "Matrix Mode", "accounting", company_id=self.company.id
        )
        template.with_user(user).write({"serial_tracking_mode": "physical"})
        template.with_user(user).write({"serial_number_format": "M-[[INCNUM,NONE,3]]"})

    def create_serial(self, user):
        self.env["stock.lot"].with_user(user).create(
            {
                "name": "MX-NEW",
                "product_id": self.accounting_product.product_variant_id.id,
            }
        )

    def edit_serial(self, user):
        self.lot.with_user(user).write({"condition_notes": "checked"})

    def delete_serial(self, user):
        self.lot.with_user(user).unlink()

    def import_serials(self, user):
        action = self.accounting_product.with_user(user).action_add_serials_bulk()
        wizard = (
            self.env["serial.entry.wizard"].with_user(user).browse(action["res_id"])
        )
        wizard.write({"required_count": 2, "paste_text": "MX-IMP-1, MX-IMP-2"})
        wizard.action_add_pasted()
        wizard.action_confirm()

    def assign_on_document(self, user):
        invoice = (
            self.env["account.move"]
            .with_user(user)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": date(2025, 3, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": (
                                    self.accounting_product.product_variant_id.id
                                ),
                                "quantity": 1,
                                "price_unit": 10,
                            }
                        )
                    ],
                }
            )
        )
        action = invoice.invoice_line_ids.action_open_serial_entry()
        wizard = (
            self.env["serial.entry.wizard"].with_user(user).browse(action["res_id"])
        )
        wizard.paste_text = "MX-1"
        wizard.action_select_pasted()
        wizard.action_confirm()
        invoice.action_post()

    def alter_history(self, user):
        rows = self.lot.history_ids.with_user(user)
        try:
            rows.write({"note": "rewritten"})
        except AccessError:
            rows.unlink()  # refused as well, or the cell fails

    def test_access_matrix(self):
        for role, user in self.users.items():
            for action in ACTIONS:
                allowed = action in ALLOWED[role]
                with (
                    self.subTest(role=role, action=action, allowed=allowed),
                    self.cr.savepoint() as savepoint,
                ):
                    if allowed:
                        getattr(self, action)(user)
                    else:
                        # AccessError and ValidationError are UserErrors
                        with self.assertRaises(UserError):
                            getattr(self, action)(user)
                    savepoint.rollback()
                    self.env.invalidate_all()

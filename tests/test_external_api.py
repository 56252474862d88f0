# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestExternalApi(HttpCase):
    """The group is enforced for a real XML-RPC client, not only in the screens."""

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_xmlrpc_refuses_serial_edits_without_the_group(self):
        template = self.env["product.template"].create(
            {
                "name": "RPC Laptop",
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": "accounting",
            }
        )
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        lot = self.env["stock.lot"]._serial_add_to_stock(
            template.product_variant_id, ["RPC-1"], stock
        )
        user = new_test_user(
            self.env, login="st_rpc_billing", groups="account.group_account_invoice"
        )
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
        self.assertEqual(uid, user.id)
        names = self.xmlrpc_object.execute_kw(
            db,
            uid,
            user.login,
            "stock.lot",
            "read",
            [lot.ids, ["name", "serial_status"]],
        )
        self.assertEqual(names[0]["serial_status"], "in_stock")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Manage Serials"):
            self.xmlrpc_object.execute_kw(
                db, uid, user.login, "stock.lot", "write", [lot.ids, {"name": "RPC-2"}]
            )
        with self.assertRaisesRegex(
            xmlrpc.client.Fault, "cannot be changed|not allowed"
        ):
            self.xmlrpc_object.execute_kw(
                db,
                uid,
                user.login,
                "stock.lot.history",
                "write",
                [lot.history_ids.ids, {"note": "x"}],
            )
        self.assertEqual(lot.name, "RPC-1")

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util

from odoo.exceptions import AccessError
from odoo.tools import file_path, sql

from .common import SerialTrackingCase


class TestSerialHistory(SerialTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls.add_serials(cls.accounting_product, ["HIST-1"])
        cls.row = cls.lot.history_ids

    def test_adding_a_serial_records_one_row(self):
        self.assertEqual(len(self.row), 1)
        self.assertEqual(self.row.event_type, "ADJUST")
        self.assertEqual(self.row.location_dest_id, self.stock_location)
        self.assertEqual(self.row.product_tmpl_id, self.accounting_product)
        self.assertEqual(self.row.company_id, self.company)
        self.assertEqual(self.row.user_id, self.env.user)

    def test_history_cannot_be_changed_or_deleted(self):
        for user in (
            self.stock_user,
            self.serial_manager,
            self.env.ref("base.user_admin"),
        ):
            row = self.row.with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    row.write({"event_type": "SHIP"})
                with self.assertRaises(AccessError):
                    row.unlink()
                with self.assertRaises(AccessError):
                    self.env["stock.lot.history"].with_user(user).create(
                        {
                            "lot_id": self.lot.id,
                            "product_id": self.lot.product_id.id,
                            "product_tmpl_id": self.accounting_product.id,
                            "company_id": self.company.id,
                            "event_type": "SHIP",
                        }
                    )
        # not even the superuser may rewrite what happened
        with self.assertRaises(AccessError):
            self.row.sudo().write({"event_type": "SHIP"})
        with self.assertRaises(AccessError):
            self.row.sudo().unlink()
        self.assertEqual(self.row.event_type, "ADJUST")

    def test_record_events_writes_a_batch_linked_to_its_document(self):
        lots = self.add_serials(self.accounting_product, [f"B-{n}" for n in range(50)])
        partner = self.env["res.partner"].create({"name": "Batch Customer"})
        with self.assertQueryCount(__system__=6):
            rows = self.env["stock.lot.history"]._record_events(
                [
                    {
                        "lot": lot,
                        "event_type": "INVOICE",
                        "partner_id": partner.id,
                        "document": partner,
                    }
                    for lot in lots
                ]
            )
            self.env.flush_all()
        self.assertEqual(len(rows), 50)
        self.assertEqual(set(rows.mapped("document_name")), {"Batch Customer"})
        action = rows[0].action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.partner", partner.id)
        )
        self.assertEqual(rows[0].document_ref, partner)

    def test_smart_buttons_count_serials_and_history(self):
        self.add_serials(self.accounting_product, ["HIST-2", "HIST-3"])
        self.accounting_product.invalidate_recordset(
            ["serial_count", "serial_history_count"]
        )
        self.assertEqual(self.accounting_product.serial_count, 3)
        self.assertEqual(self.accounting_product.serial_history_count, 3)
        action = self.accounting_product.action_open_serial_history()
        self.assertEqual(
            self.env["stock.lot.history"].search(action["domain"]),
            self.accounting_product.serial_ids.history_ids,
        )
        self.assertEqual(self.lot.history_count, 1)
        lot_action = self.lot.action_open_serial_history()
        self.assertEqual(
            self.env["stock.lot.history"].search(lot_action["domain"]), self.row
        )

    def test_serial_with_document_history_cannot_be_deleted(self):
        self.env["stock.lot.history"]._record_events(
            [
                {
                    "lot": self.lot,
                    "event_type": "INVOICE",
                    "document": self.company.partner_id,
                }
            ]
        )
        with self.assertRaisesRegex(Exception, "appear on documents"):
            self.lot.with_user(self.serial_manager).unlink()
        self.assertTrue(self.lot.exists())
        # a serial entered by mistake, never used on a document, can go
        mistake = self.add_serials(self.accounting_product, ["TYPO-1"])
        mistake.with_user(self.serial_manager).unlink()
        self.assertFalse(mistake.exists())

    def test_upgrade_from_1_0_drops_unused_indexes_and_log_columns(self):
        # the table as version 19.0.1.0.0 left it; the migration must leave it
        # as a new installation has it, and rows must still be written
        cr = self.env.cr
        cr.execute("""
            ALTER TABLE stock_lot_history
                ADD COLUMN create_uid int4 REFERENCES res_users(id) ON DELETE SET NULL,
                ADD COLUMN create_date timestamp,
                ADD COLUMN write_uid int4 REFERENCES res_users(id) ON DELETE SET NULL,
                ADD COLUMN write_date timestamp;
            CREATE INDEX stock_lot_history__company_id_index
                ON stock_lot_history (company_id);
            CREATE INDEX stock_lot_history__event_type_index
                ON stock_lot_history (event_type);
        """)
        path = file_path("serial_tracking/migrations/19.0.1.1.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location(
            "serial_tracking_migrate_1_1", path
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(cr, "19.0.1.0.0")
        for column in ("create_uid", "create_date", "write_uid", "write_date"):
            self.assertFalse(sql.column_exists(cr, "stock_lot_history", column), column)
        for index in ("company_id", "event_type"):
            self.assertFalse(
                sql.index_exists(cr, f"stock_lot_history__{index}_index"), index
            )
        self.assertTrue(sql.index_exists(cr, "stock_lot_history__lot_id_index"))
        rows = (
            self.env["stock.lot.history"]
            .sudo()
            ._record_events([{"lot": self.lot, "event_type": "MOVE"}])
        )
        self.assertEqual(rows.event_type, "MOVE")

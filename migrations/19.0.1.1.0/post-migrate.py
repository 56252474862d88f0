# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Serial history rows are written in large batches: indexes and log
columns that no lookup uses go, so that writing a row costs less.
Odoo keeps an index or column that a model no longer declares."""

from odoo.tools import sql

UNUSED_INDEXES = (
    "stock_lot_history__company_id_index",
    "stock_lot_history__event_type_index",
)
LOG_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def migrate(cr, version):
    if not version:
        return
    for index in UNUSED_INDEXES:
        sql.drop_index(cr, index, "stock_lot_history")
    for column in LOG_COLUMNS:
        if sql.column_exists(cr, "stock_lot_history", column):
            cr.execute(
                sql.SQL(
                    "ALTER TABLE stock_lot_history DROP COLUMN %s",
                    sql.SQL.identifier(column),
                )
            )

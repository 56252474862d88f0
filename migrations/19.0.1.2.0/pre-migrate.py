# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""stock.lot.customer_id, "the customer this unit was last sold to", becomes
last_customer_id; the customer who holds the unit now is the new stored field
holder_partner_id, filled here for every existing serial with one statement
(Odoo would otherwise compute it serial by serial when it adds the column).
The values a reversal restores, kept in the history rows, follow the rename."""

from odoo.tools import sql

from odoo.addons.serial_tracking.tools.serial_rules import HELD_STATUS


def rename_last_customer(cr):
    if not sql.column_exists(cr, "stock_lot", "customer_id") or sql.column_exists(
        cr, "stock_lot", "last_customer_id"
    ):
        return
    sql.rename_column(cr, "stock_lot", "customer_id", "last_customer_id")
    if sql.index_exists(cr, "stock_lot__customer_id_index"):
        cr.execute(
            "ALTER INDEX stock_lot__customer_id_index"
            " RENAME TO stock_lot__last_customer_id_index"
        )
    # the field keeps its id (filters, exports and translations that name it)
    cr.execute(
        """UPDATE ir_model_fields SET name = 'last_customer_id'
            WHERE model = 'stock.lot' AND name = 'customer_id'"""
    )
    cr.execute(
        """UPDATE ir_model_data SET name = 'field_stock_lot__last_customer_id'
            WHERE module = 'serial_tracking' AND model = 'ir.model.fields'
              AND name = 'field_stock_lot__customer_id'"""
    )
    cr.execute(
        """UPDATE stock_lot_history
              SET previous_values = (previous_values - 'customer_id')
                  || jsonb_build_object('last_customer_id',
                                        previous_values -> 'customer_id')
            WHERE previous_values ? 'customer_id'"""
    )


def fill_holder(cr):
    if sql.column_exists(cr, "stock_lot", "holder_partner_id"):
        return
    sql.create_column(cr, "stock_lot", "holder_partner_id", "int4")
    cr.execute(
        """UPDATE stock_lot SET holder_partner_id = last_customer_id
            WHERE serial_status = %s AND last_customer_id IS NOT NULL""",
        [HELD_STATUS],
    )


def migrate(cr, version):
    if not version:
        return
    rename_last_customer(cr)
    fill_holder(cr)

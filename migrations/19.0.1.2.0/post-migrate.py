# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One numbering per product: Track Serials products that have a serial
number format get the sequence through which Odoo's own screens number from
it; a Custom Lot/Serial they had becomes their format when they still had the
default one (the product's chatter says so)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    templates = (
        env["product.template"]
        .with_context(active_test=False)
        .search([("serial_tracking_enabled", "=", True)])
    )
    templates._serial_adopt_odoo_numbering()
    templates._serial_sync_lot_sequence()

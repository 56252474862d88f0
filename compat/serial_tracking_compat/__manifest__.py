# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Serial Tracking: compatibility run helper (tests only)",
    "summary": "Runs Odoo's own stock tests with Track Serials products in place of "
    "Odoo's serial products. Never install it in production.",
    "version": "19.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "serial_tracking authors",
    "depends": ["serial_tracking"],
    "data": [],
    "installable": True,
}

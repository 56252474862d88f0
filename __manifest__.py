# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Serial Tracking",
    "summary": "Per-product serial numbers with status, warranty and a full history, "
    "assigned on invoices and bills or on stock moves",
    "version": "19.0.1.2.0",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "serial_tracking authors",
    "depends": ["stock_account", "portal"],
    "data": [
        "security/serial_tracking_security.xml",
        "security/ir.model.access.csv",
        "data/serial_warranty_claim_data.xml",
        "data/serial_warranty_reminder_data.xml",
        "data/serial_background_validation_data.xml",
        "data/serial_count_data.xml",
        "views/stock_lot_history_views.xml",
        "views/serial_warranty_claim_views.xml",
        "views/serial_count_views.xml",
        "views/stock_lot_views.xml",
        "wizards/serial_add_wizard_views.xml",
        "wizards/serial_entry_wizard_views.xml",
        "wizards/serial_recall_wizard_views.xml",
        "wizards/serial_notice_import_views.xml",
        "data/mail_template_serial_recall.xml",
        "report/serial_label_reports.xml",
        "views/serial_epcis_export_views.xml",
        "report/serial_count_reports.xml",
        "views/product_template_views.xml",
        "views/account_move_views.xml",
        "views/stock_move_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
        "views/serial_tracking_menus.xml",
    ],
    "demo": [
        "data/serial_tracking_demo.xml",
    ],
    "assets": {
        # the web client's own (the till's code, static/src/pos, is the Point
        # of Sale app's, below)
        "web.assets_backend": [
            "serial_tracking/static/src/serial_scan/**/*",
        ],
        "web.assets_tests": [
            "serial_tracking/static/tests/tours/*.js",
            # the till's tours import nothing of the Point of Sale app, so
            # that this bundle loads without it
            "serial_tracking/static/tests/pos_tours/*.js",
        ],
        # used only where the Point of Sale app is installed: the till
        "point_of_sale._assets_pos": [
            "serial_tracking/static/src/pos/*.js",
        ],
    },
    "installable": True,
    "application": False,
}

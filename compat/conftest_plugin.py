# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest plugin of `make compat`: says at the end whether Track Serials
really stood in for Odoo's serial products (the helper module's counts)."""


def pytest_terminal_summary(terminalreporter):
    try:
        from odoo.addons.serial_tracking_compat.models.product_template import SWITCHED
        from odoo.addons.serial_tracking_compat.models.stock_move_line import VALIDATED
    except ImportError:
        return
    terminalreporter.write_line(
        "Track Serials stand-in: {created} products created, {written} switched by a "
        "write, {switched_off} switched off; validations of their lines: {batched} "
        "batched, {unbatched} through Odoo's code".format(**SWITCHED, **VALIDATED)
    )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a document flow (a receipt, a bill, a count...) sets around the serials
it writes, in plain Python: the quiet context of bulk serial work, the trusted
flow the serial access check lets through, and the serials handed to Odoo's
Generate Serials dialog. ``stock.lot`` reads the last two."""

from contextlib import contextmanager
from contextvars import ContextVar

_trusted_serial_flow = ContextVar("serial_tracking_trusted_flow", default=False)
# The serials Odoo's Generate Serials dialog gets for a product that follows
# its format, handed to Odoo's own generate_lot_names (see stock.move)
_format_lot_names = ContextVar("serial_tracking_format_lot_names", default=None)
# The Expected units a receipt's validation carries to its backorder: the
# lines Odoo deletes (announced, not received) do not take them along
_kept_expected = ContextVar("serial_tracking_kept_expected", default=frozenset())

# Bulk serial work keeps the chatter quiet: the serial history is the audit trail,
# and one message per unit would cost more than the work itself.
QUIET_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}

# Context key of a Mark as To Do that leaves the lines of its serial units (one
# per unit to come, or the units reserved) to the background job, which makes
# them slice by slice: the ids of the transfers concerned. An ORM context key,
# because Odoo's own action_confirm calls stock.move._action_assign in between.
ASSIGN_LATER = "serial_assign_later"

# Context key of a transfer built in code (demo data, warranty claims, the
# tests' builders): its Mark as To Do and its serials' entry leave nothing to
# the background job, whatever their size. An ORM context key, because the
# entry dialog's confirmation reaches the move through the wizard.
IN_THE_FOREGROUND = "serial_in_the_foreground"


@contextmanager
def trusted_serial_flow():
    """Let a document flow (a receipt, a bill...) create and update serials for a
    user who may edit the document but not serial records themselves.

    A Python context variable, unlike the ORM context, cannot be set through RPC.
    """
    token = _trusted_serial_flow.set(True)
    try:
        yield
    finally:
        _trusted_serial_flow.reset(token)


def in_trusted_serial_flow():
    """Whether the code runs inside :func:`trusted_serial_flow`."""
    return _trusted_serial_flow.get()


@contextmanager
def keeping_expected(lot_ids):
    """Within the block, the move lines deleted leave the Expected units
    ``lot_ids`` in place (see :func:`kept_expected`)."""
    token = _kept_expected.set(frozenset(lot_ids))
    try:
        yield
    finally:
        _kept_expected.reset(token)


def kept_expected():
    """The ids of the Expected units :func:`keeping_expected` keeps now."""
    return _kept_expected.get()


@contextmanager
def format_lot_names(names):
    """Within the block, ``stock.lot.generate_lot_names`` gives ``names``."""
    token = _format_lot_names.set(names)
    try:
        yield
    finally:
        _format_lot_names.reset(token)


def formatted_lot_names():
    """The serials :func:`format_lot_names` hands over, or None outside it."""
    return _format_lot_names.get()

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .serial_bulk import format_serials


class SerialEntryTarget(models.AbstractModel):
    """A record the bulk entry dialog works for (an invoice line, a stock move,
    a product's opening stock).

    The dialog is opened with ``env["serial.entry.wizard"]._open_for(target, ...)``
    on a record of a model that inherits this mixin; it asks the target whether
    the serials entered are acceptable (:meth:`_serial_entry_check`) while the
    user types, and hands them over on Confirm (:meth:`_serial_entry_apply`).
    """

    _name = "serial.entry.target"
    _description = "Serial Entry Target"

    def _serial_entry_check(self, wizard, names):
        """The problem to show in the dialog for the serials ``names`` entered
        in add mode, or False. By default a serial that already exists is one."""
        existing = self.env["stock.lot"]._serial_find_existing(
            wizard.product_id, names, wizard.company_id
        )
        if not existing:
            return False
        existing_names = set(existing.mapped("name"))
        return self.env._(
            "%(count)s serial numbers already exist: %(serials)s. Remove them "
            "(Clear and enter the list again) or choose other numbers.",
            count=len(existing),
            serials=format_serials(
                self.env, [name for name in names if name in existing_names], limit=20
            ),
        )

    def _serial_entry_added(self, wizard, names):
        """Called as the dialog takes new serials (add mode), before Confirm:
        a target that saves them as they come (a count) does it here and may
        return a notice to show. By default nothing is saved before Confirm."""
        return ""

    def _serial_entry_packages(self, names):
        """{package name: serial names} of those of ``names`` that a scanned
        package label stands for in the dialog (a receipt's units announced
        in packages). None by default."""
        return {}

    def _serial_entry_package_summary(self, names):
        """What the dialog shows of the packages the units come in, per
        package, with ``names`` entered: a text, empty by default."""
        return ""

    def _serial_entry_apply(self, wizard):
        """Confirm: take ``wizard._entered_serials()`` (add mode) or
        ``wizard.selected_lot_ids`` (remove mode). May return an action."""
        raise NotImplementedError(
            f"{self._name} must implement _serial_entry_apply for the entry dialog"
        )

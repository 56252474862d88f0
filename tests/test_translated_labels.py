# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError

from .common import AccountingModeCase

FRENCH = {
    ("stock.lot", "serial_status", "sold"): "Vendu",
    ("stock.lot", "serial_status", "scrapped"): "Mis au rebut",
    ("stock.lot.history", "event_type", "INVOICE"): "Facture client",
}


class TestTranslatedLabels(AccountingModeCase):
    """Status and event names inside messages are the selection labels in the
    user's language, not the English of the code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        Selection = cls.env["ir.model.fields.selection"]
        for (model, field, value), label in FRENCH.items():
            Selection.search(
                [
                    ("field_id.model", "=", model),
                    ("field_id.name", "=", field),
                    ("value", "=", value),
                ]
            ).update_field_translations("name", {"fr_FR": label})
        # translated labels are cached per language
        cls.env.registry.clear_cache("stable")
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def test_refused_status_change_names_both_statuses_in_french(self):
        lot = self.add_serials(self.accounting_product, ["FR-1"])
        lot.sudo().serial_status = "scrapped"
        with self.assertRaises(UserError) as caught:
            lot.with_env(self.fr)._serial_check_transition("sold")
        message = str(caught.exception)
        self.assertIn("cannot become Vendu: FR-1 (Mis au rebut)", message)
        self.assertNotIn("Sold", message)

    def test_unit_not_in_stock_names_its_status_in_french(self):
        self.bill("FR-2")
        self.make_move("out_invoice", self.customer, 1, ["FR-2"]).action_post()
        second = self.make_move("out_invoice", self.other_customer, 1, ["FR-2"])
        with self.assertRaisesRegex(UserError, r"not in stock: FR-2 \(Vendu\)"):
            second.with_env(self.fr).action_post()

    def test_refused_reversal_names_the_later_event_in_french(self):
        bill = self.bill("FR-3")
        self.make_move("out_invoice", self.customer, 1, ["FR-3"]).action_post()
        with self.assertRaises(UserError) as caught:
            bill.with_env(self.fr).button_draft()
        message = str(caught.exception)
        self.assertIn("FR-3: Facture client on", message)
        self.assertNotIn("Customer Invoice", message)

    def test_reversal_note_names_the_reversed_event_in_french(self):
        self.bill("FR-4")
        invoice = self.make_move("out_invoice", self.customer, 1, ["FR-4"])
        invoice.action_post()
        invoice.with_env(self.fr).button_draft()
        reversal = self.lots("FR-4").history_ids.sorted("id")[-1]
        self.assertEqual(reversal.event_type, "REVERSAL")
        self.assertEqual(reversal.note, "Reversal of Facture client")

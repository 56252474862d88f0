# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

import psycopg2

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SerialFlowCase


class TestWarrantyClaims(SerialFlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Claiming Company", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Claiming Contact", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Someone Else"})
        cls.claim_user = new_test_user(
            cls.env,
            login="st_claim_user",
            groups="stock.group_stock_user,account.group_account_invoice",
        )
        cls.Claim = cls.env["serial.warranty.claim"].with_user(cls.claim_user)

    def file(self, lot, partner=None, **vals):
        return self.Claim.create(
            {
                "lot_id": lot.id,
                "partner_id": (partner or self.customer).id,
                "reason": "Does not start",
                **vals,
            }
        )

    # accounting mode -------------------------------------------------------
    def test_accepted_claim_in_accounting_mode_becomes_a_credit_note(self):
        self.invoice("in_invoice", self.vendor, ["AC-1", "AC-2", "AC-3"])
        invoice = self.invoice("out_invoice", self.customer, ["AC-1", "AC-2"])
        lot = self.lots("AC-2", product=self.accounting_product)
        claim = self.file(lot, self.contact, notes="Screen stays black")
        self.assertRegex(claim.name, r"^WC/\d{4}/\d{5}$")
        self.assertEqual(claim.state, "new")
        self.assertEqual(claim.warranty_status, "under")
        self.assertEqual(claim.resolution, "credit_note")
        self.assertEqual(lot.history_ids.sorted("id")[-1].event_type, "CLAIM")
        self.assertEqual(lot.history_ids.sorted("id")[-1].document_ref, claim)

        action = claim.action_accept()
        credit_note = claim.credit_note_id
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(action["res_id"], credit_note.id)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.state, "draft")
        line = credit_note.invoice_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.quantity, 1)
        self.assertEqual(line._serial_entered_names(), ["AC-2"])
        credit_note.action_post()
        self.assertEqual(lot.serial_status, "returned")
        self.assertEqual(
            self.lots("AC-1", product=self.accounting_product).serial_status, "sold"
        )
        claim.with_user(self.claim_user).action_done()
        self.assertEqual(claim.state, "done")
        self.assertEqual(
            lot.history_ids.sorted("id").mapped("event_type"),
            ["BILL", "INVOICE", "CLAIM", "CLAIM", "CREDIT_NOTE"],
        )

    def test_refused_claim_needs_a_reason_and_is_recorded(self):
        self.invoice("in_invoice", self.vendor, ["AR-1"])
        self.invoice("out_invoice", self.customer, ["AR-1"])
        lot = self.lots("AR-1", product=self.accounting_product)
        claim = self.file(lot)
        with self.assertRaisesRegex(UserError, "reason for refusing claim"):
            claim.action_refuse()
        claim.refusal_reason = "Water damage is not covered"
        claim.action_refuse()
        self.assertEqual(claim.state, "refused")
        self.assertFalse(claim.credit_note_id)
        with self.assertRaisesRegex(UserError, "is Refused and cannot become Accepted"):
            claim.action_accept()
        self.assertEqual(lot.serial_status, "sold")
        self.assertEqual(lot.history_ids.sorted("id")[-1].note, "Claim refused")
        # a refused claim no longer blocks a new one
        self.assertEqual(self.file(lot).state, "new")

    def test_expired_warranty_is_read_from_the_unit(self):
        self.invoice("in_invoice", self.vendor, ["AW-1"])
        sold_on = fields.Date.today() - timedelta(days=500)
        self.invoice("out_invoice", self.customer, ["AW-1"], invoice_date=sold_on)
        lot = self.lots("AW-1", product=self.accounting_product)
        claim = self.file(lot)
        self.assertEqual(claim.warranty_date_end, lot.warranty_date_end)
        self.assertEqual(claim.warranty_status, "expired")

    # refusals ---------------------------------------------------------------
    def test_claim_refused_for_a_unit_not_sold_to_that_customer(self):
        self.invoice("in_invoice", self.vendor, ["AN-1", "AN-2"])
        self.invoice("out_invoice", self.customer, ["AN-1"])
        with self.assertRaisesRegex(
            ValidationError, "AN-1 is not held by Someone Else"
        ):
            self.file(
                self.lots("AN-1", product=self.accounting_product), self.other_customer
            )
        with self.assertRaisesRegex(ValidationError, "AN-2 is not held by"):
            self.file(self.lots("AN-2", product=self.accounting_product))
        lots = self.lots("AN-1", product=self.accounting_product) | self.lots(
            "AN-2", product=self.accounting_product
        )
        self.assertNotIn("CLAIM", lots.history_ids.mapped("event_type"))

    def test_claim_refused_for_a_unit_already_back(self):
        self.invoice("in_invoice", self.vendor, ["AB-1"])
        self.invoice("out_invoice", self.customer, ["AB-1"])
        lot = self.lots("AB-1", product=self.accounting_product)
        claim = self.file(lot)
        with self.assertRaisesRegex(ValidationError, "AB-1 already has an open claim"):
            self.file(lot)
        self.invoice("out_refund", self.customer, ["AB-1"])
        self.assertEqual(lot.serial_status, "returned")
        with self.assertRaisesRegex(
            ValidationError, r"AB-1 is already back \(status: Returned\)"
        ):
            claim.action_accept()
        self.assertEqual(claim.state, "new")
        claim.refusal_reason = "Credited already"
        claim.action_refuse()
        with self.assertRaisesRegex(ValidationError, "AB-1 is already back"):
            self.file(lot)

    def test_claim_button_on_the_serial_form(self):
        self.invoice("in_invoice", self.vendor, ["AF-1"])
        self.invoice("out_invoice", self.customer, ["AF-1"])
        lot = self.lots("AF-1", product=self.accounting_product)
        action = lot.with_user(self.claim_user).action_new_claim()
        claim_form = Form(
            self.Claim.with_context(**action["context"]),
            view="serial_tracking.serial_warranty_claim_view_form",
        )
        self.assertEqual(claim_form.partner_id, self.customer)
        self.assertEqual(claim_form.warranty_status, "under")
        claim_form.reason = "Fan noise"
        claim = claim_form.save()
        self.assertEqual(claim.lot_id, lot)
        self.assertEqual(lot.claim_count, 1)
        self.assertEqual(lot.action_open_claims()["domain"], [("lot_id", "=", lot.id)])

    # physical mode ------------------------------------------------------------
    def test_accepted_claim_in_physical_mode_becomes_the_return_of_its_delivery(self):
        self.receive("PC-1", "PC-2", "PC-3")
        delivery = self.deliver("PC-1", "PC-2", partner=self.customer)
        lot = self.lots("PC-2", product=self.physical_product)
        claim = self.file(lot)
        self.assertEqual(claim.resolution, "return")
        claim.action_accept()
        returned = claim.return_picking_id
        self.assertEqual(returned.return_id, delivery)
        self.assertEqual(returned.picking_type_id.code, "incoming")
        self.assertEqual(returned.move_ids.product_uom_qty, 1)
        self.assertEqual(returned.move_ids.origin_returned_move_id, delivery.move_ids)
        self.assertEqual(returned.move_line_ids.lot_id, lot)
        self.assertFalse(claim.replacement_picking_id)
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        self.assertEqual(lot.serial_status, "returned")
        self.assertEqual(
            self.lots("PC-1", product=self.physical_product).serial_status, "sold"
        )
        self.assertEqual(
            lot.history_ids.sorted("id").mapped("event_type"),
            ["ANNOUNCE", "RECEIVE", "SHIP", "CLAIM", "CLAIM", "RETURN"],
        )
        claim.action_done()
        with self.assertRaisesRegex(ValidationError, "PC-2 is already back"):
            self.file(lot)

    def test_accepted_claim_with_a_replacement_delivery(self):
        self.receive("PR-1", "PR-2")
        delivery = self.deliver("PR-1", partner=self.customer)
        claim = self.file(
            self.lots("PR-1", product=self.physical_product), send_replacement=True
        )
        claim.action_accept()
        replacement = claim.replacement_picking_id
        self.assertEqual(replacement.picking_type_id, delivery.picking_type_id)
        self.assertEqual(replacement.partner_id, self.customer)
        self.assertEqual(
            replacement.move_ids.product_id, self.physical_product.product_variant_id
        )
        self.assertEqual(replacement.move_ids.product_uom_qty, 1)
        self.assertEqual(replacement.state, "assigned")
        self.assertEqual(claim.return_picking_id.move_line_ids.lot_id.name, "PR-1")

    def test_physical_claim_refused_for_a_unit_delivered_to_someone_else(self):
        self.receive("PN-1")
        self.deliver("PN-1", partner=self.other_customer)
        with self.assertRaisesRegex(
            ValidationError, "PN-1 is not held by Claiming Company"
        ):
            self.file(self.lots("PN-1", product=self.physical_product))

    def test_repair_is_offered_only_with_repairs_installed(self):
        values = [
            value
            for value, _label in self.env["serial.warranty.claim"]
            ._fields["resolution"]
            ._description_selection(self.env)
        ]
        self.assertEqual(values, ["return", "credit_note"])

    def test_claims_stay_in_their_company(self):
        self.invoice("in_invoice", self.vendor, ["MC-1"])
        self.invoice("out_invoice", self.customer, ["MC-1"])
        claim = self.file(self.lots("MC-1", product=self.accounting_product))
        self.assertEqual(claim.company_id, self.company)
        other_company = self.env["res.company"].create({"name": "Claims Other Co"})
        outsider = new_test_user(
            self.env,
            login="st_claim_outsider",
            groups="stock.group_stock_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        Claim = self.env["serial.warranty.claim"].with_user(outsider)
        self.assertFalse(Claim.search([("id", "=", claim.id)]))
        with self.assertRaises(AccessError):
            claim.with_user(outsider).read(["name"])

    def test_a_resolution_without_its_document_is_refused_with_the_reason(self):
        self.invoice("in_invoice", self.vendor, ["AD-1"])
        self.invoice("out_invoice", self.customer, ["AD-1"])
        claim = self.file(self.lots("AD-1", product=self.accounting_product))
        claim.resolution = "return"
        with self.assertRaisesRegex(
            UserError, "AD-1 has no Shipped to Claiming Company .* another resolution"
        ):
            claim.action_accept()
        self.assertEqual(claim.state, "new")
        self.assertFalse(claim.return_picking_id)

    def test_one_open_claim_per_unit_holds_in_the_database(self):
        """Two claims filed at the same moment both pass the check in Python:
        the unique index refuses the second."""
        self.invoice("in_invoice", self.vendor, ["AU-1"])
        self.invoice("out_invoice", self.customer, ["AU-1"])
        claim = self.file(self.lots("AU-1", product=self.accounting_product))
        self.env.flush_all()
        copy_claim = """
            INSERT INTO serial_warranty_claim
                        (name, company_id, lot_id, partner_id, date, reason, state)
                 SELECT 'WC-RACE', company_id, lot_id, partner_id, date, reason, %s
                   FROM serial_warranty_claim WHERE id = %s
        """
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(copy_claim, ["new", claim.id])
        # a decided claim does not count
        self.env.cr.execute(copy_claim, ["refused", claim.id])


@tagged("post_install", "-at_install")
class TestWarrantyClaimTour(HttpCase, SerialFlowCase):
    def test_file_and_accept_a_claim(self):
        customer = self.env["res.partner"].create({"name": "Tour Claim Customer"})
        self.invoice("in_invoice", self.vendor, ["TC-1", "TC-2"])
        invoice = self.invoice("out_invoice", customer, ["TC-1", "TC-2"])
        lot = self.lots("TC-2", product=self.accounting_product)
        self.start_tour(
            "/odoo/action-serial_tracking.action_serial_warranty_claims",
            "serial_tracking_claim_tour",
            login="admin",
        )
        claim = lot.claim_ids
        self.assertEqual(claim.reason, "Fan noise")
        self.assertEqual(claim.partner_id, customer)
        self.assertEqual(claim.state, "accepted")
        self.assertEqual(claim.credit_note_id.reversed_entry_id, invoice)
        self.assertEqual(
            claim.credit_note_id.invoice_line_ids._serial_entered_names(), ["TC-2"]
        )

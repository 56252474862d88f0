# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util
import re

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import file_path, mute_logger

from odoo.addons.serial_tracking.tools.serial_rules import holder_of

from .common import PortalSerialsCase, listed, recall

# One unit per way back, with names of one length: the public lookup's page
# echoes the number, so its misses must be byte for byte the same page.
ACCOUNTING = ("ACC-KEEP", "ACC-CRED", "ACC-VEND", "ACC-RSLD", "ACC-STCK", "ACC-GAMA")
PHYSICAL = ("PHY-KEEP", "PHY-RETN", "PHY-SCRP", "PHY-VEND", "PHY-RSLD")
UNITS = ACCOUNTING + PHYSICAL
HELD_BY_ALPHA = ["ACC-KEEP", "PHY-KEEP"]
HELD_BY_BETA = ["ACC-RSLD", "PHY-RSLD"]
RETURNED_BY_ALPHA = ["ACC-CRED", "ACC-VEND", "PHY-RETN", "PHY-SCRP", "PHY-VEND"]
# units nobody holds, and a number that does not exist: one public answer
NOT_HELD = sorted(set(UNITS) - set(HELD_BY_ALPHA) - set(HELD_BY_BETA)) + ["NOT-EVER"]


class TestHolderRule(BaseCase):
    """The rule itself, in plain Python."""

    def test_only_a_sold_unit_has_a_holder(self):
        self.assertEqual(holder_of("sold", 7), 7)
        for status in ("in_stock", "returned", "returned_vendor", "scrapped", False):
            with self.subTest(status=status):
                self.assertIsNone(holder_of(status, 7))


@tagged("post_install", "-at_install")
class TestUnitHolder(PortalSerialsCase):
    """Units bought from one vendor and sold to Alpha, then brought back in
    each way: a credit note (ACC-CRED), a credit note then a vendor credit
    note (ACC-VEND), a credit note then a sale to Beta (ACC-RSLD), Odoo's
    Return of the delivery (PHY-RETN), a return then a scrap (PHY-SCRP), a
    return then Odoo's Return of the receipt to the vendor (PHY-VEND), a
    return then a delivery to Beta (PHY-RSLD). ACC-KEEP and PHY-KEEP stay
    with Alpha, ACC-STCK is never sold, and Gamma gave back the one unit it
    bought (ACC-GAMA)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha.email = "alpha@example.com"
        cls.beta.email = "beta@example.com"
        cls.gamma = cls.env["res.partner"].create(
            {"name": "Gamma SA", "is_company": True, "email": "gamma@example.com"}
        )
        cls.maker = cls.env["res.partner"].create({"name": "Holder Vendor"})
        cls.invoice("in_invoice", cls.maker, list(ACCOUNTING))
        cls.invoice("out_invoice", cls.alpha, ["ACC-KEEP", "ACC-CRED", "ACC-VEND"])
        cls.invoice("out_invoice", cls.alpha, ["ACC-RSLD"])
        cls.alpha_credit_note = cls.invoice("out_refund", cls.alpha, ["ACC-CRED"])
        cls.invoice("out_refund", cls.alpha, ["ACC-VEND", "ACC-RSLD"])
        cls.invoice("in_refund", cls.maker, ["ACC-VEND"])
        cls.invoice("out_invoice", cls.beta, ["ACC-RSLD"])
        cls.invoice("out_invoice", cls.gamma, ["ACC-GAMA"])
        cls.invoice("out_refund", cls.gamma, ["ACC-GAMA"])

        receipt = cls.transfer(
            cls.warehouse.in_type_id,
            cls.supplier_location,
            cls.stock_location,
            PHYSICAL,
            cls.maker,
        )
        delivery = cls.deliver(*PHYSICAL, partner=cls.alpha)
        cls.return_picking(delivery, "PHY-RETN", "PHY-SCRP", "PHY-VEND", "PHY-RSLD")
        cls.scrap("PHY-SCRP")
        cls.return_picking(receipt, "PHY-VEND")
        cls.deliver("PHY-RSLD", partner=cls.beta)

        cls.units = {
            name: cls.lots(name, product=cls.accounting_product) for name in ACCOUNTING
        } | {name: cls.lots(name, product=cls.physical_product) for name in PHYSICAL}
        cls.claim_user = new_test_user(
            cls.env,
            login="st_holder_claims",
            groups="stock.group_stock_user,account.group_account_invoice",
        )

    def names_in(self, html):
        return [name for name in self.listed_serials(html) if name in UNITS]

    # the holder ----------------------------------------------------------
    def test_holder_after_each_way_back(self):
        alpha, beta, gamma = self.alpha, self.beta, self.gamma
        none = self.env["res.partner"]
        expected = {
            "ACC-KEEP": ("sold", alpha, alpha),
            "ACC-CRED": ("returned", none, alpha),
            "ACC-VEND": ("returned_vendor", none, alpha),
            "ACC-RSLD": ("sold", beta, beta),
            "ACC-STCK": ("in_stock", none, none),
            "ACC-GAMA": ("returned", none, gamma),
            "PHY-KEEP": ("sold", alpha, alpha),
            "PHY-RETN": ("returned", none, alpha),
            "PHY-SCRP": ("scrapped", none, alpha),
            "PHY-VEND": ("returned_vendor", none, alpha),
            "PHY-RSLD": ("sold", beta, beta),
        }
        for name, lot in self.units.items():
            with self.subTest(serial=name):
                self.assertEqual(
                    (lot.serial_status, lot.holder_partner_id, lot.last_customer_id),
                    expected[name],
                )
        # stored: searched in the database, by the customer's company
        Lot = self.env["stock.lot"]
        held = Lot.search(
            Lot._serial_held_domain(self.alpha_ann) & Domain("name", "in", UNITS)
        )
        self.assertEqual(sorted(held.mapped("name")), HELD_BY_ALPHA)
        self.assertTrue(self.units["ACC-KEEP"]._serial_is_held_by(self.alpha_bob))
        self.assertFalse(self.units["ACC-CRED"]._serial_is_held_by(self.alpha))
        self.assertFalse(self.units["ACC-RSLD"]._serial_is_held_by(self.alpha))

    def test_reversing_the_credit_note_gives_the_unit_back_to_its_holder(self):
        lot = self.units["ACC-CRED"]
        self.alpha_credit_note.button_draft()
        self.assertEqual(
            (lot.serial_status, lot.holder_partner_id), ("sold", self.alpha)
        )
        self.alpha_credit_note.action_post()
        self.assertFalse(lot.holder_partner_id)

    def test_credit_note_only_from_the_customer_who_holds_the_unit(self):
        credit = self.invoice("out_refund", self.alpha, ["ACC-RSLD"], post=False)
        with self.assertRaisesRegex(UserError, r"not sold to Alpha Corp: ACC-RSLD"):
            credit.action_post()
        self.assertEqual(self.units["ACC-RSLD"].holder_partner_id, self.beta)

    # recall --------------------------------------------------------------
    def test_recall_groups_and_notifies_only_the_customers_who_hold_units(self):
        wizard = recall(self.env, source="vendor", vendor_id=self.maker.id)
        # Gamma gave its unit back: not counted
        self.assertEqual((wizard.unit_count, wizard.customer_count), (11, 2))
        self.assertEqual(
            listed(self.env, wizard.action_show_units()),
            {
                "Alpha Corp": HELD_BY_ALPHA,
                "Beta Ltd": HELD_BY_BETA,
                False: sorted(set(UNITS) - set(HELD_BY_ALPHA) - set(HELD_BY_BETA)),
            },
        )
        result = wizard.with_user(self.stock_user).action_notify_customers()
        self.assertIn("4 units", result["params"]["message"])
        self.assertIn("2 customers", result["params"]["message"])
        mails = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("subject", "like", "Recall notice")]
        )
        self.assertEqual(
            sorted(mails.recipient_ids.mapped("name")), ["Alpha Corp", "Beta Ltd"]
        )
        for customer, names in ((self.alpha, HELD_BY_ALPHA), (self.beta, HELD_BY_BETA)):
            body = str(
                mails.filtered(lambda m, c=customer: m.recipient_ids == c).body_html
            )
            with self.subTest(customer=customer.name):
                self.assertEqual(
                    sorted(name for name in UNITS if name in body), sorted(names)
                )

    def test_recall_of_units_all_given_back_notifies_nobody(self):
        wizard = recall(
            self.env,
            source="serials",
            lot_ids=[self.units[name].id for name in RETURNED_BY_ALPHA],
        )
        self.assertEqual((wizard.unit_count, wizard.customer_count), (5, 0))
        with self.assertRaisesRegex(UserError, "No customer has any of these units"):
            wizard.action_notify_customers()
        self.assertFalse(
            self.env["mail.mail"].search([("subject", "like", "Recall notice")])
        )

    # warranty lookups ----------------------------------------------------
    def test_public_lookup_answers_only_for_units_held_now(self):
        self.allow_public_lookup()
        for name in ("ACC-KEEP", "PHY-RSLD"):
            response = self.lookup(name)
            self.assertEqual(response.status_code, 200)
            self.assertIn("o_lookup_results", response.text)
            self.assertIn("Under warranty", response.text)
        self.assertEqual(
            self.env["stock.lot"]._serial_public_lookup("ACC-KEEP"),
            [
                {
                    "product": self.accounting_product.name,
                    "warranty_status": "under",
                    "warranty_label": "Under warranty",
                    "warranty_date_end": self.units["ACC-KEEP"].warranty_date_end,
                }
            ],
        )
        misses = {}
        for name in NOT_HELD:
            response = self.lookup(name)
            self.assertEqual(self.env["stock.lot"]._serial_public_lookup(name), [])
            # the number echoed in the form, and the session's own token,
            # are the only differences
            body = response.content.replace(name.encode(), b"SERIAL")
            body = re.sub(rb"csrf_token[^,\n]*", b"csrf_token", body)
            misses[name] = (response.status_code, len(response.content), body)
        answers = set(misses.values())
        self.assertEqual(len(answers), 1, "one answer for every miss")
        status, _length, body = answers.pop()
        self.assertEqual(status, 200)
        self.assertNotIn(b"o_lookup_results", body)
        self.assertNotIn(self.accounting_product.name.encode(), body)
        self.assertNotIn(self.physical_product.name.encode(), body)

    def test_signed_in_lookup_finds_only_units_held_now(self):
        self.login(self.ann)
        html = self.page("/my/serials/lookup?serial=ACC-KEEP")
        self.assertIn(f'href="/my/serials/{self.units["ACC-KEEP"].id}"', html)
        for name in ("ACC-CRED", "PHY-SCRP", "ACC-RSLD"):
            html = self.page(f"/my/serials/lookup?serial={name}")
            self.assertIn("You hold no unit with this serial number", html)
            self.assertNotIn("o_lookup_result", html)
        self.login(self.cy)
        html = self.page("/my/serials/lookup?serial=ACC-RSLD")
        self.assertIn(f'href="/my/serials/{self.units["ACC-RSLD"].id}"', html)

    # portal --------------------------------------------------------------
    def test_my_serials_of_both_customers(self):
        self.login(self.ann)
        self.assertEqual(self.names_in(self.page("/my/serials")), HELD_BY_ALPHA)
        returned = self.page("/my/serials?filterby=returned")
        self.assertEqual(self.names_in(returned), RETURNED_BY_ALPHA)
        # Returned, whatever became of them since, and no warranty
        rows = re.findall(r'<tr class="o_serial_row">.*?</tr>', returned, re.S)
        self.assertEqual(len(rows), len(RETURNED_BY_ALPHA))
        for row in rows:
            self.assertIn("Returned", row)
            self.assertNotIn("Scrapped", row)
            self.assertNotIn("Returned to Vendor", row)
            self.assertNotIn("badge", row)
        self.login(self.cy)
        self.assertEqual(self.names_in(self.page("/my/serials")), HELD_BY_BETA)
        self.assertEqual(self.names_in(self.page("/my/serials?filterby=returned")), [])

    def test_a_returned_unit_shows_its_history_and_no_claim_form(self):
        self.login(self.bob)
        lot = self.units["ACC-CRED"]
        html = self.page(f"/my/serials/{lot.id}")
        self.assertIn("You returned this unit", html)
        self.assertEqual(html.count("o_serial_history_row"), 2)
        self.assertIn("Customer Invoice", html)
        self.assertIn("Customer Credit Note", html)
        self.assertNotIn("Vendor Bill", html)
        self.assertNotIn("File a warranty claim", html)
        self.assertNotIn("Under warranty", html)
        response = self.url_open(
            f"/my/serials/{lot.id}/claim",
            data={"reason": "Broken", "csrf_token": self.csrf()},
        )
        self.assertIn("ACC-CRED is already back", response.text)
        self.assertFalse(lot.claim_ids)
        # a unit sold to Beta since is no longer Alpha's to see
        resold = self.units["PHY-RSLD"]
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/my/serials/{resold.id}").status_code, 404)
        # Beta sees it with its own delivery only, and may claim it
        self.login(self.cy)
        html = self.page(f"/my/serials/{resold.id}")
        self.assertEqual(html.count("o_serial_history_row"), 1)
        self.assertIn("File a warranty claim", html)
        self.assertNotIn("You returned this unit", html)

    # reminders -----------------------------------------------------------
    def test_reminders_go_to_the_customer_who_holds_the_unit(self):
        self.env.company.serial_warranty_reminder_days = 400
        self.env["serial.warranty.claim"]._cron_warranty_reminders()
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "stock.lot"),
                ("res_id", "in", [lot.id for lot in self.units.values()]),
            ]
        )
        reminded = {
            self.env["stock.lot"].browse(mail.res_id).name: mail.recipient_ids.name
            for mail in mails
        }
        self.assertEqual(
            reminded,
            {
                "ACC-KEEP": "Alpha Corp",
                "PHY-KEEP": "Alpha Corp",
                "ACC-RSLD": "Beta Ltd",
                "PHY-RSLD": "Beta Ltd",
            },
        )

    # claims --------------------------------------------------------------
    def test_claims_only_by_the_customer_who_holds_the_unit(self):
        Claim = self.env["serial.warranty.claim"].with_user(self.claim_user)

        def file(name, partner):
            return Claim.create(
                {
                    "lot_id": self.units[name].id,
                    "partner_id": partner.id,
                    "reason": "Does not start",
                }
            )

        def refused(name, partner, message):
            # assertRaises rolls back to a savepoint: a refused claim leaves
            # nothing behind, as the request it came with would
            with self.assertRaises(ValidationError) as caught:
                file(name, partner)
            self.assertIn(message, str(caught.exception))

        for name in RETURNED_BY_ALPHA:
            with self.subTest(serial=name):
                refused(name, self.alpha_ann, f"{name} is already back")
        refused("ACC-GAMA", self.gamma, "ACC-GAMA is already back")
        for name in [*HELD_BY_BETA, "ACC-STCK"]:
            with self.subTest(serial=name):
                refused(name, self.alpha, f"{name} is not held by Alpha Corp")
        self.assertEqual(file("ACC-KEEP", self.alpha_bob).state, "new")
        self.assertEqual(file("PHY-RSLD", self.beta).state, "new")
        # the customer a new claim starts with is the one who holds the unit
        claim = Claim.create({"lot_id": self.units["ACC-RSLD"].id, "reason": "Noise"})
        self.assertEqual(claim.partner_id, self.beta)

    # existing databases ----------------------------------------------------
    def test_migration_fills_the_holder_of_existing_serials(self):
        """The columns as the previous version had them, then its migration."""
        lots = self.env["stock.lot"].browse([lot.id for lot in self.units.values()])
        expected = {lot.name: lot.holder_partner_id.id or None for lot in lots}
        last = {lot.name: lot.last_customer_id.id or None for lot in lots}
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE stock_lot DROP COLUMN holder_partner_id")
        cr.execute(
            "ALTER TABLE stock_lot RENAME COLUMN last_customer_id TO customer_id"
        )
        cr.execute(
            "ALTER INDEX stock_lot__last_customer_id_index"
            " RENAME TO stock_lot__customer_id_index"
        )
        cr.execute(
            """UPDATE ir_model_fields SET name = 'customer_id'
                WHERE model = 'stock.lot' AND name = 'last_customer_id'"""
        )
        cr.execute(
            """UPDATE stock_lot_history
                  SET previous_values = (previous_values - 'last_customer_id')
                      || jsonb_build_object('customer_id',
                                            previous_values -> 'last_customer_id')
                WHERE previous_values ? 'last_customer_id'"""
        )
        spec = importlib.util.spec_from_file_location(
            "serial_tracking_pre_migrate_19_0_1_2_0",
            file_path("serial_tracking/migrations/19.0.1.2.0/pre-migrate.py"),
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(cr, "19.0.1.1.0")

        cr.execute(
            "SELECT name, holder_partner_id, last_customer_id FROM stock_lot"
            " WHERE id = ANY(%s)",
            [lots.ids],
        )
        rows = {name: (holder, customer) for name, holder, customer in cr.fetchall()}
        self.assertEqual(
            rows, {name: (expected[name], last[name]) for name in expected}
        )
        cr.execute(
            "SELECT count(*) FROM stock_lot_history"
            " WHERE previous_values ? 'customer_id'"
        )
        self.assertEqual(cr.fetchone()[0], 0)
        cr.execute(
            "SELECT 1 FROM ir_model_fields"
            " WHERE model = 'stock.lot' AND name = 'last_customer_id'"
        )
        self.assertTrue(cr.fetchone())
        # a reversal reads what the migration renamed: the customer comes back
        self.env.invalidate_all()
        self.alpha_credit_note.button_draft()
        self.assertEqual(self.units["ACC-CRED"].last_customer_id, self.alpha)
        self.assertEqual(self.units["ACC-CRED"].holder_partner_id, self.alpha)

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, mute_logger

from .common import SerialTrackingCase, committed_env, run_concurrently


class TestSerialUniqueness(SerialTrackingCase):
    def _lot(self, template, name):
        return self.env["stock.lot"].create(
            {"name": name, "product_id": template.product_variant_id.id}
        )

    def assertRefusedAsDuplicate(self, template, name):
        """The unique index refuses the serial; the user gets a ValidationError
        naming the serial, its product, its company and the setting, and no
        serial was added."""
        Lot = self.env["stock.lot"]
        before = Lot.search_count([("name", "=", name.strip())])
        with (
            self.assertRaises(ValidationError) as caught,
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self._lot(template, name)
            self.env.flush_all()
        message = str(caught.exception)
        self.assertIn(
            f"{name.strip()}: {template.product_variant_id.display_name}, "
            f"{self.company.name}",
            message,
        )
        self.assertIn("Inventory > Configuration > Settings", message)
        self.env.invalidate_all()
        self.assertEqual(Lot.search_count([("name", "=", name.strip())]), before)

    def test_per_product_scope(self):
        other = self.create_tracked_product("Other Laptop", "accounting")
        self._lot(self.accounting_product, "SAME-1")
        self._lot(other, "SAME-1")  # another product may reuse the number
        self.assertRefusedAsDuplicate(self.accounting_product, "SAME-1")

    def test_company_scope(self):
        self.company.serial_uniqueness = "company"
        other = self.create_tracked_product("Other Laptop", "accounting")
        self._lot(self.accounting_product, "ONCE-1")
        self.assertRefusedAsDuplicate(other, "ONCE-1")

    def test_switch_to_company_scope_names_the_duplicates(self):
        other = self.create_tracked_product("Other Laptop", "accounting")
        self._lot(self.accounting_product, "TWICE-1")
        self._lot(other, "TWICE-1")
        with self.assertRaisesRegex(UserError, "TWICE-1"):
            self.company.serial_uniqueness = "company"
        self.assertEqual(self.company.serial_uniqueness, "product")

    def test_surrounding_whitespace_is_never_part_of_a_serial(self):
        lot = self._lot(self.accounting_product, "  WS-1 \t")
        self.assertEqual(lot.name, "WS-1")
        self.assertRefusedAsDuplicate(self.accounting_product, "WS-1 ")
        lot.name = " WS-2 "
        self.assertEqual(lot.name, "WS-2")

    def test_batch_creation_keeps_defaults_and_values_per_serial(self):
        # defaults are computed once per batch: each serial still gets them,
        # and its own values are never shared with the next one
        self.env["ir.default"].set("stock.lot", "ref", "FROM-DEFAULT")
        Lot = self.env["stock.lot"].with_context(default_note="<p>from context</p>")
        product_id = self.accounting_product.product_variant_id.id
        lots = Lot.create(
            [
                {"name": "BATCH-0", "product_id": product_id},
                {"name": "BATCH-OWN", "ref": "OWN", "product_id": product_id},
                {"name": "BATCH-2", "product_id": product_id},
                {"name": "BATCH-3", "product_id": product_id},
            ]
        )
        self.assertEqual(
            lots.mapped("name"), ["BATCH-0", "BATCH-OWN", "BATCH-2", "BATCH-3"]
        )
        self.assertEqual(
            lots.mapped("ref"), ["FROM-DEFAULT", "OWN", "FROM-DEFAULT", "FROM-DEFAULT"]
        )
        self.assertEqual(lots.mapped("note"), ["<p>from context</p>"] * 4)
        self.assertTrue(all(lots.mapped("is_serial")))
        later = self.env["stock.lot"].create(
            [{"name": f"LATER-{n}", "product_id": product_id} for n in range(2)]
        )
        self.assertEqual(later.mapped("note"), [False, False])

    def test_batch_creation_stores_what_creating_one_serial_stores(self):
        # a batch computes product template, uniqueness key and warranty end
        # itself, without Odoo's per-record computation: the stored values must
        # be the ones Odoo stores for a serial created alone
        template = self.create_tracked_product(
            "Warranty Laptop",
            "accounting",
            serial_warranty_duration=2,
            serial_warranty_unit="year",
        )
        product = template.product_variant_id
        product.lot_properties_definition = [
            {"name": "grade", "type": "char", "string": "Grade", "default": "A"},
        ]
        Lot = self.env["stock.lot"]
        columns = [
            name
            for name, field in Lot._fields.items()
            if field.store
            and field.column_type
            and name not in ("id", "name", "serial_key", "create_date", "write_date")
        ]
        # a receipt names no company: the serial of a product shared by all
        # companies belongs to the current one
        for scope, given in (("product", True), ("company", True), ("product", False)):
            with self.subTest(scope=scope, company_given=given):
                self.company.serial_uniqueness = scope
                vals = {
                    "product_id": product.id,
                    "warranty_date_start": date(2025, 3, 1),
                }
                if given:
                    vals["company_id"] = self.company.id
                prefix = f"{scope}-{given}"
                alone = Lot.create(dict(vals, name=f"{prefix}-ALONE"))
                batch = Lot.create([dict(vals, name=f"{prefix}-{n}") for n in range(3)])
                self.env.flush_all()
                self.env.cr.execute(
                    SQL(
                        "SELECT id, name, serial_key, %s FROM stock_lot WHERE id IN %s",
                        SQL(", ").join(map(SQL.identifier, columns)),
                        tuple((alone | batch).ids),
                    )
                )
                rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}

                def unnamed(row, scope=scope):
                    name, key, *rest = row
                    self.assertEqual(
                        key, name if scope == "company" else f"{product.id}:{name}"
                    )
                    return rest

                expected = unnamed(rows[alone.id])
                self.assertEqual(
                    expected[columns.index("warranty_date_end")], date(2027, 3, 1)
                )
                self.assertEqual(
                    expected[columns.index("product_tmpl_id")], template.id
                )
                self.assertEqual(expected[columns.index("company_id")], self.company.id)
                self.assertEqual(alone.lot_properties, {"grade": "A"})
                for lot in batch:
                    self.assertEqual(unnamed(rows[lot.id]), expected, lot.name)

    def test_add_serials_refuses_existing_numbers_before_writing(self):
        self.add_serials(self.accounting_product, ["DUP-1"])
        with self.assertRaisesRegex(UserError, "already exist: DUP-1"):
            self.add_serials(self.accounting_product, ["DUP-2", "DUP-1"])
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "DUP-2")]))

    def test_lookups_by_names_keep_odoos_check_and_the_planner_setting(self):
        """A batch of serials is read by names without bitmap scans (Odoo's
        trigram index of the name), only for that query: Odoo's uniqueness
        check still refuses duplicates of a product Odoo tracks alone, and the
        transaction's planner setting is as before afterwards."""
        plain = self.env["product.product"].create(
            {"name": "Odoo Serial Product", "is_storable": True, "tracking": "serial"}
        )
        Lot = self.env["stock.lot"]
        Lot.create({"name": "PL-1", "product_id": plain.id})
        with self.assertRaisesRegex(ValidationError, "must be unique"):
            Lot.create({"name": "PL-1", "product_id": plain.id})
        self.env.cr.execute("SET LOCAL enable_bitmapscan = on")
        found = Lot._serial_find_existing(
            self.physical_product.product_variant_id, ["NOPE-1", "NOPE-2"]
        )
        self.assertFalse(found)
        self.env.cr.execute("SHOW enable_bitmapscan")
        self.assertEqual(self.env.cr.fetchone()[0], "on")

    def test_concurrent_creation_exactly_one_succeeds(self):
        """Two transactions create the same serial at the same time: the unique
        index, not the Python check, makes the second one fail."""
        for scope in ("product", "company"):
            with self.subTest(scope=scope):
                self._race_same_serial(scope)

    def _race_same_serial(self, scope):
        with committed_env(self) as env:
            company = env["res.company"].browse(self.company.id)
            previous_scope = company.serial_uniqueness
            company.serial_uniqueness = scope
            templates = env["product.template"].create(
                [
                    {
                        "name": f"Race {scope} A",
                        "type": "consu",
                        "serial_tracking_enabled": True,
                        "serial_tracking_mode": "accounting",
                    },
                    {
                        "name": f"Race {scope} B",
                        "type": "consu",
                        "serial_tracking_enabled": True,
                        "serial_tracking_mode": "accounting",
                    },
                ]
            )
            # per product: both transactions use the same product; company-wide:
            # two products
            product_ids = templates.product_variant_id.ids
            if scope == "product":
                product_ids = [product_ids[0]] * 2
        self.addCleanup(self._drop_race_data, templates.ids, previous_scope)

        def create(env, index):
            env["stock.lot"].create(
                {
                    "name": f"RACE-{scope}",
                    "product_id": product_ids[index],
                    "company_id": self.company.id,
                }
            )
            env.flush_all()
            time.sleep(
                1.0
            )  # keep the transaction open: the other insert waits on the index
            return "created"

        outcomes = run_concurrently(self, create)
        created = [o for o in outcomes.values() if o == "created"]
        # the unique index holds the race; its violation reaches the user as
        # a message naming the serial, not as a database error
        refused = [o for o in outcomes.values() if isinstance(o, ValidationError)]
        self.assertEqual(len(created), 1, outcomes)
        self.assertEqual(len(refused), 1, outcomes)
        self.assertIn(f"RACE-{scope}", str(refused[0]))
        with committed_env(self) as env:
            count = env["stock.lot"].search_count([("name", "=", f"RACE-{scope}")])
        self.assertEqual(count, 1)

    def _drop_race_data(self, template_ids, previous_scope):
        with committed_env(self) as env:
            env.cr.execute(
                "DELETE FROM stock_lot WHERE product_tmpl_id = ANY(%s)", [template_ids]
            )
            templates = env["product.template"].browse(template_ids)
            templates.product_variant_ids.unlink()
            templates.unlink()
            env["res.company"].browse(
                self.company.id
            ).serial_uniqueness = previous_scope

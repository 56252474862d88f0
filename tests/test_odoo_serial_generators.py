# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import (
    ManufacturingCase,
    PhysicalModeCase,
    committed_env,
    drop_committed_template,
    run_concurrently,
)

#: 59 characters of text and 5 digits: a serial is 64 characters at most, so
#: the number cannot widen past 99999 and the format stops there.
EXHAUSTED_FORMAT = "X" * 59 + "[[INCNUM,NONE,5,99999]]"
LAST_SERIAL = "X" * 59 + "99999"


class OdooGeneratorsMixin:
    """A Track Serials physical product numbered RBX-0001, RBX-0002..."""

    @classmethod
    def numbered(cls, name, serial_format="RBX-[[INCNUM,NONE,4]]", **vals):
        return cls.create_tracked_product(
            name, "physical", serial_number_format=serial_format, **vals
        ).product_variant_id

    def next_taken(self, product):
        """The next number the counter hands out (taking it)."""
        return product.product_tmpl_id._serial_generate_from_format(1)[0]

    def assert_refused_as_exhausted(self, product, generate):
        """``generate`` is refused with the addon's message, nothing taken."""
        lots_before = self.env["stock.lot"].search_count(
            [("product_id", "=", product.id)]
        )
        with self.assertRaisesRegex(UserError, "has run out of numbers"):
            generate()
        self.assertEqual(
            self.env["stock.lot"].search_count([("product_id", "=", product.id)]),
            lots_before,
        )
        self.env.invalidate_all()
        self.assertEqual(product.next_serial, "X" * 59 + "100000")


class TestOdooSerialGenerators(OdooGeneratorsMixin, PhysicalModeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.robot = cls.numbered("Numbered Robot")

    def generate_dialog(self, first, count, user=None):
        """The server side of Odoo's Generate Serials dialog of a receipt's
        detailed operations: the serials of the lines it makes."""
        receipt = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            count,
            self.vendor,
            product=self.robot,
        )
        Move = self.env["stock.move"].with_user(user or self.env.user)
        vals_list = Move.action_generate_lot_line_vals(
            {
                "default_product_id": self.robot.id,
                "default_location_id": self.supplier_location.id,
                "default_location_dest_id": self.stock_location.id,
                "default_picking_id": receipt.id,
                "default_picking_type_id": receipt.picking_type_id.id,
                "default_company_id": self.company.id,
                "default_tracking": "serial",
                "default_quantity": count,
            },
            "generate",
            first,
            count,
            "",
        )
        return [vals["lot_name"] for vals in vals_list]

    def test_the_product_numbers_from_its_format(self):
        template = self.robot.product_tmpl_id
        self.assertEqual(template.lot_sequence_id.serial_format_tmpl_id, template)
        self.assertEqual(template.serial_prefix_format, "")
        self.assertEqual(template.next_serial, "RBX-0001")
        # what manufacturing and repairs take from the product's sequence
        self.assertEqual(template.lot_sequence_id.next_by_id(), "RBX-0001")
        self.assertEqual(self.next_taken(self.robot), "RBX-0002")
        self.env.invalidate_all()
        self.assertEqual(self.robot.next_serial, "RBX-0003")

    def test_lots_without_a_name_take_the_format(self):
        lots = self.env["stock.lot"].create(
            [{"product_id": self.robot.id}, {"product_id": self.robot.id}]
        )
        self.assertEqual(lots.mapped("name"), ["RBX-0001", "RBX-0002"])
        self.assertTrue(all(lots.mapped("is_serial")))
        # the Lots/Serial Numbers form proposes the next one as Odoo does,
        # taking it: a form discarded leaves a gap, never a number given twice
        form = Form(self.env["stock.lot"].with_user(self.serial_manager))
        form.product_id = self.robot
        self.assertEqual(form.name, "RBX-0003")
        form.save()
        self.assertEqual(self.next_taken(self.robot), "RBX-0004")

    def test_get_next_serial_takes_the_format(self):
        Lot = self.env["stock.lot"]
        self.assertEqual(Lot._get_next_serial(self.company, self.robot), "RBX-0001")
        self.assertEqual(Lot._get_next_serial(self.company, self.robot), "RBX-0002")
        self.assertEqual(self.next_taken(self.robot), "RBX-0003")

    def test_generate_serials_dialog(self):
        # New: Odoo's dialog asks the product's sequence for the first serial
        first = self.robot.lot_sequence_id.with_user(self.stock_user).next_by_id()
        self.assertEqual(first, "RBX-0001")
        names = self.generate_dialog(first, 3, user=self.stock_user)
        self.assertEqual(names, ["RBX-0001", "RBX-0002", "RBX-0003"])
        # then it moves the sequence on by the serials made: the counter took
        # them already, and a stock user may do it
        sequence = self.robot.lot_sequence_id.with_user(self.stock_user)
        self.assertTrue(sequence.write({"number_next_actual": 4}))
        self.assertEqual(self.next_taken(self.robot), "RBX-0004")
        # no first serial: the format's next ones
        self.assertEqual(self.generate_dialog("", 2), ["RBX-0005", "RBX-0006"])

    def test_generate_serials_dialog_never_reuses_a_number(self):
        # another user took numbers between New and Generate: the span goes
        # on with numbers nobody has
        first = self.robot.lot_sequence_id.next_by_id()
        self.assertEqual(self.next_taken(self.robot), "RBX-0002")
        self.assertEqual(
            self.generate_dialog(first, 3), ["RBX-0001", "RBX-0003", "RBX-0004"]
        )
        # a first serial beyond the counter numbers on from itself, and the
        # counter never hands those out
        self.assertEqual(self.generate_dialog("RBX-0100", 2), ["RBX-0100", "RBX-0101"])
        self.assertEqual(self.next_taken(self.robot), "RBX-0102")
        # a first serial the format cannot give is the user's, as in Odoo
        self.assertEqual(self.generate_dialog("LOT-7", 2), ["LOT-7", "LOT-8"])
        self.assertEqual(self.next_taken(self.robot), "RBX-0103")

    def test_products_without_a_format_keep_odoo_numbering(self):
        generic = self.env.ref("stock.sequence_production_lots")
        unformatted = self.numbered("Unformatted", serial_format=False)
        plain = self.env["product.product"].create(
            {"name": "Odoo Serial", "is_storable": True, "tracking": "serial"}
        )
        for product in (unformatted, plain):
            with self.subTest(product=product.name):
                self.assertEqual(product.lot_sequence_id, generic)
                self.assertFalse(product.lot_sequence_id.serial_format_tmpl_id)
                self.env.invalidate_all()
                expected = generic.get_next_char(generic.number_next_actual)
                self.assertEqual(product.next_serial, expected[-7:])
                lot = self.env["stock.lot"].create({"product_id": product.id})
                self.assertEqual(lot.name, expected)
                # Odoo's next serial after the last one
                self.assertEqual(
                    self.env["stock.lot"]._get_next_serial(self.company, product),
                    str(int(lot.name) + 1).zfill(7),
                )

    def test_turning_track_serials_off_gives_odoo_numbering_back(self):
        template = self.robot.product_tmpl_id
        own = template.lot_sequence_id
        template.serial_tracking_enabled = False
        self.assertEqual(
            template.lot_sequence_id, self.env.ref("stock.sequence_production_lots")
        )
        template.serial_tracking_enabled = True
        self.assertEqual(template.lot_sequence_id, own)
        template.serial_number_format = False
        self.assertEqual(
            template.lot_sequence_id, self.env.ref("stock.sequence_production_lots")
        )

    def test_a_copy_numbers_from_its_own_format(self):
        copy = self.robot.product_tmpl_id.copy()
        self.assertEqual(copy.lot_sequence_id.serial_format_tmpl_id, copy)
        self.assertEqual(copy.lot_sequence_id.next_by_id(), "RBX-0001")
        self.assertEqual(self.next_taken(self.robot), "RBX-0001")

    def test_custom_lot_serial_becomes_the_format(self):
        template = self.env["product.template"].create(
            {
                "name": "Odoo Numbered",
                "is_storable": True,
                "tracking": "serial",
                "serial_prefix_format": "RBX/",
            }
        )
        template.lot_sequence_id.number_next_actual = 42
        template.write(
            {"serial_tracking_enabled": True, "serial_tracking_mode": "physical"}
        )
        self.assertEqual(template.serial_number_format, "RBX/[[INCNUM,NONE,7,42]]")
        self.assertEqual(template.lot_sequence_id.serial_format_tmpl_id, template)
        self.assertEqual(template.next_serial, "RBX/0000042")
        self.assertIn(
            "RBX/0000042",
            template.message_ids[:1].body,
            "the chatter says what became of the Custom Lot/Serial",
        )
        lot = self.env["stock.lot"].create(
            {"product_id": template.product_variant_id.id}
        )
        self.assertEqual(lot.name, "RBX/0000042")

    def test_custom_lot_serial_with_a_date_becomes_tokens(self):
        template = self.env["product.template"].create(
            {
                "name": "Dated",
                "is_storable": True,
                "tracking": "serial",
                "serial_prefix_format": "D%(year)s-%(month)s-",
            }
        )
        template.write(
            {"serial_tracking_enabled": True, "serial_tracking_mode": "physical"}
        )
        self.assertEqual(
            template.serial_number_format, "D[[YEAR]]-[[MONTH]]-[[INCNUM,NONE,7]]"
        )

    def test_a_format_of_its_own_wins_and_the_chatter_says_so(self):
        template = self.env["product.template"].create(
            {
                "name": "Both",
                "is_storable": True,
                "tracking": "serial",
                "serial_prefix_format": "OLD-",
                "serial_number_format": "NEW-[[INCNUM,NONE,3]]",
            }
        )
        template.write(
            {"serial_tracking_enabled": True, "serial_tracking_mode": "physical"}
        )
        self.assertEqual(template.serial_number_format, "NEW-[[INCNUM,NONE,3]]")
        self.assertEqual(template.next_serial, "NEW-001")
        body = template.message_ids[:1].body
        self.assertIn("OLD-", body)
        self.assertIn("no longer applies", body)

    def test_a_custom_lot_serial_without_a_token_is_not_lost(self):
        template = self.env["product.template"].create(
            {
                "name": "Day of year",
                "is_storable": True,
                "tracking": "serial",
                "serial_prefix_format": "Q%(doy)s-",
            }
        )
        template.write(
            {"serial_tracking_enabled": True, "serial_tracking_mode": "physical"}
        )
        self.assertEqual(template.serial_number_format, "SN-[[YEAR]]-[[INCNUM,NONE,5]]")
        body = template.message_ids[:1].body
        self.assertIn("Q%(doy)s-", body)
        self.assertIn("could not become", body)

    def test_writing_custom_lot_serial_sets_the_format(self):
        template = self.robot.product_tmpl_id
        template.serial_prefix_format = "TEST/"
        self.assertEqual(template.serial_number_format, "TEST/[[INCNUM,NONE,7]]")
        self.assertEqual(template.serial_prefix_format, "")
        self.assertEqual(template.next_serial, "TEST/0000001")
        with self.assertRaisesRegex(UserError, "no token for"):
            template.serial_prefix_format = "W%(woy)s-"
        self.assertEqual(template.serial_number_format, "TEST/[[INCNUM,NONE,7]]")

    def test_the_format_sequence_is_not_edited_apart(self):
        sequence = self.robot.lot_sequence_id
        with self.assertRaisesRegex(UserError, "change the format on the product"):
            sequence.prefix = "ZZ-"
        with self.assertRaisesRegex(UserError, "Serial Number Format"):
            sequence.unlink()
        self.assertFalse(sequence.prefix)

    def test_an_exhausted_format_is_refused_by_every_generator(self):
        product = self.numbered("Exhausted", serial_format=EXHAUSTED_FORMAT)
        self.assertEqual(
            self.env["stock.lot"].create({"product_id": product.id}).name, LAST_SERIAL
        )
        template = product.product_tmpl_id
        Lot = self.env["stock.lot"]
        for generator, generate in (
            ("lot without a name", lambda: Lot.create({"product_id": product.id})),
            ("_get_next_serial", lambda: Lot._get_next_serial(self.company, product)),
            ("product's sequence", lambda: product.lot_sequence_id.next_by_id()),
            ("addon's dialog", lambda: template._serial_generate_from_format(1)),
            (
                "Generate Serials",
                lambda: self.env["stock.move"].action_generate_lot_line_vals(
                    {
                        "default_product_id": product.id,
                        "default_location_id": self.supplier_location.id,
                        "default_location_dest_id": self.stock_location.id,
                        "default_tracking": "serial",
                        "default_quantity": 1,
                    },
                    "generate",
                    "",
                    1,
                    "",
                ),
            ),
        ):
            with self.subTest(generator=generator):
                self.assert_refused_as_exhausted(product, generate)

    def test_a_format_that_cannot_number_refuses_instead_of_odoo(self):
        product = self.numbered(
            "No Reference", serial_format="[[REF]]-[[INCNUM,NONE,3]]"
        )
        self.assertEqual(product.next_serial, "")
        with self.assertRaisesRegex(UserError, "internal reference"):
            product.lot_sequence_id.next_by_id()
        with self.assertRaisesRegex(UserError, "internal reference"):
            self.env["stock.lot"].create({"product_id": product.id})

    def test_two_lots_created_at_once_get_distinct_numbers(self):
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Race Lots",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "physical",
                    "serial_number_format": "RL-[[INCNUM,NONE,4]]",
                }
            )
            product_id = template.product_variant_id.id
        self.addCleanup(drop_committed_template, self, template.id)
        results = run_concurrently(
            self,
            lambda env, _index: env["stock.lot"]
            .create([{"product_id": product_id}] * 3)
            .mapped("name"),
            retries=4,
        )
        self.assertEqual(len(results), 2, results)
        names = results[0] + results[1]
        self.assertEqual(sorted(names), [f"RL-{n:04d}" for n in range(1, 7)], results)


@tagged("post_install", "-at_install", "serial_tracking_mrp")
class TestManufacturingSerialGenerators(OdooGeneratorsMixin, ManufacturingCase):
    """Odoo's manufacturing numbers the units it builds from the format."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.robot.product_tmpl_id.serial_number_format = "RBX-[[INCNUM,NONE,4]]"
        cls.board_units = cls.add_serials(
            cls.board.product_tmpl_id, [f"CB-{n}" for n in range(1, 8)]
        )

    def production(self, quantity, product=None):
        form = Form(self.env["mrp.production"])
        form.product_id = product or self.robot
        form.bom_id = self.bom if not product else self.env["mrp.bom"]
        form.product_qty = quantity
        production = form.save()
        production.action_confirm()
        return production

    def test_order_of_one_unit(self):
        production = self.production(1)
        production.action_generate_serial()
        self.assertEqual(production.lot_producing_ids.mapped("name"), ["RBX-0001"])
        self.assertEqual(production.qty_producing, 1)
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(production.lot_producing_ids.serial_status, "in_stock")
        self.assertEqual(self.next_taken(self.robot), "RBX-0002")

    def test_order_of_three_units_through_the_serials_dialog(self):
        self.next_taken(self.robot)  # RBX-0001 went elsewhere
        production = self.production(3)
        action = production.action_generate_serial()
        self.assertEqual(action["res_model"], "mrp.production.serials")
        form = Form.from_action(self.env, action)
        self.assertEqual(form.lot_name, "RBX-0002")  # proposed, not taken
        self.assertEqual(form.lot_quantity, 3)
        wizard = form.save()
        wizard.action_generate_serial_numbers()
        self.assertEqual(wizard.serial_numbers, "RBX-0002\nRBX-0003\nRBX-0004")
        wizard.action_apply()
        self.assertEqual(
            production.lot_producing_ids.mapped("name"),
            ["RBX-0002", "RBX-0003", "RBX-0004"],
        )
        self.assertEqual(self.next_taken(self.robot), "RBX-0005")

    def test_serials_dialog_proposes_without_taking(self):
        production = self.production(2)
        form = Form.from_action(self.env, production.action_generate_serial())
        self.assertEqual(form.lot_name, "RBX-0001")
        form.save().action_generate_serial_numbers()
        # a dialog closed without Apply took nothing
        self.assertEqual(self.robot.lot_sequence_id.next_by_id(), "RBX-0001")
        # a first serial typed is the user's, numbered on as Odoo does
        form = Form.from_action(self.env, production.action_generate_serial())
        form.lot_name = "RBX-0100"
        wizard = form.save()
        wizard.action_generate_serial_numbers()
        wizard.action_apply()
        self.assertEqual(
            production.lot_producing_ids.mapped("name"), ["RBX-0100", "RBX-0101"]
        )
        self.assertEqual(self.next_taken(self.robot), "RBX-0002")

    def test_work_orders_show_the_serial_of_the_format(self):
        # Community's work orders have no generator of their own: they show
        # the order's serials, generated from its form
        workcenter = self.env["mrp.workcenter"].create({"name": "Assembly"})
        self.bom.operation_ids = [
            Command.create({"name": "Assemble", "workcenter_id": workcenter.id})
        ]
        production = self.production(1)
        workorder = production.workorder_ids
        self.assertTrue(workorder)
        production.action_generate_serial()
        self.assertEqual(workorder.finished_lot_ids.mapped("name"), ["RBX-0001"])

    def test_product_without_format_keeps_odoo_numbering(self):
        template = self.robot.product_tmpl_id
        template.serial_number_format = False
        generic = self.env.ref("stock.sequence_production_lots")
        expected = generic.get_next_char(generic.number_next_actual)
        production = self.production(1)
        production.action_generate_serial()
        self.assertEqual(production.lot_producing_ids.name, expected)

    def test_exhausted_format_refuses_manufacturing(self):
        template = self.robot.product_tmpl_id
        template.serial_number_format = EXHAUSTED_FORMAT
        self.env["stock.lot"].create({"product_id": self.robot.id})
        single = self.production(1)
        self.assert_refused_as_exhausted(self.robot, single.action_generate_serial)
        self.assertFalse(single.lot_producing_ids)
        several = self.production(2)
        wizard = Form.from_action(self.env, several.action_generate_serial()).save()
        wizard.action_generate_serial_numbers()
        self.assert_refused_as_exhausted(self.robot, wizard.action_apply)
        self.assertFalse(several.lot_producing_ids)

    def test_two_orders_at_once_get_distinct_numbers(self):
        with committed_env(self) as env:
            template = env["product.template"].create(
                {
                    "name": "Race Robot",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "physical",
                    "serial_number_format": "RR-[[INCNUM,NONE,4]]",
                }
            )
            product = template.product_variant_id
            productions = env["mrp.production"].create(
                [{"product_id": product.id, "product_qty": 1} for _index in range(2)]
            )
            productions.action_confirm()
            production_ids = productions.ids
        self.addCleanup(drop_committed_template, self, template.id)

        def generate(env, index):
            production = env["mrp.production"].browse(production_ids[index])
            production.action_generate_serial()
            return production.lot_producing_ids.name

        results = run_concurrently(self, generate, retries=4)
        self.assertEqual(sorted(results.values()), ["RR-0001", "RR-0002"], results)


@tagged("post_install", "-at_install", "serial_tracking_repair")
class TestRepairSerialGenerator(OdooGeneratorsMixin, PhysicalModeCase):
    """Runs on the database with Repairs: Generate Serial on a repair order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "repair.order" not in cls.env:
            raise unittest.SkipTest("repair is not installed on this database")
        cls.robot = cls.numbered("Repaired Robot")

    def repair(self, product):
        return self.env["repair.order"].create(
            {"product_id": product.id, "partner_id": self.customer.id}
        )

    def test_repair_generates_from_the_format(self):
        repair = self.repair(self.robot)
        repair.action_generate_serial()
        self.assertEqual(repair.lot_id.name, "RBX-0001")
        self.assertEqual(self.next_taken(self.robot), "RBX-0002")

    def test_exhausted_format_refuses_the_repair(self):
        product = self.numbered("Exhausted Repair", serial_format=EXHAUSTED_FORMAT)
        self.env["stock.lot"].create({"product_id": product.id})
        repair = self.repair(product)
        self.assert_refused_as_exhausted(product, repair.action_generate_serial)
        self.assertFalse(repair.lot_id)

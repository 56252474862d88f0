# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import SerialTrackingCase, new_invoice


class TestSerialEntryWizard(SerialTrackingCase):
    def _open_add(self, template=None, user=None):
        template = template or self.accounting_product
        action = template.with_user(
            user or self.serial_manager
        ).action_add_serials_bulk()
        return (
            self.env["serial.entry.wizard"]
            .with_user(user or self.serial_manager)
            .browse(action["res_id"])
        )

    def test_paste_with_spans_duplicates_and_confirm(self):
        wizard = self._open_add()
        self.assertEqual(wizard.location_id, self.stock_location)
        with Form(wizard) as form:
            form.required_count = 8
            form.paste_text = "A-1, A-2;A-1\n  SN-0001..SN-0004 \tA-2\n\n1000-1001"
        wizard.action_add_pasted()
        self.assertEqual(
            wizard._entered_serials(),
            ["A-1", "A-2", "SN-0001", "SN-0002", "SN-0003", "SN-0004", "1000", "1001"],
        )
        self.assertIn("2 duplicates removed", wizard.last_message)
        self.assertEqual(wizard.count_label, "Serial numbers (8 / 8)")
        self.assertIn("SN-0001 – SN-0004 (4)", wizard.serials_display)
        self.assertTrue(wizard.can_confirm)
        wizard.action_confirm()
        serials = self.accounting_product.serial_ids
        self.assertEqual(len(serials), 8)
        self.assertEqual(set(serials.mapped("serial_status")), {"in_stock"})
        self.assertEqual(len(serials.history_ids), 8)

    def test_counts_must_match(self):
        wizard = self._open_add()
        wizard.required_count = 3
        wizard.paste_text = "X-1\nX-2"
        wizard.action_add_pasted()
        self.assertFalse(wizard.can_confirm)
        with self.assertRaisesRegex(
            UserError, "needs 3 serial numbers and 2 are entered"
        ):
            wizard.action_confirm()
        self.assertFalse(self.accounting_product.serial_ids)

    def test_existing_serials_are_listed_before_anything_is_written(self):
        self.add_serials(self.accounting_product, ["E-2"])
        wizard = self._open_add()
        wizard.required_count = 3
        wizard.paste_text = "E-1..E-3"
        wizard.action_add_pasted()
        self.assertIn("1 serial numbers already exist: E-2", wizard.problem)
        self.assertFalse(wizard.can_confirm)
        with self.assertRaisesRegex(UserError, "E-2"):
            wizard.action_confirm()
        self.assertEqual(self.accounting_product.serial_ids.mapped("name"), ["E-2"])

    def test_bad_span_gets_a_clear_message(self):
        wizard = self._open_add()
        wizard.paste_text = "SN-0010..SN-0001"
        with self.assertRaisesRegex(UserError, "SN-0010"):
            wizard.action_add_pasted()
        self.assertFalse(wizard.serial_names)

    def test_generate(self):
        wizard = self._open_add()
        wizard.write(
            {
                "required_count": 3,
                "gen_prefix": "SN-",
                "gen_start": 1,
                "gen_count": 3,
                "gen_padding": 4,
            }
        )
        wizard.action_generate()
        self.assertEqual(wizard._entered_serials(), ["SN-0001", "SN-0002", "SN-0003"])
        wizard.write(
            {
                "gen_prefix": "",
                "gen_start": 100,
                "gen_count": 2,
                "gen_padding": 3,
                "gen_suffix": "-A",
            }
        )
        wizard.action_generate()
        self.assertEqual(wizard._entered_serials()[3:], ["100-A", "101-A"])

    def test_auto_numbering_fills_the_entry_for_a_known_quantity(self):
        template = self.create_tracked_product(
            "Auto",
            "accounting",
            serial_auto_number=True,
            serial_number_format="AU-[[INCNUM,NONE,3]]",
        )
        action = self.env["serial.entry.wizard"]._open_for(
            template,
            "add",
            template.product_variant_id,
            required_count=3,
            location=self.stock_location,
        )
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        self.assertEqual(wizard._entered_serials(), ["AU-001", "AU-002", "AU-003"])
        self.assertTrue(wizard.can_confirm)

    def test_opens_with_the_serials_the_target_holds(self):
        """A target reopening the dialog sees its own serials, not new numbers of
        the format; only serial.entry.target records can be targets."""
        template = self.create_tracked_product(
            "Held",
            "accounting",
            serial_auto_number=True,
            serial_number_format="HE-[[INCNUM,NONE,3]]",
        )
        Wizard = self.env["serial.entry.wizard"]
        action = Wizard._open_for(
            template,
            "add",
            template.product_variant_id,
            required_count=2,
            names=["KEPT-1", "KEPT-2"],
        )
        wizard = Wizard.browse(action["res_id"])
        self.assertEqual(wizard._entered_serials(), ["KEPT-1", "KEPT-2"])
        self.assertEqual(template._serial_generate_from_format(1), ["HE-001"])

        lots = self.add_serials(self.accounting_product, ["OUT-1", "OUT-2"])
        action = Wizard._open_for(
            self.accounting_product,
            "remove",
            self.accounting_product.product_variant_id,
            required_count=1,
            location=self.stock_location,
            lots=lots[:1],
        )
        self.assertEqual(Wizard.browse(action["res_id"]).selected_lot_ids, lots[:1])

        with self.assertRaisesRegex(TypeError, "serial.entry.target"):
            Wizard._open_for(
                self.env.company, "add", template.product_variant_id, required_count=1
            )

    def test_take_from_format_for_the_missing_quantity(self):
        self.accounting_product.serial_number_format = "F-[[INCNUM,NONE,2]]"
        wizard = self._open_add()
        wizard.write({"required_count": 3, "paste_text": "MANUAL-1"})
        wizard.action_add_pasted()
        wizard.action_add_from_format()
        self.assertEqual(wizard._entered_serials(), ["MANUAL-1", "F-01", "F-02"])

    def test_import_xlsx_and_csv(self):
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Description", "Serial"])
        sheet.append(["first", 1001])
        sheet.append(["second", "0002"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        wizard = self._open_add()
        wizard.write(
            {
                "required_count": 4,
                "import_filename": "serials.xlsx",
                "import_file": base64.b64encode(buffer.getvalue()),
            }
        )
        wizard.action_import_file()
        self.assertEqual(wizard._entered_serials(), ["1001", "0002"])
        wizard.write(
            {
                "import_filename": "more.csv",
                "import_file": base64.b64encode(
                    "\ufeffserial;x\n0003;a\n1001;b\n0004;c\n".encode()
                ),
            }
        )
        wizard.action_import_file()
        self.assertEqual(wizard._entered_serials(), ["1001", "0002", "0003", "0004"])
        self.assertIn("1 duplicates removed", wizard.last_message)

    def _import(self, wizard, filename, content):
        wizard.write(
            {"import_filename": filename, "import_file": base64.b64encode(content)}
        )
        wizard.action_import_file()

    def test_import_year_number_serials_in_each_format(self):
        import openpyxl

        workbook = openpyxl.Workbook()
        for row in (["Serial"], ["2024-5000"], ["2024-5001"]):
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        for filename, content in (
            ("years.xlsx", buffer.getvalue()),
            ("years.csv", b"Serial;Note\n2024-5000;a\n2024-5001;b\n"),
            ("years.txt", b"2024-5000\r\n2024-5001\r\n"),
        ):
            with self.subTest(filename=filename):
                wizard = self._open_add()
                wizard.required_count = 2
                self._import(wizard, filename, content)
                self.assertEqual(wizard._entered_serials(), ["2024-5000", "2024-5001"])
                self.assertEqual(wizard.last_message, "2 serial numbers added.")
                self.assertTrue(wizard.can_confirm)

    def test_import_cell_holding_a_comma_is_one_serial(self):
        wizard = self._open_add()
        wizard.required_count = 3
        self._import(wizard, "commas.csv", b'Serial;Note\nA,B;x\nC;y\n"D;E";z\n')
        self.assertEqual(wizard._entered_serials(), ["A,B", "C", "D;E"])
        wizard.action_confirm()
        self.assertEqual(
            sorted(self.accounting_product.serial_ids.mapped("name")),
            ["A,B", "C", "D;E"],
        )

    def test_paste_with_read_ranges_on_and_off(self):
        wizard = self._open_add()
        self.assertTrue(wizard.read_ranges)
        wizard.paste_text = "2024-5000\nSN-1..SN-3"
        wizard.action_add_pasted()
        self.assertEqual(wizard.entered_count, 2977 + 3)
        wizard.action_clear()
        with Form(wizard) as form:
            form.read_ranges = False
            form.paste_text = "2024-5000\nSN-1..SN-3, 1000 - 1001"
        wizard.action_add_pasted()
        self.assertEqual(
            wizard._entered_serials(), ["2024-5000", "SN-1..SN-3", "1000 - 1001"]
        )
        self.assertEqual(wizard.last_message, "3 serial numbers added.")

    def test_span_notice_names_what_was_read_as_a_span(self):
        wizard = self._open_add()
        wizard.paste_text = "A-1, 2024-5000\n1000-1234; SN-1..SN-3"
        wizard.action_add_pasted()
        self.assertEqual(
            wizard.last_message,
            "3216 serial numbers added.\n2024-5000 read as a span of 2,977 serials; "
            "1000-1234 read as a span of 235 serials; SN-1..SN-3 read as a span of 3 "
            "serials. To enter such an item as one serial, turn off Read ranges.",
        )
        wizard.action_clear()
        wizard.paste_text = "\n".join(f"S{n}-1..S{n}-2" for n in range(12))
        wizard.action_add_pasted()
        self.assertIn(
            "S9-1..S9-2 read as a span of 2 serials; … (+2 more). To enter",
            wizard.last_message,
        )
        self.assertNotIn("S10-1", wizard.last_message)
        wizard.action_clear()
        wizard.paste_text = "A-1, B-2"
        wizard.action_add_pasted()
        self.assertEqual(wizard.last_message, "2 serial numbers added.")

    def test_read_ranges_choice_is_remembered_for_each_user(self):
        # a billing user: internal, neither admin nor stock user
        user = self.billing_user
        vendor = self.env["res.partner"].create({"name": "Range Vendor"})
        bill = new_invoice(
            self.env,
            "in_invoice",
            vendor,
            self.accounting_product.product_variant_id,
            1,
            price_unit=10.0,
        )

        def open_for_bill():
            action = bill.invoice_line_ids.with_user(user).action_open_serial_entry()
            return (
                self.env["serial.entry.wizard"].with_user(user).browse(action["res_id"])
            )

        wizard = open_for_bill()
        self.assertTrue(wizard.read_ranges)
        wizard.write(
            {"read_ranges": False, "paste_text": "2024-5000"}
        )  # as the dialog saves
        wizard.action_add_pasted()
        wizard.action_confirm()
        self.assertEqual(bill.invoice_line_ids._serial_entered_names(), ["2024-5000"])
        self.assertFalse(open_for_bill().read_ranges)
        self.assertTrue(self._open_add().read_ranges)  # another user keeps the default
        wizard = open_for_bill()
        wizard.read_ranges = True
        self.assertTrue(open_for_bill().read_ranges)
        self.assertEqual(
            self.env["ir.default"].search_count([("user_id", "=", user.id)]), 1
        )

    def test_corrupt_file_is_refused(self):
        wizard = self._open_add()
        wizard.write(
            {
                "import_filename": "broken.xlsx",
                "import_file": base64.b64encode(b"this is not a spreadsheet"),
            }
        )
        with self.assertRaisesRegex(UserError, "xlsx"):
            wizard.action_import_file()
        self.assertFalse(wizard.serial_names)

    def test_file_with_a_formula_is_refused_and_nothing_written(self):
        content = b'serial\nF-1\n=HYPERLINK("http://evil","x")\n'
        wizard = self._open_add()
        wizard.write(
            {
                "required_count": 2,
                "import_filename": "evil.csv",
                "import_file": base64.b64encode(content),
            }
        )
        with self.assertRaisesRegex(UserError, "formula"):
            wizard.action_import_file()
        self.assertFalse(wizard.serial_names)
        with self.assertRaisesRegex(UserError, "formula"):
            self.env["stock.lot"].create(
                {
                    "name": "=1+1",
                    "product_id": self.accounting_product.product_variant_id.id,
                }
            )

    def test_ten_thousand_serials_are_shown_as_ranges(self):
        wizard = self._open_add()
        wizard.write({"required_count": 10000, "paste_text": "BIG-00001..BIG-10000"})
        with self.assertQueryCount(__system__=20):
            wizard.action_add_pasted()
            wizard.flush_recordset()
        self.assertEqual(wizard.entered_count, 10000)
        self.assertEqual(wizard.serials_display, "BIG-00001 – BIG-10000 (10000)")
        wizard.show_all = True
        self.assertEqual(wizard.serials_display, "BIG-00001 – BIG-10000 (10000)")

    # remove mode ------------------------------------------------------
    def _open_remove(self, required):
        action = self.env["serial.entry.wizard"]._open_for(
            self.accounting_product,
            "remove",
            self.accounting_product.product_variant_id,
            required_count=required,
            location=self.stock_location,
        )
        return self.env["serial.entry.wizard"].browse(action["res_id"])

    def test_remove_mode_selection(self):
        with freeze_time("2025-01-01"):
            old = self.add_serials(self.accounting_product, ["OLD-1", "OLD-2"])
        with freeze_time("2025-06-01"):
            new = self.add_serials(self.accounting_product, ["NEW-1"])
        sold = self.add_serials(self.accounting_product, ["SOLD-1"])
        sold.sudo().serial_status = "sold"
        wizard = self._open_remove(2)
        self.assertEqual(wizard.available_count, 3)
        wizard.action_auto_select()
        self.assertEqual(wizard.selected_lot_ids, old)
        self.assertEqual(wizard.count_label, "Selected serials (2 / 2)")
        self.assertTrue(wizard.can_confirm)
        wizard.action_clear()
        wizard.action_select_all()
        self.assertEqual(wizard.selected_lot_ids, old | new)
        self.assertFalse(wizard.can_confirm)  # 3 selected, 2 required
        wizard.action_clear()
        wizard.paste_text = "NEW-1\nOLD-2"
        wizard.action_select_pasted()
        self.assertEqual(wizard.selected_lot_ids, new | old[1])

    def test_remove_mode_refuses_a_serial_that_is_not_available_here(self):
        sold = self.add_serials(self.accounting_product, ["GONE-1"])
        sold.sudo().serial_status = "sold"
        other_location = self.env["stock.location"].create(
            {
                "name": "Shelf B",
                "usage": "internal",
                "location_id": self.stock_location.location_id.id,
            }
        )
        self.add_serials(self.accounting_product, ["ELSEWHERE-1"], other_location)
        wizard = self._open_remove(1)
        wizard.paste_text = "GONE-1, ELSEWHERE-1"
        with self.assertRaisesRegex(
            UserError, "not available at .*ELSEWHERE-1, GONE-1"
        ):
            wizard.action_select_pasted()
        self.assertFalse(wizard.selected_lot_ids)

    def test_remove_mode_paste_with_read_ranges_off(self):
        unit = self.add_serials(self.accounting_product, ["2024-5000"])
        wizard = self._open_remove(1)
        wizard.paste_text = "2024-5000"
        with self.assertRaisesRegex(
            UserError, "not available .*2024 – 5000 \\(2977\\)"
        ):
            wizard.action_select_pasted()
        wizard.write({"read_ranges": False, "paste_text": "2024-5000"})
        wizard.action_select_pasted()
        self.assertEqual(wizard.selected_lot_ids, unit)
        self.assertFalse(wizard.last_message)
        self.assertTrue(wizard.can_confirm)

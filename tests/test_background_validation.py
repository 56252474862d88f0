# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.stock_picking import MAX_BACKGROUND_ATTEMPTS
from ..models.stock_speed_path import SPEED_PATH_PARAM
from .common import BackgroundValidationCase, committed_env, new_transfer


@tagged("post_install", "-at_install")
class TestBackgroundValidation(BackgroundValidationCase):
    """Transfers holding at least the company's threshold of serial units are
    validated by the scheduled action, not in the user's request."""

    def triggers(self):
        return (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", self.cron.id)])
        )

    def test_large_transfer_is_queued_not_validated(self):
        receipt = self.receipt("BG-1", "BG-2", "BG-3")
        triggers = self.triggers()
        result = receipt.with_user(self.stock_user).button_validate()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("validated in the background", result["params"]["message"])
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertEqual(receipt.serial_background_user_id, self.stock_user)
        # the scheduled action is triggered, not run in the request
        self.assertEqual(self.triggers(), triggers + 1)
        self.assertEqual(self.in_stock("BG-1", "BG-2", "BG-3"), 0)
        self.assertFalse(self.lots("BG-1"))

    def test_small_transfer_is_validated_at_once(self):
        receipt = self.receipt("BG-S1", "BG-S2")
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_background_state)
        self.company.serial_background_validation_threshold = 0
        receipt = self.receipt("BG-S3", "BG-S4", "BG-S5")
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")

    def test_queued_transfer_cannot_be_validated_twice(self):
        receipt = self.receipt("BG-4", "BG-5", "BG-6")
        receipt.with_user(self.stock_user).button_validate()
        for action in (receipt.button_validate, receipt.action_cancel):
            with self.assertRaisesRegex(
                UserError, "already being validated in the background"
            ):
                action()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertEqual(self.in_stock("BG-4", "BG-5", "BG-6"), 0)

    def test_job_validates_as_the_user_and_tells_them(self):
        receipt = self.receipt("BG-7", "BG-8", "BG-9")
        receipt.with_user(self.stock_user).button_validate()
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_background_state)
        self.assertEqual(self.in_stock("BG-7", "BG-8", "BG-9"), 3)
        self.assertEqual(receipt.move_ids.write_uid, self.stock_user)
        self.assertEqual(self.events(self.lots("BG-7")), ["RECEIVE"])
        message = receipt.message_ids.filtered(
            lambda m: "validated in the background" in (m.body or "")
        )
        self.assertTrue(message)
        self.assertIn(self.stock_user.partner_id, message.partner_ids)

    def test_failing_job_records_the_error_and_leaves_stock_untouched(self):
        receipt = self.receipt("BG-10", "BG-11", "BG-12")
        receipt.with_user(self.stock_user).button_validate()
        # meanwhile one of its serials came in through another receipt
        self.company.serial_background_validation_threshold = 0
        self.receive("BG-11")
        self.company.serial_background_validation_threshold = 3
        history_before = self.env["stock.lot.history"].search_count([])
        self.run_job()
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(receipt.serial_background_state, "failed")
        self.assertIn("BG-11 cannot be received", receipt.serial_background_error)
        self.assertEqual(self.in_stock("BG-10", "BG-12"), 0)
        self.assertFalse(self.lots("BG-10"))
        self.assertEqual(self.in_stock("BG-11"), 1)
        self.assertEqual(self.env["stock.lot.history"].search_count([]), history_before)
        self.assertEqual(
            receipt.activity_ids.filtered(
                lambda a: a.user_id == self.stock_user
            ).summary,
            "Background validation failed",
        )
        message = receipt.message_ids.filtered(
            lambda m: "could not be validated in the background" in (m.body or "")
        )
        self.assertIn(self.stock_user.partner_id, message.partner_ids)
        # fixed, it is validated again (in the background) and the error goes
        receipt.move_ids.move_line_ids.filtered(
            lambda line: line.lot_name == "BG-11"
        ).lot_name = "BG-13"
        receipt.button_validate()
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertFalse(receipt.serial_background_error)
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(self.in_stock("BG-10", "BG-12", "BG-13"), 3)

    def test_backorder_dialog_comes_first_and_its_choice_is_kept(self):
        receipt = self.partial_receipt("BG-14", "BG-15", "BG-16")
        action = receipt.button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        self.assertFalse(receipt.serial_background_state)
        wizard = Form.from_action(self.env, action).save()
        result = wizard.process_cancel_backorder()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(receipt.serial_background_state, "queued")
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.backorder_ids)
        self.assertEqual(self.in_stock("BG-14", "BG-15", "BG-16"), 3)

    def test_backorder_created_when_chosen(self):
        receipt = self.partial_receipt("BG-17", "BG-18", "BG-19")
        action = receipt.button_validate()
        Form.from_action(self.env, action).save().process()
        self.run_job()
        self.assertEqual(receipt.state, "done")
        self.assertEqual(receipt.backorder_ids.move_ids.product_uom_qty, 1)

    def test_interrupted_runs_end_as_failed(self):
        receipt = self.receipt("BG-20", "BG-21", "BG-22")
        receipt.button_validate()
        # the runs that started it were stopped by the server (rolled back)
        receipt.serial_background_attempts = MAX_BACKGROUND_ATTEMPTS
        self.run_job()
        self.assertEqual(receipt.serial_background_state, "failed")
        self.assertIn("stopped the validation", receipt.serial_background_error)
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(self.in_stock("BG-20", "BG-21", "BG-22"), 0)

    def test_transfer_locked_by_another_transaction_is_refused_at_once(self):
        """A transfer another transaction holds (a user validating it at the
        same moment, or the job) is refused with a message, without waiting
        for that transaction and without queuing it a second time."""
        with committed_env(self) as env:
            warehouse = env["stock.warehouse"].search([], limit=1)
            vendors = warehouse.in_type_id.default_location_src_id
            product = env["product.product"].create(
                {"name": "BG Concurrent", "type": "consu", "is_storable": True}
            )
            picking = new_transfer(
                env,
                warehouse.in_type_id,
                vendors,
                warehouse.lot_stock_id,
                1,
                product,
                confirm=False,
            )
            picking_id, product_id = picking.id, product.id
        try:
            with committed_env(self) as holder, committed_env(self) as other:
                holder.cr.execute(
                    "SELECT id FROM stock_picking WHERE id = %s FOR UPDATE",
                    [picking_id],
                )
                with self.assertRaisesRegex(UserError, "being validated right now"):
                    other["stock.picking"].browse(picking_id)._serial_queue_validation()
                other.cr.rollback()
                holder.cr.rollback()
                self.assertFalse(
                    other["stock.picking"].browse(picking_id).serial_background_state
                )
        finally:
            with committed_env(self) as env:
                env["stock.picking"].browse(picking_id).unlink()
                env["product.product"].browse(product_id).unlink()


@tagged("post_install", "-at_install")
class TestSelectedUnitsInBackground(BackgroundValidationCase):
    """A delivery's selection of at least the company's background threshold
    (3 here): the dialog's request keeps the units chosen, and the background
    job puts them on the lines, slice by slice (2 here)."""

    def setUp(self):
        super().setUp()
        self.company.serial_validation_slice_size = 2

    def reserved(self, *names):
        return sum(
            self.env["stock.quant"]
            .search(
                [
                    ("lot_id", "in", self.lots(*names).ids),
                    ("location_id", "=", self.stock_location.id),
                ]
            )
            .mapped("reserved_quantity")
        )

    def test_a_large_selection_is_put_on_the_lines_in_the_background(self):
        for switch in ("1", "0"):
            with self.subTest(speed_path=switch):
                self.env["ir.config_parameter"].sudo().set_param(
                    SPEED_PATH_PARAM, switch
                )
                names = [f"SEL{switch}-{number}" for number in range(1, 7)]
                self.in_stock_now(*names)
                delivery, answer = self.large_selection(names[2:])
                self.assertIn(
                    "put on its lines in the background", answer["params"]["message"]
                )
                self.assertEqual(
                    answer["params"]["next"], {"type": "ir.actions.act_window_close"}
                )
                self.assertEqual(delivery.serial_background_state, "queued")
                self.assertEqual(delivery.serial_background_action, "take")
                self.assertEqual(delivery.serial_background_units_total, 4)
                # Odoo reserved the first units; the selection is not on the
                # lines until the job runs, and the delivery is locked
                self.assertEqual(self.reserved(*names[:2]), 2)
                with self.assertRaisesRegex(UserError, "in the background"):
                    delivery.move_ids.action_open_serial_entry()
                self.run_job()
                self.assertFalse(delivery.serial_background_state)
                self.assertEqual(delivery.serial_background_units_done, 2)
                lines = delivery.move_ids.move_line_ids
                self.assertEqual(sorted(lines.lot_id.mapped("name")), names[2:])
                self.assertTrue(all(lines.mapped("picked")))
                self.assertFalse(delivery.move_ids.serial_lots_to_take)
                # the reservations follow the selection
                self.assertEqual(self.reserved(*names[:2]), 0)
                self.assertEqual(self.reserved(*names[2:]), 4)
                self.assertTrue(
                    delivery.message_ids.filtered(
                        lambda m: "put on its lines in the background" in (m.body or "")
                    )
                )
                self.validate(delivery)
                self.assertEqual(delivery.state, "done")
                self.assertEqual(self.in_stock(*names), 2)
                self.assertEqual(
                    set(self.lots(*names[2:]).mapped("serial_status")), {"sold"}
                )

    def test_a_unit_gone_meanwhile_stops_the_job_with_the_reason(self):
        names = [f"GONE-{number}" for number in range(1, 7)]
        self.in_stock_now(*names)
        delivery, _answer = self.large_selection(names[2:])
        # GONE-6 leaves with another delivery before the job reaches it
        self.deliver("GONE-6")
        self.run_job()
        self.assertEqual(delivery.serial_background_state, "failed")
        self.assertIn(
            "2 of 4 selected units were put on the transfer's lines in earlier "
            "slices; the other 2 are not on it",
            delivery.serial_background_error,
        )
        self.assertIn(
            "no longer available at WH/Stock: GONE-6",
            delivery.serial_background_error,
        )
        # the failed slice is undone whole: the lines hold what Odoo reserved
        # and the first slice picked
        lines = delivery.move_ids.move_line_ids
        self.assertEqual(
            sorted(lines.lot_id.mapped("name")),
            ["GONE-1", "GONE-2", "GONE-3", "GONE-4"],
        )
        self.assertEqual(
            sorted(lines.filtered("picked").lot_id.mapped("name")), ["GONE-3", "GONE-4"]
        )
        self.assertEqual(self.reserved(*names[:4]), 4)
        self.assertFalse(delivery.move_ids.serial_lots_to_take)
        # selected again without the unit gone, it ends
        self.enter(delivery.move_ids, "GONE-2\nGONE-3\nGONE-4\nGONE-5")
        self.assertFalse(delivery.serial_background_state)
        self.assertEqual(
            sorted(delivery.move_ids.move_line_ids.lot_id.mapped("name")),
            ["GONE-2", "GONE-3", "GONE-4", "GONE-5"],
        )

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import QueueJobCase


@tagged("post_install", "-at_install", "serial_tracking_queue_job")
class TestQueueJobSlices(QueueJobCase):
    """With OCA's queue_job installed, a transfer validated in the background
    runs as its jobs, one slice per job, the next slice delayed by the one
    before it; the scheduled action is not used."""

    def test_each_slice_is_a_job_of_its_own(self):
        names = [f"QJ-{number}" for number in range(1, 8)]
        receipt = self.receipt(*names)
        triggers = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", self.cron.id)])
        )
        receipt.with_user(self.stock_user).button_validate()
        self.assertEqual(receipt.serial_background_state, "queued")
        self.assertEqual(
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", self.cron.id)]),
            triggers,
        )
        jobs = self.env["queue.job"].search([("model_name", "=", "stock.picking")])
        self.assertEqual(jobs.mapped("state"), ["pending"])
        # 7 units in slices of 3: 3, 3, then the last unit with the transfer
        self.assertEqual(self.run_jobs(), ["_serial_background_job"] * 3)
        self.assertEqual(receipt.state, "done")
        self.assertFalse(receipt.serial_background_state)
        self.assertEqual(self.in_stock(*names), 7)
        self.assertEqual(self.events(self.lots("QJ-7")), ["RECEIVE"])
        self.assertEqual(receipt.move_ids.write_uid, self.stock_user)
        self.assertEqual(
            self.env["queue.job"]
            .search([("model_name", "=", "stock.picking")])
            .mapped("state"),
            ["done"] * 3,
        )

    def test_failing_slice_ends_the_chain(self):
        names = [f"QJ-F{number}" for number in range(1, 8)]
        receipt = self.receipt(*names)
        receipt.button_validate()
        self.company.serial_background_validation_threshold = 0
        self.receive("QJ-F5")
        self.company.serial_background_validation_threshold = 3
        self.assertEqual(self.run_jobs(), ["_serial_background_job"] * 2)
        self.assertEqual(receipt.serial_background_state, "failed")
        self.assertEqual(receipt.serial_background_units_done, 3)
        self.assertIn("QJ-F5 cannot be received", receipt.serial_background_error)
        self.assertEqual(self.in_stock("QJ-F1", "QJ-F2", "QJ-F3"), 3)

    def test_an_invoice_posted_in_the_background_runs_a_job_per_slice(self):
        product = self.accounting_product.product_variant_id
        names = [f"QJA-{number}" for number in range(1, 8)]
        self.company.serial_background_validation_threshold = 0
        self.make_move(
            "in_invoice", self.vendor, 7, names, product=product
        ).action_post()
        self.company.serial_background_validation_threshold = 3
        invoice = self.make_move(
            "out_invoice", self.customer, 7, names, product=product
        )
        invoice.action_post()
        self.assertEqual(invoice.serial_background_state, "queued")
        jobs = self.env["queue.job"].search([("model_name", "=", "account.move")])
        self.assertEqual(jobs.mapped("state"), ["pending"])
        # 7 units in slices of 3: 3, 3, then the last unit
        self.assertEqual(self.run_jobs(), ["_serial_background_job"] * 3)
        self.assertFalse(invoice.serial_background_state)
        units = self.lots(*names, product=product)
        self.assertEqual(set(units.mapped("serial_status")), {"sold"})
        self.assertEqual(
            self.env["queue.job"]
            .search([("model_name", "=", "account.move")])
            .mapped("state"),
            ["done"] * 3,
        )

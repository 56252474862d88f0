# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    serial_tracking_default_mode = fields.Selection(
        related="company_id.serial_tracking_default_mode", readonly=False
    )
    serial_uniqueness = fields.Selection(
        related="company_id.serial_uniqueness", readonly=False
    )
    serial_public_warranty_lookup = fields.Boolean(
        related="company_id.serial_public_warranty_lookup", readonly=False
    )
    serial_digital_link_labels = fields.Boolean(
        related="company_id.serial_digital_link_labels", readonly=False
    )
    serial_warranty_reminder_days = fields.Integer(
        related="company_id.serial_warranty_reminder_days", readonly=False
    )
    serial_background_validation_threshold = fields.Integer(
        related="company_id.serial_background_validation_threshold", readonly=False
    )
    serial_validation_slice_size = fields.Integer(
        related="company_id.serial_validation_slice_size", readonly=False
    )

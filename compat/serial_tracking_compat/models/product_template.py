# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# How many products Odoo's tests made serial, and so Track Serials
SWITCHED = {"created": 0, "written": 0, "switched_off": 0}


def _as_track_serials(vals):
    """The values a consultant would set for Odoo's ``tracking='serial'``."""
    if vals.get("tracking") == "serial":
        return {
            **vals,
            "serial_tracking_enabled": True,
            "serial_tracking_mode": "physical",
        }
    return vals


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [_as_track_serials(vals) for vals in vals_list]
        SWITCHED["created"] += sum(
            1 for vals in vals_list if vals.get("serial_tracking_enabled")
        )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("tracking") == "serial" and "serial_tracking_enabled" not in vals:
            SWITCHED["written"] += len(self)
            vals = _as_track_serials(vals)
        elif (
            ("tracking" in vals and vals["tracking"] != "serial")
            or ("is_storable" in vals and not vals["is_storable"])
        ) and any(self.mapped("serial_tracking_enabled")):
            # a test that takes serial tracking (or stock) away switches Track
            # Serials off first, as a consultant would
            SWITCHED["switched_off"] += len(self)
            self.filtered("serial_tracking_enabled").write(
                {"serial_tracking_enabled": False}
            )
        return super().write(vals)


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model_create_multi
    def create(self, vals_list):
        # variant values hold their template's defaults before the template
        # sees them: switch here too, or the defaults win
        return super().create([_as_track_serials(vals) for vals in vals_list])

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SerialAddWizard(models.TransientModel):
    _name = "serial.add.wizard"
    _description = "Add a Serial Number"

    product_tmpl_id = fields.Many2one("product.template", required=True, readonly=True)
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        required=True,
        domain="[('product_tmpl_id', '=', product_tmpl_id)]",
        compute="_compute_product_id",
        store=True,
        readonly=False,
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    name = fields.Char(string="Serial Number", required=True)
    location_id = fields.Many2one(
        "stock.location",
        string="Location",
        required=True,
        domain="[('usage', '=', 'internal'), "
        "('company_id', 'in', (company_id, False))]",
        default=lambda self: self.env.company._serial_main_stock_location(),
    )
    condition_notes = fields.Text()

    @api.depends("product_tmpl_id")
    def _compute_product_id(self):
        for wizard in self:
            if len(wizard.product_tmpl_id.product_variant_ids) == 1:
                wizard.product_id = wizard.product_tmpl_id.product_variant_ids
            elif wizard.product_id.product_tmpl_id != wizard.product_tmpl_id:
                wizard.product_id = False

    def action_confirm(self):
        self.ensure_one()
        self.env["product.template"]._serial_check_manager()
        name = (self.name or "").strip()
        if not name:
            raise UserError(self.env._("Enter a serial number."))
        lot = self.env["stock.lot"]._serial_add_to_stock(
            self.product_id,
            [name],
            self.location_id,
            condition_notes=self.condition_notes,
        )
        return {"type": "ir.actions.act_window_close", "infos": {"serial_id": lot.id}}

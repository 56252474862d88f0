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
    # not required: units scanned are added before Add (action_confirm
    # asks for a serial)
    name = fields.Char(string="Serial Number")
    location_id = fields.Many2one(
        "stock.location",
        string="Location",
        required=True,
        domain="[('usage', '=', 'internal'), "
        "('company_id', 'in', (company_id, False))]",
        default=lambda self: self.env.company._serial_main_stock_location(),
    )
    condition_notes = fields.Text()
    # the units added by scanning, each at once, while the dialog stays open
    scanned_names = fields.Text(readonly=True)
    scanned_count = fields.Integer(compute="_compute_scanned_count")

    @api.depends("scanned_names")
    def _compute_scanned_count(self):
        for wizard in self:
            wizard.scanned_count = len(wizard._scanned())

    def _scanned(self):
        return self.scanned_names.split("\n") if self.scanned_names else []

    @api.depends("product_tmpl_id")
    def _compute_product_id(self):
        for wizard in self:
            if len(wizard.product_tmpl_id.product_variant_ids) == 1:
                wizard.product_id = wizard.product_tmpl_id.product_variant_ids
            elif wizard.product_id.product_tmpl_id != wizard.product_tmpl_id:
                wizard.product_id = False

    def scan_code(self, code):
        """Add the unit one code read by the camera or a scanner names, at
        once, as Add would, and keep the dialog open for the next one: the
        code is read as the entry dialog reads a scan (GS1 codes and Digital
        Links of this product). A serial scanned before in this dialog is
        flagged, one the dialog refuses writes nothing. Returns what the
        scanning view shows (see ``serial.entry.wizard.scan_code``)."""
        self.ensure_one()
        self.env["product.template"]._serial_check_manager()
        status, serials, message = "refused", [], ""
        try:
            with self.env.cr.savepoint():
                serials = (
                    self.env["serial.entry.wizard"]
                    .new(
                        {
                            "mode": "add",
                            "product_id": self.product_id.id,
                            "company_id": self.company_id.id,
                        }
                    )
                    ._scanned_serials(code or "")
                )
                scanned = self._scanned()
                new = [serial for serial in serials if serial not in scanned]
                if not new:
                    status = "duplicate"
                    message = self.env._(
                        "%(serials)s is already added: it was not added again.",
                        serials=", ".join(serials),
                    )
                else:
                    self.env["stock.lot"]._serial_add_to_stock(
                        self.product_id,
                        new,
                        self.location_id,
                        condition_notes=self.condition_notes,
                    )
                    self.scanned_names = "\n".join(scanned + new)
                    status = "added"
                    message = self.env._(
                        "%(serials)s added to %(location)s.",
                        serials=", ".join(new),
                        location=self.location_id.display_name,
                    )
        except UserError as error:
            message = error.args[0]
        return {
            "status": status,
            "serials": serials,
            "message": message,
            "entered": self.scanned_count,
            "required": 0,
            "done": False,
        }

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

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models


class SerialTrackingDemo(models.AbstractModel):
    """The demo database's serials, made the way a company makes them: posted
    vendor bills, customer invoices and credit notes for the products tracked
    on invoices; validated receipts, deliveries and a return for the product
    tracked on transfers. Every history row opens its document. The demo
    portal customer (login portal) owns units of each product and has one
    warranty claim in each status."""

    _name = "serial.tracking.demo"
    _description = "Serial Tracking Demo Data"

    @api.model
    def _load(self, template_ids):
        templates = self.env["product.template"].browse(template_ids)
        partners = self._demo_partners()
        today = fields.Date.context_today(self)
        for template in templates.filtered(
            lambda t: t.serial_tracking_mode == "accounting"
        ):
            self._demo_accounting(template, partners, today)
        for template in templates.filtered(
            lambda t: t.serial_tracking_mode == "physical"
        ):
            self._demo_physical(template, partners)
        self._demo_claims(templates, partners["portal"])

    def _demo_partners(self):
        def partner(xmlid, name):
            return self.env.ref(xmlid, raise_if_not_found=False) or self.env[
                "res.partner"
            ].create({"name": name, "is_company": True})

        return {
            "vendor": partner("base.res_partner_1", "Serial Demo Supplier"),
            "customers": partner("base.res_partner_2", "Serial Demo Customer A")
            | partner("base.res_partner_3", "Serial Demo Customer B")
            | partner("base.res_partner_4", "Serial Demo Customer C"),
            "portal": partner("base.partner_demo_portal", "Serial Demo Portal"),
        }

    @staticmethod
    def _names(template):
        prefix = template.default_code or "SN"
        return [f"{prefix}-{n:04d}" for n in range(1, 9)]

    def _demo_move(self, move_type, partner, product, names, invoice_date):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": len(names),
                            "price_unit": product.standard_price
                            if move_type.startswith("in_")
                            else product.list_price,
                        }
                    )
                ],
            }
        )
        line = move.invoice_line_ids
        if line._serial_mode() == "add":
            line.serial_names = "\n".join(names)
        else:
            line.serial_lot_ids = [
                Command.set(
                    self.env["stock.lot"]
                    .search([("product_id", "=", product.id), ("name", "in", names)])
                    .ids
                )
            ]
        move.action_post()
        return move

    def _demo_accounting(self, template, partners, today):
        """Bought 18 months ago on one bill; sold on invoices months apart
        (so warranties run and expire); one unit credited back."""
        product = template.product_variant_id
        names = self._names(template)
        customers = partners["customers"]
        self._demo_move(
            "in_invoice",
            partners["vendor"],
            product,
            names,
            today - relativedelta(months=18),
        )
        sales = [
            (customers[0], names[0:1], 15),
            (customers[1], names[1:2], 10),
            (partners["portal"], names[2:3], 14),
            (partners["portal"], names[3:5], 3),
            (customers[2], names[5:6], 2),
        ]
        for customer, sold, months_ago in sales:
            self._demo_move(
                "out_invoice",
                customer,
                product,
                sold,
                today - relativedelta(months=months_ago),
            )
        self._demo_move(
            "out_refund",
            customers[2],
            product,
            names[5:6],
            today - relativedelta(months=1),
        )

    def _demo_transfer(
        self, picking_type, source, destination, partner, product, names
    ):
        picking = self.env["stock.picking"]._serial_create_transfer(
            picking_type, source, destination, partner, product, names
        )
        self._demo_validate(picking)
        return picking

    @staticmethod
    def _demo_validate(picking):
        # no text message to the demo customers (stock_sms asks first)
        picking.with_context(skip_sms=True).button_validate()

    def _demo_physical(self, template, partners):
        """Received on one receipt, delivered to customers, one unit returned
        through Odoo's return of its delivery."""
        product = template.product_variant_id
        names = self._names(template)
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        customers_location = self.env.ref("stock.stock_location_customers")
        self._demo_transfer(
            warehouse.in_type_id,
            self.env.ref("stock.stock_location_suppliers"),
            warehouse.lot_stock_id,
            partners["vendor"],
            product,
            names,
        )
        deliveries = [
            (partners["portal"], names[0:3]),
            (partners["customers"][0], names[3:4]),
        ]
        for customer, sold in deliveries:
            delivery = self._demo_transfer(
                warehouse.out_type_id,
                warehouse.lot_stock_id,
                customers_location,
                customer,
                product,
                sold,
            )
        returned = delivery._serial_create_return(delivery.move_line_ids.lot_id)
        self._demo_validate(returned)

    def _demo_claims(self, templates, portal_customer):
        """One claim of the portal customer in each status."""
        lots = self.env["stock.lot"].search(
            [
                ("product_tmpl_id", "in", templates.ids),
                ("holder_partner_id", "=", portal_customer.id),
            ],
            order="name",
        )
        accounting = lots.filtered(lambda lot: lot.serial_tracking_mode == "accounting")
        physical = lots.filtered(lambda lot: lot.serial_tracking_mode == "physical")
        if len(accounting) < 3 or not physical:
            return
        Claim = self.env["serial.warranty.claim"]
        Claim.create(
            {
                "lot_id": accounting[0].id,
                "partner_id": portal_customer.id,
                "reason": self.env._("Keyboard keys stick"),
            }
        )
        refused = Claim.create(
            {
                "lot_id": accounting[1].id,
                "partner_id": portal_customer.id,
                "reason": self.env._("Screen cracked"),
                "notes": self.env._("Dropped from the desk."),
                "refusal_reason": self.env._("Accidental damage is not covered."),
            }
        )
        refused.action_refuse()
        done = Claim.create(
            {
                "lot_id": accounting[2].id,
                "partner_id": portal_customer.id,
                "reason": self.env._("Does not power on"),
                "resolution": "credit_note",
            }
        )
        done.action_accept()
        done.credit_note_id.action_post()
        done.action_done()
        Claim.create(
            {
                "lot_id": physical[0].id,
                "partner_id": portal_customer.id,
                "reason": self.env._("Scanner does not read barcodes"),
                "resolution": "return",
                "send_replacement": True,
            }
        ).action_accept()

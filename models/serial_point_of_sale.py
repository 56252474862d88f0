# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's point of sale and Track Serials, when the Point of Sale app is
installed; without it nothing here runs. The addon does not depend on the app:
it reads the till's orders through the pickings the till makes and answers the
till's own check before payment (``static/src/pos/``)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.serial_till import (
    NOT_IN_STOCK,
    SOLD_IN_SESSION,
    TWICE_ON_ORDER,
    sold_in_session,
    till_refusals,
)
from .serial_bulk import format_serials

# the states of a till's order that sold (or refunded) its units
SOLD_ORDER_STATES = ("paid", "done", "invoiced")


class SerialPointOfSale(models.AbstractModel):
    _name = "serial.point.of.sale"
    _description = "Track Serials at the point of sale"

    @api.model
    def _pos_installed(self):
        return "pos.order" in self.env

    # ------------------------------------------------------------------
    # The order behind a unit the till sold or took back
    # ------------------------------------------------------------------
    @api.model
    def _till_orders(self, pickings, rows):
        """For the done lines ``rows`` (``SerialLineRow``) of ``pickings``:
        (picking id, serial id) -> the till's order that sold the unit (a
        line leaving stock) or took it back (a line coming in). Odoo links its
        pickings to their order or session only once they are validated, and
        at the session's closing one picking holds the units of many orders:
        the order is the one whose line names the unit, the latest one when
        several did, among those whose own picking is not made yet first."""
        if not self._pos_installed() or not pickings or not rows:
            return {}
        types = pickings.picking_type_id
        configs = (
            self.env["pos.config"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("picking_type_id", "in", types.ids),
                    ("picking_type_id.return_picking_type_id", "in", types.ids),
                ]
            )
        )
        till_types = configs.picking_type_id | configs.picking_type_id.mapped(
            "return_picking_type_id"
        )
        till_pickings = pickings.filtered(
            lambda picking: picking.pos_order_id
            or picking.pos_session_id
            or picking.picking_type_id in till_types
        )
        rows = [row for row in rows if row.picking_id in till_pickings.ids]
        if not rows:
            return {}
        internal = {
            location.id
            for location in self.env["stock.location"].browse(
                {row.location_id for row in rows}
            )
            if location.usage in ("internal", "transit")
        }
        packs = (
            self.env["pos.pack.operation.lot"]
            .sudo()
            .search(
                [
                    ("lot_name", "in", list({row.serial for row in rows})),
                    (
                        "pos_order_line_id.product_id",
                        "in",
                        list({row.product_id for row in rows}),
                    ),
                    ("pos_order_line_id.order_id.state", "in", SOLD_ORDER_STATES),
                ],
                order="id desc",
            )
        )
        # (product, serial, sold) -> orders naming the unit, best first
        candidates = {}
        for pack in packs.sorted(
            lambda pack: bool(pack.pos_order_line_id.order_id.picking_ids)
        ):
            line = pack.pos_order_line_id
            key = (line.product_id.id, pack.lot_name, line.qty > 0)
            candidates.setdefault(key, []).append(line.order_id)
        picking_of = {picking.id: picking for picking in till_pickings}
        orders = {}
        for row in rows:
            found = candidates.get(
                (row.product_id, row.serial, row.location_id in internal), []
            )
            linked = picking_of[row.picking_id].pos_order_id
            order = linked if linked in found else (found[0] if found else None)
            if order:
                orders[row.picking_id, row.lot_id] = order
        return orders

    @api.model
    def _till_warranty_start(self, order):
        """The day a unit sold on ``order`` starts its warranty: the order's."""
        return fields.Date.context_today(self, order.date_order)

    @api.model
    def _session_packs(self, session, names, domain):
        """The serials (pack operations) named ``names`` on the orders of
        ``session``, further restricted by ``domain``."""
        return (
            self.env["pos.pack.operation.lot"]
            .sudo()
            .search(
                [
                    ("lot_name", "in", names),
                    ("pos_order_line_id.order_id.session_id", "=", session.id),
                    *domain,
                ]
            )
        )

    @api.model
    def _till_report_refused(self, pickings):
        """Odoo links a till's picking to its order (stock updated in real
        time) or session (at closing) once it tried to validate it, and leaves
        it to do, silently, when that failed. For those left to do, the units
        that are not in the picking's source location (the till sold them
        offline, or twice) are named, with their orders, on the picking, the
        session and the orders, so that someone corrects them; the orders
        themselves are kept."""
        if not self._pos_installed():
            return
        for picking in pickings.filtered(
            lambda picking: picking.state not in ("done", "cancel")
            and picking.location_id.usage == "internal"
        ):
            lines = picking.move_line_ids.filtered(
                lambda line: (line.lot_id or line.lot_name)
                and line.product_id.serial_tracking_enabled
            )
            if not lines:
                continue
            quants = (
                self.env["stock.quant"]
                .sudo()
                ._read_group(
                    [
                        ("product_id", "in", lines.product_id.ids),
                        ("lot_id", "in", lines.lot_id.ids),
                        ("location_id", "child_of", picking.location_id.id),
                        ("quantity", ">", 0),
                    ],
                    ["product_id", "lot_id"],
                )
            )
            present = {(product.id, lot.id) for product, lot in quants}
            refused = lines.filtered(
                lambda line, present=present: (line.product_id.id, line.lot_id.id)
                not in present
            )
            if not refused:
                continue
            names = refused.mapped(lambda line: line.lot_id.name or line.lot_name)
            orders = (
                picking.pos_order_id
                or self._session_packs(
                    picking.pos_session_id, names, [("pos_order_line_id.qty", ">", 0)]
                ).pos_order_line_id.order_id
            )
            message = self.env._(
                "Track Serials: the till's units could not leave %(location)s, "
                "where these serial numbers are not in stock: %(serials)s "
                "(orders: %(orders)s). The orders are kept; correct the serial "
                "numbers on %(picking)s, then validate it.",
                location=picking.location_id.display_name,
                serials=format_serials(self.env, names),
                orders=", ".join(orders.mapped("name")),
                picking=picking.name,
            )
            for record in (picking, picking.pos_session_id, *orders):
                record.sudo().message_post(body=message)

    # ------------------------------------------------------------------
    # The till's check before payment
    # ------------------------------------------------------------------
    @api.model
    def check_till_order(self, config_id, order_uuid, lines):
        """Called by the till before it takes payment for an order: refuses,
        naming them, the serials it sells that are not in the till's stock
        (sold already, elsewhere, unknown) or that another order of the
        session sold. ``lines`` lists [product id, serial, quantity] (a
        refund's quantity negative: not checked)."""
        if not self._pos_installed():
            return True
        config = self.env["pos.config"].browse(config_id)
        config.check_access("read")
        config = config.sudo()
        sold = [
            (product_id, serial)
            for product_id, serial, quantity in lines
            if serial and quantity > 0
        ]
        if not sold:
            return True
        products = self.env["product.product"].sudo().browse({key[0] for key in sold})
        tracked = {
            product.id for product in products if product.serial_tracking_enabled
        }
        sold = [key for key in sold if key[0] in tracked]
        if not sold:
            return True
        names = list({serial for _product_id, serial in sold})
        places = (
            config.picking_type_id.default_location_src_id.child_internal_location_ids
        )
        quants = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", list(tracked)),
                    ("lot_id.name", "in", names),
                    ("location_id", "in", places.ids),
                    ("quantity", ">", 0),
                ],
                ["product_id", "lot_id"],
            )
        )
        in_stock = {(product.id, lot.name) for product, lot in quants}
        session_packs = (
            self._session_packs(
                config.current_session_id,
                names,
                [
                    ("pos_order_line_id.order_id.state", "in", SOLD_ORDER_STATES),
                    ("pos_order_line_id.order_id.uuid", "!=", order_uuid),
                ],
            )
            if config.current_session_id
            else self.env["pos.pack.operation.lot"]
        )
        sold_before = sold_in_session(
            (
                pack.pos_order_line_id.product_id.id,
                pack.lot_name,
                pack.pos_order_line_id.qty,
            )
            for pack in session_packs
        )
        refusals = till_refusals(sold, in_stock, sold_before)
        if not refusals:
            return True
        by_reason = {}
        for (_product_id, serial), reason in refusals:
            by_reason.setdefault(reason, []).append(serial)
        problems = []
        if by_reason.get(NOT_IN_STOCK):
            problems.append(
                self.env._(
                    "not in stock at %(location)s (sold already, elsewhere or "
                    "unknown): %(serials)s",
                    location=config.picking_type_id.default_location_src_id.display_name,
                    serials=format_serials(self.env, by_reason[NOT_IN_STOCK]),
                )
            )
        if by_reason.get(SOLD_IN_SESSION):
            problems.append(
                self.env._(
                    "sold on another order of this session: %(serials)s",
                    serials=format_serials(self.env, by_reason[SOLD_IN_SESSION]),
                )
            )
        twice = by_reason.get(TWICE_ON_ORDER)
        if twice:
            problems.append(
                self.env._(
                    "on this order twice: %(serials)s",
                    serials=format_serials(self.env, twice),
                )
            )
        raise UserError(
            self.env._(
                "These serial numbers cannot be sold at this till: %(problems)s. "
                "Remove them from the order, or scan a unit that is in the "
                "till's stock.",
                problems="; ".join(problems),
            )
        )

from collections import namedtuple

from odoo import api, fields, models
from odoo.tools import SQL, OrderedSet, float_compare, float_round

from .product_template import tracks_serials_physically
from .stock_lot import QUIET_CONTEXT, check_company_in_bulk, trusted_serial_flow
from .stock_move import INTERNAL_USAGES
from .stock_quant import serial_quant_batch


SERIAL_LINE_COLUMNS = (
    "move_id", "product_id", "lot_id", "location_id", "location_dest_id", "quantity",
    "quantity_product_uom", "product_uom_id", "package_id", "result_package_id", "owner_id",
)
SerialLineRow = namedtuple("SerialLineRow", ("id", *SERIAL_LINE_COLUMNS))


def _extended_elsewhere(records, method_names, odoo_module="stock_move_line"):
    """Whether a module other than Odoo's stock and this one extends one of
    these methods: a batched copy of Odoo's code would leave its code out."""
    own = {__name__, f"odoo.addons.stock.models.{odoo_module}"}
    return any(
        name in vars(cls) and cls.__module__.startswith("odoo.addons.")
        and cls.__module__ not in own
        for cls in type(records).__mro__ for name in method_names
    )


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        # reserving: one quant update per new line, held back and written together
        def keys():
            return [
                (vals.get("product_id"), vals.get("location_id"), vals.get("lot_id"))
                for vals in vals_list
                if not vals.get("package_id") and not vals.get("owner_id")
            ]

        with serial_quant_batch(self.env, keys):
            return super().create(vals_list)

    def _action_done(self):
        # validating: three quant updates per line, held back and written together
        rows = []

        def read_rows():
            # the lines as Odoo's loop will see them (lines without quantity
            # are deleted first), read when the batch first needs them
            if not rows:
                rows.extend(self._serial_line_rows())
            return rows

        def candidate_keys():
            return [key for row in read_rows() if row.lot_id and not row.owner_id
                    for key in ((row.product_id, row.location_id, row.lot_id),
                                (row.product_id, row.location_dest_id, row.lot_id))
                    if not (row.package_id or row.result_package_id)]

        def leaving_keys():
            sources = self.env["stock.location"].browse({row.location_id for row in read_rows()})
            internal = {source.id for source in sources if source.usage in INTERNAL_USAGES}
            return [(row.product_id, row.location_id, row.lot_id) for row in read_rows()
                    if row.lot_id and row.quantity and row.location_id in internal]

        with serial_quant_batch(self.env, candidate_keys, leaving_keys) as batch:
            if batch is not None and self._serial_action_done_batched(batch, rows):
                return None
            return super()._action_done()

    def _serial_line_rows(self):
        """The stored values Odoo's ``_action_done`` works with, one query for
        all lines, in the order of ``self``."""
        self.flush_recordset(SERIAL_LINE_COLUMNS)
        self.env.cr.execute(SQL(
            "SELECT id, %s FROM stock_move_line WHERE id = ANY(%s)",
            SQL(", ").join(map(SQL.identifier, SERIAL_LINE_COLUMNS)), self.ids,
        ))
        by_id = {row[0]: SerialLineRow(*row) for row in self.env.cr.fetchall()}
        return [by_id[line_id] for line_id in self.ids if line_id in by_id]

    def _serial_action_done_batched(self, batch, known_rows):
        """Odoo's ``_action_done`` for lines that each move one serial unit of a
        Track Serials product, without package or owner, between places the
        batch holds: the same checks and the same three quant updates per
        line, on values read once instead of through the ORM per line (two
        seconds for 10,000 serials); ``known_rows`` gets the lines' values
        when they qualify. Returns False, having changed nothing, for any
        other set of lines: Odoo's code then does the work."""
        if not self or _extended_elsewhere(self, ("_action_done", "_synchronize_quant")):
            return False
        # read here, not kept unless the lines qualify: serials Odoo creates
        # for lines that name them come before the quant updates
        rows = self._serial_line_rows()
        if len(rows) != len(self):
            return False
        products = self.env["product.product"].browse({row.product_id for row in rows})
        serial_products = set(products.filtered(
            lambda product: product.is_storable and product.tracking == "serial"
            and tracks_serials_physically(product)
        ).ids)
        if any(
            row.product_id not in serial_products or not row.move_id or not row.lot_id
            or row.package_id or row.result_package_id or row.owner_id
            for row in rows
        ):
            return False
        # the quantity checks, once per unit of measure and quantities (the
        # lines of a transfer share them)
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        for uom_id, quantity, quantity_product_uom in {
            (row.product_uom_id, row.quantity, row.quantity_product_uom) for row in rows
        }:
            uom = self.env["uom.uom"].browse(uom_id)
            if (
                uom.compare(quantity, 0) <= 0 or uom.is_zero(quantity_product_uom)
                # Odoo refuses a quantity its unit of measure cannot round to
                or float_compare(uom.round(quantity, rounding_method="HALF-UP"),
                                 float_round(quantity, precision_digits=digits,
                                             rounding_method="HALF-UP"),
                                 precision_digits=digits) != 0
            ):
                return False
        batch.prepare(self.env)
        if any(
            (row.product_id, location, row.lot_id) not in batch.states
            for row in rows for location in (row.location_id, row.location_dest_id)
        ):
            return False
        self._check_company()
        bypass = {
            (move_id, location_id): self.env["stock.move"].browse(move_id)
            ._should_bypass_reservation(self.env["stock.location"].browse(location_id))
            for move_id, location_id in {(row.move_id, row.location_id) for row in rows}
        }
        # Odoo's loop: unreserve, take out, put in; a unit taken out that
        # another line had reserved frees that reservation
        ignored_line_ids = OrderedSet()
        for row in rows:
            source = (row.product_id, row.location_id, row.lot_id)
            quantity = row.quantity_product_uom
            if not bypass[row.move_id, row.location_id]:
                batch.update_key(source, False, -quantity, False)
            available_quantity, in_date = batch.update_key(source, -quantity, False, False)
            batch.update_key((row.product_id, row.location_dest_id, row.lot_id), quantity,
                             False, in_date)
            if available_quantity < 0:
                line = self.browse(row.id)
                line.with_context(quants_cache=None)._free_reservation(
                    line.product_id, line.location_id, abs(available_quantity),
                    lot_id=line.lot_id, package_id=line.package_id, owner_id=line.owner_id,
                    ml_ids_to_ignore=ignored_line_ids)
            ignored_line_ids.add(row.id)
        self.write({"date": fields.Datetime.now()})
        return True

    def _apply_putaway_strategy(self):
        # Odoo asks each line's destination where to put the unit (a second
        # for 10,000 serials); a destination without putaway rules answers
        # itself, which the lines of a Track Serials move already go to.
        if self and not self.env.context.get("avoid_putaway_rules") \
                and self._serial_putaway_is_destination():
            return None
        return super()._apply_putaway_strategy()

    def _serial_putaway_is_destination(self):
        if _extended_elsewhere(self, ("_apply_putaway_strategy",)) or _extended_elsewhere(
            self.env["stock.location"], ("_get_putaway_strategy",), "stock_location"
        ):
            return False
        asked = {
            location.id for location in self.move_id.location_dest_id
            if location.usage != "view" and not location._check_access_putaway().putaway_rule_ids
        }
        products = set(self.product_id.filtered(tracks_serials_physically).ids)
        return all(
            line.move_id and not line.result_package_id and line.product_id.id in products
            and line.location_dest_id == line.move_id.location_dest_id
            and line.location_dest_id.id in asked
            for line in self
        )

    def _check_company(self, fnames=None):
        return check_company_in_bulk(
            self, self.filtered(lambda ml: tracks_serials_physically(ml.product_id)), fnames,
            lambda records: super(StockMoveLine, records)._check_company(fnames),
        )

    def _create_and_assign_production_lot(self):
        # Receiving new serial numbers is part of the transfer the user may edit;
        # the serial history records it, so no chatter message per unit.
        tracked = self.filtered(lambda ml: tracks_serials_physically(ml.product_id))
        with trusted_serial_flow():
            if tracked:
                super(StockMoveLine, tracked.with_context(**QUIET_CONTEXT)
                      )._create_and_assign_production_lot()
            if self - tracked:
                super(StockMoveLine, self - tracked)._create_and_assign_production_lot()

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict, namedtuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, OrderedSet, float_compare, float_round

from .product_template import tracks_serials_physically
from .stock_lot import QUIET_CONTEXT, check_company_in_bulk, trusted_serial_flow
from .stock_move import INTERNAL_USAGES, serial_line_facts
from .stock_speed_path import extended_elsewhere, serial_quant_batch, speed_path_enabled

SERIAL_LINE_COLUMNS = (
    "move_id",
    "product_id",
    "lot_id",
    "location_id",
    "location_dest_id",
    "quantity",
    "quantity_product_uom",
    "product_uom_id",
    "package_id",
    "result_package_id",
    "owner_id",
)
SerialLineRow = namedtuple("SerialLineRow", ("id", *SERIAL_LINE_COLUMNS))


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
        self._serial_check_stock_rules()
        # validating: three quant updates per line, held back and written together
        rows = []

        def read_rows():
            # the lines as Odoo's loop will see them (lines without quantity
            # are deleted first), read when the batch first needs them
            if not rows:
                rows.extend(self._serial_line_rows())
            return rows

        def candidate_keys():
            return [
                key
                for row in read_rows()
                if row.lot_id and not row.owner_id
                for key in (
                    (row.product_id, row.location_id, row.lot_id),
                    (row.product_id, row.location_dest_id, row.lot_id),
                )
                if not (row.package_id or row.result_package_id)
            ]

        def leaving_keys():
            sources = self.env["stock.location"].browse(
                {row.location_id for row in read_rows()}
            )
            internal = {
                source.id for source in sources if source.usage in INTERNAL_USAGES
            }
            # a unit another line of this validation brings in may leave
            # (pick and ship validated together)
            arriving = {
                (row.product_id, row.location_dest_id, row.lot_id)
                for row in read_rows()
            }
            return [
                (row.product_id, row.location_id, row.lot_id)
                for row in read_rows()
                if row.lot_id
                and row.quantity
                and row.location_id in internal
                and (row.product_id, row.location_id, row.lot_id) not in arriving
            ]

        with serial_quant_batch(self.env, candidate_keys, leaving_keys) as batch:
            if batch is not None and self._serial_action_done_batched(batch, rows):
                return None
            return super()._action_done()

    def _serial_check_stock_rules(self):  # noqa: C901 - its nested helpers count in
        """Where Odoo stays silent: a serial cannot come in while it is in stock
        in its company, and cannot leave a place where it is not. Runs on the
        lines Odoo validates (unpicked lines already dropped); a unit that
        another line of the same validation brings to a place may leave it,
        as in a pick and a ship validated together. Two queries for all lines."""
        lines = serial_line_facts(
            self.env,
            SQL(
                "ml.id = ANY(%s) AND ml.quantity <> 0"
                " AND (ml.lot_id IS NOT NULL OR COALESCE(ml.lot_name, '') <> '')",
                self.ids,
            ),
        )
        if not lines:
            return
        self.env["stock.quant"].flush_model(
            ["product_id", "lot_id", "location_id", "quantity"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT quant.product_id, lot.name, quant.location_id, lot.company_id
                 FROM stock_quant quant
                 JOIN stock_lot lot ON lot.id = quant.lot_id
                 JOIN stock_location location ON location.id = quant.location_id
                WHERE quant.product_id = ANY(%s) AND lot.name = ANY(%s)
                  AND location.usage IN %s AND quant.quantity > 0
             ORDER BY quant.id""",
                list({line.product_id for line in lines}),
                list({line.serial for line in lines}),
                INTERNAL_USAGES,
            )
        )
        # (product, serial) -> [[location id, company of the serial]], one per unit
        on_hand = defaultdict(list)
        for product_id, name, location_id, company_id in self.env.cr.fetchall():
            on_hand[product_id, name].append([location_id, company_id])
        places = {
            location.id: location
            for location in self.env["stock.location"].browse(
                {unit[0] for units in on_hand.values() for unit in units}
                | {
                    location
                    for line in lines
                    for location in (line.location_id, line.location_dest_id)
                }
            )
        }

        def units_of(line):
            # serials of two companies never clash, but a unit in a place
            # shared by all companies (inter-company transit) is anyone's
            return [
                unit
                for unit in on_hand[line.product_id, line.serial]
                if unit[1] in (line.company_id, None) or not places[unit[0]].company_id
            ]

        def refusal(line):
            source, destination = (
                places[line.location_id],
                places[line.location_dest_id],
            )
            units = units_of(line)
            if source.usage not in INTERNAL_USAGES:
                if destination.usage in INTERNAL_USAGES and units:
                    return self.env._(
                        "%(serial)s cannot be received: it is already in stock at "
                        "%(location)s.",
                        serial=line.serial,
                        location=places[units[0][0]].display_name,
                    )
                return None
            if any(
                places[unit[0]].parent_path.startswith(source.parent_path)
                for unit in units
            ):
                return None
            if units:
                return self.env._(
                    "%(serial)s cannot leave %(location)s: it is not there (it is at "
                    "%(other)s).",
                    serial=line.serial,
                    location=source.display_name,
                    other=places[units[0][0]].display_name,
                )
            if (
                self.env["stock.quant"]._serial_untracked_quantity(
                    line.product_id, source
                )
                > 0
            ):
                return self.env._(
                    "%(serial)s cannot leave %(location)s: the units of %(product)s "
                    "there have no serial numbers yet. Give them their serials first "
                    "with Initialize serials on the product's Serials tab, then "
                    "validate again.",
                    serial=line.serial,
                    location=source.display_name,
                    product=self.env["product.product"]
                    .browse(line.product_id)
                    .display_name,
                )
            return self.env._(
                "%(serial)s cannot leave %(location)s: it is not there.",
                serial=line.serial,
                location=source.display_name,
            )

        def move_unit(line):
            units = units_of(line)
            source, destination = (
                places[line.location_id],
                places[line.location_dest_id],
            )
            for unit in units:
                if places[unit[0]].parent_path.startswith(source.parent_path):
                    unit[0] = destination.id
                    return
            if destination.usage in INTERNAL_USAGES:
                on_hand[line.product_id, line.serial].append(
                    [destination.id, line.company_id]
                )

        # lines that move units between internal places are applied as they
        # pass, so that a later step of the same validation finds its units
        pending, refusals = lines, {}
        while pending:
            refusals, still = {}, []
            for line in pending:
                reason = refusal(line)
                if reason:
                    refusals[line.id] = reason
                    still.append(line)
                elif places[line.location_id].usage in INTERNAL_USAGES:
                    move_unit(line)
            if len(still) == len(pending):
                break
            pending = still
        if refusals:
            raise UserError("\n".join(list(refusals.values())[:20]))

    def _serial_line_rows(self):
        """The stored values Odoo's ``_action_done`` works with, one query for
        all lines, in the order of ``self``."""
        self.flush_recordset(SERIAL_LINE_COLUMNS)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM stock_move_line WHERE id = ANY(%s)",
                SQL(", ").join(map(SQL.identifier, SERIAL_LINE_COLUMNS)),
                self.ids,
            )
        )
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
        if not self or extended_elsewhere(
            self, ("_action_done", "_synchronize_quant"), "stock_move_line"
        ):
            return False
        # read here, not kept unless the lines qualify: serials Odoo creates
        # for lines that name them come before the quant updates
        rows = self._serial_line_rows()
        if len(rows) != len(self):
            return False
        products = self.env["product.product"].browse({row.product_id for row in rows})
        serial_products = set(
            products.filtered(
                lambda product: product.is_storable
                and product.tracking == "serial"
                and tracks_serials_physically(product)
            ).ids
        )
        if any(
            row.product_id not in serial_products
            or not row.move_id
            or not row.lot_id
            or row.package_id
            or row.result_package_id
            or row.owner_id
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
                uom.compare(quantity, 0) <= 0
                or uom.is_zero(quantity_product_uom)
                # Odoo refuses a quantity its unit of measure cannot round to
                or float_compare(
                    uom.round(quantity, rounding_method="HALF-UP"),
                    float_round(
                        quantity, precision_digits=digits, rounding_method="HALF-UP"
                    ),
                    precision_digits=digits,
                )
                != 0
            ):
                return False
        batch.prepare(self.env)
        if any(
            (row.product_id, location, row.lot_id) not in batch.states
            for row in rows
            for location in (row.location_id, row.location_dest_id)
        ):
            return False
        self._check_company()
        bypass = {
            (move_id, location_id): self.env["stock.move"]
            .browse(move_id)
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
            available_quantity, in_date = batch.update_key(
                source, -quantity, False, False
            )
            batch.update_key(
                (row.product_id, row.location_dest_id, row.lot_id),
                quantity,
                False,
                in_date,
            )
            if available_quantity < 0:
                line = self.browse(row.id)
                line.with_context(quants_cache=None)._free_reservation(
                    line.product_id,
                    line.location_id,
                    abs(available_quantity),
                    lot_id=line.lot_id,
                    package_id=line.package_id,
                    owner_id=line.owner_id,
                    ml_ids_to_ignore=ignored_line_ids,
                )
            ignored_line_ids.add(row.id)
        self.write({"date": fields.Datetime.now()})
        return True

    def _apply_putaway_strategy(self):
        # Odoo asks each line's destination where to put the unit (a second
        # for 10,000 serials); a destination without putaway rules answers
        # itself, which the lines of a Track Serials move already go to.
        if (
            self
            and not self.env.context.get("avoid_putaway_rules")
            and self._serial_putaway_is_destination()
        ):
            return None
        return super()._apply_putaway_strategy()

    def _serial_putaway_is_destination(self):
        if (
            not speed_path_enabled(self.env)
            or extended_elsewhere(self, ("_apply_putaway_strategy",), "stock_move_line")
            or extended_elsewhere(
                self.env["stock.location"], ("_get_putaway_strategy",), "stock_location"
            )
        ):
            return False
        asked = {
            location.id
            for location in self.move_id.location_dest_id
            if location.usage != "view"
            and not location._check_access_putaway().putaway_rule_ids
        }
        products = set(self.product_id.filtered(tracks_serials_physically).ids)
        return all(
            line.move_id
            and not line.result_package_id
            and line.product_id.id in products
            and line.location_dest_id == line.move_id.location_dest_id
            and line.location_dest_id.id in asked
            for line in self
        )

    def _check_company(self, fnames=None):
        return check_company_in_bulk(
            self,
            self.filtered(lambda ml: tracks_serials_physically(ml.product_id)),
            fnames,
            lambda records: super(StockMoveLine, records)._check_company(fnames),
        )

    def _create_and_assign_production_lot(self):  # pylint: disable=missing-return
        # Receiving new serial numbers is part of the transfer the user may edit;
        # the serial history records it, so no chatter message per unit.
        tracked = self.filtered(lambda ml: tracks_serials_physically(ml.product_id))
        with trusted_serial_flow():
            if tracked:
                super(
                    StockMoveLine, tracked.with_context(**QUIET_CONTEXT)
                )._create_and_assign_production_lot()
            if self - tracked:
                super(StockMoveLine, self - tracked)._create_and_assign_production_lot()

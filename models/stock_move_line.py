# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.serial_flow import QUIET_CONTEXT, kept_expected, trusted_serial_flow
from ..tools.serial_rules import EXPECTED_STATUS, INTERNAL_USAGES
from ..tools.serial_stock_rules import (
    SerialPlace,
    leaving_keys,
    quant_keys,
    refusal_reason,
    refused_lines,
    units_of,
)
from .product_template import tracks_serials_physically
from .serial_bulk import check_company_in_bulk
from .stock_move import (
    hand_on_validated_rows,
    serial_line_rows,
    serial_rows_now,
)
from .stock_speed_path import (
    COMPANY_CHECK_METHODS,
    PUTAWAY_METHODS,
    action_done_batched,
    assign_lots_first,
    assign_new_lots,
    lines_products,
    putaway_is_destination,
    serial_quant_batch,
    speed_path_applies,
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

        with serial_quant_batch(self, keys):
            return super().create(vals_list)

    def write(self, vals):
        # a line given another serial drops the Expected unit it carried
        dropped = self._serial_expected_lots() if "lot_id" in vals else None
        result = super().write(vals)
        if dropped:
            dropped._serial_discard_expected()
        return result

    def unlink(self):
        # the Expected units of the lines deleted (the entry dialog's
        # removal, a line deleted, the receipt cancelled) go with them, but
        # for those a validation carries to its backorder
        kept = kept_expected()
        dropped = self._serial_expected_lots().filtered(lambda lot: lot.id not in kept)
        result = super().unlink()
        dropped._serial_discard_expected()
        return result

    def _serial_expected_lots(self):
        """The Expected units these lines carry."""
        return self.lot_id.filtered(lambda lot: lot.serial_status == EXPECTED_STATUS)

    def _action_done(self):
        # the lines read once, for the stock rules, the quant batch and the
        # serial history
        rows = serial_line_rows(
            self.env, SQL("ml.id = ANY(%s)", self.ids), order_ids=self.ids
        )
        unrecorded = self._serial_check_stock_rules(rows)
        # validating: three quant updates per line, held back and written together
        current = []

        def rows_now():
            # the lines as Odoo's loop sees them (lines without quantity
            # deleted, new serials given), when the batch first needs them
            if not current:
                current.extend(serial_rows_now(self.env, rows))
            return current

        with serial_quant_batch(
            self,
            lambda: quant_keys(rows_now()),
            lambda: self._serial_leaving_keys(rows_now(), unrecorded),
        ) as batch:
            if batch is not None:
                # a receipt's new serials first, as Odoo's checks would give
                # them, so that the batched validation takes its lines too
                assign_lots_first(self)
                if self._serial_action_done_batched(batch, rows_now()):
                    hand_on_validated_rows(rows_now())
                    return None
                # Odoo's checks may give serials still: seen afresh
                current.clear()
            result = super()._action_done()
        hand_on_validated_rows(serial_rows_now(self.env, rows))
        return result

    def _serial_leaving_keys(self, rows, unrecorded):
        """``leaving_keys`` of ``rows``, whose sources are read here."""
        sources = self.env["stock.location"].browse({row.location_id for row in rows})
        internal = {source.id for source in sources if source.usage in INTERNAL_USAGES}
        return leaving_keys(rows, internal, unrecorded)

    def _serial_action_done_batched(self, batch, rows):
        """The speed path's validation (``action_done_batched``) of these
        lines, as ``rows``; False when Odoo's code does the work."""
        return action_done_batched(self, batch, rows)

    def _serial_check_stock_rules(self, rows):
        """Where Odoo stays silent: a serial cannot come in while it is in stock
        in its company, and cannot leave a place where it is not. Runs on the
        lines Odoo validates (unpicked lines already dropped), as ``rows``
        (``serial_line_rows``); a unit that
        another line of the same validation brings to a place may leave it,
        as in a pick and a ship validated together. A unit a subcontractor
        holds unrecorded may leave the subcontractor's place. The rules are
        ``tools/serial_stock_rules.py``'s; this reads the places and where the
        serials are (two queries for all lines) and words the refusals.
        Returns the (product, location, serial id) of the units so let out of
        a place where they are not recorded."""
        # the lines that move a unit with a serial, in the order they were made
        lines = sorted(
            (row for row in rows if row.quantity and (row.lot_id or row.serial)),
            key=lambda row: row.id,
        )
        if not lines:
            return set()
        on_hand, owed = self._serial_units_on_hand(lines)
        locations = {
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
        places = {
            location_id: SerialPlace(
                location.usage, location.parent_path, location.company_id.id or None
            )
            for location_id, location in locations.items()
        }
        at_subcontractor = self.env["stock.location"]._serial_subcontracting_ids(
            locations.values()
        )
        refused, unrecorded = refused_lines(
            lines, on_hand, owed, places, at_subcontractor
        )
        if refused:
            raise UserError(
                "\n".join(
                    self._serial_refusal(
                        line,
                        locations,
                        *refusal_reason(
                            line,
                            places,
                            units_of(line, on_hand, places),
                            line.location_id in at_subcontractor,
                        ),
                    )
                    for line in refused[:20]
                )
            )
        return unrecorded

    def _serial_refusal(self, line, locations, reason, location_id):
        """The words for the user of ``refusal_reason``'s ``reason`` (and the
        place it names) why ``line`` breaks the stock rules."""
        source = locations[line.location_id]
        if reason == "in_stock":
            # a unit received from the subcontractor comes into our stock
            return self.env._(
                "%(serial)s cannot be received: it is already in stock at "
                "%(location)s.",
                serial=line.serial,
                location=locations[location_id].display_name,
            )
        if reason == "elsewhere":
            return self.env._(
                "%(serial)s cannot leave %(location)s: it is not there (it is at "
                "%(other)s).",
                serial=line.serial,
                location=source.display_name,
                other=locations[location_id].display_name,
            )
        if (
            self.env["stock.quant"]._serial_untracked_quantity(line.product_id, source)
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

    def _serial_units_on_hand(self, lines):
        """Where the serials of ``lines`` are in stock: (product, serial) ->
        [[location id, company of the serial]], one per unit; and the
        (product, serial, location) of units counted negative in a place (they
        left it before they were recorded there). One query."""
        self.env["stock.quant"].flush_model(
            ["product_id", "lot_id", "location_id", "quantity"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT quant.product_id, lot.name, quant.location_id, lot.company_id,
                          quant.quantity > 0
                 FROM stock_quant quant
                 JOIN stock_lot lot ON lot.id = quant.lot_id
                 JOIN stock_location location ON location.id = quant.location_id
                WHERE quant.product_id = ANY(%s) AND lot.name = ANY(%s)
                  AND location.usage IN %s AND quant.quantity <> 0
             ORDER BY quant.id""",
                list({line.product_id for line in lines}),
                list({line.serial for line in lines}),
                INTERNAL_USAGES,
            )
        )
        # (product, serial) -> [[location id, company of the serial]], one per unit
        on_hand = defaultdict(list)
        # (product, serial, location) of units that left a place before they
        # were recorded there (counted negative)
        owed = set()
        for product_id, name, location_id, company, present in self.env.cr.fetchall():
            if present:
                on_hand[product_id, name].append([location_id, company])
            else:
                owed.add((product_id, name, location_id))
        return on_hand, owed

    def _apply_putaway_strategy(self):
        # Odoo asks each line's destination where to put the unit, line by
        # line; a destination without putaway rules answers itself, which the
        # lines of a Track Serials move already go to. The lines' products are
        # asked of the database only once the switch is known to be on.
        if (
            self
            and not self.env.context.get("avoid_putaway_rules")
            and speed_path_applies(self, steps_aside_for=PUTAWAY_METHODS)
            and speed_path_applies(self, lines_products(self))
            and putaway_is_destination(self)
        ):
            return None
        return super()._apply_putaway_strategy()

    def _check_company(self, fnames=None):
        if not speed_path_applies(self, steps_aside_for=COMPANY_CHECK_METHODS):
            return super()._check_company(fnames)
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
            if tracked and not assign_new_lots(tracked.with_context(**QUIET_CONTEXT)):
                super(
                    StockMoveLine, tracked.with_context(**QUIET_CONTEXT)
                )._create_and_assign_production_lot()
            if self - tracked:
                super(StockMoveLine, self - tracked)._create_and_assign_production_lot()

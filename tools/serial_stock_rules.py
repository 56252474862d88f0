# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The stock rules of serial units, in plain Python, where Odoo stays silent:
a serial cannot come in while it is in stock in its company, and cannot
leave a place where it is not. ``stock.move.line`` reads the move lines,
the places and where the serials are, calls these rules and words their
refusals for the user."""

from collections import namedtuple

from .serial_rules import INTERNAL_USAGES

# A move line of a Track Serials product in physical mode, as a validation
# reads it once (the stock rules, the speed path's quant updates and the serial
# history all take it): line, product, serial id and name, locations, quantity,
# transfer, move, the serial's date received, the line's company, the serial's
# kind (a serial number, not a lot), the quantity in the product's unit, the
# line's unit, package, destination package and owner. Every field but the
# first may be left out (None).
SerialLineRow = namedtuple(
    "SerialLineRow",
    (
        "id",
        "product_id",
        "lot_id",
        "serial",
        "location_id",
        "location_dest_id",
        "quantity",
        "picking_id",
        "move_id",
        "date_received",
        "company_id",
        "is_serial",
        "quantity_product_uom",
        "product_uom_id",
        "package_id",
        "result_package_id",
        "owner_id",
    ),
    defaults=(None,) * 16,
)

# A location as the rules see it: its usage, its parent path (a place is
# inside another when its path starts with the other's) and its company
# (None: shared by all companies).
SerialPlace = namedtuple("SerialPlace", ("usage", "parent_path", "company_id"))


def units_of(line, on_hand, places):
    """Where the serial of ``line`` is in stock for the line's company:
    ``on_hand`` maps (product, serial) to [[location id, company of the
    serial]], one per unit. Serials of two companies never clash, but a unit
    in a place shared by all companies (inter-company transit) is anyone's."""
    return [
        unit
        for unit in on_hand.get((line.product_id, line.serial), ())
        if unit[1] in (line.company_id, None) or not places[unit[0]].company_id
    ]


def unit_at_source(line, on_hand, places):
    """The unit of ``line``'s serial in its source place or inside it (None
    when it is not there)."""
    source = places[line.location_id]
    return next(
        (
            unit
            for unit in units_of(line, on_hand, places)
            if places[unit[0]].parent_path.startswith(source.parent_path)
        ),
        None,
    )


def may_move(line, on_hand, owed, places, at_subcontractor, unrecorded):
    """Whether ``line`` keeps the rules. A unit it takes out of stock is
    moved in ``on_hand``, so that a later step of the same validation finds
    it; a unit let out of a subcontractor's place where it is not recorded
    is added to ``unrecorded`` as (product, location, serial id); ``owed``
    holds the (product, serial, location) of units counted negative in a
    place, and loses the one a line brings back."""
    if places[line.location_id].usage in INTERNAL_USAGES:
        unit = unit_at_source(line, on_hand, places)
        if unit:
            unit[0] = line.location_dest_id
            return True
        if line.location_id in at_subcontractor and not units_of(line, on_hand, places):
            # a unit the subcontractor holds without our stock knowing it: a
            # product made there (Odoo receives it before it records the
            # production, in the same validation) or a component the
            # subcontractor supplies; it is in none of our places, so
            # nothing leaves twice
            if places[line.location_dest_id].usage in INTERNAL_USAGES:
                on_hand.setdefault((line.product_id, line.serial), []).append(
                    [line.location_dest_id, line.company_id]
                )
            unrecorded.add((line.product_id, line.location_id, line.lot_id))
            return True
        return False
    if (
        line.location_dest_id in at_subcontractor
        and (line.product_id, line.serial, line.location_dest_id) in owed
    ):
        # the production recorded after its receipt brings the unit that
        # receipt took from the subcontractor
        owed.discard((line.product_id, line.serial, line.location_dest_id))
        return True
    return not (
        places[line.location_dest_id].usage in INTERNAL_USAGES
        and units_of(line, on_hand, places)
    )


def refused_lines(lines, on_hand, owed, places, at_subcontractor):
    """The lines of one validation that break the rules, and the (product,
    location, serial id) of the units let out of a place where they are not
    recorded. Passes until no line moves any more: a step of the validation
    may need the units an earlier one brings. ``on_hand`` and ``owed`` end as
    the validation leaves them."""
    unrecorded = set()
    refused = list(lines)
    while refused:
        still = [
            line
            for line in refused
            if not may_move(line, on_hand, owed, places, at_subcontractor, unrecorded)
        ]
        if len(still) == len(refused):
            break
        refused = still
    return refused, unrecorded


def refusal_reason(line, places, units, from_subcontractor):
    """Why ``line`` breaks the rules; ``units``: where its serial is in stock
    (``units_of``). ``("in_stock", location)``: it cannot be received, being
    in stock there; ``("elsewhere", location)``: it cannot leave its source,
    being there instead; ``("absent", None)``: it is in stock nowhere."""
    if places[line.location_id].usage not in INTERNAL_USAGES or (
        from_subcontractor
        and places[line.location_dest_id].usage in INTERNAL_USAGES
        and units
    ):
        # a unit received from the subcontractor comes into our stock
        return "in_stock", units[0][0]
    if units:
        return "elsewhere", units[0][0]
    return "absent", None


def quant_keys(rows):
    """The (product, location, serial id) quants a validation of ``rows``
    (move lines as the speed path reads them) touches and may batch: both
    ends of each line with a serial, no owner and no package."""
    return [
        key
        for row in rows
        if row.lot_id and not row.owner_id
        for key in (
            (row.product_id, row.location_id, row.lot_id),
            (row.product_id, row.location_dest_id, row.lot_id),
        )
        if not (row.package_id or row.result_package_id)
    ]


def leaving_keys(rows, internal_location_ids, unrecorded):
    """The (product, location, serial id) of the units ``rows`` take out of
    stock (their source is one of ``internal_location_ids``), but for those
    another line of the same validation brings there (pick and ship
    validated together) and the ``unrecorded`` ones (``refused_lines``)."""
    arriving = {(row.product_id, row.location_dest_id, row.lot_id) for row in rows}
    return [
        (row.product_id, row.location_id, row.lot_id)
        for row in rows
        if row.lot_id
        and row.quantity
        and row.location_id in internal_location_ids
        and (row.product_id, row.location_id, row.lot_id) not in arriving
        and (row.product_id, row.location_id, row.lot_id) not in unrecorded
    ]

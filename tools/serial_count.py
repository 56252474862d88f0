# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Count by scanning, in plain Python: the states of a count, and how the
serials scanned at a place compare with the units the system holds there
(counted, missing, unexpected with where the system thinks the unit is,
unknown). The model reads the facts with set-based queries and hands them
here; nothing in this module touches the database."""

from collections import Counter, defaultdict, namedtuple

# Draft (place and scope chosen), In Progress (scanning, resumable by anyone),
# Applied (the differences went through Odoo's inventory adjustments).
COUNT_STATES = [
    ("draft", "Draft"),
    ("in_progress", "In Progress"),
    ("applied", "Applied"),
]

COUNT_RESULTS = [
    ("counted", "Counted"),
    ("missing", "Missing"),
    ("unexpected", "Unexpected"),
    ("unknown", "Unknown"),
    ("ambiguous", "Which Product?"),
]

# Why Apply left a scanned unit where the system holds it.
LEFT_ALONE = [
    ("moved", "Moved After Its Scan"),
    ("outside_scope", "Outside the Count's Products"),
]

# Where the system thinks an unexpected unit is.
ELSEWHERE = [
    ("location", "Another Location"),
    ("customer", "At a Customer"),
    ("scrapped", "Scrapped"),
    ("vendor", "Returned to Vendor"),
    ("consumed", "Consumed"),
    ("expected", "Expected, Not Received"),
    ("nowhere", "Not in Stock"),
]

# A unit the system holds at the counted place (within the count's scope).
ExpectedUnit = namedtuple(
    "ExpectedUnit", ("lot_id", "name", "product_id", "location_id")
)
# A serial of the company whose name was scanned: its status and the internal
# location it is on hand at (None when it is not in stock anywhere).
KnownSerial = namedtuple(
    "KnownSerial", ("lot_id", "name", "product_id", "status", "location_id")
)
# A serial as scanned, with the product the scan named (a GS1 code names its
# product; a person answers for a name several products share at the place),
# None for a plain scan.
ScannedSerial = namedtuple("ScannedSerial", ("name", "product_id"))
# One row of the result: a scanned serial, or a unit expected and not scanned;
# ``scan_product_id``: the product its scan named.
CountRow = namedtuple(
    "CountRow",
    (
        "name",
        "scanned",
        "result",
        "lot_id",
        "product_id",
        "location_id",
        "elsewhere",
        "scan_product_id",
    ),
    defaults=(None,),
)


def where_is(status, location_id):
    """Where the system thinks a unit not at the counted place is."""
    if location_id:
        return "location"
    return {
        "sold": "customer",
        "scrapped": "scrapped",
        "returned_vendor": "vendor",
        "consumed": "consumed",
        "expected": "expected",
    }.get(status, "nowhere")


def compare_count(scanned_names, expected, known, counted_location_ids):
    """The result of a count.

    ``scanned_names``: the serials scanned, each once, as names or
    :class:`ScannedSerial` (a scan that names its product stands for that
    product's unit only); ``expected``:
    :class:`ExpectedUnit` of every unit the system holds at the counted place
    within the count's scope; ``known``: :class:`KnownSerial` of the
    company's serials named like a scanned one (several per name when serials
    are unique per product); ``counted_location_ids``: the counted location
    and, when included, its sub-locations.

    A scanned serial is *counted* when it is expected, or on hand at the
    counted place for a product outside the scope; *unexpected* when the
    system has it elsewhere (with where); *unknown* when the system has never
    seen it; *ambiguous* when, scanned without its product, the name is that
    of expected units of several products (the scan cannot say which unit
    it saw). An expected unit no scan names is *missing*. Returns the rows,
    scanned ones in the order scanned, then the missing ones by location and
    serial id.
    """
    expected_by_lot = {unit.lot_id: unit for unit in expected}
    counted_places = set(counted_location_ids)
    serials_named = defaultdict(list)
    for serial in sorted(known, key=lambda serial: serial.lot_id):
        serials_named[serial.name].append(serial)
    rows, found = [], set()
    for scan in scanned_names:
        name, scan_product = (scan, None) if isinstance(scan, str) else scan
        candidates = serials_named.get(name, ())
        if scan_product:
            candidates = [
                serial for serial in candidates if serial.product_id == scan_product
            ]
        if not candidates:
            rows.append(
                CountRow(
                    name, True, "unknown", None, scan_product, None, None, scan_product
                )
            )
            continue
        expected_here = {
            serial.product_id
            for serial in candidates
            if serial.lot_id in expected_by_lot
        }
        if len(expected_here) > 1:
            rows.append(CountRow(name, True, "ambiguous", None, None, None, None))
            continue
        here = next(
            (serial for serial in candidates if serial.lot_id in expected_by_lot),
            None,
        ) or next(
            (
                serial
                for serial in candidates
                if serial.location_id in counted_places and serial.location_id
            ),
            None,
        )
        if here:
            found.add(here.lot_id)
            rows.append(
                CountRow(
                    name,
                    True,
                    "counted",
                    here.lot_id,
                    here.product_id,
                    here.location_id,
                    None,
                    scan_product,
                )
            )
            continue
        # the unit in stock elsewhere first: it is the one a person can move
        serial = next(
            (serial for serial in candidates if serial.location_id), candidates[0]
        )
        rows.append(
            CountRow(
                name,
                True,
                "unexpected",
                serial.lot_id,
                serial.product_id,
                serial.location_id,
                where_is(serial.status, serial.location_id),
                scan_product,
            )
        )
    missing = sorted(
        (unit for unit in expected if unit.lot_id not in found),
        key=lambda unit: (unit.location_id, unit.lot_id),
    )
    rows.extend(
        CountRow(
            unit.name,
            False,
            "missing",
            unit.lot_id,
            unit.product_id,
            unit.location_id,
            None,
        )
        for unit in missing
    )
    return rows


def count_summary(rows):
    """{product id (None for unknown serials): Counter of results}."""
    summary = defaultdict(Counter)
    for row in rows:
        summary[row.product_id][row.result] += 1
    return dict(summary)

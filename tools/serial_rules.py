# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rules of a serial-numbered unit, in plain Python: its statuses and the
changes between them, the history event and status a stock move gives it,
what must be unique about it, and when its warranty ends. The models read
them from here; their labels are translated through the selection fields
that use them."""

from dateutil.relativedelta import relativedelta

SERIAL_STATUSES = [
    ("in_stock", "In Stock"),
    ("sold", "Sold"),
    ("returned", "Returned"),
    ("returned_vendor", "Returned to Vendor"),
    ("scrapped", "Scrapped"),
    ("consumed", "Consumed"),
]

# The status of a unit that is with a customer: sold (invoiced or delivered)
# and not come back since. Every way back changes it: a credit note or a
# return (Returned), a vendor bill or an adjustment buying or bringing it in
# (In Stock); a scrap or a return to the vendor need the unit back first.
HELD_STATUS = "sold"


def holder_of(status, last_customer):
    """The customer who holds a unit now: the one it was last sold to, while
    it is sold; nobody (None) once it has come back."""
    return last_customer if status == HELD_STATUS else None


# Statuses in which a unit can be sold, scrapped or sent back to its vendor.
AVAILABLE_STATUSES = ("in_stock", "returned")

# The allowed status changes, checked by invoices, bills and credit notes. A
# reversal restores the status it replaced; stock moves follow Odoo's own checks.
SERIAL_STATUS_TRANSITIONS = {
    False: {"in_stock"},
    "in_stock": {"in_stock", "sold", "returned_vendor", "scrapped", "consumed"},
    "returned": {
        "returned",
        "in_stock",
        "sold",
        "returned_vendor",
        "scrapped",
        "consumed",
    },
    "sold": {"returned", "in_stock"},
    "returned_vendor": {"in_stock"},
    "scrapped": {"in_stock"},
    "consumed": {"in_stock"},
}

HISTORY_EVENT_TYPES = [
    ("RECEIVE", "Received"),
    ("SHIP", "Shipped"),
    ("RETURN", "Customer Return"),
    ("VENDOR_RETURN", "Returned to Vendor"),
    ("ADJUST", "Inventory Adjustment"),
    ("MOVE", "Internal Move"),
    ("BUILD", "Built"),
    ("CONSUME", "Consumed"),
    ("BILL", "Vendor Bill"),
    ("INVOICE", "Customer Invoice"),
    ("CREDIT_NOTE", "Customer Credit Note"),
    ("VENDOR_CREDIT_NOTE", "Vendor Credit Note"),
    ("REVERSAL", "Reversal"),
    ("CLAIM", "Warranty Claim"),
    ("COUNT", "Count by Scanning"),
]

# Warranty claims: New, then Accepted or Refused; an accepted claim ends Done.
CLAIM_STATES = [
    ("new", "New"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
    ("done", "Done"),
]

CLAIM_STATE_TRANSITIONS = {
    "new": {"accepted", "refused"},
    "accepted": {"done"},
    "refused": set(),
    "done": set(),
}

# The history events that hand a unit to a customer: the document of the
# latest one is the document the unit came with.
SALE_EVENT_TYPES = ("SHIP", "INVOICE")


WARRANTY_STATUSES = [
    ("under", "Under warranty"),
    ("expired", "Expired"),
    ("none", "No warranty"),
]


def warranty_status_on(warranty_end, day):
    """Whether a unit whose warranty ends on ``warranty_end`` is covered on
    ``day``: "under", "expired" or "none" (no warranty)."""
    if not warranty_end:
        return "none"
    return "under" if warranty_end >= day else "expired"


# Locations where a unit is in stock: transit counts (inter-warehouse and
# inter-company resupply).
INTERNAL_USAGES = ("internal", "transit")


def classify_move(source_usage, destination_usage):
    """The history event and the status a unit gets when it moves between
    locations of these usages (status None: unchanged)."""
    source_internal = source_usage in INTERNAL_USAGES
    destination_internal = destination_usage in INTERNAL_USAGES
    if destination_internal:
        return {
            "supplier": ("RECEIVE", "in_stock"),
            "customer": ("RETURN", "returned"),
            "inventory": ("ADJUST", "in_stock"),
            "production": ("BUILD", "in_stock"),
        }.get(
            source_usage, ("MOVE", None) if source_internal else ("ADJUST", "in_stock")
        )
    if source_internal:
        return {
            "customer": ("SHIP", "sold"),
            "supplier": ("VENDOR_RETURN", "returned_vendor"),
            "inventory": ("ADJUST", "scrapped"),
            "production": ("CONSUME", "consumed"),
        }.get(destination_usage, ("ADJUST", "scrapped"))
    return ("MOVE", None)


def serial_key_of(name, product_id, unique_per_company):
    """What must be unique for a serial: its name across the company, or its
    name for its product."""
    return name if unique_per_company else f"{product_id}:{name}"


def add_warranty(start, duration, unit):
    """Return the last day covered by a warranty starting on ``start``."""
    if not start or not duration or duration <= 0:
        return False
    return start + relativedelta(**{f"{unit}s": duration})


# Which side of the unit's life a history event shows when tracing it:
# upstream (where it came from: vendor, bill, receipt, the build that made
# it), downstream (where it went: customer, invoice, delivery, the build it
# went into, and what came back from there), or within the company.
TRACE_DIRECTIONS = [
    ("upstream", "Upstream"),
    ("downstream", "Downstream"),
    ("internal", "Internal"),
]
EVENT_TRACE_DIRECTION = {
    "RECEIVE": "upstream",
    "BILL": "upstream",
    "BUILD": "upstream",
    "VENDOR_RETURN": "upstream",
    "VENDOR_CREDIT_NOTE": "upstream",
    "SHIP": "downstream",
    "INVOICE": "downstream",
    "CONSUME": "downstream",
    "RETURN": "downstream",
    "CREDIT_NOTE": "downstream",
    "ADJUST": "internal",
    "MOVE": "internal",
    "REVERSAL": "internal",
    "COUNT": "internal",
}

# How a unit in a trace relates to the unit traced: itself, a component
# that went into it (or into one of its components), or a finished unit it
# went into (or one that unit went into).
TRACE_RELATIONS = [
    ("unit", "Traced Unit"),
    ("component", "Component"),
    ("finished", "Finished Product"),
]

# The events that bring a unit in from a vendor (what a recall by vendor,
# document or date of receipt looks for).
INCOMING_EVENT_TYPES = ("RECEIVE", "BILL")

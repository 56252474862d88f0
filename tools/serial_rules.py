# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rules of a serial-numbered unit, in plain Python: its statuses and the
changes between them, the history event and status each kind of document
(invoice, bill, credit note, transfer) gives it, what must be unique about
it, and when its warranty ends. The models read them from here; their labels
are translated through the selection fields that use them."""

from collections import namedtuple

from dateutil.relativedelta import relativedelta

SERIAL_STATUSES = [
    ("expected", "Expected"),
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

# The status of a unit announced by an incoming document and not received
# yet: a serial record with its announcement in its history, but no quant, no
# stock value and no accounting. Receiving it makes it In Stock; a unit that
# never came is deleted with its announcement when its document drops it.
EXPECTED_STATUS = "expected"

# The allowed status changes, checked by invoices, bills and credit notes. A
# reversal restores the status it replaced; stock moves follow Odoo's own checks.
SERIAL_STATUS_TRANSITIONS = {
    False: {"in_stock", EXPECTED_STATUS},
    EXPECTED_STATUS: {"in_stock"},
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
    ("ANNOUNCE", "Announced"),
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


# Every kind of document that changes a unit, in one table: the tracking
# mode it belongs to ("accounting": invoices, bills and credit notes;
# "physical": transfers; None: either), how its serials are entered ("add":
# typed, the units come in; "remove": chosen among the units the company
# holds; None: not entered on it), the history event it records and the
# status it gives the unit (None: unchanged).
SerialDocumentKind = namedtuple(
    "SerialDocumentKind", ("mode", "entry", "event", "status")
)
SERIAL_DOCUMENT_KINDS = {
    # accounting mode, by Odoo's invoice type (ACCOUNT_MOVE_KINDS)
    "bill": SerialDocumentKind("accounting", "add", "BILL", "in_stock"),
    "customer_credit_note": SerialDocumentKind(
        "accounting", "add", "CREDIT_NOTE", "returned"
    ),
    "invoice": SerialDocumentKind("accounting", "remove", "INVOICE", "sold"),
    "vendor_credit_note": SerialDocumentKind(
        "accounting", "remove", "VENDOR_CREDIT_NOTE", "returned_vendor"
    ),
    # resetting a posted document: each unit gets back what the document
    # replaced, which its history row kept
    "reversal": SerialDocumentKind("accounting", None, "REVERSAL", None),
    # physical mode, by the places the unit moves between (move_kind)
    "receipt": SerialDocumentKind("physical", "add", "RECEIVE", "in_stock"),
    "return": SerialDocumentKind("physical", "add", "RETURN", "returned"),
    "adjustment": SerialDocumentKind("physical", "add", "ADJUST", "in_stock"),
    "build": SerialDocumentKind("physical", "add", "BUILD", "in_stock"),
    "delivery": SerialDocumentKind("physical", "remove", "SHIP", "sold"),
    "vendor_return": SerialDocumentKind(
        "physical", "remove", "VENDOR_RETURN", "returned_vendor"
    ),
    # a scrap, or an adjustment counting the unit out of stock
    "scrap": SerialDocumentKind("physical", "remove", "ADJUST", "scrapped"),
    "consumption": SerialDocumentKind("physical", "remove", "CONSUME", "consumed"),
    "internal_move": SerialDocumentKind("physical", "remove", "MOVE", None),
    # between two places outside stock (a vendor's unit shipped straight to
    # the customer)
    "outside_move": SerialDocumentKind("physical", "add", "MOVE", None),
    # Odoo's subcontracting: the finished unit received from the
    # subcontractor, though both places are the company's (so its serials
    # are entered as leaving the subcontractor's place)
    "subcontracted_receipt": SerialDocumentKind(
        "physical", "remove", "RECEIVE", "in_stock"
    ),
    # a count by scanning names itself on the moves it makes; the status is
    # the one of the adjustment or scrap it makes
    "count": SerialDocumentKind("physical", None, "COUNT", None),
    # a warranty claim is written in the unit's history; the status changes
    # only with the return it may bring
    "claim": SerialDocumentKind(None, None, "CLAIM", None),
    # the serials entered on an incoming document before it is done
    # (ANNOUNCING_KINDS): the units exist, Expected, until it receives them
    "announcement": SerialDocumentKind(None, "add", "ANNOUNCE", EXPECTED_STATUS),
}

# The kinds of document whose serials, once entered (the entry dialog's
# Confirm), are created at once as Expected units on the document's lines;
# the document then receives (validated) or brings in (posted) the units
# that exist.
ANNOUNCING_KINDS = ("receipt", "bill")


def announces_serials(kind):
    """Whether a document of ``kind`` (a key of SERIAL_DOCUMENT_KINDS)
    creates the serials entered on it as Expected units."""
    return kind in ANNOUNCING_KINDS


# Odoo's invoice types that carry serials in accounting mode, and their kind.
ACCOUNT_MOVE_KINDS = {
    "in_invoice": "bill",
    "out_refund": "customer_credit_note",
    "out_invoice": "invoice",
    "in_refund": "vendor_credit_note",
}


def account_move_kind(move_type):
    """The kind (a SerialDocumentKind) of an invoice of this type; None for
    the types that carry no serials."""
    kind = ACCOUNT_MOVE_KINDS.get(move_type)
    return SERIAL_DOCUMENT_KINDS[kind] if kind else None


def move_kind(source_usage, destination_usage):
    """The kind of document (a key of SERIAL_DOCUMENT_KINDS) a unit moving
    between locations of these usages makes."""
    source_internal = source_usage in INTERNAL_USAGES
    destination_internal = destination_usage in INTERNAL_USAGES
    if destination_internal:
        return {
            "supplier": "receipt",
            "customer": "return",
            "inventory": "adjustment",
            "production": "build",
        }.get(source_usage, "internal_move" if source_internal else "adjustment")
    if source_internal:
        return {
            "customer": "delivery",
            "supplier": "vendor_return",
            "inventory": "scrap",
            "production": "consumption",
        }.get(destination_usage, "scrap")
    return "outside_move"


def classify_move(source_usage, destination_usage):
    """The history event and the status a unit gets when it moves between
    locations of these usages (status None: unchanged)."""
    kind = SERIAL_DOCUMENT_KINDS[move_kind(source_usage, destination_usage)]
    return kind.event, kind.status


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
    "ANNOUNCE": "upstream",
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

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GS1 EPCIS 2.0 (JSON-LD) in plain Python: how a history event of a unit
becomes an EPCIS event (the mapping table), the identifiers of what has no
GS1 key, event times with their time-zone offset, and the document written
piece by piece, so that a long history is never held whole in memory."""

import json
from datetime import UTC
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .serial_digital_link import CANONICAL_BASE, valid_gln

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
MEDIA_TYPE = "application/ld+json"

#: The one table from a history event to an EPCIS ObjectEvent's ``action``,
#: CBV 2.0 ``bizStep`` and ``disposition`` (None: left out). ADJUST_OUT is an
#: ADJUST or COUNT row whose unit leaves stock (scrapped, written off at a
#: count); a COUNT row that keeps it in stock observes it (counted, found).
#: Accounting mode has no transfers: its bill stands for the receipt, its
#: invoice for the shipment, its credit notes for the returns. BUILD and
#: CONSUME rows of a manufacturing order become one TransformationEvent
#: (``TRANSFORMATION_BIZ_STEP``) when Manufacturing is installed.
EPCIS_EVENT_MAPPING = {
    "RECEIVE": ("OBSERVE", "receiving", "sellable_not_accessible"),
    "BILL": ("OBSERVE", "receiving", "sellable_not_accessible"),
    "SHIP": ("OBSERVE", "shipping", "in_transit"),
    "INVOICE": ("OBSERVE", "shipping", "in_transit"),
    "RETURN": ("OBSERVE", "receiving", "returned"),
    "CREDIT_NOTE": ("OBSERVE", "receiving", "returned"),
    "VENDOR_RETURN": ("OBSERVE", "shipping", "returned"),
    "VENDOR_CREDIT_NOTE": ("OBSERVE", "shipping", "returned"),
    "MOVE": ("OBSERVE", "storing", "sellable_not_accessible"),
    "ADJUST": ("OBSERVE", "cycle_counting", "sellable_not_accessible"),
    "COUNT": ("OBSERVE", "cycle_counting", "sellable_not_accessible"),
    "ADJUST_OUT": ("DELETE", "decommissioning", "inactive"),
    "BUILD": ("ADD", "commissioning", "active"),
    "CONSUME": ("OBSERVE", "assembling", "inactive"),
    "REVERSAL": ("OBSERVE", "other", None),
    "CLAIM": ("OBSERVE", "inspecting", None),
}
TRANSFORMATION_BIZ_STEP = ("assembling", "active")

#: History events with no EPCIS event, left out of every export: an
#: announcement (an Expected unit) says that a unit is to come; nothing has
#: happened to the unit yet, and EPCIS events record what did (what is to
#: come is a despatch advice, a business document, not an event).
EPCIS_LEFT_OUT_EVENTS = ("ANNOUNCE",)

#: Which way a unit goes between the company and the row's partner: the
#: partner is the source ("in") or the destination ("out") of the event.
EVENT_PARTY_DIRECTION = {
    "RECEIVE": "in",
    "BILL": "in",
    "RETURN": "in",
    "CREDIT_NOTE": "in",
    "SHIP": "out",
    "INVOICE": "out",
    "VENDOR_RETURN": "out",
    "VENDOR_CREDIT_NOTE": "out",
}

#: CBV business transaction type of each document model (others: left out).
BIZ_TRANSACTION_TYPES = {
    "account.move": "inv",
    "purchase.order": "po",
    "sale.order": "po",
    "mrp.production": "prodorder",
    "serial.warranty.claim": "rma",
    "repair.order": "rma",
}
#: A transfer is a despatch advice when it sends units out, a receiving
#: advice when it brings them in.
PICKING_TRANSACTION_TYPES = {"outgoing": "desadv", "incoming": "recadv"}


def epcis_mapping(event_type, leaves_stock=False):
    """(action, bizStep, disposition) of a history event."""
    if event_type in ("ADJUST", "COUNT") and leaves_stock:
        event_type = "ADJUST_OUT"
    return EPCIS_EVENT_MAPPING.get(event_type, ("OBSERVE", "other", None))


def private_urn(namespace, kind, *parts):
    """The identifier of what has no GS1 key in this database:
    ``urn:x-serial-tracking:<database uuid>:<kind>:<part>:...``, each part
    percent-encoded."""
    encoded = ":".join(quote(str(part), safe="") for part in parts)
    return f"urn:x-serial-tracking:{namespace}:{kind}:{encoded}"


#: A unit or a carton in a package as EPCIS says it: an AggregationEvent
#: ADD, CBV bizStep packing, written for the packages a transfer received
#: or sent units in.
PACKING_EVENT = ("ADD", "packing")
#: Units taken out of a package as EPCIS says it: an AggregationEvent
#: DELETE, CBV bizStep unpacking, written for the packages a transfer took
#: units out of (a delivery or a return of part of a carton, say).
UNPACKING_EVENT = ("DELETE", "unpacking")
#: Digits of the GS1 Company Prefix in an SSCC's EPC URN. The SSCC alone
#: does not say where its prefix ends (6 to 12 digits); GS1's own examples
#: use 7, and a reader joins the two parts back into the same 18 digits
#: whatever the split.
SSCC_URN_PREFIX_DIGITS = 7


def sscc_urn(sscc, prefix_digits=SSCC_URN_PREFIX_DIGITS):
    """The EPC URN of an 18-digit SSCC:
    ``urn:epc:id:sscc:<company prefix>.<extension digit><serial reference>``
    (the check digit dropped, as the URN does)."""
    body = sscc[:17]
    prefix = body[1 : 1 + prefix_digits]
    return f"urn:epc:id:sscc:{prefix}.{body[0]}{body[1 + prefix_digits :]}"


def location_uri(gln, extension=None):
    """A location with a GLN as a GS1 Digital Link URI (AI 414), with its
    sub-location (AI 254) when given; None without a valid GLN."""
    if not valid_gln(gln):
        return None
    uri = f"{CANONICAL_BASE}/414/{gln.strip()}"
    if extension:
        uri += f"/254/{quote(str(extension), safe='')}"
    return uri


def party_uri(gln):
    """A party with a GLN as a GS1 Digital Link URI (AI 417)."""
    return f"{CANONICAL_BASE}/417/{gln.strip()}" if valid_gln(gln) else None


def time_zone(name):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def event_time(moment, zone_name):
    """``(eventTime, eventTimeZoneOffset)`` of a naive UTC datetime (how Odoo
    stores them), in the time zone ``zone_name`` (UTC when unknown)."""
    local = moment.replace(tzinfo=UTC).astimezone(time_zone(zone_name))
    offset = local.strftime("%z") or "+0000"
    offset = f"{offset[:3]}:{offset[3:5]}"
    return local.isoformat(timespec="milliseconds"), offset


def document_chunks(events, creation_date, header=None):
    """The text of an EPCIS 2.0 JSON-LD document holding ``events`` (dicts,
    read one by one from any iterable), yielded piece by piece."""
    head = {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": creation_date,
        **(header or {}),
    }
    # the head without its closing brace, then the body written event by event
    yield json.dumps(head, ensure_ascii=False)[:-1]
    yield ', "epcisBody": {"eventList": ['
    separator = ""
    for event in events:
        yield separator + json.dumps(event, ensure_ascii=False)
        separator = ", "
    yield "]}}"

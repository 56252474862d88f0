# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shipping notices in plain Python: the units a vendor announces, with the
carton and pallet each is packed in (SSCCs), read from a spreadsheet (one row
per unit) or from an EPCIS 2.0 JSON-LD document (shipping ObjectEvents and
packing AggregationEvents). A notice is read whole or refused whole, with
every reason at once (:class:`NoticeRefused`). Which Odoo product a
reference names, and whether the receipt may take the units, is the
caller's (``serial.notice.import``)."""

import json
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from odoo.tools.translate import LazyTranslate

from .serial_digital_link import (
    DigitalLinkError,
    gs1_check_digit,
    normalize_gtin,
    parse_digital_link,
)
from .serial_epcis import EPCIS_CONTEXT
from .serial_errors import SerialInputError
from .serial_files import HEADERS as SERIAL_HEADERS
from .serial_files import MAX_FILE_BYTES, read_table_file
from .serial_gs1 import GROUP_SEPARATOR, SYMBOLOGY_IDENTIFIERS

_lt = LazyTranslate(__name__)
# Plain Python without an environment: messages are lazy translations (_lt),
# put in the user's language by the caller (SerialInputError.localized).
# pylint: disable=prefer-env-translation

#: Reasons named in a refusal; the rest are counted.
PROBLEM_LIMIT = 50
#: What the columns of a notice hold, and the header texts (trimmed, any
#: case, ``_`` and ``-`` read as spaces) that name them.
COLUMN_HEADERS = {
    "serial": (*sorted(SERIAL_HEADERS), "sn", "s/n", "imei"),
    "gtin": ("gtin", "gtin 14", "ean", "ean13", "ean 13", "upc", "barcode"),
    "product": (
        "sku",
        "product",
        "product code",
        "product reference",
        "item",
        "item code",
        "item number",
        "reference",
        "internal reference",
        "part number",
        "vendor code",
        "vendor product code",
        "supplier code",
        "vendor sku",
    ),
    "carton": ("carton", "carton sscc", "case", "case sscc", "box", "carton id"),
    "pallet": ("pallet", "pallet sscc", "pallet id"),
}
#: The two kinds of product key a unit carries: a GTIN-14 (checked), or a
#: reference the caller looks up (internal reference, barcode, or the
#: vendor's product code).
KEY_GTIN = "gtin"
KEY_REFERENCE = "reference"
#: Business steps read, whatever the vocabulary's spelling (bare, CBV 2.0
#: URI or EPC URN).
BIZ_STEP_SHIPPING = "shipping"
BIZ_STEP_PACKING = "packing"
BIZ_STEP_UNPACKING = "unpacking"

_HEADER_SPACES = re.compile(r"[\s_\-]+")
_SGTIN = re.compile(r"urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)")
_SSCC_URN = re.compile(r"urn:epc:id:sscc:(\d+)\.(\d+)")
_SSCC_DIGITS = re.compile(r"\d{18}")
_SSCC_BRACKETED = re.compile(r"\(00\)\s*(\d{18})")


class NoticeUnit(NamedTuple):
    """One unit announced: its ``serial``, its product key (``key_kind``:
    KEY_GTIN or KEY_REFERENCE, ``key``), the SSCC of the package it is in
    (``carton``, None when loose) and of the package holding that one
    (``pallet``)."""

    serial: str
    key_kind: str
    key: str
    carton: str | None
    pallet: str | None


class Notice(NamedTuple):
    """A notice read: its ``units`` in order, ``packages`` ({SSCC: the SSCC
    of its container or None}, containers first), its ``kind``
    (``spreadsheet`` or ``epcis``) and, for a spreadsheet, ``mapping``
    ({column kind: the header read})."""

    units: tuple
    packages: dict
    kind: str
    mapping: dict


class NoticeRefused(SerialInputError):
    """A notice that cannot be imported: every reason (lazy translations),
    the first :data:`PROBLEM_LIMIT` named."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.problems[0])

    def localized(self, env=None):
        lang = (env and env.lang) or "en_US"
        texts = [
            problem._translate(lang) if hasattr(problem, "_translate") else str(problem)
            for problem in self.problems[:PROBLEM_LIMIT]
        ]
        more = len(self.problems) - PROBLEM_LIMIT
        if more > 0:
            texts.append(_lt("… (+%(count)s more)", count=more)._translate(lang))
        return "\n".join(texts)


# ----------------------------------------------------------------------
# GS1 keys
# ----------------------------------------------------------------------
def valid_sscc(sscc):
    """Whether ``sscc`` is 18 digits with a right GS1 check digit."""
    return bool(
        sscc and _SSCC_DIGITS.fullmatch(sscc) and gs1_check_digit(sscc[:-1]) == sscc[-1]
    )


def sscc_of_code(code):
    """The 18 digits a scanned or written SSCC holds, check digit unchecked,
    or None when ``code`` is not one: plain 18 digits, ``(00)`` and 18
    digits (GS1-128's human-readable form), raw ``00`` and 18 digits (after
    a symbology identifier, ended by a group separator), a Digital Link
    ``…/00/<sscc>`` of any host, or an EPC URN ``urn:epc:id:sscc:…``."""
    code = (code or "").strip()
    for prefix in SYMBOLOGY_IDENTIFIERS:
        code = code.removeprefix(prefix)
    code = code.rstrip(GROUP_SEPARATOR)
    if _SSCC_DIGITS.fullmatch(code):
        return code
    bracketed = _SSCC_BRACKETED.fullmatch(code)
    if bracketed:
        return bracketed.group(1)
    if len(code) == 20 and code.startswith("00") and code.isdigit():
        return code[2:]
    if code.startswith("urn:epc:id:sscc:"):
        return _sscc_from_urn(code)
    if code.lower().startswith(("http://", "https://")):
        try:
            segments = [unquote(part) for part in urlsplit(code).path.split("/")]
        except ValueError:
            return None
        for ai, value in zip(segments, segments[1:], strict=False):
            if ai in ("00", "sscc") and _SSCC_DIGITS.fullmatch(value):
                return value
    return None


def _sscc_from_urn(urn):
    """SSCC-18 of ``urn:epc:id:sscc:<company prefix>.<serial reference>``
    (the reference's first digit is the extension digit), or None."""
    match = _SSCC_URN.fullmatch(urn)
    if not match or len(match.group(1)) + len(match.group(2)) != 17:
        return None
    prefix, reference = match.groups()
    body = reference[0] + prefix + reference[1:]
    return body + gs1_check_digit(body)


def _sgtin_from_urn(urn):
    """(GTIN-14, serial) of ``urn:epc:id:sgtin:<company prefix>.<item
    reference>.<serial>`` (the item reference's first digit is the
    indicator), or None."""
    match = _SGTIN.fullmatch(urn)
    if not match or len(match.group(1)) + len(match.group(2)) != 13:
        return None
    prefix, item, serial = match.groups()
    body = item[0] + prefix + item[1:]
    return body + gs1_check_digit(body), unquote(serial)


# ----------------------------------------------------------------------
# Spreadsheets
# ----------------------------------------------------------------------
def _header_kind(text):
    text = _HEADER_SPACES.sub(" ", (text or "").strip().lower()).strip()
    return next(
        (
            kind
            for kind, headers in COLUMN_HEADERS.items()
            if text in {_HEADER_SPACES.sub(" ", header) for header in headers}
        ),
        None,
    )


def map_columns(header):
    """{column kind: index} of a header row: the first column of each kind
    (serial, gtin, product, carton, pallet)."""
    columns = {}
    for index, text in enumerate(header):
        kind = _header_kind(text)
        if kind and kind not in columns:
            columns[kind] = index
    return columns


def read_spreadsheet_notice(filename, content):
    """The notice of a spreadsheet (.xlsx, .csv): a header row, then one row
    per unit. Raises SerialInputError (NoticeRefused with every reason)."""
    rows = read_table_file(filename, content)
    if not rows:
        raise NoticeRefused([_lt("%(file)s holds no rows.", file=filename)])
    header, rows = rows[0], rows[1:]
    columns = map_columns(header)
    problems = []
    if "serial" not in columns:
        problems.append(
            _lt(
                "%(file)s has no serial number column (a header such as Serial, "
                "Serial Number, SN, S/N or IMEI); its headers are: %(headers)s.",
                file=filename,
                headers=", ".join(cell for cell in header if cell) or "-",
            )
        )
    if "gtin" not in columns and "product" not in columns:
        problems.append(
            _lt(
                "%(file)s has no product column (a header such as SKU, Product, "
                "Item, GTIN, EAN, Barcode or Vendor Code).",
                file=filename,
            )
        )
    if problems:
        raise NoticeRefused(problems)
    mapping = {kind: header[index] for kind, index in columns.items()}
    units = []
    for number, cells in enumerate(rows, 2):
        unit = _row_unit(number, cells, columns, problems)
        if unit:
            units.append(unit)
    if not units and not problems:
        problems.append(_lt("%(file)s lists no units.", file=filename))
    packages = _spreadsheet_packages(units, problems)
    _refuse_duplicates(units, problems)
    if problems:
        raise NoticeRefused(problems)
    return Notice(tuple(units), packages, "spreadsheet", mapping)


def _cell(cells, columns, kind):
    index = columns.get(kind)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _row_unit(number, cells, columns, problems):
    """The unit of row ``number`` (1-based, the header being row 1), or None
    with its problems added to ``problems``."""
    serial = _cell(cells, columns, "serial")
    gtin = _cell(cells, columns, "gtin")
    reference = _cell(cells, columns, "product")
    found = len(problems)
    if not serial:
        problems.append(_lt("Row %(row)s: no serial number.", row=number))
    if gtin:
        key_kind, key = KEY_GTIN, normalize_gtin(gtin)
        if not key:
            problems.append(
                _lt(
                    "Row %(row)s: %(gtin)s is not a valid GTIN (wrong length or "
                    "check digit).",
                    row=number,
                    gtin=gtin,
                )
            )
    elif reference:
        key_kind, key = KEY_REFERENCE, reference
    else:
        key_kind = key = None
        problems.append(_lt("Row %(row)s: no product.", row=number))
    packages = []
    for kind in ("carton", "pallet"):
        code = _cell(cells, columns, kind)
        sscc = sscc_of_code(code) if code else None
        if code and not valid_sscc(sscc):
            problems.append(
                _lt(
                    "Row %(row)s: %(code)s is not a valid SSCC (18 digits with a "
                    "right check digit).",
                    row=number,
                    code=code,
                )
            )
        packages.append(sscc)
    if len(problems) > found:
        return None
    carton, pallet = packages
    # a unit placed on a pallet alone is in that pallet
    return NoticeUnit(
        serial, key_kind, key, carton or pallet, pallet if carton else None
    )


def _spreadsheet_packages(units, problems):
    parent_of = {}
    for unit in units:
        if unit.carton is None:
            continue
        known = parent_of.setdefault(unit.carton, unit.pallet)
        if known != unit.pallet:
            problems.append(
                _lt(
                    "Carton %(carton)s is on two pallets: %(first)s and %(second)s.",
                    carton=unit.carton,
                    first=known or "-",
                    second=unit.pallet or "-",
                )
            )
        if unit.pallet:
            parent_of.setdefault(unit.pallet, None)
    return _containers_first(parent_of)


def _refuse_duplicates(units, problems):
    seen, repeated = set(), []
    for unit in units:
        key = (unit.key_kind, unit.key, unit.serial)
        if key in seen:
            repeated.append(unit.serial)
        seen.add(key)
    if repeated:
        problems.append(
            _lt(
                "%(count)s serial numbers are listed twice: %(serials)s.",
                count=len(repeated),
                serials=", ".join(dict.fromkeys(repeated[:20])),
            )
        )


def _containers_first(parent_of):
    """``parent_of`` ordered so that each package comes after its container."""
    ordered = {}

    def place(sscc):
        if sscc in ordered:
            return
        parent = parent_of.get(sscc)
        if parent is not None:
            place(parent)
        ordered[sscc] = parent

    for sscc in parent_of:
        place(sscc)
    return ordered


# ----------------------------------------------------------------------
# EPCIS 2.0 JSON-LD
# ----------------------------------------------------------------------
def _step(value):
    """The bare CBV name of a bizStep: ``shipping`` of ``shipping``,
    ``https://ref.gs1.org/cbv/BizStep-shipping`` or
    ``urn:epcglobal:cbv:bizstep:shipping``."""
    value = str(value or "")
    for separator in ("BizStep-", "bizstep:"):
        if separator in value:
            return value.rsplit(separator, 1)[1]
    return value


def _epcis_context_of(document):
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return any(
        isinstance(item, str)
        and item.startswith("https://ref.gs1.org/standards/epcis/")
        and item.endswith("epcis-context.jsonld")
        for item in contexts
    )


def _event_list(document):
    body = document.get("epcisBody")
    if not isinstance(body, dict):
        return None
    if "eventList" in body:
        events = body["eventList"]
    else:
        results = (body.get("queryResults") or {}).get("resultsBody") or {}
        events = results.get("eventList")
    return events if isinstance(events, list) else None


def _read_epc(epc, where, problems):
    """``("unit", (GTIN-14, serial))``, ``("package", SSCC)`` or None (with
    a problem) for one EPC of an event."""
    epc = str(epc or "").strip()
    if epc.startswith("urn:epc:id:sgtin:"):
        unit = _sgtin_from_urn(epc)
        if unit:
            return "unit", unit
    elif epc.startswith("urn:epc:id:sscc:"):
        sscc = _sscc_from_urn(epc)
        if sscc:
            return "package", sscc
    elif epc.lower().startswith(("http://", "https://")):
        sscc = sscc_of_code(epc)
        if sscc:
            if valid_sscc(sscc):
                return "package", sscc
            problems.append(
                _lt(
                    "Event %(event)s: %(epc)s holds an SSCC with a wrong check digit.",
                    event=where,
                    epc=epc,
                )
            )
            return None
        try:
            link = parse_digital_link(epc)
        except DigitalLinkError as error:
            if error.code == "bad_gtin":
                problems.append(
                    _lt(
                        "Event %(event)s: %(epc)s holds %(gtin)s, which is not a valid "
                        "GTIN (wrong length or check digit).",
                        event=where,
                        epc=epc,
                        gtin=error.value,
                    )
                )
                return None
        else:
            if link["serial"]:
                return "unit", (link["gtin"], link["serial"])
    problems.append(
        _lt(
            "Event %(event)s: %(epc)s is neither a unit (GS1 Digital Link with a "
            "serial, or urn:epc:id:sgtin) nor a package (SSCC).",
            event=where,
            epc=epc,
        )
    )
    return None


def _load_json(filename, content, problems):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(_lt("%(file)s is not UTF-8 text.", file=filename))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            _lt(
                "%(file)s is not valid JSON (cut short or damaged?) at line "
                "%(line)s, column %(column)s: %(reason)s.",
                file=filename,
                line=error.lineno,
                column=error.colno,
                reason=error.msg,
            )
        )
        return None


def read_epcis_notice(filename, content):
    """The notice of an EPCIS 2.0 JSON-LD document: the units of its shipping
    ObjectEvents (Digital Link URIs or SGTIN URNs, or SSCCs standing for what
    is packed in them), packed as its packing and unpacking AggregationEvents
    (actions ADD and DELETE) say. Raises NoticeRefused with every reason."""
    problems = []
    if len(content) > MAX_FILE_BYTES:
        raise NoticeRefused(
            [
                _lt(
                    "%(file)s is larger than %(max)s MB; ask for notices split by "
                    "shipment.",
                    file=filename,
                    max=MAX_FILE_BYTES // 1024 // 1024,
                )
            ]
        )
    document = _load_json(filename, content, problems)
    if problems:
        raise NoticeRefused(problems)
    if not isinstance(document, dict) or not _epcis_context_of(document):
        raise NoticeRefused(
            [
                _lt(
                    "%(file)s is not an EPCIS 2.0 document: its @context must name "
                    "GS1's EPCIS context (%(context)s).",
                    file=filename,
                    context=EPCIS_CONTEXT,
                )
            ]
        )
    events = _event_list(document)
    if events is None:
        raise NoticeRefused(
            [_lt("%(file)s has no epcisBody with an eventList.", file=filename)]
        )
    shipped, parent_of, unit_parent = _read_events(events, problems)
    if not shipped and not problems:
        problems.append(
            _lt(
                "%(file)s has no shipping event (an ObjectEvent whose bizStep is "
                "shipping, listing the units).",
                file=filename,
            )
        )
    _refuse_cycles(parent_of, problems)
    if problems:
        raise NoticeRefused(problems)
    units = _shipped_units(shipped, parent_of, unit_parent)
    _refuse_duplicates(units, problems)
    if not units:
        problems.append(_lt("%(file)s ships no units.", file=filename))
    if problems:
        raise NoticeRefused(problems)
    return Notice(tuple(units), _used_packages(units, parent_of), "epcis", {})


def _used_packages(units, parent_of):
    """The packages the units are in, with their containers up to the top."""
    used = {unit.carton for unit in units} | {unit.pallet for unit in units}
    packages = {}
    for sscc in sorted(used - {None}):
        while sscc is not None and sscc not in packages:
            packages[sscc] = parent_of.get(sscc)
            sscc = packages[sscc]
    return _containers_first(packages)


def _read_events(events, problems):
    """``(shipped, parent_of, unit_parent)`` of an event list: the EPCs of
    the shipping ObjectEvents as ``_read_epc`` reads them, {SSCC: container
    SSCC} and {(GTIN, serial): SSCC} as the packing (ADD) and unpacking
    (DELETE) AggregationEvents leave them, read in the document's order (the
    order of their time, as EPCIS documents list them)."""
    shipped, parent_of, unit_parent = [], {}, {}
    for number, event in enumerate(events, 1):
        if not isinstance(event, dict):
            problems.append(_lt("Event %(event)s is not an object.", event=number))
            continue
        where = number
        kind = event.get("type")
        step = _step(event.get("bizStep"))
        if kind == "ObjectEvent" and step == BIZ_STEP_SHIPPING:
            for epc in event.get("epcList") or ():
                read = _read_epc(epc, where, problems)
                if read:
                    shipped.append(read)
        elif kind != "AggregationEvent":
            continue
        elif event.get("action") == "ADD" and step in (BIZ_STEP_PACKING, ""):
            _read_aggregation(event, where, parent_of, unit_parent, problems)
        elif event.get("action") == "DELETE" and step in (BIZ_STEP_UNPACKING, ""):
            _read_disaggregation(event, where, parent_of, unit_parent, problems)
    return shipped, parent_of, unit_parent


def _aggregation_parent(event, where, problems):
    """The SSCC of an AggregationEvent's parentID (None, with the problem,
    when it is not a valid one)."""
    parent = str(event.get("parentID") or "")
    sscc = sscc_of_code(parent)
    if not sscc or not valid_sscc(sscc):
        problems.append(
            _lt(
                "Event %(event)s: the parentID %(parent)s is not a valid SSCC.",
                event=where,
                parent=parent or "-",
            )
        )
        return None
    return sscc


def _aggregation_children(event, where, parent_of, unit_parent, problems):
    """``(holder, key, name)`` of each child EPC of an AggregationEvent: the
    map that holds its package (``parent_of`` for a package, ``unit_parent``
    for a unit), its key there and its name in a message."""
    for epc in event.get("childEPCs") or ():
        read = _read_epc(epc, where, problems)
        if read:
            kind, value = read
            if kind == "package":
                yield parent_of, value, value
            else:
                yield unit_parent, value, value[1]


def _read_aggregation(event, where, parent_of, unit_parent, problems):
    sscc = _aggregation_parent(event, where, problems)
    if not sscc:
        return
    for holder, key, name in _aggregation_children(
        event, where, parent_of, unit_parent, problems
    ):
        known = holder.setdefault(key, sscc)
        if known != sscc:
            problems.append(
                _lt(
                    "Event %(event)s: %(child)s is packed in two packages, %(first)s "
                    "and %(second)s.",
                    event=where,
                    child=name,
                    first=known,
                    second=sscc,
                )
            )


def _read_disaggregation(event, where, parent_of, unit_parent, problems):
    """An unpacking event: its children leave the package (all of them when
    it lists none, as EPCIS says). A child the document packed in another
    package cannot leave this one; one it never packed (packed before the
    document's first event) has nothing to undo."""
    sscc = _aggregation_parent(event, where, problems)
    if not sscc:
        return
    if not event.get("childEPCs"):
        for holder in (parent_of, unit_parent):
            for key in [key for key, parent in holder.items() if parent == sscc]:
                del holder[key]
        return
    for holder, key, name in _aggregation_children(
        event, where, parent_of, unit_parent, problems
    ):
        known = holder.get(key)
        if known == sscc:
            del holder[key]
        elif known is not None:
            problems.append(
                _lt(
                    "Event %(event)s: %(child)s is unpacked from %(package)s, but "
                    "the document packed it in %(other)s.",
                    event=where,
                    child=name,
                    package=sscc,
                    other=known,
                )
            )


def _refuse_cycles(parent_of, problems):
    for start in parent_of:
        seen, sscc = {start}, parent_of.get(start)
        while sscc is not None:
            if sscc in seen:
                problems.append(
                    _lt(
                        "Package %(sscc)s is packed inside itself (a cycle in the "
                        "nesting).",
                        sscc=start,
                    )
                )
                break
            seen.add(sscc)
            sscc = parent_of.get(sscc)


def _shipped_units(shipped, parent_of, unit_parent):
    """The units shipped, in order: each listed unit, and the units packed in
    each package listed (at any depth)."""
    children = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    units_in = {}
    for unit, sscc in unit_parent.items():
        units_in.setdefault(sscc, []).append(unit)

    def packed(sscc):
        yield from units_in.get(sscc, ())
        for child in children.get(sscc, ()):
            yield from packed(child)

    units = []
    for kind, value in shipped:
        for gtin, serial in [value] if kind == "unit" else packed(value):
            carton = unit_parent.get((gtin, serial))
            pallet = parent_of.get(carton) if carton else None
            units.append(NoticeUnit(serial, KEY_GTIN, gtin, carton, pallet))
    return units


def read_notice(filename, content):
    """The notice of a file: EPCIS for ``.json`` / ``.jsonld``, else a
    spreadsheet. Raises SerialInputError."""
    name = (filename or "").lower().strip()
    if name.endswith((".json", ".jsonld")):
        return read_epcis_notice(filename, content or b"")
    if not name.endswith((".xlsx", ".csv")):
        raise SerialInputError(
            _lt(
                "%(file)s is not a shipping notice; import an EPCIS 2.0 document "
                "(.json, .jsonld), an Excel workbook (.xlsx) or a .csv file.",
                file=filename or "?",
            )
        )
    return read_spreadsheet_notice(filename, content)

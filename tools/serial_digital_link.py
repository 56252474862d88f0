# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GS1 keys and GS1 Digital Link URIs (ISO/IEC 18975), in plain Python.

- A product's barcode becomes its GTIN-14 (an EAN-8, UPC-A, EAN-13 or GTIN-14
  padded with zeros on the left) when its check digit is right.
- A unit's Digital Link URI is ``<base>/01/<GTIN-14>/21/<serial>``. The serial
  is percent-encoded as GS1 Digital Link says: every character other than the
  URI's unreserved ones (letters, digits, ``-``, ``.``, ``_``, ``~``) becomes
  ``%XX`` of its UTF-8 bytes, so ``A/B 1`` gives ``A%2FB%201``.
- A scanned URI is read back whatever its domain and path prefix, with key
  qualifiers (``/22/``, ``/10/``) and query parameters tolerated. Compressed
  Digital Link URIs are not read (see docs/gs1-digital-link-and-epcis.md).
- A unit whose product has no GTIN is named by an HTTP URI under the
  company's own web address, ``<base>/serial_tracking/unit/<product id>/
  <serial>``, which the resolver answers too.
"""

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

#: Where a unit's identifier lives when it is not tied to a company's own
#: domain: GS1's canonical resolver (EPCIS documents name units this way, so
#: that trading partners compare identifiers as equal strings).
CANONICAL_BASE = "https://id.gs1.org"

AI_GTIN = "01"
AI_SERIAL = "21"
#: Short names GS1 Digital Link 1.2 accepts in place of the numeric AIs.
AI_ALIASES = {"gtin": "01", "ser": "21", "lot": "10", "cpv": "22"}
#: Key qualifiers a GTIN may carry in the path, in this order.
GTIN_QUALIFIERS = ("22", "10", "21")

#: Lengths a GTIN is printed in: GTIN-8, GTIN-12 (UPC-A), GTIN-13, GTIN-14.
GTIN_LENGTHS = (8, 12, 13, 14)

#: Where a unit whose product has no GTIN lives under the company's web
#: address (see build_unit_uri).
UNIT_PATH = "serial_tracking/unit"

#: GS1 link types the resolver answers (any other opens the unit's default page).
LINK_TYPE_WARRANTY = "gs1:warrantyInfo"

_DIGITS = re.compile(r"\d+")


class DigitalLinkError(ValueError):
    """A scanned URI that is a Digital Link but cannot be read: its ``code``
    names the problem for the messages of the addon."""

    def __init__(self, code, value=""):
        super().__init__(code, value)
        self.code = code
        self.value = value


def gs1_check_digit(digits):
    """The GS1 check digit (mod 10, weights 3 and 1 from the right) of
    ``digits``, the key without its check digit."""
    total = sum(
        int(digit) * (3 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(digits))
    )
    return str((10 - total % 10) % 10)


def _valid_key(key, lengths):
    return (
        bool(key)
        and _DIGITS.fullmatch(key) is not None
        and len(key) in lengths
        and gs1_check_digit(key[:-1]) == key[-1]
    )


def normalize_gtin(barcode):
    """The GTIN-14 of a barcode (EAN-8, UPC-A, EAN-13 or GTIN-14 with a right
    check digit), or None when the barcode is not a GTIN."""
    barcode = (barcode or "").strip()
    if not _valid_key(barcode, GTIN_LENGTHS):
        return None
    return barcode.zfill(14)


def gtin_barcode_forms(gtin14):
    """The ways a product's barcode may hold the GTIN-14 ``gtin14``: as is, or
    without its leading zeros as a GTIN-13, GTIN-12 or GTIN-8."""
    return [
        gtin14[-length:] for length in GTIN_LENGTHS if not gtin14[:-length].strip("0")
    ]


def valid_gln(value):
    """Whether ``value`` is a GS1 Global Location Number (13 digits, right
    check digit)."""
    return _valid_key((value or "").strip(), (13,))


def encode_ai_value(value):
    """An AI value as a Digital Link path segment (percent-encoded UTF-8)."""
    return quote(value, safe="")


def build_digital_link(base, gtin, serial):
    """The Digital Link URI of a unit: ``<base>/01/<GTIN-14>/21/<serial>``;
    None when ``gtin`` is not a valid GTIN or there is no serial."""
    gtin14 = normalize_gtin(gtin)
    if not gtin14 or not serial:
        return None
    base = (base or CANONICAL_BASE).rstrip("/")
    return f"{base}/{AI_GTIN}/{gtin14}/{AI_SERIAL}/{encode_ai_value(serial)}"


def looks_like_digital_link(text):
    """Whether a scanned or pasted line is a web URI with a GTIN in its path:
    ``/01/`` or ``/gtin/`` followed by the digits of a GTIN (8, 12, 13 or 14,
    check digit aside, so that a wrong one is reported rather than taken as
    a serial). What the entry dialog reads as a Digital Link; a URI that
    merely has a ``01`` segment (``https://example.com/2024/01/a``) is not."""
    text = (text or "").strip()
    if not text.lower().startswith(("http://", "https://")):
        return False
    try:
        path = urlsplit(text).path
    except ValueError:
        return False
    segments = [unquote(segment) for segment in path.split("/") if segment]
    return any(
        AI_ALIASES.get(segment, segment) == AI_GTIN
        and _DIGITS.fullmatch(value) is not None
        and len(value) in GTIN_LENGTHS
        for segment, value in zip(segments, segments[1:], strict=False)
    )


def parse_path(path):
    """The GS1 elements of a Digital Link path, as ``{ai: value}``: the GTIN
    (AI 01, checked and normalised to 14 digits) and the key qualifiers after
    it, whatever path prefix comes before. Raises DigitalLinkError."""
    segments = [segment for segment in path.split("/") if segment]
    aliases = [AI_ALIASES.get(segment, segment) for segment in segments]
    error = DigitalLinkError("no_gtin")
    # the primary key is followed by its value and by qualifier pairs (an
    # even number of segments from it to the end); a prefix may hold "01" too
    for start, segment in enumerate(aliases):
        if segment != AI_GTIN or (len(segments) - start) % 2:
            continue
        try:
            return _path_elements(segments, aliases, start)
        except DigitalLinkError as refusal:
            error = refusal
    raise error


def _path_elements(segments, aliases, start):
    elements = {}
    for index in range(start, len(segments), 2):
        ai = aliases[index]
        if ai in elements or (index > start and ai not in GTIN_QUALIFIERS):
            raise DigitalLinkError("bad_path", ai)
        elements[ai] = unquote(segments[index + 1])
    gtin = normalize_gtin(elements[AI_GTIN])
    if not gtin:
        raise DigitalLinkError("bad_gtin", elements[AI_GTIN])
    elements[AI_GTIN] = gtin
    return elements


def parse_digital_link(uri):
    """Read an uncompressed Digital Link URI of any domain:
    ``{"gtin": GTIN-14, "serial": str or None, "qualifiers": {ai: value},
    "params": {name: value}}``. Raises DigitalLinkError."""
    parts = urlsplit((uri or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DigitalLinkError("not_a_link")
    elements = parse_path(parts.path)
    gtin = elements.pop(AI_GTIN)
    serial = elements.pop(AI_SERIAL, None)
    return {
        "gtin": gtin,
        "serial": serial or None,
        "qualifiers": elements,
        "params": dict(parse_qsl(parts.query, keep_blank_values=True)),
    }


def build_unit_uri(base, product_id, serial):
    """The HTTP URI of a unit whose product has no GTIN, under the company's
    own web address (``base``), as GS1's Core Business Vocabulary advises
    for identifiers without a GS1 key: ``<base>/serial_tracking/unit/
    <product id>/<serial>``, the serial percent-encoded as in a Digital Link.
    The resolver answers it as it answers a Digital Link."""
    return f"{base.rstrip('/')}/{UNIT_PATH}/{int(product_id)}/{encode_ai_value(serial)}"


def parse_unit_path(path):
    """``(product id, serial)`` of the path of a unit's URI (see
    :func:`build_unit_uri`), whatever comes before it. Raises
    DigitalLinkError."""
    _before, found, rest = path.partition(f"/{UNIT_PATH}/")
    product_id, _slash, serial = rest.partition("/")
    if not found or not product_id.isascii() or not product_id.isdigit():
        raise DigitalLinkError("bad_path", path)
    serial = unquote(serial)
    if not serial:
        raise DigitalLinkError("bad_path", path)
    return int(product_id), serial

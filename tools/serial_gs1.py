# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recognising a scanned or typed GS1 code among pasted serials, and putting
its human-readable form, ``(01)09506000134352(21)SN-0001``, into the raw form
Odoo's GS1 nomenclature decomposes (application identifiers and values, with
the FNC1 group separator ending each element). Decomposing the code is left
to Odoo (``barcode.nomenclature.gs1_decompose_extended``)."""

import re

#: FNC1 as scanners transmit it: the ASCII group separator.
GROUP_SEPARATOR = "\x1d"
#: Symbology identifiers a scanner may put before a GS1 code (GS1-128,
#: GS1 DataBar, GS1 DataMatrix, GS1 QR Code, ...).
SYMBOLOGY_IDENTIFIERS = ("]C1", "]e0", "]d2", "]Q3", "]J1")
#: The application identifiers read here.
AI_GTIN = "01"
AI_SERIAL = "21"

_BRACKETED = re.compile(r"(?:\(\d{2,4}\)[^()]*)+")
_BRACKETED_ELEMENT = re.compile(r"\((\d{2,4})\)([^()]*)")


def looks_like_gs1(item, gtin=None):
    """Whether a pasted item is a GS1 code rather than a serial: in the
    human-readable form (every part an application identifier in brackets
    followed by its value), raw with a group separator or a symbology
    identifier, or raw starting with AI 01 and ``gtin`` (the product's own
    barcode) followed by more. Other runs of digits are taken as serials:
    ``0109506000134352`` may as well be one."""
    item = item.strip()
    own_gtin = gtin and gtin.isdigit() and f"{AI_GTIN}{gtin.zfill(14)}"
    return bool(
        _BRACKETED.fullmatch(item)
        or GROUP_SEPARATOR in item
        or item.startswith(SYMBOLOGY_IDENTIFIERS)
        or (own_gtin and item.startswith(own_gtin) and len(item) > len(own_gtin))
    )


def gs1_raw_form(item):
    """The code as a scanner transmits it: ``(01)0950...(21)SN-0001`` becomes
    ``010950...21SN-0001<GS>``; a raw code is returned trimmed."""
    item = item.strip()
    if not _BRACKETED.fullmatch(item):
        return item
    return "".join(
        f"{ai}{value.strip()}{GROUP_SEPARATOR}"
        for ai, value in _BRACKETED_ELEMENT.findall(item)
    )


def same_gtin(gtin, barcode):
    """Whether a GTIN read from AI 01 (14 digits) is a product's barcode,
    which may be kept as an EAN-13, a UPC-A or a GTIN-14."""
    if not gtin or not barcode or not barcode.isdigit():
        return False
    return gtin.zfill(14) == barcode.zfill(14)

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Auto-numbering formats: literal text plus tokens in ``[[ ]]``.

Exactly one ``[[INCNUM,reset,digits,start]]``: reset NONE, DAILY, MONTHLY or
YEARLY; digits, the zero padding, 1 to 12; start, optional, 0 to 999999999,
default 1. Any of ``[[DATE]]`` (YYYY-MM-DD), ``[[YEAR]]``, ``[[YY]]``,
``[[MONTH]]``, ``[[DAY]]`` (two digits each) and ``[[REF]]`` (the product's
internal reference). Token names and resets ignore case and spaces.

The ORM keeps one counter per product, reset period and text around the
number (see :class:`RenderedParts`) and calls :func:`format_serial`.
"""

import re
import unicodedata
from dataclasses import dataclass

from odoo.tools.translate import LazyTranslate

from .serial_errors import SerialInputError
from .serial_text import FORMULA_PREFIXES, MAX_SERIAL_LENGTH, normalize_serial

_lt = LazyTranslate(__name__)
# Plain Python without an environment: messages are lazy translations (_lt),
# put in the user's language by the caller (SerialInputError.localized).
# pylint: disable=prefer-env-translation

RESETS = ("NONE", "DAILY", "MONTHLY", "YEARLY")
#: Date tokens and how many characters each gives.
# f-strings rather than strftime, which does not pad years below 1000 on Linux
DATE_TOKENS = {
    "DATE": (lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}", 10),
    "YEAR": (lambda day: f"{day.year:04d}", 4),
    "YY": (lambda day: f"{day.year % 100:02d}", 2),
    "MONTH": (lambda day: f"{day.month:02d}", 2),
    "DAY": (lambda day: f"{day.day:02d}", 2),
}
OTHER_TOKENS = ("REF",)
MAX_DIGITS = 12
#: The counter is stored in a 32-bit database column.
MAX_START = 999_999_999
#: The counter's column holds numbers of up to 32 digits.
MAX_COUNTER = 10**32 - 1
#: Odoo's own sequence codes (``ir.sequence`` prefixes and suffixes) that a
#: format has a token for; the others (day of the year, week, hour...) have none.
ODOO_SEQUENCE_CODES = {"year": "YEAR", "y": "YY", "month": "MONTH", "day": "DAY"}
_ODOO_CODE = re.compile(r"%\(([a-z_0-9]*)\)s|%%|%")
#: Odoo's zero padding of the sequences its Custom Lot/Serial field creates.
ODOO_SERIAL_PADDING = 7
_TOKEN = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_PERIOD_KEYS = {
    "NONE": lambda day: "",
    "DAILY": lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
    "MONTHLY": lambda day: f"{day.year:04d}-{day.month:02d}",
    "YEARLY": lambda day: f"{day.year:04d}",
}
_ALLOWED = (
    "[[INCNUM,reset,digits,start]], [[DATE]], [[YEAR]], [[YY]], [[MONTH]], [[DAY]], "
    "[[REF]]"
)


@dataclass(frozen=True)
class RenderedParts:
    """A format rendered for one day and product: the counter is kept per
    (product, ``period_key``, ``prefix``, ``suffix``)."""

    prefix: str  # text before the number
    suffix: str  # text after the number
    period_key: (
        str  # '' (NONE), 'YYYY-MM-DD' (DAILY), 'YYYY-MM' (MONTHLY), 'YYYY' (YEARLY)
    )
    digits: int
    start: int


@dataclass(frozen=True)
class SerialFormat:
    text: str
    # ("text", literal) and (token name, None) pieces before and after the counter
    before: tuple
    after: tuple
    reset: str
    digits: int
    start: int

    def render_parts(self, day, ref=""):
        """Render the text around the counter for ``day`` (a date) and the
        product's internal reference ``ref``."""
        ref = unicodedata.normalize("NFC", ref or "").strip()
        parts = RenderedParts(
            self._render(self.before, day, ref),
            self._render(self.after, day, ref),
            _PERIOD_KEYS[self.reset](day),
            self.digits,
            self.start,
        )
        length = len(parts.prefix) + len(parts.suffix) + parts.digits
        if length > MAX_SERIAL_LENGTH:
            raise SerialInputError(
                _lt(
                    "With the internal reference %(ref)s, the format %(format)s gives "
                    "serials of %(length)s characters; the maximum is %(max)s. Shorten "
                    "the reference or the format.",
                    ref=ref,
                    format=self.text,
                    length=length,
                    max=MAX_SERIAL_LENGTH,
                )
            )
        sample = format_serial(parts, parts.start)
        if normalize_serial(sample) != sample:  # refuses control characters, formulas
            raise SerialInputError(
                _lt(
                    "The format %(format)s gives serials such as %(serial)r, which "
                    "would change when saved; check the internal reference.",
                    format=self.text,
                    serial=sample,
                )
            )
        return parts

    def _render(self, pieces, day, ref):
        out = []
        for kind, value in pieces:
            if kind == "text":
                out.append(value)
            elif kind == "REF":
                if not ref:
                    raise SerialInputError(
                        _lt(
                            "The format %(format)s uses [[REF]] but the product has no "
                            "internal reference; set one on the product or remove "
                            "[[REF]].",
                            format=self.text,
                        )
                    )
                out.append(ref)
            else:
                out.append(DATE_TOKENS[kind][0](day))
        return "".join(out)


def parse_format(text):
    """Parse and validate a format; a refusal quotes the offending token and
    says what is allowed."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        raise SerialInputError(
            _lt(
                "The serial number format is empty; write one such as "
                "SN-[[INCNUM,NONE,6]]."
            )
        )
    if text.startswith(FORMULA_PREFIXES):
        raise SerialInputError(
            _lt(
                "The format %(format)s starts with %(char)s, which spreadsheets run as "
                "a formula; serial numbers cannot start with =, +, - or @.",
                format=text,
                char=text[0],
            )
        )
    pieces, counters = [], []
    position = 0
    for match in _TOKEN.finditer(text):
        _add_literal(pieces, text, text[position : match.start()])
        position = match.end()
        token = match.group(0)
        args = [arg.strip() for arg in match.group(1).split(",")]
        name = args[0].upper()
        if name == "INCNUM":
            counters.append((token, *_parse_incnum(token, args[1:])))
            pieces.append(("INCNUM", None))
        elif name in DATE_TOKENS or name in OTHER_TOKENS:
            if len(args) > 1:
                raise SerialInputError(
                    _lt(
                        "%(token)s takes no arguments; write [[%(name)s]].",
                        token=token,
                        name=name,
                    )
                )
            pieces.append((name, None))
        else:
            raise SerialInputError(
                _lt(
                    "Unknown token %(token)s. Allowed tokens: %(allowed)s.",
                    token=token,
                    allowed=_ALLOWED,
                )
            )
    _add_literal(pieces, text, text[position:])
    if len(counters) != 1:
        raise SerialInputError(
            _lt(
                "A format needs exactly one [[INCNUM,reset,digits]] token; %(format)s "
                "has %(count)s.",
                format=text,
                count=len(counters),
            )
        )
    _token, reset, digits, start = counters[0]
    split = next(i for i, piece in enumerate(pieces) if piece[0] == "INCNUM")
    before, after = tuple(pieces[:split]), tuple(pieces[split + 1 :])
    if reset != "NONE" and not any(
        kind in DATE_TOKENS for kind, _value in before + after
    ):
        raise SerialInputError(
            _lt(
                "The format %(format)s resets its number %(reset)s but has no date in "
                "its text, so it would repeat the same serials after each reset; add a "
                "date token such as [[DATE]] or use reset NONE.",
                format=text,
                reset=reset,
            )
        )
    # [[REF]] is checked when rendered, as the reference is only known then
    length = digits + sum(
        len(value)
        if kind == "text"
        else DATE_TOKENS[kind][1]
        if kind in DATE_TOKENS
        else 0
        for kind, value in before + after
    )
    if length > MAX_SERIAL_LENGTH:
        raise SerialInputError(
            _lt(
                "The format %(format)s gives serials of %(length)s characters or more; "
                "the maximum is %(max)s.",
                format=text,
                length=length,
                max=MAX_SERIAL_LENGTH,
            )
        )
    return SerialFormat(text, before, after, reset, digits, start)


def _add_literal(pieces, text, literal):
    if not literal:
        return
    opening, closing = literal.find("[["), literal.find("]]")
    if opening >= 0:
        raise SerialInputError(
            _lt(
                "The format %(format)s has an unclosed [[ at %(fragment)s; every token "
                "is written [[NAME]].",
                format=text,
                fragment=literal[opening : opening + 30],
            )
        )
    if closing >= 0:
        raise SerialInputError(
            _lt(
                "The format %(format)s has a stray ]] after %(fragment)s; every token "
                "is written [[NAME]].",
                format=text,
                fragment=literal[max(closing - 28, 0) : closing + 2],
            )
        )
    for char in literal:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise SerialInputError(
                _lt(
                    "The format %(format)s contains an invisible or control character "
                    "(%(code)s); retype it.",
                    format=text.encode("unicode_escape").decode(),
                    code=f"U+{ord(char):04X}",
                )
            )
    pieces.append(("text", literal))


def _parse_incnum(token, args):
    if not 2 <= len(args) <= 3:
        raise SerialInputError(
            _lt(
                "%(token)s: write [[INCNUM,reset,digits]] or "
                "[[INCNUM,reset,digits,start]], "
                "for example [[INCNUM,DAILY,4,1]].",
                token=token,
            )
        )
    reset = args[0].upper()
    if reset not in RESETS:
        raise SerialInputError(
            _lt(
                "%(token)s: the reset %(reset)s is unknown; use NONE, DAILY, MONTHLY "
                "or YEARLY.",
                token=token,
                reset=args[0] or "''",
            )
        )
    digits = args[1]
    if (
        not (digits.isascii() and digits.isdigit())
        or not 1 <= int(digits) <= MAX_DIGITS
    ):
        raise SerialInputError(
            _lt(
                "%(token)s: digits (the zero padding) must be a whole number from 1 to "
                "%(max)s.",
                token=token,
                max=MAX_DIGITS,
            )
        )
    start = 1
    if len(args) == 3:
        text = args[2]
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_START:
            raise SerialInputError(
                _lt(
                    "%(token)s: start must be a whole number from 0 to %(max)s.",
                    token=token,
                    max=MAX_START,
                )
            )
        start = int(text)
    return reset, int(digits), start


def format_serial(parts, number):
    """The serial carrying counter ``number``: prefix + number zero-padded to
    ``digits`` + suffix (a number longer than ``digits`` widens)."""
    return f"{parts.prefix}{number:0{parts.digits}d}{parts.suffix}"


def last_number(parts):
    """The largest number a rendered format can give: a number widens past its
    digits, but a serial has at most MAX_SERIAL_LENGTH characters and the
    counter at most 32 digits. Past it the format is exhausted."""
    room = MAX_SERIAL_LENGTH - len(parts.prefix) - len(parts.suffix)
    return min(10**room - 1, MAX_COUNTER)


def format_from_odoo_sequence(prefix, suffix, padding, next_number):
    """The format giving the serials Odoo's sequence (its Custom Lot/Serial)
    gives next: its prefix and suffix as text, their %(year)s, %(y)s,
    %(month)s and %(day)s as tokens, its padding as the digits and its next
    number as the start. Refused, with the reason, when the sequence uses a
    code no token stands for or text a format cannot hold."""
    pieces = []
    for text in (prefix or "", suffix or ""):
        converted, position = [], 0
        for match in _ODOO_CODE.finditer(text):
            converted.append(text[position : match.start()])
            position = match.end()
            code = match.group(1)
            if match.group(0) == "%%":
                converted.append("%")
            elif code in ODOO_SEQUENCE_CODES:
                converted.append(f"[[{ODOO_SEQUENCE_CODES[code]}]]")
            else:
                raise SerialInputError(
                    _lt(
                        "The Custom Lot/Serial %(text)s uses %(code)s, which a serial "
                        "number format has no token for; write the format yourself.",
                        text=text,
                        code=match.group(0),
                    )
                )
        converted.append(text[position:])
        for literal in converted[::2]:
            if "[[" in literal or "]]" in literal:
                raise SerialInputError(
                    _lt(
                        "The Custom Lot/Serial %(text)s contains [[ or ]], which a "
                        "serial number format keeps for its tokens; write the format "
                        "yourself.",
                        text=text,
                    )
                )
        pieces.append("".join(converted))
    digits = max(int(padding or 0), 1)
    start = max(int(next_number or 1), 1)
    if digits > MAX_DIGITS or start > MAX_START:
        raise SerialInputError(
            _lt(
                "The Custom Lot/Serial %(text)s counts with %(digits)s digits from "
                "%(start)s; a serial number format counts with at most %(max_digits)s "
                "digits from at most %(max_start)s. Write the format yourself.",
                text=(prefix or "") + (suffix or ""),
                digits=digits,
                start=start,
                max_digits=MAX_DIGITS,
                max_start=MAX_START,
            )
        )
    incnum = (
        f"[[INCNUM,NONE,{digits},{start}]]"
        if start > 1
        else f"[[INCNUM,NONE,{digits}]]"
    )
    text = f"{pieces[0]}{incnum}{pieces[1]}"
    parse_format(text)
    return text


def counter_pattern(parts):
    """A function giving the counter number an existing serial carries under
    ``parts``, or None when :func:`format_serial` could not have produced it
    (other text around the number, too few digits, extra leading zeros)."""
    digits = parts.digits
    regex = re.compile(
        re.escape(parts.prefix)
        + rf"([0-9]{{{digits}}}|[1-9][0-9]{{{digits},}})"
        + re.escape(parts.suffix)
    )

    def number_of(name):
        match = regex.fullmatch(name or "")
        return int(match.group(1)) if match else None

    return number_of


def preview(serial_format, day, ref, next_number, count=3):
    """The next ``count`` serials a format (text or :class:`SerialFormat`)
    would give from ``next_number``."""
    if isinstance(serial_format, str):
        serial_format = parse_format(serial_format)
    parts = serial_format.render_parts(day, ref)
    return [format_serial(parts, next_number + offset) for offset in range(count)]

"""Auto-numbering formats: literal text plus tokens in ``[[ ]]``.

Exactly one ``[[INCNUM,reset,digits,start]]`` (reset NONE, DAILY, MONTHLY or
YEARLY; digits, the zero padding, 1 to 12; start, default 1) and any of the
tokens ``[[DATE]]`` (YYYY-MM-DD), ``[[YEAR]]``, ``[[YY]]``, ``[[MONTH]]``,
``[[DAY]]`` and ``[[REF]]`` (the product's internal reference).

The ORM keeps one counter per product, reset period and text around the
number (see :class:`RenderedParts`), and calls :func:`format_serial`.
"""

import re
import unicodedata
from dataclasses import dataclass

from .serial_errors import SerialInputError, _lt
from .serial_text import FORMULA_PREFIXES, MAX_SERIAL_LENGTH

RESETS = ("NONE", "DAILY", "MONTHLY", "YEARLY")
DATE_TOKENS = {
    "DATE": lambda day: day.strftime("%Y-%m-%d"),
    "YEAR": lambda day: f"{day.year:04d}",
    "YY": lambda day: f"{day.year % 100:02d}",
    "MONTH": lambda day: f"{day.month:02d}",
    "DAY": lambda day: f"{day.day:02d}",
}
OTHER_TOKENS = ("REF",)
MAX_DIGITS = 12
_TOKEN = re.compile(r"\[\[(.*?)\]\]")


@dataclass(frozen=True)
class RenderedParts:
    prefix: str
    suffix: str
    period_key: str
    digits: int
    start: int


@dataclass(frozen=True)
class SerialFormat:
    text: str
    # literal text and (token, args) pieces before and after the counter
    before: tuple
    after: tuple
    reset: str
    digits: int
    start: int

    def render_parts(self, day, ref=""):
        def render(pieces):
            out = []
            for kind, value in pieces:
                if kind == "text":
                    out.append(value)
                elif kind == "REF":
                    if not ref:
                        raise SerialInputError(
                            _lt(
                                "The format uses [[REF]] but the product has no internal "
                                "reference; set one on the product."
                            )
                        )
                    out.append(ref)
                else:
                    out.append(DATE_TOKENS[kind](day))
            return "".join(out)

        period_key = {
            "NONE": "",
            "DAILY": day.strftime("%Y-%m-%d"),
            "MONTHLY": day.strftime("%Y-%m"),
            "YEARLY": day.strftime("%Y"),
        }[self.reset]
        return RenderedParts(render(self.before), render(self.after), period_key,
                             self.digits, self.start)


def _bad(message):
    return SerialInputError(message)


def parse_format(text):
    """Parse and validate a format; a refusal names the offending token."""
    if not text or not text.strip():
        raise _bad(_lt("The serial number format is empty; for example SN-[[INCNUM,NONE,6]]."))
    text = text.strip()
    if text.startswith(FORMULA_PREFIXES):
        raise _bad(
            _lt(
                "The format %(format)s starts with %(char)s, which spreadsheets run as a "
                "formula; serial numbers cannot start with =, +, - or @.",
                format=text,
                char=text[0],
            )
        )
    pieces, counters = [], []
    position = 0
    for match in _TOKEN.finditer(text):
        literal = text[position:match.start()]
        _check_literal(literal, text)
        if literal:
            pieces.append(("text", literal))
        position = match.end()
        token = match.group(0)
        args = [arg.strip() for arg in match.group(1).split(",")]
        name = args[0].upper()
        if name == "INCNUM":
            counters.append(_parse_incnum(token, args[1:]))
            pieces.append(("INCNUM", None))
        elif name in DATE_TOKENS or name in OTHER_TOKENS:
            if len(args) > 1:
                raise _bad(_lt("%(token)s takes no arguments.", token=token))
            pieces.append((name, None))
        else:
            raise _bad(
                _lt(
                    "Unknown token %(token)s. Allowed: [[INCNUM,reset,digits,start]], "
                    "[[DATE]], [[YEAR]], [[YY]], [[MONTH]], [[DAY]], [[REF]].",
                    token=token,
                )
            )
    literal = text[position:]
    _check_literal(literal, text)
    if literal:
        pieces.append(("text", literal))
    if len(counters) != 1:
        raise _bad(
            _lt(
                "A format needs exactly one [[INCNUM,reset,digits]] token; %(format)s "
                "has %(count)s.",
                format=text,
                count=len(counters),
            )
        )
    reset, digits, start = counters[0]
    split = next(i for i, piece in enumerate(pieces) if piece[0] == "INCNUM")
    before, after = tuple(pieces[:split]), tuple(pieces[split + 1:])
    if reset != "NONE" and not any(kind in DATE_TOKENS for kind, _v in before + after):
        raise _bad(
            _lt(
                "The format %(format)s resets its number %(reset)s but has no date in "
                "its text, so it would give the same serials again after each reset; "
                "add a date token such as [[DATE]] or use reset NONE.",
                format=text,
                reset=reset,
            )
        )
    fixed = sum(len(value) for kind, value in before + after if kind == "text")
    dated = sum(10 for kind, _v in before + after if kind in DATE_TOKENS)
    if fixed + dated + digits > MAX_SERIAL_LENGTH:
        raise _bad(
            _lt(
                "The format %(format)s gives serials longer than %(max)s characters.",
                format=text,
                max=MAX_SERIAL_LENGTH,
            )
        )
    return SerialFormat(text, before, after, reset, digits, start)


def _check_literal(literal, text):
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in literal):
        raise _bad(
            _lt(
                "The format %(format)s contains an invisible or control character; "
                "retype it.",
                format=text.encode("unicode_escape").decode(),
            )
        )
    if "[[" in literal or "]]" in literal:
        raise _bad(
            _lt(
                "The format %(format)s has an unclosed [[ or a stray ]]; every token is "
                "written [[NAME]].",
                format=text,
            )
        )


def _parse_incnum(token, args):
    if not 2 <= len(args) <= 3:
        raise _bad(
            _lt(
                "%(token)s: write [[INCNUM,reset,digits]] or [[INCNUM,reset,digits,start]], "
                "for example [[INCNUM,DAILY,4,1]].",
                token=token,
            )
        )
    reset = args[0].upper()
    if reset not in RESETS:
        raise _bad(
            _lt(
                "%(token)s: the reset %(reset)s is unknown; use NONE, DAILY, MONTHLY or "
                "YEARLY.",
                token=token,
                reset=args[0],
            )
        )
    if not re.fullmatch(r"[0-9]+", args[1]) or not 1 <= int(args[1]) <= MAX_DIGITS:
        raise _bad(
            _lt(
                "%(token)s: digits must be a whole number from 1 to %(max)s.",
                token=token,
                max=MAX_DIGITS,
            )
        )
    start = 1
    if len(args) == 3:
        if not re.fullmatch(r"[0-9]{1,9}", args[2]):
            raise _bad(
                _lt("%(token)s: start must be a whole number of 0 or more.", token=token)
            )
        start = int(args[2])
    return reset, int(args[1]), start


def format_serial(parts, number):
    return f"{parts.prefix}{number:0{parts.digits}d}{parts.suffix}"


def counter_pattern(parts):
    """A function giving the counter number an existing serial carries under
    ``parts`` (None when it does not match the format)."""
    regex = re.compile(re.escape(parts.prefix) + r"([0-9]+)" + re.escape(parts.suffix))

    def number_of(name):
        match = regex.fullmatch(name)
        return int(match.group(1)) if match else None

    return number_of


def preview(serial_format, day, ref, next_number, count=3):
    parts = serial_format.render_parts(day, ref)
    return [format_serial(parts, next_number + offset) for offset in range(count)]

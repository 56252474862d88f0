"""Pasted or scanned serial lists, spans, generation and collapsed display."""

import re
import unicodedata
from dataclasses import dataclass

from .serial_errors import SerialInputError, _lt

#: Serials one entry (a paste, a span, a file) may hold.
MAX_SERIALS_PER_ENTRY = 100_000
#: Longest serial number accepted, in characters.
MAX_SERIAL_LENGTH = 64
#: A serial starting with one of these would run as a formula in a spreadsheet
#: that opens an exported list.
FORMULA_PREFIXES = ("=", "+", "-", "@")

_SEPARATORS = re.compile(r"[\r\n,;\t]+")
_NUMERIC_SPAN = re.compile(r"^([0-9]+)\s*-\s*([0-9]+)$")
_LAST_NUMBER = re.compile(r"^(.*?)([0-9]+)([^0-9]*)$")


def normalize_serial(value):
    """Return ``value`` as a serial: surrounding white space (Unicode spaces
    included) removed, NFC-normalised. Unicode look-alikes (a Cyrillic "А" for a
    Latin "A") are kept as typed: they are different serials. Control and format
    characters, line breaks inside the value, a leading formula character
    (FORMULA_PREFIXES) and values longer than MAX_SERIAL_LENGTH are refused.
    A blank value gives ''."""
    value = unicodedata.normalize("NFC", str(value)).strip()
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise SerialInputError(
                _lt(
                    "Serial number %(serial)r contains an invisible or control "
                    "character (%(code)s); retype it or fix the source list.",
                    serial=value[:MAX_SERIAL_LENGTH],
                    code=f"U+{ord(char):04X}",
                )
            )
    if value.startswith(FORMULA_PREFIXES):
        raise SerialInputError(
            _lt(
                "Serial number %(serial)s starts with %(char)s, which spreadsheets run as "
                "a formula; serial numbers cannot start with =, +, - or @.",
                serial=value[:MAX_SERIAL_LENGTH],
                char=value[0],
            )
        )
    if len(value) > MAX_SERIAL_LENGTH:
        raise SerialInputError(
            _lt(
                "Serial number %(serial)s… is %(length)s characters long; the maximum "
                "is %(max)s.",
                serial=value[:20],
                length=len(value),
                max=MAX_SERIAL_LENGTH,
            )
        )
    return value


@dataclass(frozen=True)
class ParsedSerials:
    serials: list  # distinct serials, in the order first seen
    duplicates: list  # values given more than once, each once
    duplicate_count: int  # extra occurrences dropped


def _check_cap(count):
    if count > MAX_SERIALS_PER_ENTRY:
        raise SerialInputError(
            _lt(
                "This entry gives %(count)s serial numbers; one entry holds at most "
                "%(max)s. Split it into several entries.",
                count=count,
                max=MAX_SERIALS_PER_ENTRY,
            )
        )


def _split_number(value):
    match = _LAST_NUMBER.match(value)
    if not match:
        return None
    return match.group(1), match.group(2), match.group(3)


def expand_span(item):
    """Expand one item: a numeric span ``1000-1234``, a span ``SN-0001..SN-0250``
    (or ``SN-0001..0250``), or a plain serial (returned alone)."""
    numeric = _NUMERIC_SPAN.match(item)
    if numeric:
        first, last = numeric.groups()
        return _span_numbers("", first, last, "", item)
    if ".." not in item:
        return [normalize_serial(item)]
    first, _sep, last = (part.strip() for part in item.partition(".."))
    first_parts = _split_number(first)
    if not first_parts or not last or ".." in last:
        raise SerialInputError(
            _lt(
                "%(item)s is not a valid span: write the first and last serial "
                "around two dots, for example SN-0001..SN-0250.",
                item=item,
            )
        )
    prefix, first_digits, suffix = first_parts
    if re.fullmatch(r"[0-9]+", last):
        last_digits = last
    else:
        last_parts = _split_number(last)
        if not last_parts or (last_parts[0], last_parts[2]) != (prefix, suffix):
            raise SerialInputError(
                _lt(
                    "The span %(item)s mixes different serials: %(first)s and %(last)s "
                    "must differ only in their last number.",
                    item=item,
                    first=first,
                    last=last,
                )
            )
        last_digits = last_parts[1]
    return _span_numbers(prefix, first_digits, last_digits, suffix, item)


def _span_numbers(prefix, first_digits, last_digits, suffix, item):
    first, last = int(first_digits), int(last_digits)
    if last < first:
        raise SerialInputError(
            _lt(
                "The span %(item)s is reversed: its first serial must be lower than "
                "its last.",
                item=item,
            )
        )
    _check_cap(last - first + 1)
    width = len(first_digits)
    serials = [f"{prefix}{number:0{width}d}{suffix}" for number in range(first, last + 1)]
    if serials:
        normalize_serial(serials[0])
        normalize_serial(serials[-1])
    return serials


def parse_serial_text(text):
    """Pasted or scanned text to serials. Separators: line breaks, commas,
    semicolons and tabs; items are trimmed, empty ones ignored, spans
    expanded, and duplicates dropped and reported."""
    serials, seen, repeated = [], set(), {}
    duplicate_count = 0
    for raw in _SEPARATORS.split(text or ""):
        item = raw.strip()
        if not item:
            continue
        for serial in expand_span(item):
            if not serial:
                continue
            if serial in seen:
                duplicate_count += 1
                repeated.setdefault(serial, None)
            else:
                seen.add(serial)
                serials.append(serial)
        _check_cap(len(serials) + duplicate_count)
    return ParsedSerials(serials, list(repeated), duplicate_count)


def generate_serials(prefix="", start=1, count=None, end=None, padding=0, suffix=""):
    """``prefix`` + number zero-padded to ``padding`` digits + ``suffix``, for
    ``count`` numbers from ``start`` (or up to ``end``). Numbers widen past the
    padding; they never wrap or truncate."""
    for name, value in (("start", start), ("padding", padding)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SerialInputError(
                _lt("%(field)s must be a whole number of 0 or more.", field=name)
            )
    if (count is None) == (end is None):
        raise SerialInputError(_lt("Give either how many serials or the last number."))
    if end is not None:
        if not isinstance(end, int) or end < start:
            raise SerialInputError(
                _lt("The last number (%(end)s) is lower than the start.", end=end)
            )
        count = end - start + 1
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise SerialInputError(_lt("Say how many serials to generate (1 or more)."))
    if padding > MAX_SERIAL_LENGTH:
        raise SerialInputError(
            _lt("Digits can be at most %(max)s.", max=MAX_SERIAL_LENGTH)
        )
    _check_cap(count)
    prefix, suffix = prefix or "", suffix or ""
    serials = [f"{prefix}{number:0{padding}d}{suffix}" for number in range(start, start + count)]
    normalize_serial(serials[0])
    normalize_serial(serials[-1])
    return serials


@dataclass(frozen=True)
class SerialRange:
    first: str
    last: str
    count: int
    prefix: str = ""
    start: int = 0
    width: int = 0
    suffix: str = ""

    def __str__(self):
        if self.count == 1:
            return self.first
        return f"{self.first} – {self.last} ({self.count})"

    def expand(self):
        if self.count == 1:
            return [self.first]
        return [
            f"{self.prefix}{number:0{self.width}d}{self.suffix}"
            for number in range(self.start, self.start + self.count)
        ]


def collapse_serials(serials):
    """Group consecutive serials (same prefix, suffix and digit count, number
    +1) into ranges, keeping the given order."""
    ranges = []
    run = None  # [prefix, start, width, suffix, count, first]
    for serial in serials:
        parts = _split_number(serial)
        if parts:
            prefix, digits, suffix = parts
            number, width = int(digits), len(digits)
            if (
                run
                and (run[0], run[2], run[3]) == (prefix, width, suffix)
                and number == run[1] + run[4]
                and len(str(number)) <= width
            ):
                run[4] += 1
                continue
        if run:
            ranges.append(_close_run(run))
        run = [parts[0], int(parts[1]), len(parts[1]), parts[2], 1, serial] if parts else None
        if not parts:
            ranges.append(SerialRange(serial, serial, 1))
    if run:
        ranges.append(_close_run(run))
    return ranges


def _close_run(run):
    prefix, start, width, suffix, count, first = run
    last = f"{prefix}{start + count - 1:0{width}d}{suffix}"
    return SerialRange(first, last, count, prefix, start, width, suffix)


def expand_ranges(ranges):
    serials = []
    for serial_range in ranges:
        serials.extend(serial_range.expand())
    return serials


def format_collapsed(serials, limit=None):
    """``SN-0001 – SN-0010 (10), SN-0042``; with ``limit``, at most that many
    ranges and ``… (+N more)``."""
    ranges = collapse_serials(serials)
    shown = ranges if limit is None else ranges[:limit]
    text = ", ".join(str(serial_range) for serial_range in shown)
    if len(ranges) > len(shown):
        text += f", … (+{len(ranges) - len(shown)} more)"
    return text

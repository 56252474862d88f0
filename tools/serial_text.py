# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pasted or scanned serial lists, spans, generation and collapsed display."""

import re
import unicodedata
from dataclasses import dataclass

from odoo.tools.translate import LazyTranslate

from .serial_errors import SerialInputError

_lt = LazyTranslate(__name__)
# Plain Python without an environment: messages are lazy translations (_lt),
# put in the user's language by the caller (SerialInputError.localized).
# pylint: disable=prefer-env-translation

#: Serials one entry (a paste, a span, a generation, a file) may hold, counted
#: after spans are expanded and before repeats are dropped.
MAX_SERIALS_PER_ENTRY = 100_000
#: Longest serial number accepted, in characters (after trimming).
MAX_SERIAL_LENGTH = 64
#: A serial starting with one of these would run as a formula in a spreadsheet
#: that opens an exported list (CSV injection), so none may start with them.
FORMULA_PREFIXES = ("=", "+", "-", "@")

_SEPARATORS = re.compile(r"[\r\n,;\t]+")
_NUMERIC_SPAN = re.compile(r"([0-9]+)\s*-\s*([0-9]+)")
_DIGITS = "0123456789"
# Unicode categories refused inside a serial: controls (tabs, line feeds...),
# invisible format characters (zero-width space, BOM, bidi marks) and line or
# paragraph separators.
_REFUSED_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp"))
# Longer digit runs are not treated as counters: Python refuses to convert
# integers of thousands of digits, and no real counter is that long.
_MAX_COUNTER_DIGITS = MAX_SERIAL_LENGTH


def normalize_serial(value):
    """Return ``value`` as a serial, or '' when it is blank.

    Surrounding white space (Unicode spaces and no-break spaces included) is
    removed and the text is NFC-normalised, so an accent typed as one or two
    code points gives the same serial. Unicode look-alikes (a Cyrillic "А" for
    a Latin "A") are kept as typed: they are different serials. Refused with
    :class:`SerialInputError`: control and invisible format characters (tabs
    or line breaks inside the value, zero-width spaces), a leading formula
    character (:data:`FORMULA_PREFIXES`) and values longer than
    :data:`MAX_SERIAL_LENGTH`.
    """
    if value is None or value is False:
        return ""
    value = unicodedata.normalize("NFC", str(value)).strip()
    if len(value) > MAX_SERIAL_LENGTH:
        raise SerialInputError(
            _lt(
                "Serial number %(serial)s… is %(length)s characters long; the maximum "
                "is %(max)s. Check that several serials are not stuck together.",
                serial=value[:20],
                length=len(value),
                max=MAX_SERIAL_LENGTH,
            )
        )
    for char in value:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise SerialInputError(
                _lt(
                    "Serial number %(serial)r contains an invisible or control "
                    "character (%(code)s); retype it or fix the source list.",
                    serial=value,
                    code=f"U+{ord(char):04X}",
                )
            )
    if value.startswith(FORMULA_PREFIXES):
        raise SerialInputError(
            _lt(
                "Serial number %(serial)s starts with %(char)s, which spreadsheets run "
                "as a formula; serial numbers cannot start with =, +, - or @.",
                serial=value,
                char=value[0],
            )
        )
    return value


@dataclass(frozen=True)
class ParsedSerials:
    serials: list  # distinct serials, in the order first seen
    duplicates: list  # values given more than once, each once, in order
    duplicate_count: int  # extra occurrences dropped
    spans: list  # (item, serial count) of each item read as a span, in order


@dataclass(frozen=True)
class _Span:
    """A validated span, counted without being expanded."""

    prefix: str
    first: int
    last: int
    width: int
    suffix: str

    @property
    def count(self):
        return self.last - self.first + 1

    def expand(self):
        prefix, width, suffix = self.prefix, self.width, self.suffix
        return [
            f"{prefix}{number:0{width}d}{suffix}"
            for number in range(self.first, self.last + 1)
        ]


def split_last_number(value):
    """``(prefix, digits, suffix)`` around the last run of ASCII digits, or
    None when ``value`` has no digit."""
    # str methods keep this linear (a regex would backtrack on long digit runs)
    end = max(map(value.rfind, _DIGITS)) + 1
    if not end:
        return None
    start = len(value[:end].rstrip(_DIGITS))
    return value[:start], value[start:end], value[end:]


def _too_many(count):
    return SerialInputError(
        _lt(
            "This entry gives %(count)s serial numbers (spans expanded, repeats "
            "included); one entry holds at most %(max)s. Split it into several "
            "entries.",
            count=count,
            max=MAX_SERIALS_PER_ENTRY,
        )
    )


def _invalid_span(item):
    return SerialInputError(
        _lt(
            "%(item)s is not a valid span: write the first and last serial around two "
            "dots, for example SN-0001..SN-0250 or SN-0001..0250.",
            item=item,
        )
    )


def _make_span(item, prefix, first_digits, last_digits, suffix):
    if max(len(first_digits), len(last_digits)) > _MAX_COUNTER_DIGITS:
        raise _invalid_span(item)
    span = _Span(prefix, int(first_digits), int(last_digits), len(first_digits), suffix)
    if span.last < span.first:
        raise SerialInputError(
            _lt(
                "The span %(item)s is reversed: the first serial must be lower than "
                "the last.",
                item=item,
            )
        )
    if span.count > MAX_SERIALS_PER_ENTRY:
        raise SerialInputError(
            _lt(
                "The span %(item)s gives %(count)s serial numbers; one entry holds at "
                "most %(max)s. Split it into smaller spans.",
                item=item,
                count=span.count,
                max=MAX_SERIALS_PER_ENTRY,
            )
        )
    # the ends bound every serial of the span: the last is the longest, and the
    # prefix and suffix are the same for all
    for end in (
        f"{prefix}{span.first:0{span.width}d}{suffix}",
        f"{prefix}{span.last:0{span.width}d}{suffix}",
    ):
        if normalize_serial(end) != end:
            raise _invalid_span(item)
    return span


def parse_item(item):
    """One trimmed, non-empty item as a plain serial (str) or a span.

    Spans: ``1000-1234`` (digits, hyphen, digits and nothing else; the width
    of the first number gives the zero padding, ``0001-0250``), and
    ``SN-0001..SN-0250`` or ``SN-0001..0250`` (the text around the last
    number must be the same at both ends; the first end's digits give the
    padding). Other items holding ``..`` are refused; ``SN-2024-0001`` is a
    plain serial.
    """
    numeric = _NUMERIC_SPAN.fullmatch(item)
    if numeric:
        first, last = numeric.groups()
        return _make_span(item, "", first, last, "")
    if ".." not in item:
        return normalize_serial(item)
    first, _dots, last = (part.strip() for part in item.partition(".."))
    first_parts = split_last_number(first)
    if not first_parts or not last or ".." in last:
        raise _invalid_span(item)
    prefix, first_digits, suffix = first_parts
    if last.isascii() and last.isdigit():
        return _make_span(item, prefix, first_digits, last, suffix)
    last_parts = split_last_number(last)
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
    return _make_span(item, prefix, first_digits, last_parts[1], suffix)


def parse_serial_text(text, spans=True):
    """Pasted or scanned text to serials.

    Separators: line breaks (``\\r\\n``, ``\\n``, ``\\r``), commas, semicolons
    and tabs. Items are trimmed, empty ones ignored; with ``spans``, spans are
    expanded (see :func:`parse_item`), without, every item is one serial as
    written (``2024-5000``, ``SN-1..SN-3``). Repeats are dropped and reported.
    More than :data:`MAX_SERIALS_PER_ENTRY` serials in all is refused, with the
    count.
    """
    return parse_serial_entries([(text, False)], spans)


def parse_serial_entries(entries, spans=True):
    """Pasted or scanned pieces to serials, in their order: each entry is
    ``(text, literal)``. Text is split and read as :func:`parse_serial_text`
    reads it; a literal is one serial as written, like a file's cell (the
    serial a GS1 code holds: ``2024-0001`` or ``AB,12`` are not spans nor
    lists there). Repeats are dropped and reported across all entries."""

    def items():
        read_text = parse_item if spans else normalize_serial
        for text, literal in entries:
            if literal:
                yield text, normalize_serial
                continue
            text = unicodedata.normalize("NFC", text or "")
            for raw in _SEPARATORS.split(text):
                yield raw.strip(), read_text

    return _collect(items())


def parse_serial_values(values):
    """Values read from a file (cells or lines) to serials: each value is one
    serial, normalised by :func:`normalize_serial`; never split, never read as
    a span, so ``2024-5000`` and ``A,B`` are serials as written. Blank values
    are skipped, repeats dropped and reported, and more than
    :data:`MAX_SERIALS_PER_ENTRY` values refused, as for pasted text."""
    return _collect((value, normalize_serial) for value in values)


def _collect(items):
    """The distinct serials ``read(item)`` gives for ``items``, pairs of
    ``(item, read)`` (``read`` giving a serial, a span, or '' for nothing),
    with the repeats and the spans read."""
    serials, seen, repeated, spans = [], set(), {}, []
    total = duplicate_count = 0
    for item, read in items:
        parsed = read(item) if item else ""
        if not parsed:
            continue
        is_span = isinstance(parsed, _Span)
        if is_span:
            spans.append((item, parsed.count))
        total += parsed.count if is_span else 1
        if total > MAX_SERIALS_PER_ENTRY:
            # keep validating and counting, without expanding, to report the total
            continue
        for serial in parsed.expand() if is_span else (parsed,):
            if serial in seen:
                duplicate_count += 1
                repeated[serial] = None
            else:
                seen.add(serial)
                serials.append(serial)
    if total > MAX_SERIALS_PER_ENTRY:
        raise _too_many(total)
    return ParsedSerials(serials, list(repeated), duplicate_count, spans)


def _whole_number(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def generate_serials(prefix="", start=1, count=None, end=None, padding=0, suffix=""):
    """``prefix`` + number zero-padded to ``padding`` digits + ``suffix``, for
    ``count`` numbers from ``start``, or from ``start`` to ``end`` (exactly one
    of the two). Numbers widen past the padding; they never wrap or truncate.
    """
    if not _whole_number(start, 0):
        raise SerialInputError(
            _lt(
                "The start number must be a whole number of 0 or more, not %(value)r.",
                value=start,
            )
        )
    if not _whole_number(padding, 0) or padding > MAX_SERIAL_LENGTH:
        raise SerialInputError(
            _lt(
                "The digits (zero padding) must be a whole number from 0 to %(max)s, "
                "not %(value)r.",
                max=MAX_SERIAL_LENGTH,
                value=padding,
            )
        )
    if (count is None) == (end is None):
        raise SerialInputError(
            _lt(
                "Give either how many serials to generate or the last number, not both."
            )
        )
    if end is not None:
        if not _whole_number(end, start):
            raise SerialInputError(
                _lt(
                    "The last number (%(end)r) must be a whole number not lower than "
                    "the start (%(start)s).",
                    end=end,
                    start=start,
                )
            )
        count = end - start + 1
    if not _whole_number(count, 1):
        raise SerialInputError(
            _lt(
                "Say how many serials to generate: a whole number of 1 or more, not "
                "%(value)r.",
                value=count,
            )
        )
    if count > MAX_SERIALS_PER_ENTRY:
        raise SerialInputError(
            _lt(
                "Generating %(count)s serial numbers is too many; one entry holds at "
                "most %(max)s. Generate them in several entries.",
                count=count,
                max=MAX_SERIALS_PER_ENTRY,
            )
        )
    prefix = unicodedata.normalize("NFC", prefix or "").lstrip()
    suffix = unicodedata.normalize("NFC", suffix or "").rstrip()
    span = _Span(prefix, start, start + count - 1, padding, suffix)
    for serial in (
        f"{prefix}{span.first:0{padding}d}{suffix}",
        f"{prefix}{span.last:0{padding}d}{suffix}",
    ):
        if normalize_serial(serial) != serial:
            raise SerialInputError(
                _lt(
                    "The prefix or suffix gives serials such as %(serial)r that change "
                    "when cleaned up; retype them.",
                    serial=serial,
                )
            )
    return span.expand()


@dataclass(frozen=True)
class SerialRange:
    """Consecutive serials: same prefix, suffix and digit count, number +1."""

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
        return _Span(
            self.prefix,
            self.start,
            self.start + self.count - 1,
            self.width,
            self.suffix,
        ).expand()


def collapse_serials(serials):
    """Group consecutive serials into :class:`SerialRange` objects, keeping
    the given order (nothing is sorted): ``A9, A10`` stay apart (the digit
    count changes), ``A09, A10`` form a range."""
    ranges = []
    run = None  # [prefix, width, suffix, start, count, first]
    for serial in serials:
        parts = split_last_number(serial)
        if parts and len(parts[1]) > _MAX_COUNTER_DIGITS:
            parts = None
        if parts:
            prefix, digits, suffix = parts
            number = int(digits)
            if (
                run
                and run[0] == prefix
                and run[1] == len(digits)
                and run[2] == suffix
                and number == run[3] + run[4]
            ):
                run[4] += 1
                continue
        if run:
            ranges.append(_close_run(run))
            run = None
        if parts:
            run = [prefix, len(digits), suffix, number, 1, serial]
        else:
            ranges.append(SerialRange(serial, serial, 1))
    if run:
        ranges.append(_close_run(run))
    return ranges


def _close_run(run):
    prefix, width, suffix, start, count, first = run
    last = first if count == 1 else f"{prefix}{start + count - 1:0{width}d}{suffix}"
    return SerialRange(first, last, count, prefix, start, width, suffix)


def expand_ranges(ranges):
    """The serials of ``ranges``, in order: the inverse of :func:`collapse_serials`."""
    serials = []
    for serial_range in ranges:
        serials.extend(serial_range.expand())
    return serials


def format_collapsed(serials, limit=None, more="… (+%(count)s more)"):
    """``SN-0001 – SN-0010 (10), SN-0042``; with ``limit``, at most that many
    ranges, then ``more`` (``… (+N more)``) for the ranges left out. Models
    pass ``more`` translated into the user's language."""
    ranges = collapse_serials(serials)
    shown = ranges if limit is None else ranges[: max(limit, 0)]
    pieces = [str(serial_range) for serial_range in shown]
    if len(ranges) > len(shown):
        pieces.append(more % {"count": len(ranges) - len(shown)})
    return ", ".join(pieces)

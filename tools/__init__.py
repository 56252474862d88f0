# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python serial number logic (no ORM): parsing, spans, generation,
collapsing into ranges, auto-numbering formats and file import, the
rules of a unit (statuses, history events, uniqueness key, warranty end), and
the context a document flow sets around the serials it writes."""

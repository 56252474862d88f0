"""Plain-Python serial number logic (no ORM): parsing, spans, generation,
collapsing into ranges, auto-numbering formats and file import."""

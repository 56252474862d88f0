"""Serial numbers from .xlsx, .csv and .txt files, as a person sees them."""

import codecs
import csv
import datetime
import io
import zipfile

from .serial_errors import SerialInputError, _lt

#: Largest file accepted.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most rows (or lines) read from one file.
MAX_FILE_ROWS = 200_000
#: Longest line of a text file.
MAX_LINE_BYTES = 1024 * 1024
HEADERS = {"serial", "serials", "serial number", "serial numbers", "serial no", "serial no."}
EXTENSIONS = (".xlsx", ".csv", ".txt")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_serial_file(filename, content):
    """Cell texts of a serial file, in file order, blanks skipped (not
    de-duplicated: parse them like pasted text)."""
    name = (filename or "").lower()
    extension = next((ext for ext in EXTENSIONS if name.endswith(ext)), None)
    if not extension:
        raise SerialInputError(
            _lt(
                "%(file)s is not a supported file; use .xlsx, .csv or .txt.",
                file=filename or "?",
            )
        )
    if not content:
        raise SerialInputError(_lt("%(file)s is empty.", file=filename))
    if len(content) > MAX_FILE_BYTES:
        raise SerialInputError(
            _lt(
                "%(file)s is %(size)s MB; the largest file accepted is %(max)s MB.",
                file=filename,
                size=round(len(content) / 1024 / 1024, 1),
                max=MAX_FILE_BYTES // 1024 // 1024,
            )
        )
    if extension == ".xlsx":
        values = _read_xlsx(filename, content)
    else:
        text = _decode(filename, content)
        values = _read_csv(filename, text) if extension == ".csv" else _read_txt(filename, text)
    if not values:
        raise SerialInputError(_lt("%(file)s holds no serial numbers.", file=filename))
    return values


def _too_many_rows(filename):
    return SerialInputError(
        _lt(
            "%(file)s has more than %(max)s rows; split it into smaller files.",
            file=filename,
            max=MAX_FILE_ROWS,
        )
    )


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _pick_column(rows_iter, filename):
    """Yield the serial column's values: the column headed "Serial" if the first
    non-empty row has one (that row is then skipped), else the first column."""
    column, header_seen = 0, False
    count = 0
    for row in rows_iter:
        count += 1
        if count > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        cells = [_cell_text(cell) for cell in row]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            lowered = [cell.lower() for cell in cells]
            match = next((i for i, cell in enumerate(lowered) if cell in HEADERS), None)
            if match is not None:
                column = match
                continue
        if column < len(cells) and cells[column]:
            yield cells[column]


def _read_xlsx(filename, content):
    import openpyxl  # noqa: PLC0415 (only needed for spreadsheets)

    if content.startswith(_OLE_MAGIC):
        raise SerialInputError(
            _lt(
                "%(file)s is password-protected or an old .xls workbook; save it "
                "without a password as .xlsx, or as .csv.",
                file=filename,
            )
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as error:
        raise SerialInputError(
            _lt(
                "%(file)s cannot be read as an .xlsx workbook (it is damaged or not "
                "an Excel file): save it again from your spreadsheet program.",
                file=filename,
            )
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return list(_pick_column(sheet.iter_rows(values_only=True), filename))
    except SerialInputError:
        raise
    except Exception as error:  # a truncated archive fails while streaming rows
        raise SerialInputError(
            _lt("%(file)s is damaged: its rows cannot be read.", file=filename)
        ) from error
    finally:
        workbook.close()


def _decode(filename, content):
    if b"\x00" in content and not content.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise SerialInputError(
            _lt("%(file)s looks binary (it contains NUL bytes), not a text file.", file=filename)
        )
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return content.decode(encoding)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import chardet  # noqa: PLC0415

    guess = chardet.detect(content[:65536]).get("encoding") or "cp1252"
    try:
        return content.decode(guess)
    except (UnicodeDecodeError, LookupError):
        return content.decode("cp1252", errors="replace")


def _check_lines(filename, text):
    lines = text.splitlines()
    if len(lines) > MAX_FILE_ROWS:
        raise _too_many_rows(filename)
    if any(len(line) > MAX_LINE_BYTES for line in lines):
        raise SerialInputError(
            _lt(
                "%(file)s has a line over 1 MB; put one serial (or a few) per line.",
                file=filename,
            )
        )
    return lines


def _read_csv(filename, text):
    lines = _check_lines(filename, text)
    sample = "\n".join(lines[:50])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(lines, delimiter=delimiter)
    return list(_pick_column(reader, filename))


def _read_txt(filename, text):
    from .serial_text import _SEPARATORS  # noqa: PLC0415

    values = []
    for line in _check_lines(filename, text):
        values.extend(item.strip() for item in _SEPARATORS.split(line) if item.strip())
    return values

# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Serial numbers from .xlsx, .csv and .txt files, as a person sees them.

.xlsx: the first sheet; .csv: delimiter (``, ; tab |``) and encoding detected
once from the start of the file; both take the column headed Serial (see
:data:`HEADERS`, looked for in the first non-empty row, which is then skipped)
or else the first column, and each cell is one value, never split. .txt:
each line, split on commas, semicolons and tabs. The caller reads every value
as one serial (:func:`~.serial_text.parse_serial_values`): a file is a list,
nothing in it is a span.
"""

import codecs
import contextlib
import csv
import datetime
import io
import logging
import zipfile

from odoo.tools.translate import LazyTranslate

from .serial_errors import SerialInputError
from .serial_text import _SEPARATORS

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)
# Plain Python without an environment: messages are lazy translations (_lt),
# put in the user's language by the caller (SerialInputError.localized).
# pylint: disable=prefer-env-translation

#: Largest file accepted, in bytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Most rows (spreadsheet rows, CSV records or text lines, blank ones
#: included) read from one file.
MAX_FILE_ROWS = 200_000
#: Longest line of a .csv or .txt file, in characters.
MAX_LINE_LENGTH = 1024 * 1024
#: Longest cell of a .csv file, in characters: below the csv module's
#: own default limit, so a file gives the same answer whether or not Odoo
#: raised that limit.
MAX_CELL_LENGTH = 100_000
#: Largest unpacked size of an .xlsx archive: guards against zip bombs.
MAX_XLSX_UNPACKED_BYTES = 512 * 1024 * 1024
#: Header texts (trimmed, any case) that mark the serial column.
HEADERS = frozenset(
    (
        "serial",
        "serials",
        "serial number",
        "serial numbers",
        "serial no",
        "serial no.",
        "serial_number",
        "lot/serial number",
    )
)
EXTENSIONS = (".xlsx", ".csv", ".txt")
# Password-protected .xlsx files and old .xls workbooks are OLE2 compound files.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_CHARS = 64 * 1024


def read_serial_file(filename, content):
    """Cell texts of a serial file, in file order, empty cells skipped, not
    de-duplicated (the caller reads each as one serial). Refuses with
    :class:`SerialInputError` what it cannot read, saying why."""
    filename = filename or ""
    name = filename.lower().strip()
    extension = next((ext for ext in EXTENSIONS if name.endswith(ext)), None)
    if not extension:
        raise SerialInputError(
            _lt(
                "%(file)s is not a supported file; import an Excel workbook (.xlsx), a "
                ".csv file or a .txt file.",
                file=filename or "?",
            )
        )
    _check_size(filename, content)
    if extension == ".xlsx":
        values = _read_xlsx(filename, content)
    else:
        lines = _text_lines(filename, _decode(filename, content))
        values = _read_csv(filename, lines) if extension == ".csv" else _read_txt(lines)
    if not values:
        raise SerialInputError(_lt("%(file)s holds no serial numbers.", file=filename))
    return values


def read_table_file(filename, content):
    """Every row of a spreadsheet (``.xlsx``: its first sheet, or ``.csv``)
    as the list of its cell texts, in file order, blank rows skipped: for
    files of several columns (a shipping notice), where
    :func:`read_serial_file` keeps one. The same limits and refusals."""
    filename = filename or ""
    name = filename.lower().strip()
    if not name.endswith((".xlsx", ".csv")):
        raise SerialInputError(
            _lt(
                "%(file)s is not a supported file; import an Excel workbook (.xlsx) "
                "or a .csv file.",
                file=filename or "?",
            )
        )
    _check_size(filename, content)
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(filename, content)
    else:
        lines = _text_lines(filename, _decode(filename, content))
        rows = _csv_rows(filename, lines)
    table = []
    for count, cells in enumerate(rows, 1):
        if count > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        if any(cells):
            table.append(cells)
    return table


def _check_size(filename, content):
    if not content:
        raise SerialInputError(_lt("%(file)s is empty.", file=filename))
    if len(content) > MAX_FILE_BYTES:
        raise SerialInputError(
            _lt(
                "%(file)s is %(size)s MB; the largest file accepted is %(max)s MB. "
                "Split it into smaller files.",
                file=filename,
                size=round(len(content) / 1024 / 1024, 1),
                max=MAX_FILE_BYTES // 1024 // 1024,
            )
        )


def _too_many_rows(filename):
    return SerialInputError(
        _lt(
            "%(file)s has more than %(max)s rows; split it into smaller files.",
            file=filename,
            max=MAX_FILE_ROWS,
        )
    )


def _too_long(filename):
    return SerialInputError(
        _lt(
            "%(file)s has a line over 1 MB; put one serial (or a few) per line.",
            file=filename,
        )
    )


def _cell_too_long(filename, line):
    return SerialInputError(
        _lt(
            "%(file)s has a cell over %(max)s characters near line %(line)s, or a "
            "quote that is not closed; put one serial (or a few) per cell.",
            file=filename,
            max=MAX_CELL_LENGTH,
            line=line,
        )
    )


def _cell_text(value):
    """A cell value as the spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # 1001.0 is how a spreadsheet stores the number 1001; repr() of other
        # floats is the shortest exact text, without trailing zeros
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def _serial_column(cells):
    """Index of the cell holding a serial header, or None."""
    return next(
        (index for index, cell in enumerate(cells) if cell.lower() in HEADERS), None
    )


def _pick_column(rows, filename):
    """Values of the serial column of ``rows`` (lists of cell texts)."""
    column = None
    values = []
    for count, cells in enumerate(rows, 1):
        if count > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        if column is None:
            if not any(cells):
                continue
            column = _serial_column(cells)
            if column is not None:
                continue  # the header row
            column = 0
        if column < len(cells) and cells[column]:
            values.append(cells[column])
    return values


def _damaged(filename):
    return SerialInputError(
        _lt(
            "%(file)s cannot be read as an .xlsx workbook (it is damaged or not an "
            "Excel file); open it in your spreadsheet program and save it again as "
            ".xlsx.",
            file=filename,
        )
    )


def _open_xlsx(filename, content):
    """The workbook of ``content``, opened by openpyxl (read only, values)."""
    import openpyxl  # noqa: PLC0415 (only needed for spreadsheets)

    try:
        return openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as error:
        raise _damaged(filename) from error


def _xlsx_rows(filename, content):
    _check_xlsx_archive(filename, content).close()
    return _read_first_sheet(filename, content, _sheet_rows)


def _sheet_rows(sheet, filename):
    rows = []
    for count, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if count > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        rows.append([_cell_text(value) for value in row])
    return rows


def _read_first_sheet(filename, content, read):
    """``read(sheet, filename)`` of the first sheet of an .xlsx workbook,
    opened by openpyxl; a failure while streaming its rows means damaged."""
    workbook = _open_xlsx(filename, content)
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        # the stored dimensions may be wrong (some tools write A1): trust the rows
        sheet.reset_dimensions()
        return read(sheet, filename)
    except SerialInputError:
        raise
    except Exception as error:  # a truncated archive fails while streaming rows
        raise _damaged(filename) from error
    finally:
        workbook.close()


def _check_xlsx_archive(filename, content):
    """The archive of an .xlsx file (to close), after refusing an old or
    password-protected workbook, a damaged archive and a zip bomb."""
    if content.startswith(_OLE_MAGIC):
        raise SerialInputError(
            _lt(
                "%(file)s is password-protected or an old .xls workbook; open it in "
                "your spreadsheet program and save it without a password as .xlsx (or "
                "as .csv).",
                file=filename,
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except Exception as error:  # any failure to open untrusted bytes means "damaged"
        raise _damaged(filename) from error
    # zipfile never unpacks more than the declared sizes
    if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
        archive.close()
        # checked first: loading reads shared strings
        raise SerialInputError(
            _lt(
                "%(file)s unpacks to more than %(max)s MB; save the serial numbers "
                "alone in a smaller workbook or a .csv file.",
                file=filename,
                max=MAX_XLSX_UNPACKED_BYTES // 1024 // 1024,
            )
        )
    return archive


def _read_xlsx(filename, content):
    with _check_xlsx_archive(filename, content) as archive:
        try:
            return _xlsx_plain_column(archive, filename)
        except SerialInputError:
            raise
        except Exception:  # noqa: BLE001 anything unusual is left to openpyxl, which decides
            _logger.debug("%s: left to openpyxl", filename, exc_info=True)
    return _read_first_sheet(filename, content, _xlsx_column)


# The plain reader: most serial lists are a column of texts and plain numbers.
# openpyxl builds an object per cell; streaming the sheet's XML with lxml and
# keeping only the serial column does far less work. Whatever it does not know
# for sure (dates and other formatted numbers, ISO dates, chart sheets, strict
# OOXML, malformed parts) it leaves to openpyxl, so both always give the same
# values (tests compare them).
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#: Longest cell the plain reader hands back itself (Excel's own limit).
_PLAIN_CELL_LENGTH = 32_767


class _NotPlain(Exception):
    """The workbook uses something only openpyxl reads right."""


def _xml_elements(archive, path, tag):
    from lxml import etree  # noqa: PLC0415 (Odoo's own dependency)

    with archive.open(path) as stream:
        for _event, element in etree.iterparse(
            stream,
            events=("end",),
            tag=tag,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            yield element
            element.clear()
            parent = element.getparent()
            while element.getprevious() is not None and parent is not None:
                del parent[0]


def _xlsx_parts(archive):
    """Paths of the first worksheet, the shared strings and the styles."""
    workbook = "xl/workbook.xml"
    sheet_id = next(
        (
            sheet.get(f"{_DOC_RELS}id")
            for sheet in _xml_elements(archive, workbook, f"{_MAIN}sheet")
        ),
        None,
    )
    if not sheet_id:
        raise _NotPlain
    parts = {}
    for relation in _xml_elements(
        archive, "xl/_rels/workbook.xml.rels", f"{_PACKAGE_RELS}Relationship"
    ):
        kind = (relation.get("Type") or "").removeprefix(_REL_TYPES)
        target = relation.get("Target") or ""
        if relation.get("TargetMode") == "External":
            continue
        path = target[1:] if target.startswith("/") else f"xl/{target}"
        if relation.get("Id") == sheet_id:
            if kind != "worksheet":
                raise _NotPlain
            parts["sheet"] = path
        elif kind in ("sharedStrings", "styles"):
            parts[kind] = path
    if "sheet" not in parts:
        raise _NotPlain
    return parts


def _xlsx_shared_strings(archive, path):
    if not path:
        return []
    return [
        _rich_text(item).replace("x005F_", "")  # as openpyxl's shared strings
        for item in _xml_elements(archive, path, f"{_MAIN}si")
    ]


def _rich_text(element):
    """As openpyxl: the plain text then every run's text, phonetic hints left out."""
    snippets = [element.findtext(f"{_MAIN}t")]
    snippets += [run.findtext(f"{_MAIN}t") for run in element.iterfind(f"{_MAIN}r")]
    return "".join(text for text in snippets if text)


def _xlsx_formatted_styles(archive, path):
    """Style ids whose number format is not General: their numbers may be
    dates, which only openpyxl converts."""
    if not path:
        return frozenset()
    formatted, index = set(), 0
    for container in _xml_elements(archive, path, f"{_MAIN}cellXfs"):
        for index, style in enumerate(container.iterfind(f"{_MAIN}xf")):
            if (style.get("numFmtId") or "0") != "0":
                formatted.add(index)
    return frozenset(formatted)


def _column_index(reference):
    """0-based column of a cell reference such as ``AB12``."""
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif char.isdigit():
            break
        else:
            raise _NotPlain
    return index - 1


def _xlsx_cell_text(cell, shared, formatted):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        holder = cell.find(f"{_MAIN}is")
        if holder is None:
            return ""
        text = _rich_text(holder)
    else:
        text = cell.findtext(f"{_MAIN}v")
        if not text:
            return ""
        if kind == "s":
            text = shared[int(text)]
        elif kind == "n":
            if int(cell.get("s") or 0) in formatted:
                raise _NotPlain
            number = (
                float(text) if "." in text or "e" in text or "E" in text else int(text)
            )
            return _cell_text(number)
        elif kind == "b":
            return "TRUE" if int(text) else "FALSE"
        elif kind not in ("str", "e"):
            raise _NotPlain  # "d": ISO dates
    if len(text) > _PLAIN_CELL_LENGTH:
        raise _NotPlain
    return text.strip()


def _xlsx_plain_column(archive, filename):
    parts = _xlsx_parts(archive)
    shared = _xlsx_shared_strings(archive, parts.get("sharedStrings"))
    formatted = _xlsx_formatted_styles(archive, parts.get("styles"))
    column, values, row_number = None, [], 0
    for row in _xml_elements(archive, parts["sheet"], f"{_MAIN}row"):
        row_number = int(row.get("r") or row_number + 1)
        if row_number > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        position = -1
        cells = {}
        for cell in row.iterfind(f"{_MAIN}c"):
            reference = cell.get("r")
            position = _column_index(reference) if reference else position + 1
            if column is None or position == column:
                cells[position] = cell
        if column is None:
            texts = {
                position: _xlsx_cell_text(cell, shared, formatted)
                for position, cell in cells.items()
            }
            if not any(texts.values()):
                continue
            row_texts = [texts.get(position, "") for position in range(max(texts) + 1)]
            column = _serial_column(row_texts)
            if column is not None:
                continue  # the header row
            column = 0
        if column in cells:
            text = _xlsx_cell_text(cells[column], shared, formatted)
            if text:
                values.append(text)
    return values


def _xlsx_column(sheet, filename):
    # Two streaming passes: the first stops at the first non-empty row to find
    # the column; the second reads only that column, so a wide sheet costs no
    # more than a narrow one.
    column = first_row = None
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if row_number > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        cells = [_cell_text(value) for value in row]
        if any(cells):
            column = _serial_column(cells)
            first_row = row_number if column is None else row_number + 1
            column = column or 0
            break
    if column is None:
        return []
    values = []
    rows = sheet.iter_rows(
        min_row=first_row, min_col=column + 1, max_col=column + 1, values_only=True
    )
    for row_number, row in enumerate(rows, first_row):
        if row_number > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        text = (
            _cell_text(row[0]) if row else ""
        )  # openpyxl cuts cells at 32,767 characters
        if text:
            values.append(text)
    return values


def _decode(filename, content):
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError as error:
                raise _undecodable(filename) from error
            break
    else:
        if b"\x00" in content:
            raise _binary(filename)
        text = _decode_without_bom(content)
        if text is None:
            raise _undecodable(filename)
    if "\x00" in text:
        raise _binary(filename)
    return text


def _decode_without_bom(content):
    with contextlib.suppress(UnicodeDecodeError):
        return content.decode("utf-8")
    import chardet  # noqa: PLC0415

    guess = chardet.detect(content[:_SNIFF_CHARS]).get("encoding")
    for encoding in (guess, "cp1252"):
        if not encoding:
            continue
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _binary(filename):
    return SerialInputError(
        _lt(
            "%(file)s looks binary (it contains NUL bytes), not a text file; export "
            "the serial numbers as .csv, .txt or .xlsx.",
            file=filename,
        )
    )


def _undecodable(filename):
    return SerialInputError(
        _lt(
            "The text encoding of %(file)s cannot be recognised; save it again as "
            "UTF-8.",
            file=filename,
        )
    )


def _text_lines(filename, text):
    """The lines of ``text`` (line ends kept, for the csv module), streamed,
    with the line-count and line-length limits."""
    # newline='' splits on \n, \r and \r\n only, like the csv module
    for count, line in enumerate(io.StringIO(text, newline=""), 1):
        if count > MAX_FILE_ROWS:
            raise _too_many_rows(filename)
        if len(line) > MAX_LINE_LENGTH:
            raise _too_long(filename)
        yield line


def _sniff_delimiter(sample):
    # cut at the last line end so the sample holds only whole lines
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0:
        sample = sample[:cut]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _csv_rows(filename, lines):
    """The cell texts of each record of a .csv file, its delimiter sniffed."""
    head, sample_length = [], 0
    for line in lines:
        head.append(line)
        sample_length += len(line)
        if sample_length >= _SNIFF_CHARS:
            break
    delimiter = _sniff_delimiter("".join(head))

    def all_lines():
        yield from head
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter)
    try:
        for row in reader:
            if any(len(cell) > MAX_CELL_LENGTH for cell in row):
                raise _cell_too_long(filename, reader.line_num)
            yield [cell.strip() for cell in row]
    except csv.Error as error:  # the csv module's own field limit
        raise _cell_too_long(filename, reader.line_num) from error


def _read_csv(filename, lines):
    return _pick_column(_csv_rows(filename, lines), filename)


def _read_txt(lines):
    values = []
    for line in lines:
        values.extend(item for item in map(str.strip, _SEPARATORS.split(line)) if item)
    return values

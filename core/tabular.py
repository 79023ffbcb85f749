"""Reading the spreadsheets staff exchange (XLSX or UTF-8 CSV) into rows of named cells.

Shared by every import: the first non-empty row is the header, matched to column keys by
their Vietnamese label (or key) ignoring case and diacritics; row numbers are the sheet's
(or the CSV line's), so errors point at what the user sees in Excel.

A file is read in a worker thread (PARSE_SLOTS at once), so the server keeps answering, and
streamed with limits that stop it early: rows (the import's own), MAX_COLUMNS columns and
MAX_SHARED_STRINGS_BYTES of a workbook's shared strings (which openpyxl loads whole; an 8.9 MiB
XLSX whose strings unzip to 100 MiB froze the API for 48 s, and a 1.9-million-row CSV for 8 s,
before "at most 5000 rows").
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from functools import partial
from xml.etree.ElementTree import ParseError

from anyio import CapacityLimiter, to_thread
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.archives import (
    TABLE_MAX_EXPANDED,
    WORKBOOK_MEMBER,
    ZIP_MAGIC,
    check_workbook,
    check_zip,
    not_a_workbook,
)
from core.errors import FieldError, InvalidInput, UnsupportedMediaType
from core.text import LEGACY_ENCODING_MESSAGE, fold, format_date_short, format_int, legacy_vietnamese, nfc
from core.uploads import TABLE_EXTENSIONS, check_name, check_not_binary, decode_utf8, extension

Columns = tuple[tuple[str, str], ...]  # (key, Vietnamese header label)
DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.00"
MAX_WIDTH = 60
FORMULA_PREFIXES = ("=", "+", "-", "@")
MAX_COLUMNS = 64
MAX_SHOWN_VALUE = 100  # of a rejected cell, quoted back in its row's error
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
SHEET_TITLE_MAX = 31
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
PARSE_SLOTS = CapacityLimiter(2)


def neutralise(text: str) -> str:
    """Spreadsheet formula injection: a cell that starts like a formula is kept as text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_PREFIXES else text


def lookup(enum, text: str):
    """An enum member by its value or its Vietnamese label, ignoring case and diacritics."""
    key = fold(text)
    for member in enum:
        if key in (fold(member.value), fold(member.label)):
            return member
    return None


def parse_date(text: str) -> date:
    """dd/mm/yyyy (as users type it) or ISO yyyy-mm-dd; ValueError otherwise."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date_short(value.date())
    if isinstance(value, date):
        return format_date_short(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(nfc(str(value)))


def _too_many_rows(max_rows: int) -> InvalidInput:
    return InvalidInput.field("file", f"at most {max_rows} rows", f"Tối đa {format_int(max_rows)} dòng.")


WORKBOOK_ERRORS = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, ParseError)
"""What openpyxl raises on a damaged workbook: ParseError for malformed XML (a DTD, a cut-off
part), ValueError and KeyError for parts that are missing or wrong."""


def unreadable_workbook(exc: Exception) -> UnsupportedMediaType:
    """415 naming what is wrong with the workbook (was a 500)."""
    reason = f"{type(exc).__name__}: {exc}"[:300]
    return UnsupportedMediaType(
        f"not a readable XLSX workbook: {reason}",
        [
            FieldError(
                "file", reason, "Tệp Excel bị hỏng hoặc có nội dung không được phép; hãy lưu lại bằng Excel."
            )
        ],
    )


def _workbook_rows(data: bytes) -> Iterator[list[str]]:
    check_workbook(data, MAX_SHARED_STRINGS_BYTES)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for values in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
                yield [_cell_text(v) for v in values]
        finally:
            book.close()
    except WORKBOOK_ERRORS as exc:
        raise unreadable_workbook(exc) from None


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """Decoded as it is read (a file refused after its first rows is never decoded whole)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        for values in csv.reader(text):
            yield [unneutralise(nfc(cell)) for cell in values[: MAX_COLUMNS + 1]]
    except UnicodeDecodeError:
        decode_utf8(data)  # raises the 415 that names the line
        raise


def _rows(filename: str, data: bytes) -> Iterator[list[str]]:
    check_name(filename, TABLE_EXTENSIONS)
    if data[:4] == ZIP_MAGIC:
        check_zip(data, TABLE_MAX_EXPANDED, require=WORKBOOK_MEMBER)
        return _workbook_rows(data)
    check_not_binary(data[:262])
    if extension(filename) == ".xlsx":
        raise not_a_workbook()
    return _csv_rows(data)


def read_table(filename: str, data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    """Non-empty rows as (sheet/line number, cell texts), header first; at most ``max_rows``
    after the header (422 as soon as one more is read).

    The file is checked before it is read: a name saying another type (415), a workbook that
    would expand too far (core.archives, 413) or whose shared strings would (413), another
    binary format or text that is not UTF-8 (415), a workbook whose XML is malformed or has a
    DTD (415), more than MAX_COLUMNS columns or cells typed in a legacy Vietnamese encoding
    (422 naming each row and column)."""
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(_rows(filename, data), start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > MAX_COLUMNS and any(cell.strip() for cell in cells[MAX_COLUMNS:]):
            raise InvalidInput(
                f"row {number}: at most {MAX_COLUMNS} columns",
                [
                    FieldError(
                        "file", f"at most {MAX_COLUMNS} columns", f"Tối đa {MAX_COLUMNS} cột.", row=number
                    )
                ],
            )
        rows.append((number, cells[:MAX_COLUMNS]))
        if len(rows) > max_rows + 1:
            raise _too_many_rows(max_rows)
    check_legacy_encoding(rows)
    return rows


def check_legacy_encoding(rows: list[tuple[int, list[str]]], limit: int = 100) -> None:
    """422 listing the cells (row, column) that read like VNI or TCVN3 text, never stored."""
    header = rows[0][1] if rows else []
    errors = []
    for number, cells in rows:
        for index, cell in enumerate(cells):
            if legacy_vietnamese(cell):
                column = header[index] if number != rows[0][0] and index < len(header) else ""
                if not column or legacy_vietnamese(column):
                    column = f"cột {index + 1}"
                errors.append(
                    FieldError(
                        column, "legacy Vietnamese encoding (VNI or TCVN3)", LEGACY_ENCODING_MESSAGE, number
                    )
                )
    if errors:
        raise InvalidInput(
            f"{len(errors)} cells are in a legacy Vietnamese encoding (VNI or TCVN3); nothing was imported",
            errors[:limit],
        )


class HeaderMismatch(InvalidInput):
    """The header row names columns the template does not have, or lacks required ones: a
    problem with the header, not with a cell. Each column is still a field error (the API's
    problem details name them); ``lines`` say it all in Vietnamese, with the template's columns.
    Built from (detail, errors) like any InvalidInput, so a reader process can pass it on."""

    def __init__(self, detail: str, errors: list[FieldError], lines: list[str] | None = None, row: int = 1):
        super().__init__(detail, errors)
        self.lines, self.row = lines or [], row


def header_mismatch(
    row: int, unknown: list[str], missing: list[str], columns: Columns, required: set[str]
) -> HeaderMismatch:
    """Every unknown column and every missing required one of the header on row ``row``."""

    def listed(labels: list[str]) -> str:
        return ", ".join(f"“{label}”" for label in labels)

    needed = [label for key, label in columns if key in required]
    optional = [label for key, label in columns if key not in required]
    lines = [f"Cột không có trong mẫu: {listed(unknown)}."] if unknown else []
    if missing:
        lines.append(f"Thiếu cột bắt buộc: {listed(missing)}.")
    if missing != needed:  # else the line above has said them all
        lines.append(f"Cột bắt buộc của mẫu: {listed(needed)}.")
    if optional:
        lines.append(f"Cột không bắt buộc: {listed(optional)}.")
    return HeaderMismatch(
        f"row {row}, the header, does not match the template: unknown columns {unknown}, "
        f"required columns missing {missing}; the template's columns are {[label for _, label in columns]}",
        [FieldError(cell, "unknown column", f"Cột '{cell}' không có trong mẫu.", row=row) for cell in unknown]
        + [
            FieldError(label, "required column missing", f"Thiếu cột bắt buộc '{label}'.", row=row)
            for label in missing
        ],
        lines,
        row,
    )


def header_positions(header: list[str], columns: Columns, required: set[str], row: int = 1) -> dict[str, int]:
    """Each known column's position in the header (row ``row`` of the file); HeaderMismatch
    naming every unknown column and every missing required one at once."""
    by_label = {fold(label): key for key, label in columns} | {key: key for key, _ in columns}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        if not cell.strip():
            continue
        key = by_label.get(fold(cell))
        if key is None:
            unknown.append(cell)
        else:
            positions[key] = index
    missing = [label for key, label in columns if key in required and key not in positions]
    if unknown or missing:
        raise header_mismatch(row, unknown, missing, columns, required)
    return positions


async def read_records(
    filename: str, data: bytes, columns: Columns, required: set[str], max_rows: int
) -> list[tuple[int, dict[str, str]]]:
    """Each data row as (row number, {column key: text}); absent optional columns are "".
    Read in a worker thread (see the module's docstring)."""
    read = partial(_records, filename, data, columns, required, max_rows)
    return await to_thread.run_sync(read, limiter=PARSE_SLOTS)


def _records(
    filename: str, data: bytes, columns: Columns, required: set[str], max_rows: int
) -> list[tuple[int, dict[str, str]]]:
    table = read_table(filename, data, max_rows)
    if not table:
        raise InvalidInput.field("file", "the file has no header row", "Tệp không có dòng tiêu đề.")
    header_row, header = table[0]
    positions = header_positions(header, columns, required, header_row)
    return [
        (number, {key: _cell(values, positions.get(key)) for key, _ in columns})
        for number, values in table[1:]
    ]


def _cell(values: list[str], position: int | None) -> str:
    return values[position] if position is not None and position < len(values) else ""


def row_error(field: str, reason: str, message: str, row: int, cell: str) -> FieldError:
    """A rejected cell's error, quoting the cell as it was written (cut to MAX_SHOWN_VALUE) so
    the person finds it in the file."""
    return FieldError(field, reason, message, row=row, value=cell[:MAX_SHOWN_VALUE])


def parse_all(records, parse_row, code_column: str, code_label: str) -> list:
    """Parse every record with ``parse_row(number, cells) -> (item or None, errors)``, adding
    an error for each code already used on an earlier row; InvalidInput lists all errors."""
    parsed: list = []
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for number, cells in records:
        item, row_errors = parse_row(number, cells)
        code = nfc(cells[code_column])
        if code and code in seen:
            row_errors.append(
                row_error(
                    code_label, f"duplicate of row {seen[code]}", f"{code_label} bị trùng.", number, code
                )
            )
        seen.setdefault(code, number)
        errors.extend(row_errors)
        if item is not None and not row_errors:
            parsed.append(item)
    if errors:
        raise InvalidInput(f"{len(errors)} errors in the file; nothing was imported", errors)
    return parsed


# --- writing ------------------------------------------------------------------------------------


def plain_cell(value) -> str | int | float:
    """A cell as CSV text: dates dd/mm/yyyy (as the imports read them), numbers as numbers."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return format_date_short(value)
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else value


def sheet_title(text: str) -> str:
    """``text`` as Excel takes a sheet's name: without []:*?/\\ (openpyxl refuses them), without
    an apostrophe at either end, at most 31 characters (Excel cuts or refuses a longer one)."""
    return _NOT_IN_SHEET_TITLES.sub("-", text)[:SHEET_TITLE_MAX].strip().strip("'").strip()


def write_workbook(
    title: str,
    header: list[str],
    rows: list[list],
    percent_columns: set[int] = frozenset(),
    *,
    heading: str = "",
) -> bytes:
    """An XLSX people can work with: a bold frozen header with filters, dates and numbers as
    typed cells (dd/mm/yyyy; the ``percent_columns``, 0-based, with two decimals), columns as
    wide as their contents (at most MAX_WIDTH); the sheet named ``title`` (made a valid sheet
    name), ``heading`` (what the table is of) in a bold row above the header. Texts are written
    as given: neutralise them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    if heading:
        sheet.append([heading])
        sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.append(header)
    header_row = sheet.max_row
    for row in rows:
        sheet.append(row)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column in sheet.iter_cols(min_row=header_row + 1):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = MOMENT_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif cell.column - 1 in percent_columns and isinstance(cell.value, float):
                cell.number_format = PERCENT_FORMAT
    for index, label in enumerate(header):
        longest = max([len(label)] + [len(str(plain_cell(row[index]))) for row in rows])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, longest + 2)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

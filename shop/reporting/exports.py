"""Writing a `ReportTable` as CSV or XLSX, streamed, with the numbers exactly as on screen.

Both writers consume `table.rows` once, row by row, so a report of a hundred thousand ledger
entries never sits in memory as a whole: CSV is yielded in chunks of a few rows while the rows
are read; XLSX is written by openpyxl in write-only mode (rows go to a temporary file, no
worksheet DOM), zipped into a spooled temporary file and yielded in 64 KiB chunks.

Numbers are written as plain integers (CSV) or real integers with a number format (XLSX), dates
as ISO dates (CSV) or real dates (XLSX), so that a spreadsheet reads back the very values.
Text that a spreadsheet would take for a formula is neutralised (see `_csv_text`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from slugify import slugify

from shop.core import clock
from shop.core.i18n import pgettext
from shop.reporting.tables import CellValue, Column, ColumnKind, ReportTable

Converted = str | int | date
Converter = Callable[[CellValue], Converted]

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# OWASP "CSV injection": a cell starting with one of these is run as a formula by spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_CHARS = 16 * 1024
XLSX_CHUNK_BYTES = 64 * 1024
# Excel's limit: more rows would be cut off when the file is opened, and the sums with them.
XLSX_MAX_ROWS = 1_048_576 - 1  # one left for the totals
# XLSX is built in memory up to this size, then in a temporary file on disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024

IDR_FORMAT = '"Rp"#,##0'
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mmm yyyy"
NUMBER_FORMATS = {
    ColumnKind.IDR: IDR_FORMAT,
    ColumnKind.COUNT: COUNT_FORMAT,
    ColumnKind.DATE: DATE_FORMAT,
    ColumnKind.MONTH: MONTH_FORMAT,
}
# Column widths in characters: rows are streamed, so widths come from the kind and the label.
MIN_WIDTHS = {
    ColumnKind.TEXT: 28,
    ColumnKind.IDR: 16,
    ColumnKind.COUNT: 10,
    ColumnKind.DATE: 12,
    ColumnKind.MONTH: 11,
}
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def export_filename(
    table: ReportTable,
    fmt: Literal["csv", "xlsx"],
    *,
    first: date | None = None,
    last: date | None = None,
) -> str:
    """`etalase-penjualan-per-upt-2026-11-01-sd-2026-11-30.csv`: named by report and period
    (not by the day of download, which says nothing about the figures), ASCII only, safe in a
    Content-Disposition. Without a period, today's date."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    stem = slugify(table.name) or "laporan"
    if first is None or last is None:
        return f"etalase-{stem}-{clock.today().isoformat()}.{fmt}"
    if first == last:
        return f"etalase-{stem}-{first.isoformat()}.{fmt}"
    return f"etalase-{stem}-{first.isoformat()}-sd-{last.isoformat()}.{fmt}"


def csv_stream(table: ReportTable) -> Iterator[str]:
    """The table as CSV text chunks: BOM, title and caption lines, header, rows, totals.

    The totals label is translated now, while the caller's request (and its locale) is active;
    the returned generator may run after it.
    """
    return _csv_chunks(table, totals_label=totals_label())


def xlsx_stream(table: ReportTable) -> Iterator[bytes]:
    """The table as an XLSX workbook of one sheet, in chunks of bytes."""
    return _xlsx_chunks(table, totals_label=totals_label())


def totals_label() -> str:
    """The first cell of the totals row, in the current user's language."""
    return pgettext("totals row of a report", "Jumlah")


def _csv_chunks(table: ReportTable, *, totals_label: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # The BOM makes Excel read the file as UTF-8 (it guesses a legacy code page otherwise).
    buffer.write("\ufeff")
    for line in _preamble(table):
        writer.writerow([_csv_text(line)])
    writer.writerow([])
    writer.writerow([_csv_text(column.label) for column in table.columns])
    yield take()
    convert = [CSV_CELLS[column.kind] for column in table.columns]
    for row in table.rows:
        writer.writerow(_convert(convert, row, empty=""))
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield take()
    if table.totals is not None:
        totals = _convert(convert, table.totals, empty="")
        writer.writerow(_labelled(totals, _csv_text(totals_label)))
    yield take()


def _xlsx_chunks(table: ReportTable, *, totals_label: str) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(table))
    for index, column in enumerate(table.columns, start=1):
        width = max(MIN_WIDTHS[column.kind], len(column.label) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    preamble = _preamble(table)
    header_row = len(preamble) + 2  # the caption lines, a blank row, then the header
    sheet.freeze_panes = f"A{header_row + 1}"

    bold = Font(bold=True)
    sheet.append([_xlsx_text(sheet, preamble[0], font=Font(bold=True, size=14))])
    for line in preamble[1:]:
        sheet.append([_xlsx_text(sheet, line)])
    sheet.append([])
    sheet.append([_xlsx_text(sheet, column.label, font=bold) for column in table.columns])
    try:
        rows = SheetRow(sheet, table.columns)
        for number, row in enumerate(table.rows, start=header_row + 1):
            if number > XLSX_MAX_ROWS:
                raise ValueError(f"more than {XLSX_MAX_ROWS:,} rows do not fit in a sheet")
            rows.append(row)
        if table.totals is not None:
            SheetRow(sheet, table.columns, font=bold).append(table.totals, label=totals_label)
    except BaseException:
        _discard(sheet)
        raise

    with SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES) as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_CHUNK_BYTES):
            yield chunk


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Remove the rows written so far: openpyxl deletes its temporary file only on save."""
    sheet.close()  # what saving does first: ends the sheet's XML and closes its file
    sheet._writer.cleanup()


def sheet_title(table: ReportTable) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no apostrophe at either end."""
    title = SHEET_TITLE_FORBIDDEN.sub(" ", table.title)
    title = " ".join(title.split())[:SHEET_TITLE_MAX].strip().strip("'").strip()
    return title or (slugify(table.name)[:SHEET_TITLE_MAX] or "Laporan")


def _preamble(table: ReportTable) -> list[str]:
    """One title row, then the caption lines (a caption repeating the title is not repeated)."""
    return [table.title, *(line for line in table.caption if line != table.title)]


def _convert(
    convert: Sequence[Converter], row: Sequence[CellValue], *, empty: str | None
) -> list[Converted | None]:
    return [empty if value is None else to(value) for to, value in zip(convert, row, strict=True)]


def _labelled(cells: list[Converted | None], label: str) -> list[Converted | None]:
    """The totals row with its label in the first cell, unless the report put one there."""
    if cells and cells[0] in (None, ""):
        cells[0] = label
    return cells


def _integer(value: object) -> int:
    """Integer rupiah or units. SQL sums arrive as Decimal on PostgreSQL: exact, or an error."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"expected an integer, got {value!r}")
    number = int(value)
    if number != value:
        raise ValueError(f"expected a whole number, got {value!r}")
    return number


def _as_date(kind: ColumnKind, value: object) -> date:
    """A date, or its ISO text as SQLite returns it ("2026-01-05"; "2026-01" for a month).

    A datetime is refused: which day it falls on depends on a time zone only the report knows.
    """
    if isinstance(value, str):
        text = f"{value}-01" if kind is ColumnKind.MONTH and len(value) == 7 else value
        value = date.fromisoformat(text)
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a date, got {value!r}")
    return value.replace(day=1) if kind is ColumnKind.MONTH else value


def _csv_text(text: str) -> str:
    """OWASP's guard: a leading apostrophe keeps a spreadsheet from running the cell."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


class SheetRow:
    """Appends rows to a write-only sheet through one styled cell per column, reused.

    A write-only sheet writes a row out as soon as it is appended, so the same cells can carry
    the next row: creating and styling a cell for every value was most of the export's time.
    Text is always stored as a string (openpyxl would make a formula of a leading "="), without
    the control characters that XML cannot carry (openpyxl would refuse the cell).
    """

    def __init__(
        self, sheet: WriteOnlyWorksheet, columns: Sequence[Column], *, font: Font | None = None
    ) -> None:
        self.sheet = sheet
        self.convert = [XLSX_CELLS[column.kind] for column in columns]
        self.cells = []
        for column in columns:
            cell = WriteOnlyCell(sheet)
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
            if font is not None:
                cell.font = font
            self.cells.append(cell)

    def append(self, row: Sequence[CellValue], *, label: str | None = None) -> None:
        values = _convert(self.convert, row, empty=None)
        if label is not None:
            values = _labelled(values, label)
        for cell, value in zip(self.cells, values, strict=True):
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
        self.sheet.append(self.cells)


def _xlsx_text(
    sheet: WriteOnlyWorksheet, text: str | None, *, font: Font | None = None
) -> WriteOnlyCell:
    """A cell of the caption or header: text as in `SheetRow`."""
    cell = WriteOnlyCell(sheet)
    if text is not None:
        cell.value = _clean_text(text)
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _clean_text(value: object) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _as_day(value: object) -> date:
    return _as_date(ColumnKind.DATE, value)


def _as_month(value: object) -> date:
    return _as_date(ColumnKind.MONTH, value)


# How each kind of cell is checked and written: to CSV as text or plain integers...
CSV_CELLS: dict[ColumnKind, Converter] = {
    ColumnKind.TEXT: lambda value: _csv_text(str(value)),
    ColumnKind.IDR: _integer,
    ColumnKind.COUNT: _integer,
    ColumnKind.DATE: lambda value: _as_day(value).isoformat(),
    ColumnKind.MONTH: lambda value: _as_month(value).strftime("%Y-%m"),
}
# ... and to XLSX as strings, integers and dates that the cells' number formats show.
XLSX_CELLS: dict[ColumnKind, Converter] = {
    ColumnKind.TEXT: _clean_text,
    ColumnKind.IDR: _integer,
    ColumnKind.COUNT: _integer,
    ColumnKind.DATE: _as_day,
    ColumnKind.MONTH: _as_month,
}

"""Writing a `ReportTable` as CSV or XLSX, streamed, with the numbers exactly as on screen.

Both writers consume `table.rows` once, row by row, so a report of a hundred thousand ledger
entries never sits in memory as a whole: CSV is yielded in chunks of a few rows while the rows
are read; XLSX is written by XlsxWriter in constant-memory mode (rows go to a temporary file as they
come; about 2.5 times faster than openpyxl's write-only mode, docs/performance.md), zipped into a
spooled temporary file and yielded in 64 KiB chunks.

Numbers are written as plain integers (CSV) or real integers with a number format (XLSX), dates
as ISO dates (CSV) or real dates (XLSX), so that a spreadsheet reads back the very values.
Text that a spreadsheet would take for a formula is neutralised (see `_csv_text`).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import Literal

import xlsxwriter
from slugify import slugify
from xlsxwriter.worksheet import Worksheet

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
# XML 1.0 cannot carry these control characters (tab, newline and carriage return it can).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Rows go to a temporary file as they are written, so memory stays flat however long the sheet.
WORKBOOK_OPTIONS = {"constant_memory": True}


class TooManyRows(ValueError):
    """The table has more rows than a sheet holds (Excel would cut the rest off when opening)."""


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
    with SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES) as file:
        workbook = xlsxwriter.Workbook(file, WORKBOOK_OPTIONS)
        try:
            _write_sheet(workbook, table, totals_label=totals_label)
        except BaseException:
            _discard(workbook)
            raise
        workbook.close()
        file.seek(0)
        while chunk := file.read(XLSX_CHUNK_BYTES):
            yield chunk


def _write_sheet(workbook: xlsxwriter.Workbook, table: ReportTable, *, totals_label: str) -> None:
    sheet = workbook.add_worksheet(sheet_title(table))
    for index, column in enumerate(table.columns):
        sheet.set_column(index, index, max(MIN_WIDTHS[column.kind], len(column.label) + 2))
    preamble = _preamble(table)
    header_row = len(preamble) + 1  # the caption lines, a blank row, then the header (0-based)
    sheet.freeze_panes(header_row + 1, 0)

    title, bold = (
        workbook.add_format({"bold": True, "font_size": 14}),
        workbook.add_format({"bold": True}),
    )
    sheet.write_string(0, 0, _clean_text(preamble[0]), title)
    for number, line in enumerate(preamble[1:], start=1):
        sheet.write_string(number, 0, _clean_text(line))
    for index, column in enumerate(table.columns):
        sheet.write_string(header_row, index, _clean_text(column.label), bold)
    rows = SheetRow(workbook, sheet, table.columns)
    number = header_row
    for number, row in enumerate(table.rows, start=header_row + 1):
        if number + 1 > XLSX_MAX_ROWS:
            raise TooManyRows(f"more than {XLSX_MAX_ROWS:,} rows do not fit in a sheet")
        rows.write(number, row)
    if table.totals is not None:
        SheetRow(workbook, sheet, table.columns, bold=True).write(
            number + 1, table.totals, label=totals_label
        )


def _discard(workbook: xlsxwriter.Workbook) -> None:
    """Remove the rows written so far: XlsxWriter deletes its temporary file only on close."""
    for sheet in workbook.worksheets():
        if sheet.row_data_fh is not None and not sheet.row_data_fh.closed:
            sheet.row_data_fh.close()
            os.unlink(sheet.row_data_filename)


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
    """Writes rows of a report with one format per column, made once.

    Text is always written as a string (never a formula, a number or a link, whatever it starts
    with), without the control characters that XML cannot carry.
    """

    def __init__(
        self,
        workbook: xlsxwriter.Workbook,
        sheet: Worksheet,
        columns: Sequence[Column],
        *,
        bold: bool = False,
    ) -> None:
        self.sheet = sheet
        self.convert = [XLSX_CELLS[column.kind] for column in columns]
        self.formats = [
            workbook.add_format(
                {
                    **({"num_format": NUMBER_FORMATS[column.kind]}
                       if column.kind in NUMBER_FORMATS else {}),
                    **({"bold": True} if bold else {}),
                }
            )
            for column in columns
        ]  # fmt: skip

    def write(self, number: int, row: Sequence[CellValue], *, label: str | None = None) -> None:
        values = _convert(self.convert, row, empty=None)
        if label is not None:
            values = _labelled(values, label)
        for index, (value, cell_format) in enumerate(zip(values, self.formats, strict=True)):
            if value is None or value == "":
                self.sheet.write_blank(number, index, None, cell_format)
            elif isinstance(value, str):
                self.sheet.write_string(number, index, value, cell_format)
            elif isinstance(value, date):
                self.sheet.write_datetime(number, index, value, cell_format)
            else:
                self.sheet.write_number(number, index, value, cell_format)


def _clean_text(value: object) -> str:
    """Text as a cell can hold it: line breaks as Excel's own (LF), no other control characters.

    A lone carriage return would be stored escaped (`_x000D_`), which other readers show as is.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


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

"""Exports read back to the very values of the report, stream large tables, and defuse formulas."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from openpyxl import load_workbook

from shop.reporting import exports
from shop.reporting.tables import CellValue, Column, ColumnKind, ReportTable

COLUMNS = (
    Column("facility", "Fasilitas"),
    Column("month", "Bulan", ColumnKind.MONTH),
    Column("day", "Tanggal", ColumnKind.DATE),
    Column("gross", "Penjualan kotor", ColumnKind.IDR),
    Column("items", "Barang terjual", ColumnKind.COUNT),
)
ROWS: list[list[CellValue]] = [
    [
        "Lapas Perempuan Kelas IIA Semarang — tenun ikat",
        date(2026, 1, 1),
        date(2026, 1, 5),
        1_250_000,
        12,
    ],
    [
        'Rutan Kelas I Cipinang (kopi, "robusta"; 250 g)',
        date(2026, 2, 1),
        date(2026, 2, 28),
        -75_000,
        -1,
    ],
    ["LPKA Kelas I Tangerang, Banten", date(2026, 3, 1), None, 0, 0],
]
TOTALS: list[CellValue] = [None, None, None, 1_175_000, 11]
CAPTION = ("Periode: 1 Januari 2026 s.d. 31 Maret 2026", "Kanwil: Jawa Tengah")


def make_table(rows=ROWS, totals=TOTALS, **overrides) -> ReportTable:
    fields = {
        "name": "penjualan-per-upt",
        "title": "Penjualan per UPT",
        "columns": COLUMNS,
        "rows": rows,
        "totals": totals,
        "caption": CAPTION,
    }
    return ReportTable(**{**fields, **overrides})


def read_csv(table: ReportTable) -> list[list[str]]:
    text = "".join(exports.csv_stream(table))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def read_xlsx(table: ReportTable):
    data = b"".join(exports.xlsx_stream(table))
    return load_workbook(io.BytesIO(data)).active


def test_csv_reads_back_to_the_same_values() -> None:
    lines = read_csv(make_table())

    assert lines[:4] == [
        ["Penjualan per UPT"],
        [CAPTION[0]],
        [CAPTION[1]],
        [],
    ]
    assert lines[4] == ["Fasilitas", "Bulan", "Tanggal", "Penjualan kotor", "Barang terjual"]
    assert lines[5:] == [
        [ROWS[0][0], "2026-01", "2026-01-05", "1250000", "12"],
        [ROWS[1][0], "2026-02", "2026-02-28", "-75000", "-1"],
        [ROWS[2][0], "2026-03", "", "0", "0"],
        ["Jumlah", "", "", "1175000", "11"],
    ]
    back = [
        (
            name,
            date.fromisoformat(f"{month}-01"),
            date.fromisoformat(day) if day else None,
            int(gross),
            int(items),
        )
        for name, month, day, gross, items in lines[5:8]
    ]
    assert back == [tuple(row) for row in ROWS]


def test_csv_is_utf8_with_a_bom_so_excel_reads_indonesian_text() -> None:
    data = "".join(exports.csv_stream(make_table())).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"tenun ikat" in data and "—".encode() in data


def test_xlsx_reads_back_to_the_same_values_types_and_formats() -> None:
    sheet = read_xlsx(make_table())

    assert sheet.title == "Penjualan per UPT"
    assert sheet["A1"].value == "Penjualan per UPT" and sheet["A1"].font.b
    assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == [*CAPTION, None]
    header = [cell.value for cell in sheet[5]]
    assert header == [column.label for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[5])
    assert sheet.freeze_panes == "A6"

    data_rows = list(sheet.iter_rows(min_row=6, max_row=8))
    for cells, expected in zip(data_rows, ROWS, strict=True):
        name, month, day, gross, items = cells
        assert name.value == expected[0] and name.data_type == "s"
        # Excel has no date-only type: a date reads back as a datetime at midnight.
        assert month.value == datetime(month.value.year, month.value.month, 1)
        assert month.value.date() == expected[1] and month.number_format == "mmm yyyy"
        if expected[2] is None:
            assert day.value is None
        else:
            assert day.value.date() == expected[2] and day.is_date
            assert day.number_format == "dd/mm/yyyy"
        assert type(gross.value) is int and gross.value == expected[3]
        assert gross.number_format == '"Rp"#,##0'
        assert type(items.value) is int and items.value == expected[4]
        assert items.number_format == "#,##0"

    totals = [cell.value for cell in sheet[9]]
    assert totals == ["Jumlah", None, None, 1_175_000, 11]
    assert sheet["A9"].font.b and sheet["D9"].font.b and sheet["D9"].number_format == '"Rp"#,##0'
    assert sheet.max_row == 9
    assert sheet.column_dimensions["A"].width >= 20


def test_without_totals_no_totals_row_is_written() -> None:
    table = make_table(totals=None)
    assert read_csv(table)[-1][0] == ROWS[-1][0]
    assert read_xlsx(make_table(totals=None)).max_row == 8


def test_a_totals_row_keeps_the_label_the_report_gave_it() -> None:
    table = make_table(totals=["Nasional", None, None, 1_175_000, 11])
    assert read_csv(table)[-1][0] == "Nasional"


def test_the_totals_label_follows_the_users_language(app: Flask) -> None:
    # A back-office page (the storefront's language is its address's: /en/...).
    with app.test_request_context("/admin/reports", headers={"Accept-Language": "en"}):
        chunks = exports.csv_stream(make_table())
    # The generator runs after the request, as a streamed response does.
    assert "Total,,,1175000,11" in "".join(chunks)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
)
def test_formula_injection_is_neutralised(text: str) -> None:
    table = make_table(rows=[[text, None, None, -5, -1]], totals=None, caption=(text,))
    lines = read_csv(table)
    assert lines[1] == [f"'{text}"]
    assert lines[-1] == [f"'{text}", "", "", "-5", "-1"]

    sheet = read_xlsx(make_table(rows=[[text, None, None, -5, -1]], totals=None, caption=(text,)))
    for cell in (sheet["A2"], sheet["A5"]):
        # Stored as text, never as a formula (XML may read a carriage return back as a newline).
        assert cell.data_type == "s" and cell.value in (text, text.replace("\r", "\n"))
    assert sheet["D5"].value == -5


def test_plain_text_and_negative_numbers_are_left_alone() -> None:
    lines = read_csv(make_table(rows=[["Lapas 1 - Cipinang", None, None, -5, 3]], totals=None))
    assert lines[-1] == ["Lapas 1 - Cipinang", "", "", "-5", "3"]


def test_sql_sums_as_decimal_and_iso_text_dates_are_accepted() -> None:
    rows = [["Lapas", "2026-04", "2026-04-09", Decimal(1_500_000), Decimal(2)]]
    table = make_table(rows=rows, totals=None)
    assert read_csv(table)[-1] == ["Lapas", "2026-04", "2026-04-09", "1500000", "2"]
    sheet = read_xlsx(make_table(rows=rows, totals=None))
    assert [cell.value for cell in sheet[6]] == [
        "Lapas",
        datetime(2026, 4, 1),
        datetime(2026, 4, 9),
        1_500_000,
        2,
    ]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (["x", None, None, Decimal("10.5"), 1], ValueError),
        (["x", None, None, 10.0, 1], TypeError),
        (["x", None, datetime(2026, 1, 1, 23), 1, 1], TypeError),
        (["x", None, None, 1], ValueError),
    ],
)
def test_cells_that_do_not_fit_their_column_are_refused(row, error) -> None:
    with pytest.raises(error):
        "".join(exports.csv_stream(make_table(rows=[row], totals=None)))


def test_a_failing_xlsx_export_leaves_no_temporary_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows() -> Iterator[list[CellValue]]:
        yield from ROWS
        yield ["Lapas", None, None, 1.5, 1]  # a float has no place in a rupiah column

    with pytest.raises(TypeError):
        b"".join(exports.xlsx_stream(make_table(rows=rows())))
    assert list(tmp_path.iterdir()) == []
    b"".join(exports.xlsx_stream(make_table()))
    assert list(tmp_path.iterdir()) == []


def test_an_xlsx_of_more_rows_than_excel_opens_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 7)  # the header is row 5
    assert read_xlsx(make_table(rows=ROWS[:2])).max_row == 8
    with pytest.raises(ValueError, match="do not fit"):
        read_xlsx(make_table(rows=ROWS))


def test_control_characters_that_xml_cannot_carry_are_dropped_from_xlsx() -> None:
    sheet = read_xlsx(make_table(rows=[["Lapas\x00\x07 Baru", None, None, 1, 1]], totals=None))
    assert sheet["A6"].value == "Lapas Baru"


class CountingRows:
    """A generator of rows that records how many were drawn from it."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.drawn = 0

    def __iter__(self) -> Iterator[list[CellValue]]:
        for n in range(self.count):
            self.drawn += 1
            yield [f"UPT {n}", date(2026, 1 + n % 12, 1), date(2026, 1, 1 + n % 28), n, 1]


def test_csv_streams_a_large_table_without_reading_it_first() -> None:
    rows = CountingRows(100_000)
    chunks = exports.csv_stream(make_table(rows=iter(rows), totals=None))

    first = next(chunks)
    assert "Fasilitas" in first
    second = next(chunks)
    assert rows.drawn < 1_000, "the first chunks must not wait for the whole table"
    assert len(second) < 64 * 1024

    lines = list(csv.reader(io.StringIO(first[1:] + second + "".join(chunks), newline="")))
    assert rows.drawn == 100_000
    assert len(lines) == 5 + 100_000
    assert sum(int(line[3]) for line in lines[5:]) == sum(range(100_000))


def test_xlsx_of_a_large_generator_completes_and_reads_back() -> None:
    count = 20_000
    rows = CountingRows(count)
    chunks = list(exports.xlsx_stream(make_table(rows=iter(rows), totals=None)))

    assert rows.drawn == count
    assert all(len(chunk) <= exports.XLSX_CHUNK_BYTES for chunk in chunks)
    sheet = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True).active
    values = [row[3] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert len(values) == count
    assert sum(values) == sum(range(count))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Penjualan per UPT", "Penjualan per UPT"),
        ("Laporan [Jan/Feb]: *semua*?", "Laporan Jan Feb semua"),
        ("Penjualan per kategori dan jenis UPT 2026", "Penjualan per kategori dan jeni"),
        ("'Kutipan'", "Kutipan"),
        ("[]", "penjualan-per-upt"),
    ],
)
def test_sheet_title_follows_excels_rules(title: str, expected: str) -> None:
    assert exports.sheet_title(make_table(title=title)) == expected
    assert read_xlsx(make_table(title=title)).title == expected


def test_export_filename_is_ascii_and_named_by_the_period() -> None:
    table = make_table(name="Penjualan per UPT — Jawa/Tengah")
    name = exports.export_filename(table, "xlsx", first=date(2026, 11, 1), last=date(2026, 11, 30))
    assert name == "etalase-penjualan-per-upt-jawa-tengah-2026-11-01-sd-2026-11-30.xlsx"
    one_day = exports.export_filename(table, "csv", first=date(2026, 12, 1), last=date(2026, 12, 1))
    assert one_day == "etalase-penjualan-per-upt-jawa-tengah-2026-12-01.csv"
    assert exports.export_filename(make_table(), "csv").startswith("etalase-penjualan-per-upt-")
    with pytest.raises(ValueError):
        exports.export_filename(make_table(), "pdf")  # type: ignore[arg-type]


def test_the_title_is_one_row_even_when_the_caption_repeats_it() -> None:
    table = make_table()
    text = "".join(exports.csv_stream(make_table(caption=(table.title, *CAPTION))))
    assert text.count(table.title) == 1
    sheet = read_xlsx(make_table(caption=(table.title, *CAPTION)))
    column_a = [row[0].value for row in sheet.iter_rows(max_row=4)]
    assert column_a[:3] == [table.title, *CAPTION]

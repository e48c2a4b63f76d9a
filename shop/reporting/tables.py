"""The shape every report takes: typed columns and rows, shown on screen and exported alike.

A report service returns a `ReportTable`; the back office renders it as an HTML table and the
exporters (`shop.reporting.exports`) write the very same rows as CSV or XLSX, so the numbers a
user downloads are the numbers on the screen.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date


class ColumnKind(enum.StrEnum):
    TEXT = "text"
    IDR = "idr"  # integer rupiah
    COUNT = "count"  # integer quantity
    DATE = "date"  # datetime.date
    MONTH = "month"  # datetime.date of the first day of the month


CellValue = str | int | date | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # already translated for the user's language
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class ReportTable:
    """One report: `rows` may be a generator (large exports stream it once)."""

    name: str  # file name stem of exports, e.g. "penjualan-per-upt"
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[CellValue]]
    totals: Sequence[CellValue] | None = None
    # Lines describing the selection (period, region...), written above the table in exports.
    caption: Sequence[str] = field(default_factory=tuple)

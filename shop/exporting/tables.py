"""Every report the back office can download, by the name in its export URL.

The same builders serve the download answered at once and the one a job builds, so both carry
the rows the user sees on screen, scoped to that user (a facility's staff their facility, a
Kanwil its region).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shop.finance import pnbp
from shop.models import User
from shop.reporting import reports
from shop.reporting.periods import ReportQuery
from shop.reporting.tables import ReportTable

Builder = Callable[[User, ReportQuery], ReportTable]


@dataclass(frozen=True)
class Exportable:
    build: Builder
    # How many rows the table will have, for the reports whose length has no bound (the
    # others have at most a row per Kanwil, facility, category, day or month: a few thousand).
    count: Callable[[User, ReportQuery], int] | None = None


def _args(query: ReportQuery) -> dict[str, object]:
    return {"period": query.period, "filters": query.filters}


def _pnbp_position(user: User, query: ReportQuery) -> pnbp.PnbpPosition:
    return pnbp.position(
        user, date_from=query.period.start, date_to=query.period.end,
        kanwil_id=query.filters.kanwil_id,
    )  # fmt: skip


REPORTS: dict[str, Exportable] = {
    "overview": Exportable(lambda user, q: reports.by_kanwil(user=user, **_args(q)).table),
    "facilities": Exportable(lambda user, q: reports.by_facility(user=user, **_args(q)).table),
    "kinds": Exportable(lambda user, q: reports.by_kind(user=user, **_args(q)).table),
    "channels": Exportable(lambda user, q: reports.by_channel(user=user, **_args(q)).table),
    "categories": Exportable(
        lambda user, q: reports.by_category(user=user, **_args(q), top_level=True).table
    ),
    "subcategories": Exportable(
        lambda user, q: reports.by_category(user=user, **_args(q), top_level=False).table
    ),
    "sales": Exportable(lambda user, q: reports.sales_over_time(user=user, **_args(q))),
    "trend": Exportable(lambda user, q: reports.monthly_trend(user=user, **_args(q))),
    "products": Exportable(lambda user, q: reports.best_sellers(user=user, **_args(q)).table),
    "entries": Exportable(
        lambda user, q: reports.entries_table(user=user, **_args(q)),
        count=lambda user, q: reports.count_entries(user=user, **_args(q)),
    ),
    "pnbp-facilities": Exportable(lambda user, q: _pnbp_position(user, q).facility_table()),
    "pnbp-kanwil": Exportable(lambda user, q: _pnbp_position(user, q).kanwil_table()),
}


def rows_expected(report: str, *, user: User, query: ReportQuery) -> int:
    """The rows of a report that may be long; 0 for those that never are."""
    count = REPORTS[report].count
    return count(user, query) if count is not None else 0

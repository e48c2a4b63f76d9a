"""Sales and revenue reports: national, per Kanwil, facility, category and kind, with drill-down.

Read-only views over `shop.reporting.reports`. Every page takes the same query parameters
(`from`, `to`, `kanwil`, `kind`, ...), read by `ReportFilterForm`: unreadable ones are dropped
with a message, never a 500, and every figure links to the ledger entries behind it with the
same parameters. The entries are paged by key (`after` / `before` cursors), newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from admin.access import EVERYONE, Section
from admin.helpers import me, now
from admin.reporting.forms import ReportFilterForm
from shop.accounts import scoping
from shop.core import clock, pagination, unit_of_work
from shop.core.clock import Period
from shop.database import db
from shop.exporting import runs as export_runs
from shop.exporting import tables
from shop.formatting import rupiah, whole_number
from shop.models import Facility, FacilityKind, Kanwil, Role, SalesChannel
from shop.reporting import charts, exports, reports
from shop.reporting.periods import REFUNDS, ReportQuery
from shop.reporting.queries import FIGURE_KEYS
from shop.reporting.tables import CellValue, ColumnKind, ReportTable

section = Section(EVERYONE)

PER_PAGE = 50
# The entries behind each figure column (the others are all entries of the selection).
COLUMN_DRILL: dict[str, dict[str, str]] = {
    "gross_idr": {"entry_kind": "sale"},
    "orders": {"entry_kind": "sale"},
    "refunds_idr": {"entry_kind": REFUNDS},
    "fees_idr": {"entry_kind": "stripe_fee"},
    "shipping_idr": {"entry_kind": "shipping"},
}
UNKNOWN_PAGE = _l("Halaman yang diminta tidak dikenal; yang tampil halaman pertama.")
COUNT_KEYS = {"with_sales", "without_sales"}
URL_SAFE = "!$'()*,/:;?@"  # what werkzeug leaves unescaped in a query string
FORMATS = {"csv": (exports.csv_stream, exports.CSV_MIMETYPE),
           "xlsx": (exports.xlsx_stream, exports.XLSX_MIMETYPE)}  # fmt: skip

Link = Callable[[Mapping[str, str], str | None], str | None]


def _form() -> ReportFilterForm:
    return ReportFilterForm(formdata=request.args)


def _query() -> ReportQuery:
    return _form().query(now=now())


def cell(value: CellValue, kind: ColumnKind) -> str:
    """A table cell as the screen shows it (exports write the raw value)."""
    if value is None:
        return ""
    if kind is ColumnKind.IDR and isinstance(value, int):
        return rupiah(value)
    if kind is ColumnKind.COUNT and isinstance(value, int):
        return whole_number(value, str(get_locale() or "id"))
    if kind is ColumnKind.DATE and isinstance(value, date):
        return str(format_date(value, "medium"))
    if kind is ColumnKind.MONTH and isinstance(value, date):
        return str(format_date(value, "MMM yyyy"))
    return str(value)


class _Urls:
    """`url_for` of the report endpoints, its path built once per endpoint and the query string
    appended (what `url_for` writes, without a route lookup per cell: a table of 600
    facilities has some 8,000 links)."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {}
        self.facility_path = url_for("admin.reports_facility", report_facility_id=0)[:-1]

    def __call__(self, endpoint: str, args: Mapping[str, str]) -> str:
        path = self.paths.get(endpoint)
        if path is None:
            path = self.paths[endpoint] = url_for(endpoint)
        return _with_query(path, args)

    def facility(self, facility_id: int, args: Mapping[str, str]) -> str:
        return _with_query(f"{self.facility_path}{facility_id}", args)


def _with_query(path: str, args: Mapping[str, str]) -> str:
    query = urlencode([(key, value) for key, value in args.items() if value is not None],
                      safe=URL_SAFE)  # fmt: skip
    return f"{path}?{query}" if query else path


def _linker(query: ReportQuery) -> Link:
    """Where a cell leads: a row's name to its breakdown, a figure to its entries."""
    urls, base_args = _Urls(), query.args()

    def link(row_filter: Mapping[str, str], key: str | None) -> str | None:
        args = {**base_args, **row_filter}
        if key is None:
            if "facility" in row_filter:
                facility_id = int(args.pop("facility"))
                return urls.facility(facility_id, args)
            if row_filter.keys() & {"kanwil", "kind", "channel"}:
                return urls("admin.reports_facilities", args)
            return urls("admin.reports_entries", args) if row_filter else None
        if key in COUNT_KEYS:
            return urls("admin.reports_facilities", args)
        if key in FIGURE_KEYS:
            return urls("admin.reports_entries", {**args, **COLUMN_DRILL.get(key, {})})
        return None

    return link


def _series_linker(query: ReportQuery) -> Callable[[date, ColumnKind, str], str | None]:
    """Where a figure of a day or month row leads: that day's or month's entries."""
    urls, filter_args = _Urls(), query.filters.args()

    def link(day: date, kind: ColumnKind, key: str) -> str | None:
        if key not in FIGURE_KEYS:
            return None
        period = Period.month_of(day) if kind is ColumnKind.MONTH else Period(day, day)
        args = {**filter_args, **period.args(), **COLUMN_DRILL.get(key, {})}
        return urls("admin.reports_entries", args)

    return link


def _page(template: str, query: ReportQuery, **context: object) -> str:
    user = me()
    kanwils = (
        db.session.scalars(select(Kanwil).order_by(Kanwil.name)).all()
        if user.role in (Role.CENTRAL, Role.ADMIN)
        else []
    )
    return render_template(
        template, query=query, period=query.period, filters=query.filters,
        messages=query.messages, kanwils=kanwils, kinds=list(FacilityKind),
        channels=list(SalesChannel), link=_linker(query),
        cell=cell, role=user.role.value, export_args=query.args(),
        described=reports.describe_filters(query.filters, user),
        series_link=_series_linker(query),
        **context,
    )  # fmt: skip


@section.get("/reports")
def reports_overview() -> ResponseReturnValue:
    user = me()
    if user.role is Role.STAFF and user.facility_id is not None:
        return redirect(
            url_for("admin.reports_facility", report_facility_id=user.facility_id,
                    **request.args.to_dict())
        )  # fmt: skip
    query = _query()
    args = {"user": user, "period": query.period, "filters": query.filters}
    overview = reports.overview(**args)
    facilities = (
        reports.by_facility(**args, national=overview.totals) if user.role is Role.KANWIL else None
    )
    shown = {
        "sales": _over_time_chart(overview.sales_over_time),
        "regions": _bar_chart(overview.regions.table, _l("Penjualan bersih per Kanwil")),
    }
    return _page(
        "admin/reports/overview.html", query, overview=overview, facilities=facilities,
        charts=shown,
    )  # fmt: skip


@section.get("/reports/facilities")
def reports_facilities() -> ResponseReturnValue:
    query = _query()
    table = reports.by_facility(user=me(), period=query.period, filters=query.filters)
    return _page("admin/reports/facilities.html", query, report=table)


@section.get("/reports/facilities/<int:report_facility_id>")
def reports_facility(report_facility_id: int) -> ResponseReturnValue:
    user = me()
    facility = scoping.get_in_scope(user, Facility, report_facility_id)
    query = _query()
    report = reports.facility_report(
        user=user, facility=facility, period=query.period, filters=query.filters
    )
    own_query = replace(query, filters=query.filters.but(facility_id=facility.id))
    return _page(
        "admin/reports/facility.html", query, report=report, own_args=own_query.args(),
        facility_link=_linker(own_query), facility_series_link=_series_linker(own_query),
        charts={"trend": _over_time_chart(report.trend)},
    )  # fmt: skip


@section.get("/reports/categories")
def reports_categories() -> ResponseReturnValue:
    query = _query()
    top, leaves = reports.categories(user=me(), period=query.period, filters=query.filters)
    return _page(
        "admin/reports/categories.html", query, top=top, leaves=leaves,
        charts={"categories": _bar_chart(top.table, _l("Penjualan bersih per kategori utama"))},
    )  # fmt: skip


@section.get("/reports/kinds")
def reports_kinds() -> ResponseReturnValue:
    query = _query()
    table = reports.by_kind(user=me(), period=query.period, filters=query.filters)
    return _page("admin/reports/kinds.html", query, report=table)


@section.get("/reports/entries")
def reports_entries() -> ResponseReturnValue:
    form = _form()
    query = form.query(now=now())
    cursors = {"after": form.after.data or None, "before": form.before.data or None}
    args = {"user": me(), "period": query.period, "filters": query.filters, "per_page": PER_PAGE}
    try:
        result = reports.entries_page(**args, **cursors)
    except pagination.InvalidCursor:
        query = replace(query, messages=[*query.messages, str(UNKNOWN_PAGE)])
        result = reports.entries_page(**args)
    return _page(
        "admin/reports/entries.html", query, result=result,
        columns=reports.entry_columns(),
        entry_cells=reports.entry_cells,
        # Kanwil users do not handle orders, so they get no link to the order screen.
        order_links=me().role is not Role.KANWIL,
        title=_l("Catatan di balik angka"),
        hidden_args={key: value for key, value in query.filters.args().items()
                     if key not in ("kanwil", "kind", "channel")},
    )  # fmt: skip


@section.get("/reports/export/<report>.<fmt>")
def reports_export(report: str, fmt: str) -> ResponseReturnValue:
    """The file at once, or, for a selection of more rows than `EXPORT_SYNC_MAX_ROWS`, a job
    that builds it and a page that offers it when ready (a second click finds the same job)."""
    if fmt not in FORMATS or report not in tables.REPORTS:
        abort(404)
    user, query = me(), _query()
    rows = tables.rows_expected(report, user=user, query=query)
    if rows > current_app.config["EXPORT_SYNC_MAX_ROWS"]:
        export = export_runs.start_export(
            user=user, report=report, fmt=fmt,  # type: ignore[arg-type]
            query=query, locale=str(get_locale() or "id"), rows=rows,
        )  # fmt: skip
        unit_of_work.commit()
        return redirect(url_for("admin.reports_export_status", export_id=export.id), 303)
    table = tables.REPORTS[report].build(user, query)
    stream, mimetype = FORMATS[fmt]
    filename = exports.export_filename(table, fmt, first=query.period.start, last=query.period.end)
    return Response(
        stream_with_context(stream(table)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _values(table: ReportTable, key: str) -> list[int]:
    index = [column.key for column in table.columns].index(key)
    return [int(row[index] or 0) for row in table.rows]  # type: ignore[index,call-overload]


def _over_time_chart(table: ReportTable) -> object:
    """The days or months up to today: days still to come are not drawn as zero sales."""
    kind = table.columns[0].kind
    today = clock.local_date(now(), clock.EASTERNMOST)
    past = replace(table, rows=[row for row in table.rows if _day_of(row[0]) <= today])  # type: ignore[index]
    labels = [cell(row[0], kind) for row in past.rows]  # type: ignore[index]
    return charts.line_chart(
        title=table.title, labels=labels, value_format=rupiah,
        series=[(str(_l("Penjualan kotor")), _values(past, "gross_idr")),
                (str(_l("Bersih")), _values(past, "net_idr"))],
    )  # fmt: skip


def _day_of(value: object) -> date:
    """A day (`date`) or a month (`date` of its first day, or "YYYY-MM") as its first day."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(f"{value}-01")


def _bar_chart(table: ReportTable, title: object) -> object:
    return charts.bar_chart(
        title=str(title), labels=[str(row[0]) for row in table.rows],  # type: ignore[index]
        series=[(str(_l("Bersih")), _values(table, "net_idr"))], value_format=rupiah,
    )  # fmt: skip

"""Sales and revenue reports from the ledger: national, per Kanwil, facility, category and kind.

Each function takes the user (whose scope limits every query), a `Period` of local days and
`ReportFilters`, and returns `ReportTable`s (what the screen shows and the exports write) with
the drill-down filters of each row. Totals are their own SQL aggregate over the same WHERE as the
rows, never a sum made in Python, and the number of queries does not depend on the number of
facilities.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from shop.accounts.scoping import facility_filter
from shop.core import pagination
from shop.core.clock import Period
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import (
    Category,
    Facility,
    FacilityKind,
    Kanwil,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    OrderLine,
    Product,
    SaleEvent,
    SalesChannel,
    StandSale,
    StandSaleLine,
    User,
)
from shop.reporting.periods import NO_CATEGORY, ReportFilters
from shop.reporting.queries import (
    FIGURE_KEYS,
    Figures,
    entry_conditions,
    facility_conditions,
    facility_counts,
    figure_columns,
    grouped_figures,
    year_month,
)
from shop.reporting.tables import CellValue, Column, ColumnKind, ReportTable

TOP_PRODUCTS = 10
TREND_MONTHS = 12
DAILY_UP_TO_DAYS = 62  # longer periods are charted per month
ENTRY_KIND_LABELS = {
    LedgerEntryKind.SALE: _l("Penjualan"),
    LedgerEntryKind.SHIPPING: _l("Ongkos kirim"),
    LedgerEntryKind.STRIPE_FEE: _l("Biaya Stripe"),
    LedgerEntryKind.REFUND: _l("Pengembalian dana"),
    LedgerEntryKind.REVERSAL: _l("Pembatalan pengembalian"),
}


@dataclass(frozen=True)
class FigureTable:
    """A report table whose rows are figures, with the filters that drill into each row."""

    table: ReportTable
    row_filters: Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class FacilityCounts:
    with_sales: int
    without_sales: int


@dataclass(frozen=True)
class Overview:
    totals: Figures
    counts: FacilityCounts
    regions: FigureTable  # one row per Kanwil in scope
    channels: FigureTable  # one row per sales channel
    sales_over_time: ReportTable


@dataclass(frozen=True)
class FacilityReport:
    facility: Facility
    totals: Figures
    trend: ReportTable
    channels: FigureTable
    products: FigureTable


def figure_columns_meta() -> list[Column]:
    labels = {
        "gross_idr": _l("Penjualan kotor"),
        "refunds_idr": _l("Pengembalian"),
        "fees_idr": _l("Biaya Stripe"),
        "shipping_idr": _l("Ongkos kirim"),
        "net_idr": _l("Bersih"),
        "pnbp_idr": _l("PNBP"),
        "premi_idr": _l("Premi"),
        "capital_idr": _l("Modal produksi"),
        "orders": _l("Pesanan"),
        "items": _l("Barang"),
    }
    return [
        Column(key, str(labels[key]), ColumnKind.IDR if key.endswith("_idr") else ColumnKind.COUNT)
        for key in FIGURE_KEYS
    ]


def _count_columns() -> list[Column]:
    return [
        Column("with_sales", str(_l("UPT dengan penjualan")), ColumnKind.COUNT),
        Column("without_sales", str(_l("UPT tanpa penjualan")), ColumnKind.COUNT),
    ]


def _caption(title: str, period: Period, filters: ReportFilters, user: User) -> tuple[str, ...]:
    lines = [title, str(_l("Periode: %(period)s", period=period.label))]
    if filters.args():
        names = describe_filters(filters, user)
        if names:
            lines.append(str(_l("Saringan: %(filters)s", filters=", ".join(names))))
    return tuple(lines)


def describe_filters(filters: ReportFilters, user: User) -> list[str]:
    """The filters in words, for captions and headings; a Kanwil or facility outside the
    user's scope is not named (its numbers are empty anyway)."""
    words = []
    if filters.kanwil_id is not None:
        kanwil = db.session.scalar(
            sa.select(Kanwil.name).where(
                Kanwil.id == filters.kanwil_id,
                Kanwil.id.in_(
                    sa.select(Facility.kanwil_id).where(facility_filter(user, Facility.id))
                ),
            )
        )
        words.append(kanwil or f"#{filters.kanwil_id}")
    if filters.facility_id is not None:
        facility = db.session.scalar(
            sa.select(Facility.name).where(
                Facility.id == filters.facility_id, facility_filter(user, Facility.id)
            )
        )
        words.append(facility or f"#{filters.facility_id}")
    if filters.facility_kind is not None:
        words.append(filters.facility_kind.label)
    if filters.entry_kind is not None:
        words.append(entry_kind_label(filters.entry_kind))
    for category_id in (filters.category_id, filters.top_category_id):
        category = db.session.get(Category, category_id) if category_id else None
        if category is not None:
            words.append(category.name)
    if filters.no_category:
        words.append(str(_l("Tanpa kategori")))
    if filters.channel is not None:
        words.append(filters.channel.label)
    if filters.event_id is not None:
        event = db.session.get(SaleEvent, filters.event_id)
        words.append(event.name if event is not None else f"#{filters.event_id}")
    if filters.product_id is not None:
        product = db.session.scalar(
            sa.select(Product.name).where(
                Product.id == filters.product_id, facility_filter(user, Product.facility_id)
            )
        )
        words.append(product or f"#{filters.product_id}")
    return words


def entry_kind_label(value: str) -> str:
    if value in LedgerEntryKind.__members__.values():
        return str(ENTRY_KIND_LABELS[LedgerEntryKind(value)])
    return str(_l("Pengembalian dan pembatalannya"))


def totals(*, user: User, period: Period, filters: ReportFilters) -> Figures:
    row = db.session.execute(
        sa.select(*figure_columns()).where(*entry_conditions(user, period, filters))
    ).one()
    return Figures.from_row(row)


def count_facilities(*, user: User, period: Period, filters: ReportFilters) -> FacilityCounts:
    row = db.session.execute(facility_counts(user, period, filters)).one()
    return FacilityCounts(int(row.with_sales or 0), int(row.without_sales or 0))


def _total_row(label: str, figures: Figures, extra: Sequence[int] = ()) -> list[CellValue]:
    return [label, *figures.values(), *extra]


def overview(*, user: User, period: Period, filters: ReportFilters) -> Overview:
    """National (or regional) totals, a row per Kanwil in scope and sales over the period."""
    national = totals(user=user, period=period, filters=filters)
    national_counts = count_facilities(user=user, period=period, filters=filters)
    return Overview(
        totals=national,
        counts=national_counts,
        regions=by_kanwil(
            user=user,
            period=period,
            filters=filters,
            national=national,
            national_counts=national_counts,
        ),
        channels=by_channel(user=user, period=period, filters=filters, national=national),
        sales_over_time=sales_over_time(user=user, period=period, filters=filters),
    )


def by_kanwil(
    *,
    user: User,
    period: Period,
    filters: ReportFilters,
    national: Figures | None = None,
    national_counts: FacilityCounts | None = None,
) -> FigureTable:
    """Every Kanwil in scope, with or without sales; totals are the national figures."""
    national = national or totals(user=user, period=period, filters=filters)
    counts = national_counts or count_facilities(user=user, period=period, filters=filters)
    sums = grouped_figures(user, period, filters, LedgerEntry.kanwil_id).subquery()
    facility_rows = facility_counts(user, period, filters, Facility.kanwil_id).subquery()
    in_scope = sa.select(Facility.kanwil_id).where(facility_filter(user, Facility.id))
    query = (
        sa.select(Kanwil.id, Kanwil.name, sums, facility_rows.c.with_sales,
                  facility_rows.c.without_sales)
        .outerjoin(sums, sums.c.kanwil_id == Kanwil.id)
        .outerjoin(facility_rows, facility_rows.c.kanwil_id == Kanwil.id)
        .where(Kanwil.id.in_(in_scope))
        .order_by(Kanwil.name)
    )  # fmt: skip
    if filters.kanwil_id is not None:
        query = query.where(Kanwil.id == filters.kanwil_id)
    rows, row_filters = [], []
    for row in db.session.execute(query):
        figures = Figures.from_row(row)
        rows.append([row.name, *figures.values(), int(row.with_sales or 0),
                     int(row.without_sales or 0)])  # fmt: skip
        row_filters.append({"kanwil": str(row.id)})
    title = str(_l("Penjualan per Kanwil"))
    return FigureTable(
        ReportTable(
            name="penjualan-per-kanwil",
            title=title,
            columns=[Column("name", str(_l("Kanwil"))), *figure_columns_meta(), *_count_columns()],
            rows=rows,
            totals=_total_row(str(_l("Jumlah")), national, [counts.with_sales,
                                                             counts.without_sales]),
            caption=_caption(title, period, filters, user),
        ),
        row_filters,
    )  # fmt: skip


def by_facility(
    *, user: User, period: Period, filters: ReportFilters, national: Figures | None = None
) -> FigureTable:
    """Every active facility in scope (and any other with entries), most net sales first;
    `national`: the totals of the same selection when the caller has them already."""
    sums = grouped_figures(user, period, filters, LedgerEntry.facility_id).subquery()
    query = (
        sa.select(Facility.id, Facility.name, Kanwil.name.label("kanwil_name"), Facility.kind,
                  sums)
        .join(Kanwil, Kanwil.id == Facility.kanwil_id)
        .outerjoin(sums, sums.c.facility_id == Facility.id)
        .where(*facility_conditions(user, filters),
               sa.or_(Facility.is_active, sums.c.facility_id.is_not(None)))
        .order_by(sa.func.coalesce(sums.c.net_idr, 0).desc(), Facility.name)
    )  # fmt: skip
    rows, row_filters = [], []
    for row in db.session.execute(query):
        figures = Figures.from_row(row)
        rows.append([row.name, row.kanwil_name, row.kind.label, *figures.values()])
        row_filters.append({"facility": str(row.id)})
    title = str(_l("Penjualan per UPT"))
    figures_total = national or totals(user=user, period=period, filters=filters)
    return FigureTable(
        ReportTable(
            name="penjualan-per-upt",
            title=title,
            columns=[
                Column("name", str(_l("UPT"))),
                Column("kanwil", str(_l("Kanwil"))),
                Column("kind", str(_l("Jenis"))),
                *figure_columns_meta(),
            ],
            rows=rows,
            totals=[str(_l("Jumlah")), "", "", *figures_total.values()],
            caption=_caption(title, period, filters, user),
        ),
        row_filters,
    )


def by_kind(*, user: User, period: Period, filters: ReportFilters) -> FigureTable:
    """One row per facility kind (Lapas, Rutan, LPKA, LPP, Bapas)."""
    query = grouped_figures(user, period, filters, Facility.kind).join(
        Facility, Facility.id == LedgerEntry.facility_id
    )
    sums = {row.kind: Figures.from_row(row) for row in db.session.execute(query)}
    facility_rows = {
        row.kind: row for row in db.session.execute(
            facility_counts(user, period, filters, Facility.kind))
    }  # fmt: skip
    rows, row_filters = [], []
    for kind in FacilityKind:
        if filters.facility_kind is not None and kind is not filters.facility_kind:
            continue
        found = facility_rows.get(kind)
        rows.append([
            kind.label, *sums.get(kind, Figures()).values(),
            int(found.with_sales or 0) if found else 0,
            int(found.without_sales or 0) if found else 0,
        ])  # fmt: skip
        row_filters.append({"kind": kind.value})
    title = str(_l("Penjualan per jenis UPT"))
    all_counts = count_facilities(user=user, period=period, filters=filters)
    return FigureTable(
        ReportTable(
            name="penjualan-per-jenis-upt",
            title=title,
            columns=[Column("name", str(_l("Jenis UPT"))), *figure_columns_meta(),
                     *_count_columns()],
            rows=rows,
            totals=_total_row(str(_l("Jumlah")), totals(user=user, period=period,
                                                        filters=filters),
                              [all_counts.with_sales, all_counts.without_sales]),
            caption=_caption(title, period, filters, user),
        ),
        row_filters,
    )  # fmt: skip


def by_channel(
    *, user: User, period: Period, filters: ReportFilters, national: Figures | None = None
) -> FigureTable:
    """One row per sales channel (online, showroom, event, b2b), every channel shown."""
    query = grouped_figures(user, period, filters, LedgerEntry.channel)
    sums = {row.channel: Figures.from_row(row) for row in db.session.execute(query)}
    rows, row_filters = [], []
    for channel in SalesChannel:
        if filters.channel is not None and channel is not filters.channel:
            continue
        rows.append([channel.label, *sums.get(channel, Figures()).values()])
        row_filters.append({"channel": channel.value})
    title = str(_l("Penjualan per saluran"))
    return FigureTable(
        ReportTable(
            name="penjualan-per-saluran",
            title=title,
            columns=[Column("name", str(_l("Saluran"))), *figure_columns_meta()],
            rows=rows,
            totals=_total_row(str(_l("Jumlah")),
                              national or totals(user=user, period=period, filters=filters)),
            caption=_caption(title, period, filters, user),
        ),
        row_filters,
    )  # fmt: skip


def by_category(
    *,
    user: User,
    period: Period,
    filters: ReportFilters,
    top_level: bool,
    national: Figures | None = None,
) -> FigureTable:
    """Figures per category the entries name (`top_level`: per top-level category, a leaf
    counted under its parent). Entries without a category (shipping, fees) get their own row,
    so the total is the same as everywhere else."""
    parent = aliased(Category)
    if top_level:
        key = sa.func.coalesce(Category.parent_id, Category.id)
        query = grouped_figures(user, period, filters, key.label("group_id")).outerjoin(
            Category, Category.id == LedgerEntry.category_id
        )
    else:
        query = grouped_figures(user, period, filters, LedgerEntry.category_id.label("group_id"))
    sums = query.subquery()
    named = (
        sa.select(sums, Category.name, parent.name.label("parent_name"))
        .outerjoin(Category, Category.id == sums.c.group_id)
        .outerjoin(parent, parent.id == Category.parent_id)
        .order_by(sums.c.group_id.is_(None), sums.c.net_idr.desc(), Category.name)
    )
    rows, row_filters = [], []
    for row in db.session.execute(named):
        figures = Figures.from_row(row)
        if row.group_id is None:
            name = str(_l("Tanpa kategori (ongkos kirim, biaya)"))
            row_filters.append({"category": NO_CATEGORY})
        else:
            name = row.name if top_level or not row.parent_name else (
                f"{row.parent_name} / {row.name}")  # fmt: skip
            key_name = "top_category" if top_level else "category"
            row_filters.append({key_name: str(row.group_id)})
        rows.append([name, *figures.values()])
    title = str(_l("Penjualan per kategori utama") if top_level else _l("Penjualan per kategori"))
    return FigureTable(
        ReportTable(
            name="penjualan-per-kategori-utama" if top_level else "penjualan-per-kategori",
            title=title,
            columns=[Column("name", str(_l("Kategori"))), *figure_columns_meta()],
            rows=rows,
            totals=_total_row(str(_l("Jumlah")),
                              national or totals(user=user, period=period, filters=filters)),
            caption=_caption(title, period, filters, user),
        ),
        row_filters,
    )  # fmt: skip


def categories(
    *, user: User, period: Period, filters: ReportFilters
) -> tuple[FigureTable, FigureTable]:
    """Per top-level category and per category, with the one total both tables share."""
    national = totals(user=user, period=period, filters=filters)
    args = {"user": user, "period": period, "filters": filters, "national": national}
    return by_category(**args, top_level=True), by_category(**args, top_level=False)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s, both included."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _series_table(
    name: str,
    title: str,
    first: Column,
    keys: list[tuple[Any, Any]],
    lookup: dict[Any, Figures],
    period: Period,
    filters: ReportFilters,
    user: User,
) -> ReportTable:
    return ReportTable(
        name=name, title=title, columns=[first, *figure_columns_meta()],
        rows=[[shown, *lookup.get(key, Figures()).values()] for key, shown in keys],
        caption=_caption(title, period, filters, user),
    )  # fmt: skip


def sales_over_time(*, user: User, period: Period, filters: ReportFilters) -> ReportTable:
    """Per local day for periods up to two months, per month for longer ones."""
    title = str(_l("Penjualan menurut waktu"))
    if period.days <= DAILY_UP_TO_DAYS:
        query = grouped_figures(user, period, filters, LedgerEntry.local_date.label("key"))
        lookup = {row.key: Figures.from_row(row) for row in db.session.execute(query)}
        days = [period.start + timedelta(days=n) for n in range(period.days)]
        return _series_table(
            "penjualan-harian", title, Column("day", str(_l("Tanggal")), ColumnKind.DATE),
            [(day, day) for day in days], lookup, period, filters, user,
        )  # fmt: skip
    return _monthly(user, period, filters, title, "penjualan-bulanan")


def _monthly(
    user: User, period: Period, filters: ReportFilters, title: str, name: str
) -> ReportTable:
    query = grouped_figures(user, period, filters, year_month(LedgerEntry.local_date).label("key"))
    lookup = {row.key: Figures.from_row(row) for row in db.session.execute(query)}
    months = months_between(period.start, period.end)
    return _series_table(
        name, title, Column("month", str(_l("Bulan")), ColumnKind.MONTH),
        [(month.strftime("%Y-%m"), month) for month in months], lookup, period, filters, user,
    )  # fmt: skip


def trend_period(period: Period) -> Period:
    """The twelve months up to the end of `period`."""
    first = period.end.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, Period.month_of(period.end).end)


def monthly_trend(*, user: User, period: Period, filters: ReportFilters) -> ReportTable:
    """Twelve months up to the period's end, grouped by the entries' local month."""
    return _monthly(user, trend_period(period), filters, str(_l("Tren bulanan")), "tren-bulanan")


def best_sellers(*, user: User, period: Period, filters: ReportFilters) -> FigureTable:
    """The ten products with the most net sales (sales less refunds) and their net units."""
    name = sa.func.coalesce(Product.name, OrderLine.product_name, StandSaleLine.product_name).label(
        "name"
    )
    query = (
        grouped_figures(user, period, filters, LedgerEntry.product_id, name)
        .outerjoin(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
        .outerjoin(StandSaleLine, StandSaleLine.id == LedgerEntry.stand_sale_line_id)
        .where(sa.or_(OrderLine.id.is_not(None), StandSaleLine.id.is_not(None)))
        .outerjoin(Product, Product.id == LedgerEntry.product_id)
        .order_by(sa.literal_column("net_idr").desc(), sa.literal_column("items").desc())
        .limit(TOP_PRODUCTS)
    )
    rows, row_filters = [], []
    for row in db.session.execute(query):
        figures = Figures.from_row(row)
        rows.append([row.name, figures.net_idr, figures.items, figures.gross_idr,
                     figures.refunds_idr])  # fmt: skip
        row_filters.append({"product": str(row.product_id)} if row.product_id else {})
    title = str(_l("Produk terlaris"))
    return FigureTable(
        ReportTable(
            name="produk-terlaris",
            title=title,
            columns=[
                Column("name", str(_l("Produk"))),
                Column("net_idr", str(_l("Bersih")), ColumnKind.IDR),
                Column("items", str(_l("Barang")), ColumnKind.COUNT),
                Column("gross_idr", str(_l("Penjualan kotor")), ColumnKind.IDR),
                Column("refunds_idr", str(_l("Pengembalian")), ColumnKind.IDR),
            ],
            rows=rows,
            caption=_caption(title, period, filters, user),
        ),
        row_filters,
    )  # fmt: skip


def facility_report(
    *, user: User, facility: Facility, period: Period, filters: ReportFilters
) -> FacilityReport:
    """One facility's figures, its twelve-month trend, its channels and its best sellers."""
    own = filters.but(facility_id=facility.id)
    own_totals = totals(user=user, period=period, filters=own)
    return FacilityReport(
        facility=facility,
        totals=own_totals,
        trend=monthly_trend(user=user, period=period, filters=own),
        channels=by_channel(user=user, period=period, filters=own, national=own_totals),
        products=best_sellers(user=user, period=period, filters=own),
    )


# The drill-down: the entries behind a figure.


@dataclass(frozen=True)
class EntryRow:
    id: int
    occurred_at: datetime
    local_date: date
    kind: LedgerEntryKind
    channel: SalesChannel
    facility_name: str
    order_number: str | None
    facility_order_id: int | None
    product_name: str | None
    quantity: int
    amount_idr: int
    pnbp_idr: int
    premi_idr: int
    capital_idr: int


@dataclass(frozen=True)
class EntriesPage:
    rows: list[EntryRow]
    count: int
    totals: Figures
    pages: pagination.KeysetPage[Any]


# The drill-down's order, newest first: unique, so a page boundary never splits equal times.
ENTRY_KEYS = (pagination.timestamp_key(LedgerEntry.occurred_at), pagination.id_key(LedgerEntry.id))


def _entries_selection(user: User, period: Period, filters: ReportFilters) -> sa.Select[Any]:
    return (
        sa.select(
            LedgerEntry.id, LedgerEntry.occurred_at, LedgerEntry.local_date, LedgerEntry.kind,
            LedgerEntry.channel, Facility.name.label("facility_name"),
            sa.func.coalesce(Order.number, StandSale.number).label("order_number"),
            LedgerEntry.facility_order_id,
            sa.func.coalesce(
                Product.name, OrderLine.product_name, StandSaleLine.product_name
            ).label("product_name"),
            LedgerEntry.quantity, LedgerEntry.amount_idr, LedgerEntry.pnbp_idr,
            LedgerEntry.premi_idr, LedgerEntry.capital_idr,
        )
        .join(Facility, Facility.id == LedgerEntry.facility_id)
        .outerjoin(Order, Order.id == LedgerEntry.order_id)
        .outerjoin(StandSale, StandSale.id == LedgerEntry.stand_sale_id)
        .outerjoin(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
        .outerjoin(StandSaleLine, StandSaleLine.id == LedgerEntry.stand_sale_line_id)
        .outerjoin(Product, Product.id == LedgerEntry.product_id)
        .where(*entry_conditions(user, period, filters))
    )  # fmt: skip


def _entries_query(user: User, period: Period, filters: ReportFilters) -> sa.Select[Any]:
    return _entries_selection(user, period, filters).order_by(
        *(key.column.desc() for key in ENTRY_KEYS)
    )


def entries_page(
    *,
    user: User,
    period: Period,
    filters: ReportFilters,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
) -> EntriesPage:
    """One page of the entries behind a figure, newest first, after or before a cursor.

    Raises `pagination.InvalidCursor` for a cursor the drill-down did not make.
    """
    figures = totals(user=user, period=period, filters=filters)
    count = count_entries(user=user, period=period, filters=filters)
    pages = pagination.paginate_by_key(
        _entries_selection(user, period, filters), keys=ENTRY_KEYS, per_page=per_page,
        after=after, before=before,
    )  # fmt: skip
    rows = [EntryRow(**row._mapping) for row in pages.items]
    return EntriesPage(rows=rows, count=count, totals=figures, pages=pages)


def count_entries(*, user: User, period: Period, filters: ReportFilters) -> int:
    """How many entries the selection has (what an export of them would write)."""
    count = db.session.scalar(
        sa.select(sa.func.count(LedgerEntry.id)).where(*entry_conditions(user, period, filters))
    )
    return int(count or 0)


def entry_cells(row: EntryRow) -> list[CellValue]:
    return [
        row.local_date, str(ENTRY_KIND_LABELS[row.kind]), row.channel.label, row.facility_name,
        row.order_number or "", row.product_name or "", row.quantity, row.amount_idr,
        row.pnbp_idr, row.premi_idr, row.capital_idr,
    ]  # fmt: skip


def entry_columns() -> list[Column]:
    return [
        Column("local_date", str(_l("Tanggal")), ColumnKind.DATE),
        Column("kind", str(_l("Jenis catatan"))),
        Column("channel", str(_l("Saluran"))),
        Column("facility", str(_l("UPT"))),
        Column("order", str(_l("Nomor pesanan"))),
        Column("product", str(_l("Produk"))),
        Column("quantity", str(_l("Barang")), ColumnKind.COUNT),
        Column("amount_idr", str(_l("Jumlah")), ColumnKind.IDR),
        Column("pnbp_idr", str(_l("PNBP")), ColumnKind.IDR),
        Column("premi_idr", str(_l("Premi")), ColumnKind.IDR),
        Column("capital_idr", str(_l("Modal produksi")), ColumnKind.IDR),
    ]


def entries_table(*, user: User, period: Period, filters: ReportFilters) -> ReportTable:
    """Every entry of the selection, streamed from the database (for exports)."""
    figures = totals(user=user, period=period, filters=filters)

    def rows() -> Iterator[list[CellValue]]:
        query = _entries_query(user, period, filters).execution_options(yield_per=500)
        result = db.session.execute(query)
        try:
            for row in result:
                yield entry_cells(EntryRow(**row._mapping))
        finally:
            # Closed with the generator: a writer that stops early (an error) leaves no
            # server-side cursor behind for the rollback to pull the transaction from under.
            result.close()

    title = str(_l("Catatan buku besar"))
    return ReportTable(
        name="catatan-buku-besar",
        title=title,
        columns=entry_columns(),
        rows=rows(),
        totals=[None, "", "", "", "", "", figures.items, figures.net_idr,
                figures.pnbp_idr, figures.premi_idr, figures.capital_idr],
        caption=_caption(title, period, filters, user),
    )  # fmt: skip

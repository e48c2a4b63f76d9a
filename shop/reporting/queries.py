"""The SQL pieces every report is built from: one WHERE for scope and filters, one set of sums.

Every figure is a SQL aggregate over `ledger_entry`, always behind
`scoping.facility_filter(user, LedgerEntry.facility_id)`, so a facility's line, its region's
and the nation's are sums of the very same rows and always add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from shop.accounts.scoping import facility_filter
from shop.core.clock import Period
from shop.models import (
    Category,
    Facility,
    LedgerEntry,
    LedgerEntryKind,
    Stand,
    StandSale,
    User,
)
from shop.reporting.periods import REFUNDS, ReportFilters

REFUND_KINDS = (LedgerEntryKind.REFUND, LedgerEntryKind.REVERSAL)
FIGURE_KEYS = (
    "gross_idr", "refunds_idr", "fees_idr", "shipping_idr", "net_idr",
    "pnbp_idr", "premi_idr", "capital_idr", "orders", "items",
)  # fmt: skip


class year_month(FunctionElement[str]):
    """`'2026-12'` for a date column, on SQLite and on PostgreSQL alike."""

    type = sa.String()
    inherit_cache = True


@compiles(year_month)
def _year_month_sqlite(element: year_month, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element: year_month, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@dataclass(frozen=True)
class Figures:
    """The sums of one selection of ledger entries, in rupiah and units."""

    gross_idr: int = 0  # sale entries
    refunds_idr: int = 0  # refund and reversal entries (negative)
    fees_idr: int = 0  # Stripe fees (negative)
    shipping_idr: int = 0
    net_idr: int = 0  # gross + refunds of goods + fees: shipping and its refunds left out
    pnbp_idr: int = 0
    premi_idr: int = 0
    capital_idr: int = 0
    orders: int = 0  # distinct orders and stand sales with a sale entry
    items: int = 0  # units sold less units refunded

    @classmethod
    def from_row(cls, row: Any) -> Figures:
        mapping = row._mapping
        return cls(**{key: int(mapping[key] or 0) for key in FIGURE_KEYS})

    def values(self) -> list[int]:
        return [getattr(self, key) for key in FIGURE_KEYS]


def _sum(expression: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(expression), 0)


def _when(condition: Any, value: Any) -> Any:
    return sa.case((condition, value), else_=0)


def figure_columns() -> list[Any]:
    """The aggregate columns of `Figures`, labelled by its field names."""
    kind, amount = LedgerEntry.kind, LedgerEntry.amount_idr
    return [
        _sum(_when(kind == LedgerEntryKind.SALE, amount)).label("gross_idr"),
        _sum(_when(kind.in_(REFUND_KINDS), amount)).label("refunds_idr"),
        _sum(_when(kind == LedgerEntryKind.STRIPE_FEE, amount)).label("fees_idr"),
        _sum(_when(kind == LedgerEntryKind.SHIPPING, amount)).label("shipping_idr"),
        # Net sales as finance reads them: what the goods brought in after refunds and the
        # payment fees. Shipping is passed on to the courier, so neither the shipping entries
        # nor their refunds (refund entries without an order line) count.
        _sum(
            _when(
                sa.and_(
                    kind != LedgerEntryKind.SHIPPING,
                    sa.or_(
                        kind.not_in(REFUND_KINDS),
                        LedgerEntry.order_line_id.is_not(None),
                        LedgerEntry.stand_sale_line_id.is_not(None),
                    ),
                ),
                amount,
            )
        ).label("net_idr"),
        _sum(LedgerEntry.pnbp_idr).label("pnbp_idr"),
        _sum(LedgerEntry.premi_idr).label("premi_idr"),
        _sum(LedgerEntry.capital_idr).label("capital_idr"),
        # Online orders and stand sales are told apart by their source column (never both).
        (
            sa.func.count(
                sa.distinct(sa.case((kind == LedgerEntryKind.SALE, LedgerEntry.order_id)))
            )
            + sa.func.count(
                sa.distinct(sa.case((kind == LedgerEntryKind.SALE, LedgerEntry.stand_sale_id)))
            )
        ).label("orders"),
        # Fees and shipping carry no units, so the sum over all entries is the net units.
        _sum(LedgerEntry.quantity).label("items"),
    ]


def facility_conditions(user: User, filters: ReportFilters) -> list[Any]:
    """The WHERE of facility rows: the user's scope, the Kanwil, kind and facility asked for."""
    conditions: list[Any] = [facility_filter(user, Facility.id)]
    if filters.kanwil_id is not None:
        conditions.append(Facility.kanwil_id == filters.kanwil_id)
    if filters.facility_kind is not None:
        conditions.append(Facility.kind == filters.facility_kind)
    if filters.facility_id is not None:
        conditions.append(Facility.id == filters.facility_id)
    return conditions


def entry_conditions(user: User, period: Period, filters: ReportFilters) -> list[Any]:
    """The WHERE of ledger entries: scope, local days of the period, and every filter."""
    conditions: list[Any] = [
        facility_filter(user, LedgerEntry.facility_id),
        LedgerEntry.local_date.between(period.start, period.end),
    ]
    if filters.kanwil_id is not None:
        conditions.append(LedgerEntry.kanwil_id == filters.kanwil_id)
    if filters.facility_id is not None:
        conditions.append(LedgerEntry.facility_id == filters.facility_id)
    if filters.facility_kind is not None:
        conditions.append(
            LedgerEntry.facility_id.in_(
                sa.select(Facility.id).where(Facility.kind == filters.facility_kind)
            )
        )
    if filters.no_category:
        conditions.append(LedgerEntry.category_id.is_(None))
    elif filters.category_id is not None:
        conditions.append(LedgerEntry.category_id == filters.category_id)
    if filters.top_category_id is not None:
        conditions.append(
            LedgerEntry.category_id.in_(
                sa.select(Category.id).where(
                    sa.or_(
                        Category.id == filters.top_category_id,
                        Category.parent_id == filters.top_category_id,
                    )
                )
            )
        )
    if filters.entry_kind == REFUNDS:
        conditions.append(LedgerEntry.kind.in_(REFUND_KINDS))
    elif filters.entry_kind is not None:
        conditions.append(LedgerEntry.kind == LedgerEntryKind(filters.entry_kind))
    if filters.product_id is not None:
        conditions.append(LedgerEntry.product_id == filters.product_id)
    if filters.channel is not None:
        conditions.append(LedgerEntry.channel == filters.channel)
    if filters.event_id is not None:
        conditions.append(
            LedgerEntry.stand_sale_id.in_(
                sa.select(StandSale.id)
                .join(Stand, Stand.id == StandSale.stand_id)
                .where(Stand.event_id == filters.event_id)
            )
        )
    return conditions


def grouped_figures(
    user: User, period: Period, filters: ReportFilters, *keys: Any
) -> sa.Select[Any]:
    """The figures per value of `keys` (columns of `ledger_entry`), as a query."""
    return (
        sa.select(*keys, *figure_columns())
        .select_from(LedgerEntry)
        .where(*entry_conditions(user, period, filters))
        .group_by(*keys)
    )


def facility_counts(
    user: User, period: Period, filters: ReportFilters, *keys: Any
) -> sa.Select[Any]:
    """Active facilities in scope per value of `keys` (columns of `facility`): with and without
    a sale in the period."""
    sold = (
        sa.select(LedgerEntry.facility_id)
        .where(
            *entry_conditions(user, period, filters.but(entry_kind=None)),
            LedgerEntry.kind == LedgerEntryKind.SALE,
        )
        .distinct()
        .subquery()
    )
    # One pass over the sale entries, joined once (an IN inside the CASE ran it twice).
    with_sales = sa.func.count(sold.c.facility_id)
    return (
        sa.select(
            *keys,
            with_sales.label("with_sales"),
            (sa.func.count(Facility.id) - with_sales).label("without_sales"),
        )
        .select_from(Facility)
        .outerjoin(sold, sold.c.facility_id == Facility.id)
        .where(Facility.is_active, *facility_conditions(user, filters))
        .group_by(*keys)
    )

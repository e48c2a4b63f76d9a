"""Quote figures per facility: how many parts were asked for, answered, declined and accepted,
the acceptance rate, and the b2b sales the ledger holds, within the user's scope and a period.

Requests count by the national day they were made on; sales by the ledger's local day, as every
report does. The acceptance rate is accepted parts over the parts that got a price (answered,
accepted or expired): a declined part was never an offer to accept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from shop.accounts import scoping
from shop.core.clock import Period
from shop.database import db
from shop.models import (
    Facility,
    LedgerEntry,
    LedgerEntryKind,
    QuotePart,
    QuoteRequest,
    QuoteStatus,
    SalesChannel,
    User,
)

PRICED = (QuoteStatus.ANSWERED, QuoteStatus.ACCEPTED, QuoteStatus.EXPIRED)


@dataclass
class FacilityFigures:
    facility_id: int
    facility_name: str
    requested: int = 0
    priced: int = 0
    declined: int = 0
    accepted: int = 0
    b2b_sales_idr: int = 0
    b2b_orders: int = 0

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted over priced, 0..1; None when nothing was priced."""
        return self.accepted / self.priced if self.priced else None


@dataclass
class QuoteFigures:
    period: Period
    rows: list[FacilityFigures] = field(default_factory=list)

    @property
    def total(self) -> FacilityFigures:
        total = FacilityFigures(facility_id=0, facility_name="")
        for row in self.rows:
            for name in ("requested", "priced", "declined", "accepted", "b2b_sales_idr",
                         "b2b_orders"):  # fmt: skip
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def quote_figures(*, user: User, period: Period) -> QuoteFigures:
    """The figures of every facility in `user`'s scope with a request or a b2b sale."""
    rows: dict[int, FacilityFigures] = {}

    def row(facility_id: int, name: str) -> FacilityFigures:
        return rows.setdefault(facility_id, FacilityFigures(facility_id, name))

    counts = db.session.execute(
        sa.select(Facility.id, Facility.name, QuotePart.status, sa.func.count())
        .join(QuotePart, QuotePart.facility_id == Facility.id)
        .join(QuoteRequest, QuoteRequest.id == QuotePart.quote_request_id)
        .where(
            scoping.facility_filter(user, QuotePart.facility_id),
            QuoteRequest.created_at >= period.starts_at(),
            QuoteRequest.created_at < period.ends_at(),
        )
        .group_by(Facility.id, Facility.name, QuotePart.status)
    ).all()
    for facility_id, name, status, count in counts:
        figures = row(facility_id, name)
        figures.requested += count
        if status in PRICED:
            figures.priced += count
        if status is QuoteStatus.DECLINED:
            figures.declined += count
        if status is QuoteStatus.ACCEPTED:
            figures.accepted += count
    sales = db.session.execute(
        sa.select(
            Facility.id,
            Facility.name,
            sa.func.coalesce(sa.func.sum(LedgerEntry.amount_idr), 0),
            sa.func.count(sa.distinct(LedgerEntry.order_id)),
        )
        .join(LedgerEntry, LedgerEntry.facility_id == Facility.id)
        .where(
            scoping.facility_filter(user, LedgerEntry.facility_id),
            LedgerEntry.channel == SalesChannel.B2B,
            LedgerEntry.kind == LedgerEntryKind.SALE,
            LedgerEntry.local_date >= period.start,
            LedgerEntry.local_date <= period.end,
        )
        .group_by(Facility.id, Facility.name)
    ).all()
    for facility_id, name, amount, orders in sales:
        figures = row(facility_id, name)
        figures.b2b_sales_idr, figures.b2b_orders = int(amount), int(orders)
    return QuoteFigures(
        period=period, rows=sorted(rows.values(), key=lambda r: r.facility_name.lower())
    )

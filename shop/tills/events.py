"""An event's sales across every facility that took part, read from the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from shop.accounts.scoping import facility_filter
from shop.database import db
from shop.models import Facility, LedgerEntry, LedgerEntryKind, SaleEvent, Stand, StandSale, User


@dataclass(frozen=True)
class FacilityAtEvent:
    facility: Facility
    sales: int
    items: int
    amount_idr: int
    pnbp_idr: int
    premi_idr: int


def events(user: User) -> list[tuple[SaleEvent, int]]:
    """Every event with the number of stands the user may see there, newest first."""
    stands = sa.func.count(Stand.id)
    rows = db.session.execute(
        sa.select(SaleEvent, stands)
        .outerjoin(
            Stand, sa.and_(Stand.event_id == SaleEvent.id, facility_filter(user, Stand.facility_id))
        )
        .group_by(SaleEvent.id)
        .order_by(SaleEvent.starts_on.desc(), SaleEvent.id.desc())
    )
    return [(event, int(count)) for event, count in rows]


def facilities_at(event: SaleEvent, user: User) -> list[FacilityAtEvent]:
    """Per facility: sales made at its stands of the event, net of returns (ledger sums)."""
    entries = (
        sa.select(
            LedgerEntry.facility_id,
            sa.func.count(sa.distinct(LedgerEntry.stand_sale_id)).filter(
                LedgerEntry.kind == LedgerEntryKind.SALE
            ),
            sa.func.coalesce(sa.func.sum(LedgerEntry.quantity), 0),
            sa.func.coalesce(sa.func.sum(LedgerEntry.amount_idr), 0),
            sa.func.coalesce(sa.func.sum(LedgerEntry.pnbp_idr), 0),
            sa.func.coalesce(sa.func.sum(LedgerEntry.premi_idr), 0),
        )
        .join(StandSale, StandSale.id == LedgerEntry.stand_sale_id)
        .join(Stand, Stand.id == StandSale.stand_id)
        .where(Stand.event_id == event.id, facility_filter(user, LedgerEntry.facility_id))
        .group_by(LedgerEntry.facility_id)
    ).subquery()
    rows = db.session.execute(
        sa.select(Facility, entries)
        .join(entries, entries.c.facility_id == Facility.id)
        .order_by(Facility.name)
    )
    return [
        FacilityAtEvent(row[0], int(row[2]), int(row[3]), int(row[4]), int(row[5]), int(row[6]))
        for row in rows
    ]


def stands_at(event: SaleEvent, user: User) -> list[Stand]:
    return list(
        db.session.scalars(
            sa.select(Stand)
            .where(Stand.event_id == event.id, facility_filter(user, Stand.facility_id))
            .order_by(Stand.opened_at)
        )
    )

"""What the public may know of the shop's impact: national, per-Kanwil and per-channel totals.

Only sums leave this module: no buyer, no order, no single sale. Sums count active facilities
only (a facility taken off the site takes its figures with it), net of refunds, and are
computed by SQL aggregates, one query for a period, per facility first and then per Kanwil,
so the national totals are exactly the sum of the Kanwil lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from shop.database import db
from shop.models import Facility, Kanwil, LedgerEntry, SalesChannel


@dataclass(frozen=True)
class KanwilImpact:
    name: str
    province: str
    facilities_selling: int
    units_sold: int
    premi_idr: int
    sales_idr: int


@dataclass(frozen=True)
class ChannelImpact:
    channel: SalesChannel
    units_sold: int
    premi_idr: int
    sales_idr: int


@dataclass(frozen=True)
class ImpactFigures:
    """Totals of a period: since `since` (a local date), or of all time when it is None."""

    since: date | None
    computed_at: datetime
    facilities_selling: int
    units_sold: int
    premi_idr: int
    sales_idr: int
    kanwil: list[KanwilImpact]
    channels: list[ChannelImpact]


def impact_figures(*, since: date | None, now: datetime) -> ImpactFigures:
    """The public totals, net of refunds, from the ledger entries dated `since` or later.

    - units sold: the units of sale entries less those refunded;
    - premi: the workers' share of every entry (sales, less fees and refunds);
    - sales: what was paid for the products (shipping excluded), less refunds of products;
    - facilities selling: active facilities whose net units sold are above zero.
    """
    per_facility = _sums(LedgerEntry.facility_id, LedgerEntry.kanwil_id, since=since)
    facilities = per_facility.subquery()
    rows = db.session.execute(
        sa.select(
            Kanwil.name,
            Kanwil.province,
            sa.func.sum(sa.case((facilities.c.units > 0, 1), else_=0)),
            sa.func.sum(facilities.c.units),
            sa.func.sum(facilities.c.premi),
            sa.func.sum(facilities.c.sales),
        )
        .join(Kanwil, Kanwil.id == facilities.c.kanwil_id)
        .group_by(Kanwil.id, Kanwil.name, Kanwil.province)
        .order_by(sa.func.sum(facilities.c.premi).desc(), Kanwil.name)
    ).all()
    kanwil = [
        KanwilImpact(
            name=name,
            province=province,
            facilities_selling=int(selling or 0),
            units_sold=int(units or 0),
            premi_idr=int(premi or 0),
            sales_idr=int(sales or 0),
        )
        for name, province, selling, units, premi, sales in rows
    ]
    return ImpactFigures(
        since=since,
        computed_at=now,
        facilities_selling=sum(k.facilities_selling for k in kanwil),
        units_sold=sum(k.units_sold for k in kanwil),
        premi_idr=sum(k.premi_idr for k in kanwil),
        sales_idr=sum(k.sales_idr for k in kanwil),
        kanwil=kanwil,
        channels=_per_channel(since),
    )


def _sums(*keys: sa.ColumnElement[object], since: date | None) -> sa.Select[tuple[object, ...]]:
    """Units, premi and product sales of active facilities' entries, per `keys`.

    Sales are the amounts of entries about a product (sales and their refunds): shipping and
    fees name none.
    """
    entry = LedgerEntry
    query = (
        sa.select(
            *keys,
            sa.func.sum(entry.quantity).label("units"),
            sa.func.sum(entry.premi_idr).label("premi"),
            sa.func.sum(sa.case((entry.product_id.is_not(None), entry.amount_idr), else_=0)).label(
                "sales"
            ),
        )
        .join(Facility, Facility.id == entry.facility_id)
        .where(Facility.is_active.is_(True))
        .group_by(*keys)
    )
    if since is not None:
        query = query.where(entry.local_date >= since)
    return query


def _per_channel(since: date | None) -> list[ChannelImpact]:
    """Every channel, in the enum's order, with zeros where nothing was sold."""
    found = {
        row.channel: row for row in db.session.execute(_sums(LedgerEntry.channel, since=since))
    }
    return [
        ChannelImpact(
            channel=channel,
            units_sold=int(found[channel].units or 0) if channel in found else 0,
            premi_idr=int(found[channel].premi or 0) if channel in found else 0,
            sales_idr=int(found[channel].sales or 0) if channel in found else 0,
        )
        for channel in SalesChannel
    ]

"""Opening and closing a stand, and the cash it should hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.core import audit, clock
from shop.core.i18n import lazy_gettext as _l
from shop.core.locks import lock_rows
from shop.database import db
from shop.models import (
    Role,
    SaleEvent,
    SalesChannel,
    Stand,
    StandReturn,
    StandSale,
    StandSaleStatus,
    StandStatus,
    TillPayment,
    User,
)
from shop.tills.errors import TillError

MAX_CASH_IDR = 1_000_000_000


@dataclass(frozen=True)
class NewEvent:
    name: str
    place: str
    starts_on: date
    ends_on: date


def seller_facility_id(actor: User) -> int:
    """Only staff of a facility sell, and only at their facility's stands."""
    if actor.role is not Role.STAFF or actor.facility_id is None:
        raise TillError(_l("Hanya petugas UPT yang dapat berjualan di stan."))
    return actor.facility_id


def open_stand(
    *,
    actor: User,
    now: datetime,
    event: SaleEvent | None = None,
    new_event: NewEvent | None = None,
    opening_cash_idr: int = 0,
) -> Stand:
    """Open the facility's showroom stand, or its stand at an event (an existing or a new one)."""
    facility_id = seller_facility_id(actor)
    if not 0 <= opening_cash_idr <= MAX_CASH_IDR:
        raise TillError(_l("Uang kas awal tidak wajar."))
    if new_event is not None:
        event = find_or_add_event(new_event, actor=actor, now=now)
    if event is not None:
        today = clock.local_date(now, actor.facility.timezone)
        if not event.starts_on <= today <= event.ends_on:
            raise TillError(_l("Acara itu tidak berlangsung hari ini."))
    channel = SalesChannel.EVENT if event is not None else SalesChannel.SHOWROOM
    if current_stand(facility_id=facility_id, event_id=event.id if event else None) is not None:
        raise TillError(_l("Stan ini sudah dibuka; lanjutkan berjualan di sana."))
    stand = Stand(
        facility_id=facility_id,
        channel=channel,
        event_id=event.id if event is not None else None,
        status=StandStatus.OPEN,
        opening_cash_idr=opening_cash_idr,
        opened_at=now,
        opened_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(stand)
    except IntegrityError:  # another phone of the facility opened it at the same moment
        raise TillError(_l("Stan ini sudah dibuka; lanjutkan berjualan di sana.")) from None
    audit.record(
        actor=actor,
        action="stand.open",
        obj=stand,
        changes={"channel": [None, channel.value], "event_id": [None, stand.event_id],
                 "opening_cash_idr": [None, opening_cash_idr]},
    )  # fmt: skip
    return stand


def find_or_add_event(new: NewEvent, *, actor: User, now: datetime) -> SaleEvent:
    """The event of that name starting that day (another facility may have added it first)."""
    name, place = new.name.strip()[:160], new.place.strip()[:160]
    if not name or not place:
        raise TillError(_l("Isi nama dan tempat acara."))
    if new.ends_on < new.starts_on:
        raise TillError(_l("Tanggal selesai acara tidak boleh sebelum tanggal mulai."))
    if (new.ends_on - new.starts_on).days > 60:
        raise TillError(_l("Acara lebih dari 60 hari: periksa tanggalnya."))
    query = sa.select(SaleEvent).where(SaleEvent.name == name, SaleEvent.starts_on == new.starts_on)
    found = db.session.scalar(query)
    if found is not None:
        return found
    event = SaleEvent(
        name=name, place=place, starts_on=new.starts_on, ends_on=new.ends_on,
        created_by_id=actor.id, created_at=now,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        found = db.session.scalar(query)
        assert found is not None
        return found
    audit.record(actor=actor, action="sale_event.create", obj=event,
                 changes={"name": [None, name], "place": [None, place]})  # fmt: skip
    return event


def events_running(*, on: date) -> list[SaleEvent]:
    return list(
        db.session.scalars(
            sa.select(SaleEvent)
            .where(SaleEvent.starts_on <= on, SaleEvent.ends_on >= on)
            .order_by(SaleEvent.starts_on, SaleEvent.name)
        )
    )


def current_stand(*, facility_id: int, event_id: int | None) -> Stand | None:
    query = sa.select(Stand).where(
        Stand.facility_id == facility_id, Stand.status == StandStatus.OPEN
    )
    query = query.where(
        Stand.event_id.is_(None) if event_id is None else Stand.event_id == event_id
    )
    return db.session.scalar(query)


def stands_of(facility_id: int, *, limit: int = 20) -> list[Stand]:
    """Open stands first, then the latest closed ones."""
    return list(
        db.session.scalars(
            sa.select(Stand)
            .where(Stand.facility_id == facility_id)
            .order_by((Stand.status == StandStatus.OPEN).desc(), Stand.opened_at.desc())
            .limit(limit)
        )
    )


def expected_cash(stand: Stand) -> int:
    """Opening float + cash sales kept - cash given back for returns."""
    taken = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StandSale.total_idr), 0)).where(
            StandSale.stand_id == stand.id,
            StandSale.payment == TillPayment.CASH,
            StandSale.status != StandSaleStatus.REJECTED,
        )
    )
    given_back = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StandReturn.amount_idr), 0))
        .join(StandSale, StandSale.id == StandReturn.sale_id)
        .where(StandSale.stand_id == stand.id, StandSale.payment == TillPayment.CASH)
    )
    return stand.opening_cash_idr + int(taken or 0) - int(given_back or 0)


def close_stand(
    *, stand: Stand, counted_cash_idr: int, note: str, actor: User, now: datetime
) -> Stand:
    """Close the stand: the cash counted is kept next to the cash expected, with the difference."""
    if seller_facility_id(actor) != stand.facility_id:
        raise TillError(_l("Stan ini milik UPT lain."))
    (stand,) = lock_rows(Stand, [stand.id])
    if not stand.is_open:
        raise TillError(_l("Stan ini sudah ditutup."))
    if not 0 <= counted_cash_idr <= MAX_CASH_IDR:
        raise TillError(_l("Isi uang tunai yang dihitung (Rp, tidak negatif)."))
    expected = expected_cash(stand)
    difference = counted_cash_idr - expected
    if difference and not note.strip():
        raise TillError(_l("Ada selisih kas: tulis catatan penyebabnya."))
    stand.status = StandStatus.CLOSED
    stand.closed_at = now
    stand.closed_by_id = actor.id
    stand.expected_cash_idr = expected
    stand.counted_cash_idr = counted_cash_idr
    stand.cash_difference_idr = difference
    stand.closing_note = note.strip()[:300]
    audit.record(
        actor=actor,
        action="stand.close",
        obj=stand,
        changes={"status": ["open", "closed"], "expected_cash_idr": [None, expected],
                 "counted_cash_idr": [None, counted_cash_idr],
                 "cash_difference_idr": [None, difference]},
    )  # fmt: skip
    return stand

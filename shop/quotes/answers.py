"""A facility answers its part of a request with a price per line, or declines it.

Only the facility's own staff answer (kanwil and central read); each answer or decline takes
the request's lock, re-reads the part and decides. The one who decides last (every part then
answered or declined) writes the buyer's mail, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from shop.accounts import scoping
from shop.accounts.scoping import OutOfScope
from shop.core import clock
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import QuotePart, QuoteRequest, QuoteStatus, Role, User
from shop.quotes import quote_mail
from shop.quotes.statuses import InvalidFields, QuoteError, lock_request, move

MAX_PRICE_IDR = 999_999_999_999
MAX_LEAD_DAYS = 365
MAX_VALID_DAYS = 180
MAX_TEXT = 2000


class InvalidAnswer(InvalidFields):
    """An answer with wrong fields."""


class NotYourPart(QuoteError):
    """Only the facility's own staff answer its part."""


@dataclass(frozen=True)
class Answer:
    """A facility's offer: unit prices by line id, lead time, delivery cost, validity."""

    lead_time_days: int
    delivery_idr: int
    valid_until: date
    unit_prices: dict[int, int] = field(default_factory=dict)
    notes: str = ""


def part_in_scope(user: User, part_id: int) -> QuotePart:
    """The part if `user` may see it (their facility, their region, or all); else OutOfScope."""
    found = db.session.scalar(
        select(QuotePart).where(
            QuotePart.id == part_id, scoping.facility_filter(user, QuotePart.facility_id)
        )
    )
    if found is None:
        raise OutOfScope()
    return found


def may_answer(user: User, part: QuotePart) -> bool:
    return user.role is Role.STAFF and user.facility_id == part.facility_id


def answer_part(*, part_id: int, answer: Answer, actor: User, now: datetime) -> QuotePart:
    """Price the part; the caller commits. Every line needs a price; nothing is written when a
    field is wrong or the part was answered meanwhile."""
    part = _locked_part(part_id, actor)
    errors = _answer_errors(part, answer, now=now)
    if errors:
        raise InvalidAnswer(errors)
    for line in part.lines:
        line.unit_price_idr = answer.unit_prices[line.id]
    move(
        part, QuoteStatus.ANSWERED, actor=actor,
        changes={"total_idr": [None, part.subtotal_idr + answer.delivery_idr],
                 "valid_until": [None, answer.valid_until.isoformat()]},
    )  # fmt: skip
    part.lead_time_days = answer.lead_time_days
    part.delivery_idr = answer.delivery_idr
    part.valid_until = answer.valid_until
    part.answer_notes = answer.notes.strip()
    part.answered_at, part.answered_by_id = now, actor.id
    _mail_when_all_decided(part.request, now=now)
    return part


def decline_part(*, part_id: int, reason: str, actor: User, now: datetime) -> QuotePart:
    """Decline the part with a reason the buyer reads; the caller commits."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_TEXT:
        raise InvalidAnswer({"reason": _l("Tuliskan alasan penolakan untuk pembeli.")})
    part = _locked_part(part_id, actor)
    move(part, QuoteStatus.DECLINED, actor=actor, changes={"reason": [None, reason]})
    part.decline_reason = reason
    part.answered_at, part.answered_by_id = now, actor.id
    _mail_when_all_decided(part.request, now=now)
    return part


def _locked_part(part_id: int, actor: User) -> QuotePart:
    part = part_in_scope(actor, part_id)
    if not may_answer(actor, part):
        raise NotYourPart(_l("Penawaran dijawab oleh petugas UPT yang bersangkutan."))
    request = lock_request(part.quote_request_id)
    return next(p for p in request.parts if p.id == part_id)


def _answer_errors(part: QuotePart, answer: Answer, *, now: datetime) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for line in part.lines:
        price = answer.unit_prices.get(line.id)
        if price is None or not 0 < price <= MAX_PRICE_IDR:
            errors[f"price-{line.id}"] = _l("Isi harga satuan lebih dari Rp0.")
    if not 0 <= answer.lead_time_days <= MAX_LEAD_DAYS:
        errors["lead_time_days"] = _l("Lama pengerjaan antara 0 dan %(n)s hari.", n=MAX_LEAD_DAYS)
    if not 0 <= answer.delivery_idr <= MAX_PRICE_IDR:
        errors["delivery_idr"] = _l("Isi ongkos kirim Rp0 atau lebih.")
    today = clock.local_date(now, part.facility.timezone)
    if not today <= answer.valid_until <= today + timedelta(days=MAX_VALID_DAYS):
        errors["valid_until"] = _l(
            "Berlaku sampai: antara hari ini dan %(n)s hari ke depan.", n=MAX_VALID_DAYS
        )
    if len(answer.notes.strip()) > MAX_TEXT:
        errors["notes"] = _l("Catatan paling banyak %(n)s huruf.", n=MAX_TEXT)
    return errors


def _mail_when_all_decided(request: QuoteRequest, *, now: datetime) -> None:
    """The buyer's one mail, when no part waits for an answer any more (under the lock)."""
    if request.answers_mailed_at is not None:
        return
    if any(part.status is QuoteStatus.REQUESTED for part in request.parts):
        return
    db.session.flush()
    quote_mail.send_answers(request=request)
    request.answers_mailed_at = now

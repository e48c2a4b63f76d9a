"""A quote request from an institution: answered by both facilities, accepted, paid, in the
ledger as b2b and in the quote figures; declined, expired and repeated accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop import payments
from shop.accounts.scoping import OutOfScope
from shop.core import clock, unit_of_work
from shop.core.clock import Period
from shop.models import (
    AuditEvent,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    OrderStatus,
    OutboxMail,
    QuoteRequest,
    QuoteStatus,
    SalesChannel,
)
from shop.ordering.checkout import OutOfStock
from shop.payments import events
from shop.quotes import acceptance, answers, figures
from shop.quotes.statuses import QuoteError
from tests.factories import UserFactory
from tests.quotes.helpers import answer, ask, part_of, staff_of, stocked_shop


def _accept(request: QuoteRequest, payment=acceptance.PaymentChoice.ONLINE, parts=None):
    result = acceptance.accept(
        request_id=request.id,
        part_ids=parts or [p.id for p in request.parts],
        payment=payment,
        gateway="demo",
        check_amount=payments.gateway_named("demo").check_amount,
        now=clock.now(),
    )
    unit_of_work.commit()
    return result


def _mails(db, template: str) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.template == template)))


def test_two_facilities_answer_the_buyer_accepts_pays_and_the_ledger_says_b2b(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop, batik=200, coffee=40)
    assert request.number.startswith("PNW-") and request.npwp == "012345678901000"
    assert request.email == "budi.santoso@disdik.medan.go.id" and request.phone == "+6281211112222"
    assert len(_mails(db, "quote_new_request")) == 2
    answer(part_of(request, shop.batik_lapas.id), price=180_000, delivery=250_000)
    assert _mails(db, "quote_answers") == [], "no mail while a facility has not answered"
    answer(part_of(request, shop.coffee_rutan.id), price=70_000, delivery=0)
    (mail,) = _mails(db, "quote_answers")
    assert mail.recipients == "budi.santoso@disdik.medan.go.id"
    assert "Lapas Kelas I Medan" in mail.body_text and "Rutan Kelas IIA Kupang" in mail.body_text
    assert "Rp36.000.000" in mail.body_text and f"/quotes/{request.token}" in mail.body_text

    accepted = _accept(request)
    order = accepted.order
    assert order.channel is SalesChannel.B2B
    assert order.total_idr == 200 * 180_000 + 250_000 + 40 * 70_000
    assert {p.status for p in request.parts} == {QuoteStatus.ACCEPTED}
    db.session.refresh(shop.batik)
    assert shop.batik.stock == 100, "stock is reserved at acceptance"

    attempt = payments.start_payment(order=order, now=clock.now())
    assert events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now()) == "paid"
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id)).all()
    assert entries and {e.channel for e in entries} == {SalesChannel.B2B}
    assert sum(e.amount_idr for e in entries) == order.total_idr
    sale_total = sum(e.amount_idr for e in entries if e.kind is LedgerEntryKind.SALE)
    assert sale_total == 200 * 180_000 + 40 * 70_000

    shown = figures.quote_figures(user=UserFactory(), period=Period.this_month(clock.now()))
    by_facility = {row.facility_id: row for row in shown.rows}
    medan = by_facility[shop.batik_lapas.id]
    assert (medan.requested, medan.priced, medan.accepted, medan.acceptance_rate) == (1, 1, 1, 1.0)
    assert medan.b2b_sales_idr == 200 * 180_000 and medan.b2b_orders == 1
    assert shown.total.b2b_sales_idr == sale_total


def test_a_declined_part_needs_a_reason_and_the_mail_waits_for_every_facility(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop)
    coffee = part_of(request, shop.coffee_rutan.id)
    staff = staff_of(shop.coffee_rutan.id)
    with pytest.raises(answers.InvalidAnswer):
        answers.decline_part(part_id=coffee.id, reason="  ", actor=staff, now=clock.now())
    unit_of_work.rollback()
    answers.decline_part(
        part_id=coffee.id, reason="Kopi sedang tidak panen.", actor=staff, now=clock.now()
    )
    unit_of_work.commit()
    assert coffee.status is QuoteStatus.DECLINED and _mails(db, "quote_answers") == []
    answer(part_of(request, shop.batik_lapas.id), price=180_000)
    (mail,) = _mails(db, "quote_answers")
    assert "Kopi sedang tidak panen." in mail.body_text
    with pytest.raises(QuoteError):
        _accept(request, parts=[coffee.id])
    unit_of_work.rollback()
    order = _accept(request, parts=[part_of(request, shop.batik_lapas.id).id]).order
    assert [p.facility_id for p in order.parts] == [shop.batik_lapas.id]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "quote_part.status")
        )
        == 3
    )


def test_an_offer_past_its_validity_cannot_be_accepted_and_expires(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop)
    for part in request.parts:
        answer(part, price=100_000, valid_days=0)
    later = clock.now() + timedelta(days=2)
    with pytest.raises(acceptance.QuoteExpired, match="sudah lewat"):
        acceptance.accept(
            request_id=request.id, part_ids=[p.id for p in request.parts],
            payment=acceptance.PaymentChoice.ONLINE, gateway="demo",
            check_amount=payments.gateway_named("demo").check_amount, now=later,
        )  # fmt: skip
    unit_of_work.rollback()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert acceptance.expire_lapsed(now=later) == 2
    unit_of_work.commit()
    assert {p.status for p in request.parts} == {QuoteStatus.EXPIRED}


def test_a_repeated_accept_gives_the_same_order_and_another_choice_is_refused(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop)
    for part in request.parts:
        answer(part, price=100_000)
    first = _accept(request)
    again = _accept(request)
    assert again.repeated and again.order.id == first.order.id
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    with pytest.raises(QuoteError):
        _accept(request, parts=[request.parts[0].id, request.parts[1].id, 999_999])
    unit_of_work.rollback()


def test_not_enough_stock_at_acceptance_says_which_product_and_writes_nothing(app, db) -> None:
    shop = stocked_shop(batik=150)
    request = ask(shop, batik=200)
    for part in request.parts:
        answer(part, price=100_000)
    with pytest.raises(OutOfStock, match="Kemeja Batik Tulis di Lapas Kelas I Medan"):
        _accept(request)
    unit_of_work.rollback()
    db.session.expire_all()
    assert {p.status for p in request.parts} == {QuoteStatus.ANSWERED}
    assert shop.batik.stock == 150 and shop.coffee.stock == 300
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_only_the_facility_s_own_staff_answer(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop)
    batik = part_of(request, shop.batik_lapas.id)
    with pytest.raises(OutOfScope):
        answer(batik, price=1, staff=staff_of(shop.coffee_rutan.id))
    unit_of_work.rollback()
    with pytest.raises(QuoteError, match="petugas UPT"):
        answer(batik, price=1, staff=UserFactory())
    unit_of_work.rollback()
    assert batik.status is QuoteStatus.REQUESTED


def test_a_part_whose_order_ended_unpaid_can_be_accepted_again_while_valid(app, db) -> None:
    shop = stocked_shop()
    request = ask(shop, batik=200, coffee=40)
    for part in request.parts:
        answer(part, price=100_000)
    first = _accept(request).order
    from shop.payments import expiry

    assert expiry.expire_unpaid(first.id, now=clock.now(), actor_label="test")
    unit_of_work.commit()
    db.session.expire_all()
    assert shop.batik.stock == 300, "the lapsed order gave its stock back"
    second = _accept(request)
    assert not second.repeated and second.order.id != first.id
    db.session.expire_all()
    assert {p.order_id for p in request.parts} == {second.order.id}
    assert shop.batik.stock == 100
    assert _accept(request).order.id == second.order.id

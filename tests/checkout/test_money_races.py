"""Two events about the same money at the same moment: one outcome wins, the other changes nothing.

On PostgreSQL each pair runs in two real threads released together by a barrier (row locks
decide); on SQLite the same pair runs one after the other, in both orders. After each race
the order, its parts, attempts, stock reservations, the stock and the ledger must agree, and a
paid order must still be refundable.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import responses
from flask import Flask
from sqlalchemy import func, select

from shop import payments
from shop.core import clock, unit_of_work
from shop.core.errors import DomainError
from shop.extensions import db as _db
from shop.models import (
    AttemptStatus,
    AuditEvent,
    Cart,
    DeliveryMethod,
    FacilityOrderStatus,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    OrderStatus,
    PaymentAttempt,
    ProductVariant,
    Refund,
    RefundStatus,
    ReservationState,
    StockReservation,
)
from shop.ordering import cart as carts
from shop.ordering import checkout
from shop.payments import events, refunds
from shop.payments.demo import simulated_event
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import BUYER, place, two_facilities
from tests.conftest import ON_POSTGRES

BATIK_STOCK, COFFEE_STOCK = 5, 20
TOTAL_IDR = sf.TWO_FACILITIES_TOTAL_IDR


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return sf.STRIPE_CONFIG


def race(app: Flask, calls: list[Callable[[], str]], *, reverse: bool) -> list[str]:
    """Run the calls at the same moment (PostgreSQL) or one after the other (SQLite), each in
    its own app context and session; an error a user would see is an outcome too."""
    outcomes: dict[int, str] = {}

    def run(index: int, call: Callable[[], str], barrier: threading.Barrier | None) -> None:
        with app.app_context():
            if barrier is not None:
                barrier.wait()
            try:
                outcomes[index] = call()
                unit_of_work.commit()
            except DomainError as error:
                unit_of_work.rollback()
                outcomes[index] = f"refused: {error}"
            finally:
                _db.session.remove()

    order = list(enumerate(calls))
    if reverse:
        order.reverse()
    if ON_POSTGRES:
        barrier = threading.Barrier(len(calls))
        threads = [threading.Thread(target=run, args=(i, c, barrier)) for i, c in order]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for index, call in order:
            run(index, call, None)
    return [outcomes[i] for i in range(len(calls))]


def _stock(db, variant_id: int) -> int:
    return db.session.get(ProductVariant, variant_id).stock


def _ledger_sum(db, order: Order, *kinds: LedgerEntryKind) -> int:
    query = select(func.coalesce(func.sum(LedgerEntry.amount_idr), 0)).where(
        LedgerEntry.order_id == order.id
    )
    if kinds:
        query = query.where(LedgerEntry.kind.in_(kinds))
    return int(db.session.scalar(query))


def _reservation_states(db, order: Order) -> set[ReservationState]:
    line_ids = [line.id for part in order.parts for line in part.lines]
    return set(
        db.session.scalars(
            select(StockReservation.state).where(StockReservation.order_line_id.in_(line_ids))
        )
    )


def assert_consistent(db, shop, order: Order) -> None:
    """The order, its parts, attempts, reservations, stock and ledger tell one story."""
    db.session.expire_all()
    completed = [a for a in order.attempts if a.status is AttemptStatus.COMPLETED]
    if order.status is OrderStatus.PAID:
        assert len(completed) == 1 and completed[0].payment_intent_id
        assert {p.status for p in order.parts} == {FacilityOrderStatus.PAID}
        assert _reservation_states(db, order) == {ReservationState.COMMITTED}
        assert _stock(db, shop.batik.id) == BATIK_STOCK - 2
        assert _stock(db, shop.coffee.id) == COFFEE_STOCK - 3
        assert _ledger_sum(db, order, LedgerEntryKind.SALE, LedgerEntryKind.SHIPPING) == TOTAL_IDR
    else:
        assert order.status in {OrderStatus.EXPIRED, OrderStatus.PAYMENT_FAILED}
        assert not completed
        assert {p.status for p in order.parts} == {FacilityOrderStatus.CANCELLED}
        assert _reservation_states(db, order) == {ReservationState.RELEASED}
        assert _stock(db, shop.batik.id) == BATIK_STOCK
        assert _stock(db, shop.coffee.id) == COFFEE_STOCK
        assert _ledger_sum(db, order) == 0


def assert_refundable(db, order: Order, *, key: str) -> None:
    """Every paid part can be refunded whole, and the ledger then nets the sales to nothing."""
    for part in order.parts:
        refund = refunds.refund_facility_order(
            facility_order=part, quantities=None, include_shipping=True, restock=False,
            reason="uji", idempotency_key=f"{key}-{part.id}", actor=None, now=clock.now(),
        )  # fmt: skip
        assert refund.status is RefundStatus.SUCCEEDED
    db.session.expire_all()
    assert {p.status for p in order.parts} == {FacilityOrderStatus.REFUNDED}
    assert (
        _ledger_sum(
            db, order, LedgerEntryKind.SALE, LedgerEntryKind.SHIPPING, LedgerEntryKind.REFUND
        )
        == 0
    )


# --- the demo gateway: two buttons of one payment page pressed at once -----------------------


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("other", ["cancel", "fail"])
def test_pay_against_cancel_or_fail_has_one_outcome(app, db, other, reverse) -> None:
    shop = two_facilities()
    order = place(shop)
    attempt_id = payments.start_payment(order=order, now=clock.now()).id

    def press(button: str) -> Callable[[], str]:
        def call() -> str:
            attempt = _db.session.get(PaymentAttempt, attempt_id)
            return events.simulate_demo_payment(attempt=attempt, outcome=button, now=clock.now())

        return call

    outcomes = race(app, [press("pay"), press(other)], reverse=reverse)
    refused = [o for o in outcomes if o.startswith("refused")]
    assert len(refused) == 1, outcomes
    assert "sudah selesai" in refused[0]
    assert_consistent(db, shop, order)
    assert (order.status is OrderStatus.PAID) == (outcomes[0] == "paid")
    if order.status is OrderStatus.PAID:
        assert_refundable(db, order, key=f"demo-{other}-{reverse}")


# --- Stripe: checkout.session.completed against expired or async_payment_failed --------------


def _stripe_session(shop, rsps):
    order = place(shop, gateway="stripe")
    session = sf.checkout_session(order_number=order.number, amount_total=TOTAL_IDR * 100)
    sf.mock_session_create(rsps, session)
    payments.start_payment(order=order, now=clock.now())
    sf.mock_payment_intent(
        rsps, sf.payment_intent(order_number=order.number, amount=TOTAL_IDR * 100, fee=2_601_100)
    )
    return order, session


def _deliver(app: Flask, body: dict) -> Callable[[], str]:
    def call() -> str:
        return sf.post_event(app.test_client(), body).get_json()["outcome"]

    return call


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize(
    ("other_type", "other_state"),
    [
        ("checkout.session.expired", {"status": "expired", "payment_status": "unpaid"}),
        (
            "checkout.session.async_payment_failed",
            {"status": "complete", "payment_status": "unpaid"},
        ),
    ],
)
def test_stripe_completed_against_expired_or_failed(
    app, db, rsps, other_type, other_state, reverse
) -> None:
    shop = two_facilities()
    order, session = _stripe_session(shop, rsps)
    paid = {**session, "status": "complete", "payment_status": "paid",
            "payment_intent": "pi_3QeTestEtalase0001", "url": None}  # fmt: skip
    bodies = [
        sf.event("checkout.session.completed", paid, event_id="evt_race_paid"),
        sf.event(other_type, {**session, **other_state, "url": None}, event_id="evt_race_other"),
    ]
    outcomes = race(app, [_deliver(app, b) for b in bodies], reverse=reverse)
    # The money was taken, so the order ends paid whichever came first: directly, or by taking
    # the just-released stock again. The other event changes nothing, or is overtaken.
    assert outcomes[0] in {"paid", "paid after release, stock taken again"}, outcomes
    assert_consistent(db, shop, order)
    assert order.status is OrderStatus.PAID
    assert (
        db.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "sale")
        )
        == 2
    )
    refund_ids = iter(["re_race_1", "re_race_2"])
    rsps.add_callback(
        responses.POST,
        f"{sf.API}/refunds",
        callback=lambda _request: (200, {}, json.dumps(
            sf.refund_object(refund_id=next(refund_ids), amount=1, order_number=order.number)
        )),
    )  # fmt: skip
    assert_refundable(db, order, key=f"stripe-{other_type}-{reverse}")


# --- two refund.updated (failed) for one refund ----------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_two_failed_refund_events_undo_the_refund_once(app, db, rsps, paid, reverse) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.batik_lapas.id)
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        json=sf.refund_object(amount=510_000 * 100, order_number=order.number, status="pending"),
    )
    refund = refunds.refund_facility_order(
        facility_order=part, quantities=None, include_shipping=True, restock=True, reason="rusak",
        idempotency_key="whole-batik", actor=None, now=clock.now(),
    )  # fmt: skip
    assert refund.status is RefundStatus.PENDING
    stock_after_refund = _stock(db, shop.batik.id)
    failed = sf.refund_object(amount=510_000 * 100, order_number=order.number, status="failed")
    bodies = [sf.event("refund.updated", failed, event_id=f"evt_fail_{n}") for n in (1, 2)]
    outcomes = race(app, [_deliver(app, b) for b in bodies], reverse=reverse)
    assert sorted(outcomes) == ["re_3QeTestEtalase0001 failed", "re_3QeTestEtalase0001 unchanged"]
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).status is RefundStatus.FAILED
    assert part.refunded_idr == 0
    assert part.status is FacilityOrderStatus.PAID
    assert all(line.refunded_quantity == 0 for line in part.lines)
    assert _stock(db, shop.batik.id) == stock_after_refund - 2  # taken back once
    kinds = db.session.scalars(
        select(LedgerEntry.kind).where(LedgerEntry.refund_id == refund.id)
    ).all()
    assert sorted(kinds) == sorted([LedgerEntryKind.REFUND] * 2 + [LedgerEntryKind.REVERSAL] * 2)
    assert _ledger_sum(db, order, LedgerEntryKind.SALE, LedgerEntryKind.SHIPPING,
                       LedgerEntryKind.REFUND, LedgerEntryKind.REVERSAL) == TOTAL_IDR  # fmt: skip


# --- a payment after the hold was released, against a buyer taking the same units -----------


def _expired_demo_order(shop) -> tuple[Order, int]:
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="cancel", now=clock.now())
    return order, attempt.id


def _late_payment(attempt_id: int) -> Callable[[], str]:
    def call() -> str:
        attempt = _db.session.get(PaymentAttempt, attempt_id)
        return events.handle_event(
            event=simulated_event(attempt=attempt, outcome="pay", now=clock.now())
        )

    return call


def _buyer_of_every_batik(shop) -> Callable[[], str]:
    cart = carts.new_cart()
    carts.add_item(cart=cart, variant_id=shop.batik.id, quantity=BATIK_STOCK)
    unit_of_work.commit()
    cart_id = cart.id

    def call() -> str:
        checkout.place_order(
            cart=_db.session.get(Cart, cart_id), buyer=BUYER,
            deliveries={shop.batik_lapas.id: DeliveryMethod.PICKUP}, expected_total_idr=None,
            gateway="demo", locale="id", now=clock.now(),
            check_amount=payments.gateway_named("demo").check_amount,
        )  # fmt: skip
        return "ordered"

    return call


def _outbox_subjects(tmp_path: Path) -> list[str]:
    return [
        line
        for mail in (tmp_path / "outbox").glob("*.eml")
        for line in mail.read_text().splitlines()
        if line.startswith("Subject:")
    ]


def test_a_late_payment_takes_the_released_stock_again(app, db) -> None:
    shop = two_facilities()
    order, attempt_id = _expired_demo_order(shop)
    assert _stock(db, shop.batik.id) == BATIK_STOCK
    assert _late_payment(attempt_id)() == "paid after release, stock taken again"
    assert_consistent(db, shop, order)
    assert order.status is OrderStatus.PAID
    assert_refundable(db, order, key="late-with-stock")


def test_a_late_payment_without_stock_is_refunded_and_the_buyer_told(app, db, tmp_path) -> None:
    shop = two_facilities()
    order, attempt_id = _expired_demo_order(shop)
    assert _buyer_of_every_batik(shop)() == "ordered"
    assert _late_payment(attempt_id)() == "paid after release, refunding"
    _assert_late_refund(db, shop, order, tmp_path, batik_left=0)


@pytest.mark.parametrize("reverse", [False, True])
def test_a_late_payment_against_a_buyer_of_the_last_units(app, db, tmp_path, reverse) -> None:
    shop = two_facilities()
    order, attempt_id = _expired_demo_order(shop)
    outcomes = race(app, [_late_payment(attempt_id), _buyer_of_every_batik(shop)], reverse=reverse)
    if outcomes[1] == "ordered":
        assert outcomes[0] == "paid after release, refunding"
        _assert_late_refund(db, shop, order, tmp_path, batik_left=0)
    else:
        assert outcomes == ["paid after release, stock taken again", outcomes[1]]
        assert "stok Kemeja Batik Tulis tidak cukup" in outcomes[1]
        assert_consistent(db, shop, order)


def _assert_late_refund(db, shop, order: Order, tmp_path: Path, *, batik_left: int) -> None:
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert {p.status for p in order.parts} == {FacilityOrderStatus.REFUNDED}
    assert all(p.refunded_idr == p.total_idr for p in order.parts)
    assert _stock(db, shop.batik.id) == batik_left
    assert _stock(db, shop.coffee.id) == COFFEE_STOCK  # released, not taken again
    # Both sides in the ledger: the sale and its refund, netting to nothing.
    assert _ledger_sum(db, order, LedgerEntryKind.SALE, LedgerEntryKind.SHIPPING) == TOTAL_IDR
    assert _ledger_sum(db, order) == 0
    assert any("dikembalikan" in subject for subject in _outbox_subjects(tmp_path))


# --- two payment pages of one order, both paid ----------------------------------------------


def _second_demo_session(order: Order) -> int:
    """Another open payment page of the same order (say, a tab kept from before a retry)."""
    attempt = PaymentAttempt(
        order=order, gateway="demo", idempotency_key="second-page-key", amount_idr=TOTAL_IDR,
        session_id="demo_cs_second-page-key", url="http://localhost/demo-pay/second-page-key",
        expires_at=order.expires_at,
    )  # fmt: skip
    _db.session.add(attempt)
    _db.session.commit()
    return attempt.id


def _pay(attempt_id: int) -> Callable[[], str]:
    def call() -> str:
        attempt = _db.session.get(PaymentAttempt, attempt_id)
        return events.handle_event(
            event=simulated_event(attempt=attempt, outcome="pay", now=clock.now())
        )

    return call


def _audit_actions(db, order: Order) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "shop_order", AuditEvent.object_id == str(order.id))
            .order_by(AuditEvent.id)
        )
    )


def _assert_one_paid_one_refunded(db, shop, order: Order, tmp_path: Path) -> PaymentAttempt:
    assert_consistent(db, shop, order)  # one completed attempt, one sale in the ledger
    (duplicate,) = [a for a in order.attempts if a.status is AttemptStatus.DUPLICATE]
    assert duplicate.duplicate_refund_id and duplicate.payment_intent_id
    actions = _audit_actions(db, order)
    assert actions.count("payment.duplicate") == 1
    assert actions.count("payment.duplicate_refunded") == 1
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0  # no part refunded
    assert sum("Pembayaran ganda" in subject for subject in _outbox_subjects(tmp_path)) == 1
    return duplicate


@pytest.mark.parametrize("reverse", [False, True])
def test_two_pages_paid_at_once_one_pays_the_other_goes_back(app, db, tmp_path, reverse) -> None:
    shop = two_facilities()
    order = place(shop)
    first = payments.start_payment(order=order, now=clock.now()).id
    second = _second_demo_session(order)
    outcomes = race(app, [_pay(first), _pay(second)], reverse=reverse)
    assert sorted(outcomes) == ["paid", "paid twice, refunding"], outcomes
    duplicate = _assert_one_paid_one_refunded(db, shop, order, tmp_path)
    assert duplicate.id == (second if outcomes[0] == "paid" else first)
    # The paid session's money can still be refunded as usual.
    assert_refundable(db, order, key=f"after-duplicate-{reverse}")


def test_a_duplicate_payment_event_repeated_is_refunded_once(app, db, tmp_path) -> None:
    shop = two_facilities()
    order = place(shop)
    assert _pay(payments.start_payment(order=order, now=clock.now()).id)() == "paid"
    second = _second_demo_session(order)
    again = simulated_event(
        attempt=db.session.get(PaymentAttempt, second), outcome="pay", now=clock.now()
    )
    outcomes = race(app, [_pay(second), _pay(second), lambda: events.handle_event(event=again)],
                    reverse=False)  # fmt: skip
    assert sorted(outcomes) == ["already paid", "already paid", "paid twice, refunding"]
    assert events.handle_event(event=again) == "duplicate"
    _assert_one_paid_one_refunded(db, shop, order, tmp_path)


INTENT_2 = "pi_3QeTestEtalase0002"


def _second_stripe_session(db, rsps, order: Order) -> PaymentAttempt:
    """A second Stripe session of the order, and its PaymentIntent (the second charge)."""
    second = PaymentAttempt(
        order=order, gateway="stripe", idempotency_key="second-stripe-key", amount_idr=TOTAL_IDR,
        session_id="cs_test_second0000000000000000000000000000000", url="https://checkout/x",
        expires_at=order.expires_at,
    )  # fmt: skip
    db.session.add(second)
    db.session.commit()
    sf.mock_payment_intent(
        rsps, sf.payment_intent(intent_id=INTENT_2, charge_id="ch_3QeTestEtalase0002",
                                txn_id="txn_3QeTestEtalase0002", order_number=order.number,
                                amount=TOTAL_IDR * 100, fee=2_601_100),
    )  # fmt: skip
    return second


def _stripe_refund_answer(order: Order, *, intent: str, status: int = 200):
    body = (
        sf.refund_object(refund_id="re_duplicate_1", amount=TOTAL_IDR * 100,
                         order_number=order.number, intent_id=intent)
        if status == 200 else {"error": {"message": "Service unavailable", "type": "api_error"}}
    )  # fmt: skip
    return responses.Response(responses.POST, f"{sf.API}/refunds", json=body, status=status)


def _session_event(session: dict, *, event_id: str, intent: str, paid: bool = True,
                   event_type: str = "checkout.session.completed") -> dict:  # fmt: skip
    state = {"status": "complete", "payment_status": "paid" if paid else "unpaid",
             "payment_intent": intent, "url": None}  # fmt: skip
    return sf.event(event_type, {**session, **state}, event_id=event_id)


def test_a_duplicate_stripe_payment_is_refunded_by_its_intent(app, db, rsps, tmp_path) -> None:
    shop = two_facilities()
    order, session = _stripe_session(shop, rsps)
    second = _second_stripe_session(db, rsps, order)
    refund_call = rsps.add(_stripe_refund_answer(order, intent=INTENT_2))
    client = app.test_client()
    first_paid = _session_event(session, event_id="evt_dup_1", intent="pi_3QeTestEtalase0001")
    assert sf.post_event(client, first_paid).get_json()["outcome"] == "paid"
    paid_twice = {**session, "id": second.session_id}
    for event_id in ("evt_dup_2", "evt_dup_2", "evt_dup_3"):
        sf.post_event(client, _session_event(paid_twice, event_id=event_id, intent=INTENT_2))
    assert refund_call.call_count == 1
    body = refund_call.calls[0].request.body
    assert f"payment_intent={INTENT_2}" in body and f"amount={TOTAL_IDR * 100}" in body
    assert refund_call.calls[0].request.headers["Idempotency-Key"] == (
        f"duplicate-payment-{second.id}"
    )
    duplicate = _assert_one_paid_one_refunded(db, shop, order, tmp_path)
    assert duplicate.duplicate_refund_id == "re_duplicate_1"


def test_stripe_down_the_duplicate_refund_is_sent_by_release_expired(
    app, db, rsps, tmp_path
) -> None:
    shop = two_facilities()
    order, session = _stripe_session(shop, rsps)
    second = _second_stripe_session(db, rsps, order)
    client = app.test_client()
    sf.post_event(client, _session_event(session, event_id="evt_1", intent="pi_3QeTestEtalase0001"))
    down = rsps.add(_stripe_refund_answer(order, intent=INTENT_2, status=503))
    paid_twice = {**session, "id": second.session_id}
    outcome = sf.post_event(client, _session_event(paid_twice, event_id="evt_2", intent=INTENT_2))
    assert outcome.get_json()["outcome"] == "paid twice, refunding"
    assert down.call_count >= 1
    db.session.expire_all()
    assert db.session.get(PaymentAttempt, second.id).duplicate_refund_id is None
    assert not any("Pembayaran ganda" in subject for subject in _outbox_subjects(tmp_path))
    rsps.remove(down)
    up = rsps.add(_stripe_refund_answer(order, intent=INTENT_2))
    refunds.send_unsent(now=clock.now())
    refunds.send_unsent(now=clock.now())
    assert up.call_count == 1
    _assert_one_paid_one_refunded(db, shop, order, tmp_path)


def test_a_bank_transfer_overtaken_by_a_card_payment_goes_back_when_it_arrives(
    app, db, rsps, tmp_path
) -> None:
    shop = two_facilities()
    order, session = _stripe_session(shop, rsps)
    second = _second_stripe_session(db, rsps, order)
    refund_call = rsps.add(_stripe_refund_answer(order, intent="pi_3QeTestEtalase0001"))
    client = app.test_client()
    transfer = _session_event(
        session, event_id="evt_t1", intent="pi_3QeTestEtalase0001", paid=False
    )
    assert sf.post_event(client, transfer).get_json()["outcome"] == "awaiting payment"
    card = _session_event({**session, "id": second.session_id}, event_id="evt_c", intent=INTENT_2)
    assert sf.post_event(client, card).get_json()["outcome"] == "paid"
    db.session.expire_all()
    first = next(a for a in order.attempts if a.id != second.id)
    assert first.status is AttemptStatus.FAILED
    arrived = _session_event(session, event_id="evt_t2", intent="pi_3QeTestEtalase0001",
                             event_type="checkout.session.async_payment_succeeded")  # fmt: skip
    assert sf.post_event(client, arrived).get_json()["outcome"] == "paid twice, refunding"
    assert refund_call.call_count == 1
    assert "payment_intent=pi_3QeTestEtalase0001" in refund_call.calls[0].request.body
    duplicate = _assert_one_paid_one_refunded(db, shop, order, tmp_path)
    assert duplicate.id == first.id


def test_a_failed_duplicate_refund_is_kept_for_staff_once(app, db, rsps, tmp_path) -> None:
    shop = two_facilities()
    order, session = _stripe_session(shop, rsps)
    second = _second_stripe_session(db, rsps, order)
    rsps.add(_stripe_refund_answer(order, intent=INTENT_2))
    client = app.test_client()
    sf.post_event(client, _session_event(session, event_id="evt_1", intent="pi_3QeTestEtalase0001"))
    paid_twice = {**session, "id": second.session_id}
    sf.post_event(client, _session_event(paid_twice, event_id="evt_2", intent=INTENT_2))
    failed = sf.refund_object(
        refund_id="re_duplicate_1", amount=TOTAL_IDR * 100, order_number=order.number,
        status="failed", intent_id=INTENT_2,
    )  # fmt: skip
    failed["metadata"]["refund_key"] = f"duplicate-payment-{second.id}"
    outcomes = [
        sf.post_event(client, sf.event("refund.updated", failed, event_id=event_id)).get_json()
        for event_id in ("evt_r1", "evt_r2")
    ]
    assert [o["outcome"] for o in outcomes] == [
        "re_duplicate_1 duplicate payment refund failed"
    ] * 2
    db.session.expire_all()
    assert db.session.get(PaymentAttempt, second.id).error == "refund failed at the gateway"
    assert _audit_actions(db, order).count("payment.duplicate_refund_failed") == 1
    assert_consistent(db, shop, order)  # the paid order and its ledger are untouched

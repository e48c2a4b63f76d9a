"""Stripe Checkout: the session we ask for, and what its webhook events do to orders."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import parse_qs

import pytest
import responses

from shop import payments
from shop.core import clock
from shop.models import (
    AttemptStatus,
    FacilityOrderStatus,
    LedgerEntry,
    LedgerEntryKind,
    OrderStatus,
    ProductVariant,
    WebhookEvent,
)
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import ledger_totals, place, two_facilities

# 2 x Rp250.000 batik + Rp10.000 courier (Medan, minimum charge) + 3 x Rp85.000 coffee.
TOTAL_IDR = 765_000
FEE_MINOR = 2_601_100  # Rp26.011: 2.9% + Rp3.826, does not split evenly over the facilities


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def _started(shop, rsps):
    order = place(shop, gateway="stripe")
    session = sf.checkout_session(order_number=order.number, amount_total=TOTAL_IDR * 100)
    sf.mock_session_create(rsps, session)
    attempt = payments.start_payment(order=order, now=clock.now())
    return order, attempt, session


def _paid_event(order, session, *, event_id="evt_1QeCompleted0001", status="paid"):
    completed = {
        **session,
        "status": "complete",
        "payment_status": status,
        "payment_intent": "pi_3QeTestEtalase0001",
        "url": None,
    }
    return sf.event("checkout.session.completed", completed, event_id=event_id)


def _mock_intent(rsps, order, fee=FEE_MINOR):
    sf.mock_payment_intent(
        rsps, sf.payment_intent(order_number=order.number, amount=TOTAL_IDR * 100, fee=fee)
    )


def test_session_carries_amounts_times_100_metadata_key_and_expiry(db, rsps) -> None:
    shop = two_facilities()
    order, attempt, session = _started(shop, rsps)
    request = rsps.calls[0].request
    form = parse_qs(request.body)
    assert request.headers["Idempotency-Key"] == attempt.idempotency_key
    assert request.headers["Authorization"] == f"Bearer {sf.SECRET_KEY}"
    assert form["mode"] == ["payment"]
    assert form["client_reference_id"] == [order.number]
    assert form["metadata[order_number]"] == [order.number]
    assert form["payment_intent_data[metadata][order_number]"] == [order.number]
    assert form["line_items[0][price_data][currency]"] == ["idr"]
    assert form["line_items[0][price_data][unit_amount]"] == ["25000000"]
    assert form["line_items[0][quantity]"] == ["2"]
    assert form["line_items[1][price_data][unit_amount]"] == ["1000000"]  # Medan courier
    assert "Ongkos kirim" in form["line_items[1][price_data][product_data][name]"][0]
    assert form["line_items[2][price_data][unit_amount]"] == ["8500000"]
    assert "line_items[3][quantity]" not in form  # pickup has no shipping line
    expires = int(form["expires_at"][0])
    assert expires == int(order.expires_at.timestamp())
    # Stripe wants at least 30 minutes after the session is created; the hold follows it.
    assert expires - int(time.time()) >= 30 * 60
    assert attempt.url == session["url"]
    assert attempt.session_id == session["id"]


def test_stripe_error_is_a_clear_message_and_the_order_stays_payable(db, rsps) -> None:
    shop = two_facilities()
    order = place(shop, gateway="stripe")
    rsps.add(
        responses.POST,
        f"{sf.API}/checkout/sessions",
        status=500,
        json={"error": {"message": "An unknown error occurred", "type": "api_error"}},
    )
    with pytest.raises(payments.PaymentUnavailable, match="Pesanan Anda tetap tersimpan"):
        payments.start_payment(order=order, now=clock.now())
    assert order.status is OrderStatus.PENDING_PAYMENT
    first_key = order.attempts[0].idempotency_key
    session = sf.checkout_session(order_number=order.number, amount_total=TOTAL_IDR * 100)
    rsps.replace(responses.POST, f"{sf.API}/checkout/sessions", json=session)
    attempt = payments.start_payment(order=order, now=clock.now())
    assert attempt.idempotency_key == first_key  # the retry is the same attempt to Stripe
    assert rsps.calls[-1].request.headers["Idempotency-Key"] == first_key
    assert attempt.url.startswith("https://checkout.stripe.com/")


def test_paid_session_marks_paid_and_ledger_equals_stripe(db, client, rsps) -> None:
    shop = two_facilities()
    order, attempt, session = _started(shop, rsps)
    _mock_intent(rsps, order)
    response = sf.post_event(client, _paid_event(order, session))
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert {p.status for p in order.parts} == {FacilityOrderStatus.PAID}
    assert attempt.status is AttemptStatus.COMPLETED
    assert attempt.charge_id == "ch_3QeTestEtalase0001"
    totals = ledger_totals(order)
    assert totals[LedgerEntryKind.SALE] + totals[LedgerEntryKind.SHIPPING] == TOTAL_IDR
    assert totals[LedgerEntryKind.STRIPE_FEE] == -FEE_MINOR // 100
    fees = {
        e.facility_id: e.amount_idr
        for e in db.session.query(LedgerEntry).filter_by(kind=LedgerEntryKind.STRIPE_FEE)
    }
    # Rp26.011 spread by each part's total (Rp510.000 and Rp255.000), largest remainder.
    assert fees == {shop.batik_lapas.id: -17_341, shop.coffee_rutan.id: -8_670}
    entry = (
        db.session.query(LedgerEntry)
        .filter_by(kind=LedgerEntryKind.SALE, facility_id=shop.batik_lapas.id)
        .one()
    )
    assert entry.balance_transaction_id == "txn_3QeTestEtalase0001"
    assert entry.payment_intent_id == "pi_3QeTestEtalase0001"
    assert entry.category_id == shop.batik.product.category_id
    assert entry.kanwil_id == shop.batik_lapas.kanwil_id


def test_bad_or_missing_signature_is_400_and_changes_nothing(db, client, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    body = _paid_event(order, session)
    assert sf.post_event(client, body, secret="whsec_wrong").status_code == 400
    assert client.post("/webhooks/stripe", data=json.dumps(body)).status_code == 400
    payload = json.dumps(body)
    headers = sf.signed_headers(payload)
    tampered = payload.replace(str(TOTAL_IDR * 100), "100")
    assert client.post("/webhooks/stripe", data=tampered, headers=headers).status_code == 400
    db.session.expire_all()
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert db.session.query(WebhookEvent).count() == 0


def test_the_same_event_twice_is_applied_once(db, client, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    _mock_intent(rsps, order)
    body = _paid_event(order, session)
    assert sf.post_event(client, body).get_json()["outcome"] == "paid"
    assert sf.post_event(client, body).get_json()["outcome"] == "duplicate"
    assert db.session.query(LedgerEntry).filter_by(kind=LedgerEntryKind.SALE).count() == 2


def test_the_same_event_at_the_same_moment_is_applied_once(app, db, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    _mock_intent(rsps, order)
    body = _paid_event(order, session)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def deliver() -> None:
        client = app.test_client()
        barrier.wait()
        outcomes.append(sf.post_event(client, body).get_json()["outcome"])

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate", "paid"]
    assert db.session.query(WebhookEvent).count() == 1
    assert db.session.query(LedgerEntry).filter_by(kind=LedgerEntryKind.SALE).count() == 2


def test_async_payment_success_after_unpaid_completion(db, client, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    pending = {
        **session,
        "status": "complete",
        "payment_status": "unpaid",
        "payment_intent": "pi_3QeTestEtalase0001",
    }
    sf.post_event(client, sf.event("checkout.session.completed", pending, event_id="evt_c1"))
    db.session.expire_all()
    assert order.status is OrderStatus.AWAITING_PAYMENT
    assert db.session.query(LedgerEntry).count() == 0
    _mock_intent(rsps, order)
    paid = {**pending, "payment_status": "paid"}
    response = sf.post_event(
        client, sf.event("checkout.session.async_payment_succeeded", paid, event_id="evt_a1")
    )
    assert response.get_json()["outcome"] == "paid"
    db.session.expire_all()
    assert order.status is OrderStatus.PAID


def test_async_payment_failure_releases_the_stock(db, client, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    assert db.session.get(ProductVariant, shop.batik.id).stock == 3
    failed = {
        **session,
        "status": "complete",
        "payment_status": "unpaid",
        "payment_intent": "pi_3QeTestEtalase0001",
    }
    sf.post_event(
        client, sf.event("checkout.session.async_payment_failed", failed, event_id="evt_f1")
    )
    db.session.expire_all()
    assert order.status is OrderStatus.PAYMENT_FAILED
    assert {p.status for p in order.parts} == {FacilityOrderStatus.CANCELLED}
    assert db.session.get(ProductVariant, shop.batik.id).stock == 5
    assert db.session.get(ProductVariant, shop.coffee.id).stock == 20


def test_expired_session_releases_the_stock(db, client, rsps) -> None:
    shop = two_facilities()
    order, attempt, session = _started(shop, rsps)
    expired = {**session, "status": "expired", "url": None}
    sf.post_event(client, sf.event("checkout.session.expired", expired, event_id="evt_e1"))
    db.session.expire_all()
    assert order.status is OrderStatus.EXPIRED
    assert attempt.status is AttemptStatus.EXPIRED
    assert db.session.get(ProductVariant, shop.batik.id).stock == 5


def test_events_out_of_order_never_undo_a_payment(db, client, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    _mock_intent(rsps, order)
    paid = {
        **session,
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": "pi_3QeTestEtalase0001",
    }
    # The async success arrives first, then the older completion and a stray expiry.
    sf.post_event(
        client,
        sf.event(
            "checkout.session.async_payment_succeeded",
            paid,
            event_id="evt_o1",
            created=1_700_000_300,
        ),
    )
    unpaid = {**paid, "payment_status": "unpaid"}
    late = sf.post_event(
        client,
        sf.event("checkout.session.completed", unpaid, event_id="evt_o0", created=1_700_000_000),
    )
    assert late.get_json()["outcome"] == "ignored in paid"
    expired = sf.post_event(
        client, sf.event("checkout.session.expired", session, event_id="evt_o2")
    )
    assert expired.get_json()["outcome"] == "ignored in paid"
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert db.session.get(ProductVariant, shop.batik.id).stock == 3
    assert db.session.query(LedgerEntry).filter_by(kind=LedgerEntryKind.SALE).count() == 2


def test_unknown_event_types_are_recorded_and_ignored(db, client) -> None:
    body = sf.event("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_u")
    assert sf.post_event(client, body).get_json()["outcome"] == "ignored"


def test_stripe_down_while_confirming_is_a_503_so_stripe_sends_it_again(db, client, rsps) -> None:
    shop = two_facilities()
    order, _attempt, session = _started(shop, rsps)
    rsps.add(
        responses.GET,
        f"{sf.API}/payment_intents/pi_3QeTestEtalase0001",
        status=503,
        json={"error": {"message": "Service unavailable", "type": "api_error"}},
    )
    body = _paid_event(order, session)
    assert sf.post_event(client, body).status_code == 503
    assert db.session.query(WebhookEvent).count() == 0
    rsps.replace(
        responses.GET,
        f"{sf.API}/payment_intents/pi_3QeTestEtalase0001",
        json=sf.payment_intent(order_number=order.number, amount=TOTAL_IDR * 100, fee=FEE_MINOR),
    )
    assert sf.post_event(client, body).get_json()["outcome"] == "paid"


def test_the_demo_page_does_not_exist_for_stripe_sessions(db, client, rsps) -> None:
    shop = two_facilities()
    _order, attempt, _session = _started(shop, rsps)
    assert client.get(f"/demo-pay/{attempt.idempotency_key}").status_code == 404
    assert client.post(f"/demo-pay/{attempt.idempotency_key}", data={"pay": "1"}).status_code == 404

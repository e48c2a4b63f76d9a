"""Inside Stripe's contract: session expiry, Refund objects, amount limits, 4xx versus 5xx, and
the pinned API version, with bodies of that version."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses
import stripe
from sqlalchemy import func, select

from shop import payments
from shop.core import clock
from shop.models import (
    DeliveryMethod,
    FacilityOrderStatus,
    LedgerEntry,
    Order,
    RefundStatus,
    ReservationState,
    StockReservation,
)
from shop.ordering import checkout
from shop.payments import refunds
from shop.payments.stripe_gateway import STRIPE_API_VERSION
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import BUYER, filled_cart, place, two_facilities
from tests.factories import ProductFactory, ProductVariantFactory


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return sf.STRIPE_CONFIG


def _session_for(order: Order) -> dict:
    return sf.checkout_session(
        order_number=order.number, amount_total=sf.TWO_FACILITIES_TOTAL_IDR * 100
    )


def test_a_retry_twenty_minutes_after_the_order_lives_thirty_minutes_and_holds_the_stock(
    db, rsps
) -> None:
    shop = two_facilities()
    placed = clock.now()
    order = place(shop, gateway="stripe", now=placed)
    rsps.add(
        responses.POST, f"{sf.API}/checkout/sessions", status=503,
        json={"error": {"message": "Service unavailable", "type": "api_error"}},
    )  # fmt: skip
    with pytest.raises(payments.PaymentUnavailable):
        payments.start_payment(order=order, now=placed)
    retry_at = placed + timedelta(minutes=20)
    rsps.replace(responses.POST, f"{sf.API}/checkout/sessions", json=_session_for(order))
    attempt = payments.start_payment(order=order, now=retry_at)
    form = parse_qs(rsps.calls[-1].request.body)
    expires_at = int(form["expires_at"][0])
    assert expires_at - retry_at.timestamp() >= 30 * 60
    # A new expiry is a new request: the retry does not reuse the first key (Stripe would
    # refuse a key sent again with other parameters).
    assert rsps.calls[-1].request.headers["Idempotency-Key"] == attempt.idempotency_key
    assert attempt.idempotency_key != order.attempts[0].idempotency_key
    db.session.expire_all()
    assert int(order.expires_at.timestamp()) == expires_at
    holds = db.session.scalars(select(StockReservation)).all()
    assert {h.state for h in holds} == {ReservationState.HELD}
    assert {int(h.expires_at.timestamp()) for h in holds} == {expires_at}


def test_every_request_asks_for_the_pinned_api_version(db, rsps) -> None:
    shop = two_facilities()
    order = place(shop, gateway="stripe")
    sf.mock_session_create(rsps, _session_for(order))
    payments.start_payment(order=order, now=clock.now())
    assert rsps.calls[-1].request.headers["Stripe-Version"] == STRIPE_API_VERSION
    # The pinned library describes the same version, and the recorded bodies are of it.
    assert stripe.api_version == STRIPE_API_VERSION
    assert sf.event("charge.refunded", {}, event_id="e")["api_version"] == STRIPE_API_VERSION


def test_a_refusal_by_stripe_is_shown_with_its_reason(db, rsps) -> None:
    shop = two_facilities()
    order = place(shop, gateway="stripe")
    rsps.add(
        responses.POST, f"{sf.API}/checkout/sessions", status=400,
        json={"error": {"type": "invalid_request_error", "param": "customer_email",
                        "message": "Invalid email address: siti.aminah@contoh"}},
    )  # fmt: skip
    with pytest.raises(payments.PaymentError) as raised:
        payments.start_payment(order=order, now=clock.now())
    assert not isinstance(raised.value, payments.PaymentUnavailable)
    assert "Invalid email address" in str(raised.value)
    assert "Stripe menolak" in str(raised.value)


def test_a_total_below_stripes_minimum_is_refused_before_anything_is_written(db) -> None:
    shop = two_facilities()
    sticker = ProductFactory(facility=shop.coffee_rutan, name="Stiker", variants=[])
    cheap = ProductVariantFactory(product=sticker, sku="STK", price_idr=5_000, stock=9)
    from shop.ordering import cart as carts

    cart = carts.new_cart()
    carts.add_item(cart=cart, variant_id=cheap.id, quantity=1)
    with pytest.raises(payments.PaymentError, match=r"minimal Rp10\.000"):
        checkout.place_order(
            cart=cart, buyer=BUYER, deliveries={}, expected_total_idr=None, gateway="stripe",
            check_amount=payments.gateway_named("stripe").check_amount,
            locale="id", now=clock.now(),
        )  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert cheap.stock == 9


def test_a_total_above_stripes_maximum_is_refused(db) -> None:
    shop = two_facilities()
    shop.batik.price_idr, shop.batik.stock = 999_000_000, 20  # the highest price a variant takes
    db.session.commit()
    with pytest.raises(payments.PaymentError, match="paling banyak"):
        checkout.place_order(
            cart=filled_cart(shop, batik=11), buyer=BUYER, expected_total_idr=None,
            deliveries={shop.batik_lapas.id: DeliveryMethod.COURIER,
                        shop.coffee_rutan.id: DeliveryMethod.PICKUP},
            gateway="stripe", locale="id", now=clock.now(),
            check_amount=payments.gateway_named("stripe").check_amount,
        )  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_charge_refunded_without_a_refund_list_confirms_the_refund_once(
    db, client, rsps, paid
) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    pending = sf.refund_object(amount=255_000 * 100, order_number=order.number, status="pending")
    rsps.add(responses.POST, f"{sf.API}/refunds", json=pending)
    refund = refunds.refund_facility_order(
        facility_order=part, quantities=None, include_shipping=True, restock=False, reason="",
        idempotency_key="coffee-all", actor=None, now=clock.now(),
    )  # fmt: skip
    assert refund.status is RefundStatus.PENDING
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    succeeded = {**pending, "status": "succeeded"}
    sf.mock_refunds_of_charge(rsps, "ch_3QeTestEtalase0001", [succeeded])
    charge = sf.refunded_charge(
        amount=765_000 * 100, amount_refunded=255_000 * 100, order_number=order.number
    )
    assert "refunds" not in charge
    response = sf.post_event(client, sf.event("charge.refunded", charge, event_id="evt_ch_rf"))
    assert response.get_json()["outcome"] == "re_3QeTestEtalase0001 succeeded"
    again = sf.post_event(client, sf.event("refund.updated", succeeded, event_id="evt_rf_up"))
    assert again.get_json()["outcome"] == "re_3QeTestEtalase0001 unchanged"
    db.session.expire_all()
    assert refund.status is RefundStatus.SUCCEEDED
    assert part.status is FacilityOrderStatus.REFUNDED
    assert part.refunded_idr == 255_000
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == entries


def test_a_refund_created_event_is_read_from_the_refund_object(db, client, rsps, paid) -> None:
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    pending = sf.refund_object(amount=255_000 * 100, order_number=order.number, status="pending")
    rsps.add(responses.POST, f"{sf.API}/refunds", json=pending)
    refunds.refund_facility_order(
        facility_order=part, quantities=None, include_shipping=True, restock=False, reason="",
        idempotency_key="coffee-created", actor=None, now=clock.now(),
    )  # fmt: skip
    body = sf.event("refund.created", {**pending, "status": "succeeded"}, event_id="evt_rc")
    assert sf.post_event(client, body).get_json()["outcome"] == "re_3QeTestEtalase0001 succeeded"
    db.session.expire_all()
    assert part.status is FacilityOrderStatus.REFUNDED


def test_a_refund_event_that_overtakes_stripes_answer_applies_the_refund_once(
    app, db, client, rsps, paid
) -> None:
    """Stripe's `refund.updated` can arrive while our request still waits for its answer."""
    shop, order = paid
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    outcomes = []

    def stripe_answers(request):
        key = parse_qs(request.body)["metadata[refund_key]"][0]
        succeeded = sf.refund_object(amount=255_000 * 100, order_number=order.number)
        succeeded["metadata"]["refund_key"] = key
        event = sf.event("refund.updated", succeeded, event_id="evt_overtakes")
        outcomes.append(sf.post_event(app.test_client(), event).get_json()["outcome"])
        return 200, {}, json.dumps({**succeeded, "status": "pending"})

    rsps.add_callback(responses.POST, f"{sf.API}/refunds", callback=stripe_answers)
    refund = refunds.refund_facility_order(
        facility_order=part, quantities=None, include_shipping=True, restock=False, reason="",
        idempotency_key="coffee-overtaken", actor=None, now=clock.now(),
    )  # fmt: skip
    assert outcomes == ["re_3QeTestEtalase0001 succeeded"]
    db.session.expire_all()
    assert refund.status is RefundStatus.SUCCEEDED
    assert part.status is FacilityOrderStatus.REFUNDED
    assert part.refunded_idr == 255_000
    refund_entries = db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.refund_id == refund.id)
    )
    assert refund_entries == 1  # coffee is one line, picked up (no shipping)

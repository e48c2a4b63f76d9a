"""The demo gateway's buttons are Stripe's events, and it never works in production."""

from __future__ import annotations

import pytest

from shop import payments
from shop.core import clock
from shop.models import OrderStatus, ProductVariant
from shop.payments import events
from tests.checkout.helpers import place, two_facilities


@pytest.mark.parametrize(
    ("outcome", "status", "batik_stock"),
    [
        ("pay", OrderStatus.PAID, 3),
        ("fail", OrderStatus.PAYMENT_FAILED, 5),
        ("cancel", OrderStatus.EXPIRED, 5),
    ],
)
def test_each_button_moves_the_order_like_stripe_would(db, outcome, status, batik_stock) -> None:
    shop = two_facilities()
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome=outcome, now=clock.now())
    db.session.expire_all()
    assert order.status is status
    assert db.session.get(ProductVariant, shop.batik.id).stock == batik_stock
    with pytest.raises(payments.PaymentError):
        events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())


def test_the_demo_gateway_refuses_to_run_in_production(app, db) -> None:
    shop = two_facilities()
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    app.config["ETALASE_ENV"] = "production"
    with pytest.raises(payments.PaymentError, match="demo"):
        events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    with pytest.raises(payments.PaymentError, match="produksi"):
        payments.gateway_named("demo")
    db.session.expire_all()
    assert order.status is OrderStatus.PENDING_PAYMENT

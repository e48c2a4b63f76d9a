"""`flask shop release-expired`: stock comes back when a session's events never arrive."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses

from shop import payments
from shop.cli import shop_cli
from shop.core import clock
from shop.models import OrderStatus, ProductVariant
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import place, two_facilities


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def test_expired_orders_are_released_and_paid_sessions_left_alone(app, db) -> None:
    shop = two_facilities()
    long_ago = clock.now() - timedelta(hours=2)
    lost = place(shop, gateway="stripe", now=long_ago)
    paid_meanwhile = place(shop, gateway="stripe", batik=1, coffee=1, now=long_ago)
    fresh = place(shop, gateway="stripe", batik=1, coffee=1)
    with responses.RequestsMock() as rsps:
        for order, sid in [(lost, "cs_test_lost"), (paid_meanwhile, "cs_test_paid")]:
            rsps.add(
                responses.POST,
                f"{sf.API}/checkout/sessions",
                json=sf.checkout_session(
                    session_id=sid, order_number=order.number, amount_total=order.total_idr * 100
                ),
            )
            payments.start_payment(order=order, now=long_ago)
        rsps.add(
            responses.GET,
            f"{sf.API}/checkout/sessions/cs_test_lost",
            json=sf.checkout_session(
                session_id="cs_test_lost",
                order_number=lost.number,
                amount_total=lost.total_idr * 100,
            ),
        )
        rsps.add(
            responses.POST,
            f"{sf.API}/checkout/sessions/cs_test_lost/expire",
            json=sf.checkout_session(
                session_id="cs_test_lost",
                order_number=lost.number,
                amount_total=lost.total_idr * 100,
                status="expired",
            ),
        )
        rsps.add(
            responses.GET,
            f"{sf.API}/checkout/sessions/cs_test_paid",
            json=sf.checkout_session(
                session_id="cs_test_paid",
                order_number=paid_meanwhile.number,
                amount_total=paid_meanwhile.total_idr * 100,
                status="complete",
                payment_status="paid",
            ),
        )
        result = app.test_cli_runner().invoke(shop_cli, ["release-expired"])
    assert result.exit_code == 0, result.output
    assert f"Dilepas: 1 pesanan ({lost.number})" in result.output
    assert "dilewati: 1" in result.output
    db.session.expire_all()
    assert lost.status is OrderStatus.EXPIRED
    assert paid_meanwhile.status is OrderStatus.PENDING_PAYMENT
    assert fresh.status is OrderStatus.PENDING_PAYMENT
    # 5 batik: 2 + 1 + 1 ordered, the lost order's 2 come back.
    assert db.session.get(ProductVariant, shop.batik.id).stock == 3

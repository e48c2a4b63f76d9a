"""Refunds from the facility-order screen, through Stripe (intercepted): partial, once, errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
import responses
from sqlalchemy import func, select

from shop.models import FacilityOrderStatus, ProductVariant, Refund
from tests.checkout import stripe_fixtures as sf


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


@pytest.fixture
def paid(db, client, rsps):
    """Batik (2 x Rp250.000 + Rp10.000 shipping) and coffee, paid through Stripe's webhook."""
    shop, order = sf.pay_two_facilities_through_stripe(client, rsps)
    db.session.expire_all()
    part = next(p for p in order.parts if p.facility_id == shop.batik_lapas.id)
    return shop, order, part


def _form_key(page: str) -> str:
    return re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page).group(1)


def _refund_calls(rsps) -> list:
    return [c for c in rsps.calls if c.request.url.endswith("/refunds")]


def test_a_partial_refund_from_the_screen_refunds_once_even_when_sent_twice(
    app, db, rsps, paid, login_as
) -> None:
    shop, order, part = paid
    staff = app.test_client()
    login_as("staff", facility=shop.batik_lapas, client=staff)
    line = part.lines[0]
    key = _form_key(staff.get(f"/admin/orders/{part.id}").get_data(as_text=True))
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        json=sf.refund_object(amount=250_000 * 100, order_number=order.number),
    )
    form = {"idempotency_key": key, f"qty-{line.id}": "1", "restock": "y", "reason": "Sobek"}
    first = staff.post(f"/admin/orders/{part.id}/refund", data=form, follow_redirects=True)
    assert "Dana Rp250.000 telah dikembalikan." in first.get_data(as_text=True)
    second = staff.post(f"/admin/orders/{part.id}/refund", data=form, follow_redirects=True)
    assert second.status_code == 200
    (call,) = _refund_calls(rsps)
    assert parse_qs(call.request.body)["amount"] == ["25000000"]
    assert call.request.headers["Idempotency-Key"] == key
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    db.session.expire_all()
    assert line.refunded_quantity == 1 and part.refunded_idr == 250_000
    assert part.status is FacilityOrderStatus.PAID
    assert db.session.get(ProductVariant, shop.batik.id).stock == 4  # 5 - 2 sold + 1 back
    # The next form carries a new key, so a second, deliberate refund is possible.
    assert _form_key(staff.get(f"/admin/orders/{part.id}").get_data(as_text=True)) != key


def test_a_stripe_error_is_shown_and_nothing_is_refunded(app, db, rsps, paid, login_as) -> None:
    _shop, _order, part = paid
    central = app.test_client()
    login_as("central", client=central)
    key = _form_key(central.get(f"/admin/orders/{part.id}").get_data(as_text=True))
    rsps.add(
        responses.POST,
        f"{sf.API}/refunds",
        status=400,
        json={
            "error": {
                "code": "charge_already_refunded",
                "message": "Charge ch_3QeTestEtalase0001 has already been refunded.",
                "type": "invalid_request_error",
            }
        },
    )
    response = central.post(
        f"/admin/orders/{part.id}/refund",
        data={"idempotency_key": key, "whole": "y"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Stripe menolak pengembalian dana" in page
    assert "has already been refunded" in page
    db.session.expire_all()
    assert part.refunded_idr == 0 and part.lines[0].refunded_quantity == 0


def test_too_many_units_get_a_message_and_stripe_is_not_called(
    app, db, rsps, paid, login_as
) -> None:
    shop, _order, part = paid
    staff = app.test_client()
    login_as("staff", facility=shop.batik_lapas, client=staff)
    key = _form_key(staff.get(f"/admin/orders/{part.id}").get_data(as_text=True))
    for quantity in ("3", "-1", "dua"):
        response = staff.post(
            f"/admin/orders/{part.id}/refund",
            data={"idempotency_key": key, f"qty-{part.lines[0].id}": quantity},
            follow_redirects=True,
        )
        assert "Dana tidak dikembalikan" in response.get_data(as_text=True)
    assert _refund_calls(rsps) == []
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0

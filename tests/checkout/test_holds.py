"""Stock hoarding: a per-order limit per variant, caps on open unpaid orders per address and
per email, and a second checkout by the same cart gives the first one's stock back."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from shop import payments
from shop.core import clock, unit_of_work
from shop.extensions import db as _db
from shop.models import (
    Cart,
    DeliveryMethod,
    Order,
    OrderStatus,
    ProductVariant,
    ReservationState,
    StockReservation,
)
from shop.ordering import cart as carts
from shop.ordering import checkout
from tests.checkout.helpers import BUYER, two_facilities
from tests.checkout.test_money_races import race


def _checkout(client, shop, *, coffee: int = 1, email: str = "siti@contoh.id", address="10.1.1.1"):
    """Put coffee (picked up in Kupang) in the client's cart and place the order."""
    client.post(
        "/cart/items", data={"variant_id": shop.coffee.id, "quantity": str(coffee)},
        environ_base={"REMOTE_ADDR": address},
    )  # fmt: skip
    return client.post(
        "/checkout",
        data={"action": "place", "name": "Siti Aminah", "email": email, "phone": "081234567890",
              "address_line": "Jl. Merdeka 10", "city": "Kupang",
              "province": "Nusa Tenggara Timur", "postal_code": "85111",
              "quoted_total_idr": str(coffee * 85_000)},
        environ_base={"REMOTE_ADDR": address},
    )  # fmt: skip


def _stock(db, variant) -> int:
    db.session.expire_all()
    return db.session.get(ProductVariant, variant.id).stock


def _orders(db) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).order_by(Order.id)))


def test_more_than_ten_units_of_a_variant_ask_for_a_quote(app, db) -> None:
    shop = two_facilities()
    response = _checkout(app.test_client(), shop, coffee=11)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "paling banyak 10 unit Kopi Arabika Flores" in page
    assert "minta penawaran langsung ke Rutan Kelas IIA Kupang" in page
    assert _orders(db) == [] and _stock(db, shop.coffee) == 20
    assert _checkout(app.test_client(), shop, coffee=10).status_code == 302


def test_one_email_holds_at_most_three_open_orders(app, db) -> None:
    shop = two_facilities()
    for n in range(3):
        assert _checkout(app.test_client(), shop, address=f"10.0.0.{n}").status_code == 302
    refused = _checkout(app.test_client(), shop, address="10.0.0.9")
    assert refused.status_code == 422
    assert "Masih ada 3 pesanan yang belum dibayar" in refused.get_data(as_text=True)
    assert len(_orders(db)) == 3 and _stock(db, shop.coffee) == 17
    # Another buyer elsewhere is not affected.
    other = _checkout(app.test_client(), shop, email="budi@contoh.id", address="10.0.0.9")
    assert other.status_code == 302


def test_one_address_holds_at_most_three_open_orders(app, db) -> None:
    shop = two_facilities()
    for n in range(3):
        response = _checkout(app.test_client(), shop, email=f"pembeli{n}@contoh.id")
        assert response.status_code == 302
    refused = _checkout(app.test_client(), shop, email="pembeli9@contoh.id")
    assert refused.status_code == 422
    assert [o.client_address for o in _orders(db)] == ["10.1.1.1"] * 3


def test_a_paid_order_frees_its_place_under_the_cap(app, db) -> None:
    shop = two_facilities()
    for n in range(3):
        _checkout(app.test_client(), shop, address=f"10.0.0.{n}")
    first = _orders(db)[0]
    first.status = OrderStatus.PAID
    db.session.commit()
    assert _checkout(app.test_client(), shop, address="10.0.0.8").status_code == 302


def test_checking_out_the_same_cart_again_releases_the_first_hold(app, db) -> None:
    shop = two_facilities()
    client = app.test_client()
    assert _checkout(client, shop, coffee=4).status_code == 302
    assert _stock(db, shop.coffee) == 16
    # The buyer comes back, changes their mind and checks out again with the same cart.
    assert _checkout(client, shop, coffee=2).status_code == 302
    first, second = _orders(db)
    assert first.status is OrderStatus.EXPIRED
    assert second.status is OrderStatus.PENDING_PAYMENT and second.cart_id == first.cart_id
    assert _stock(db, shop.coffee) == 18
    states = db.session.scalars(select(StockReservation.state).order_by(StockReservation.id))
    assert list(states) == [ReservationState.RELEASED, ReservationState.HELD]


@pytest.mark.parametrize("shared", ["email", "address"])
def test_two_checkouts_at_once_stay_within_the_cap(app, db, shared) -> None:
    """Lock, then count, then decide: with room for one more open order, two checkouts of one
    buyer at the same moment (threads on PostgreSQL) give one order and one refusal."""
    shop = two_facilities()
    limits = checkout.HoldLimits(
        max_open_orders_per_email=1 if shared == "email" else 0,
        max_open_orders_per_address=1 if shared == "address" else 0,
    )
    cart_ids = []
    for _ in range(2):
        cart = carts.new_cart()
        carts.add_item(cart=cart, variant_id=shop.coffee.id, quantity=1)
        unit_of_work.commit()
        cart_ids.append(cart.id)

    def checkout_with(n: int):
        def call() -> str:
            checkout.place_order(
                cart=_db.session.get(Cart, cart_ids[n]),
                buyer=BUYER if shared == "email" else replace(BUYER, email=f"b{n}@contoh.id"),
                deliveries={shop.coffee_rutan.id: DeliveryMethod.PICKUP},
                expected_total_idr=None, gateway="demo", locale="id", now=clock.now(),
                check_amount=payments.gateway_named("demo").check_amount,
                client_address="10.2.2.2" if shared == "address" else f"10.3.3.{n}",
                limits=limits,
            )  # fmt: skip
            return "ordered"

        return call

    outcomes = race(app, [checkout_with(0), checkout_with(1)], reverse=False)
    assert sorted(outcomes)[0] == "ordered", outcomes
    assert sorted(outcomes)[1].startswith("refused: Masih ada 1 pesanan yang belum dibayar")
    assert len(_orders(db)) == 1 and _stock(db, shop.coffee) == 19

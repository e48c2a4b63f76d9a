"""No unit is sold twice: reservations under concurrency, and release when payment never comes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from shop import payments
from shop.core import clock, unit_of_work
from shop.extensions import db as _db
from shop.models import Cart, DeliveryMethod, Order, ProductVariant, StockMovement, StockReason
from shop.ordering import cart as carts
from shop.ordering import checkout
from tests.checkout.helpers import BUYER
from tests.conftest import ON_POSTGRES
from tests.factories import FacilityFactory, ProductFactory, ProductVariantFactory


def _last_units(stock: int) -> ProductVariant:
    product = ProductFactory(facility=FacilityFactory(), name="Meja Jati", variants=[])
    return ProductVariantFactory(product=product, stock=stock, price_idr=1_200_000)


def _buy(variant_id: int, facility_id: int, cart_id: int) -> str:
    try:
        checkout.place_order(
            cart=_db.session.get(Cart, cart_id),
            buyer=BUYER,
            deliveries={facility_id: DeliveryMethod.PICKUP},
            expected_total_idr=None,
            gateway="demo",
            check_amount=payments.gateway_named("demo").check_amount,
            locale="id",
            now=clock.now(),
        )
    except checkout.OutOfStock:
        unit_of_work.rollback()
        return "out of stock"
    unit_of_work.commit()
    return "ordered"


def _carts_for(variant: ProductVariant, buyers: int) -> list[int]:
    ids = []
    for _ in range(buyers):
        cart = carts.new_cart()
        carts.add_item(cart=cart, variant_id=variant.id, quantity=1)
        unit_of_work.commit()
        ids.append(cart.id)
    return ids


def test_buyers_one_after_another_get_only_the_units_left(db) -> None:
    """The same conditional UPDATE on any database: the fourth buyer is told, nothing half-made."""
    variant = _last_units(3)
    results = [_buy(variant.id, variant.product.facility_id, c) for c in _carts_for(variant, 5)]
    assert results == ["ordered"] * 3 + ["out of stock"] * 2
    db.session.expire_all()
    assert db.session.get(ProductVariant, variant.id).stock == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 3


def test_online_sales_and_released_holds_explain_the_stock(db) -> None:
    """Each unit taken at checkout and given back on expiry is a stock movement line."""
    variant = _last_units(3)
    [cart_id] = _carts_for(variant, 1)
    assert _buy(variant.id, variant.product.facility_id, cart_id) == "ordered"
    order = db.session.scalars(select(Order)).one()
    checkout.release_reservations(order, now=clock.now())
    db.session.commit()
    lines = db.session.scalars(
        select(StockMovement)
        .where(StockMovement.variant_id == variant.id)
        .order_by(StockMovement.id)
    ).all()
    assert [(m.reason, m.quantity, m.stock_after, m.note) for m in lines] == [
        (StockReason.SOLD_ONLINE, -1, 2, order.number),
        (StockReason.RELEASED, 1, 3, order.number),
    ]
    assert db.session.get(ProductVariant, variant.id).stock == 3


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL (row locks)")
def test_twenty_buyers_at_once_for_the_last_three_units(app, db) -> None:
    variant = _last_units(3)
    cart_ids = _carts_for(variant, 20)
    facility_id = variant.product.facility_id
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def buyer(cart_id: int) -> None:
        with app.app_context():
            barrier.wait()
            outcome = _buy(variant.id, facility_id, cart_id)
            with lock:
                results.append(outcome)
            _db.session.remove()

    threads = [threading.Thread(target=buyer, args=(c,)) for c in cart_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ordered") == 3
    assert results.count("out of stock") == 17
    db.session.expire_all()
    assert db.session.get(ProductVariant, variant.id).stock == 0
    numbers = db.session.scalars(select(Order.number)).all()
    assert len(numbers) == len(set(numbers)) == 3

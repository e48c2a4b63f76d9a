"""The cart, delivery choices and placing an order, at the service level."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop import payments
from shop.core import clock, unit_of_work
from shop.facilities import delivery
from shop.models import (
    AuditEvent,
    DeliveryMethod,
    DeliveryZone,
    Order,
    OrderStatus,
    ProductStatus,
    ProductVariant,
    ReservationState,
    StockReservation,
)
from shop.ordering import cart as carts
from shop.ordering import checkout, contact
from tests.checkout.helpers import BUYER, filled_cart, place, two_facilities
from tests.factories import DeliveryRateTableFactory, FacilityFactory, KanwilFactory


def test_cart_groups_lines_by_facility(db) -> None:
    shop = two_facilities()
    summary = carts.summarise(filled_cart(shop))
    assert [g.facility.name for g in summary.groups] == [
        "Lapas Kelas I Medan",
        "Rutan Kelas IIA Kupang",
    ]
    assert [g.subtotal_idr for g in summary.groups] == [500_000, 255_000]
    assert summary.total_idr == 755_000
    assert [line.quantity for group in summary.groups for line in group.lines] == [2, 3]


def test_cart_refuses_more_than_the_stock_and_keeps_the_quantity(db) -> None:
    shop = two_facilities()
    cart = filled_cart(shop, batik=4)
    with pytest.raises(carts.NotEnoughStock, match="tinggal 5"):
        carts.add_item(cart=cart, variant_id=shop.batik.id, quantity=2)
    assert carts.summarise(cart).groups[0].lines[0].quantity == 4
    with pytest.raises(carts.NotEnoughStock):
        carts.set_quantity(cart=cart, variant_id=shop.batik.id, quantity=6)
    carts.set_quantity(cart=cart, variant_id=shop.batik.id, quantity=0)
    unit_of_work.commit()
    assert len(carts.summarise(cart).groups) == 1


def test_unpublished_products_cannot_be_added(db) -> None:
    shop = two_facilities()
    shop.batik.product.status = ProductStatus.DRAFT
    db.session.commit()
    with pytest.raises(carts.NotForSale):
        carts.add_item(cart=carts.new_cart(), variant_id=shop.batik.id, quantity=1)
    with pytest.raises(carts.NotForSale):
        carts.add_item(cart=carts.new_cart(), variant_id=999_999, quantity=1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(061) 555 0101", "+62615550101"),
    ],
)
def test_indonesian_phone_numbers_become_plus_62(raw: str, expected: str) -> None:
    assert contact.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "+1 415 555 0100", "0812", "08a2345678", ""])
def test_unusable_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(contact.InvalidContact):
        contact.normalise_phone(raw)


def test_courier_rates_by_zone_with_a_minimum_and_whole_kilograms(db) -> None:
    kanwil = KanwilFactory(province="Jawa Timur")
    facility = FacilityFactory(kanwil=kanwil, city="Mojokerto")
    DeliveryRateTableFactory(facility=facility, pickup_enabled=False)

    def courier(grams: int, city: str, province: str) -> delivery.DeliveryOption:
        (option,) = delivery.options_for(
            facility=facility, weight_grams=grams, city=city, province=province
        )
        return option

    assert courier(800, "Kota Mojokerto", "Jawa Timur").price_idr == 10_000  # minimum
    assert courier(2100, "Mojokerto", "Jawa Timur").price_idr == 24_000  # 3 kg x Rp8.000
    assert courier(2100, "Surabaya", "Jawa Timur").zone is DeliveryZone.SAME_PROVINCE
    assert courier(2100, "Surabaya", "Jawa Timur").price_idr == 45_000
    assert courier(1000, "Ambon", "Maluku").price_idr == 40_000


def test_a_facility_without_rates_offers_pickup_only(db) -> None:
    options = delivery.options_for(
        facility=FacilityFactory(), weight_grams=500, city="Medan", province="Sumatera Utara"
    )
    assert [o.method for o in options] == [DeliveryMethod.PICKUP]


def test_rate_table_changes_are_checked_and_audited(db) -> None:
    facility = FacilityFactory()
    data = delivery.RateTableInput(
        pickup_enabled=True,
        courier_enabled=True,
        same_city_per_kg_idr=-1,
        same_province_per_kg_idr=0,
        other_province_per_kg_idr=0,
        minimum_charge_idr=0,
    )
    with pytest.raises(delivery.DeliveryError, match="negatif"):
        delivery.set_rate_table(facility=facility, data=data)
    good = delivery.RateTableInput(
        pickup_enabled=False,
        courier_enabled=True,
        same_city_per_kg_idr=9_000,
        same_province_per_kg_idr=18_000,
        other_province_per_kg_idr=45_000,
        minimum_charge_idr=12_000,
    )
    table = delivery.set_rate_table(facility=facility, data=good)
    assert table.per_kg_idr(DeliveryZone.OTHER_PROVINCE) == 45_000
    assert db.session.scalar(select(AuditEvent.action)) == "delivery.rates"


def test_placing_an_order_splits_it_per_facility_and_copies_the_lines(db) -> None:
    shop = two_facilities()
    order = place(shop)
    assert order.number.startswith(f"ETL-{clock.now().year}-")
    assert len(order.number) == len("ETL-2026-000001")
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.buyer_phone == "+6281234567890"
    assert order.buyer_email == "siti.aminah@contoh.id"
    lapas, rutan = order.parts
    assert (lapas.delivery_method, lapas.shipping_idr) == (DeliveryMethod.COURIER, 10_000)
    assert (rutan.delivery_method, rutan.shipping_idr) == (DeliveryMethod.PICKUP, 0)
    assert order.total_idr == 765_000
    line = lapas.lines[0]
    assert (line.product_name, line.sku, line.option_label) == ("Kemeja Batik Tulis", "BTK-L", "L")
    assert (line.unit_price_idr, line.unit_hpp_idr) == (250_000, 140_000)
    shop.batik.price_idr = 300_000
    shop.batik.product.name = "Nama Baru"
    db.session.commit()
    db.session.refresh(line)
    assert (line.product_name, line.unit_price_idr) == ("Kemeja Batik Tulis", 250_000)
    assert db.session.get(ProductVariant, shop.coffee.id).stock == 17
    held = db.session.scalars(select(StockReservation)).all()
    assert {r.state for r in held} == {ReservationState.HELD}
    assert sum(r.quantity for r in held) == 5


def test_order_numbers_count_up_per_year(db) -> None:
    shop = two_facilities()
    first, second = place(shop, batik=1, coffee=1), place(shop, batik=1, coffee=1)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_a_changed_price_stops_the_order_with_a_message(db) -> None:
    shop = two_facilities()
    cart = filled_cart(shop)
    deliveries = {
        shop.batik_lapas.id: DeliveryMethod.PICKUP,
        shop.coffee_rutan.id: DeliveryMethod.PICKUP,
    }
    seen = checkout.quote(
        cart=cart, city=BUYER.city, province=BUYER.province, deliveries=deliveries
    ).total_idr
    shop.coffee.price_idr = 90_000
    db.session.commit()
    with pytest.raises(checkout.PricesChanged):
        checkout.place_order(
            cart=cart,
            buyer=BUYER,
            deliveries=deliveries,
            expected_total_idr=seen,
            gateway="demo",
            check_amount=payments.gateway_named("demo").check_amount,
            locale="id",
            now=clock.now(),
        )
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.get(ProductVariant, shop.coffee.id).stock == 20


def test_out_of_stock_on_one_line_writes_nothing(db) -> None:
    shop = two_facilities()
    cart = filled_cart(shop, batik=5, coffee=3)
    shop.batik.stock = 4  # someone else bought one meanwhile
    db.session.commit()
    with pytest.raises(checkout.OutOfStock, match="Kemeja Batik Tulis"):
        checkout.place_order(
            cart=cart,
            buyer=BUYER,
            deliveries={shop.batik_lapas.id: DeliveryMethod.PICKUP},
            expected_total_idr=None,
            gateway="demo",
            check_amount=payments.gateway_named("demo").check_amount,
            locale="id",
            now=clock.now(),
        )
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.get(ProductVariant, shop.coffee.id).stock == 20
    kept = carts.summarise(cart)  # the cart is kept
    assert sum(line.quantity for group in kept.groups for line in group.lines) == 8


def test_bad_buyer_details_are_refused(db) -> None:
    shop = two_facilities()
    cart = filled_cart(shop)
    deliveries = {shop.batik_lapas.id: DeliveryMethod.PICKUP}
    for change, message in [
        ({"phone": "123"}, "telepon"),
        ({"province": "Atlantis"}, "provinsi"),
        ({"email": "bukan-email"}, "email"),
        ({"postal_code": "12"}, "pos"),
    ]:
        buyer = checkout.BuyerDetails(**{**BUYER.__dict__, **change})
        with pytest.raises(checkout.DomainError, match=message):
            checkout.place_order(
                cart=cart,
                buyer=buyer,
                deliveries=deliveries,
                expected_total_idr=None,
                gateway="demo",
                check_amount=payments.gateway_named("demo").check_amount,
                locale="id",
                now=clock.now(),
            )
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0

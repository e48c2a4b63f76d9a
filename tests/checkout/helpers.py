"""Arranging carts and orders for the checkout, payment and ledger tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from shop import payments
from shop.core import clock, unit_of_work
from shop.database import db
from shop.models import (
    DeliveryMethod,
    Facility,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    ProductVariant,
)
from shop.ordering import cart as carts
from shop.ordering import checkout
from tests.factories import (
    DeliveryRateTableFactory,
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    ProductVariantFactory,
)

BUYER = checkout.BuyerDetails(
    name="Siti Aminah",
    email="Siti.Aminah@Contoh.id",
    phone="0812-3456-7890",
    address_line="Jl. Merdeka No. 10, RT 02/RW 03",
    city="Kota Medan",
    province="Sumatera Utara",
    postal_code="20112",
)


@dataclass
class TwoFacilities:
    """Batik from a Lapas in Medan (courier offered), coffee from a Rutan elsewhere (pickup)."""

    batik_lapas: Facility
    coffee_rutan: Facility
    batik: ProductVariant
    coffee: ProductVariant


def two_facilities() -> TwoFacilities:
    sumut = KanwilFactory(
        code="SUMUT", name="Kanwil Ditjenpas Sumatera Utara", province="Sumatera Utara"
    )
    ntt = KanwilFactory(
        code="NTT", name="Kanwil Ditjenpas Nusa Tenggara Timur", province="Nusa Tenggara Timur"
    )
    lapas = FacilityFactory(
        kanwil=sumut, city="Medan", name="Lapas Kelas I Medan", slug="lapas-kelas-i-medan"
    )
    rutan = FacilityFactory(
        kanwil=ntt, city="Kupang", name="Rutan Kelas IIA Kupang", slug="rutan-kelas-iia-kupang"
    )
    DeliveryRateTableFactory(facility=lapas)
    batik_product = ProductFactory(
        facility=lapas, name="Kemeja Batik Tulis", weight_grams=400, variants=[]
    )
    batik = ProductVariantFactory(
        product=batik_product,
        sku="BTK-L",
        option_label="L",
        price_idr=250_000,
        hpp_idr=140_000,
        stock=5,
    )
    coffee_product = ProductFactory(
        facility=rutan, name="Kopi Arabika Flores", weight_grams=250, variants=[]
    )
    coffee = ProductVariantFactory(
        product=coffee_product, sku="KOPI-250", price_idr=85_000, hpp_idr=50_000, stock=20
    )
    return TwoFacilities(lapas, rutan, batik, coffee)


def filled_cart(shop: TwoFacilities, *, batik: int = 2, coffee: int = 3):
    cart = carts.new_cart()
    carts.add_item(cart=cart, variant_id=shop.batik.id, quantity=batik)
    carts.add_item(cart=cart, variant_id=shop.coffee.id, quantity=coffee)
    unit_of_work.commit()
    return cart


def place(
    shop: TwoFacilities,
    *,
    gateway: str = "demo",
    batik: int = 2,
    coffee: int = 3,
    now: datetime | None = None,
) -> Order:
    """An order (committed): batik by courier within Medan, coffee picked up in Kupang."""
    order = checkout.place_order(
        cart=filled_cart(shop, batik=batik, coffee=coffee),
        buyer=BUYER,
        deliveries={
            shop.batik_lapas.id: DeliveryMethod.COURIER,
            shop.coffee_rutan.id: DeliveryMethod.PICKUP,
        },
        expected_total_idr=None,
        gateway=gateway,
        check_amount=payments.gateway_named(gateway).check_amount,
        locale="id",
        now=now or clock.now(),
    )
    unit_of_work.commit()
    return order


def ledger_totals(order: Order) -> dict[LedgerEntryKind, int]:
    """The ledger's sum per entry kind for one order."""
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_idr))
        .where(LedgerEntry.order_id == order.id)
        .group_by(LedgerEntry.kind)
    ).all()
    return {kind: int(total) for kind, total in rows}

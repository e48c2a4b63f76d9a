"""A small nation for the report tests: two Kanwil, five facilities, orders paid and refunded
through the real checkout, payment and refund services.

SUMUT (WIB): Lapas Kelas I Medan (batik, paid through Stripe with a fee), Rutan Kelas IIA Binjai
(bread, demo), Bapas Kelas I Medan (sells nothing). NTT (WITA): Rutan Kelas IIA Kupang (coffee,
same Stripe order) and LPKA Kelas II Kupang (weaving, demo, one unit refunded).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from shop import payments
from shop.core import clock
from shop.core.clock import Period
from shop.database import db
from shop.models import (
    Category,
    DeliveryMethod,
    Facility,
    FacilityClass,
    FacilityKind,
    Kanwil,
    Order,
    ProductVariant,
    SalesChannel,
    TimeZone,
    User,
)
from shop.ordering import cart as carts
from shop.ordering import checkout
from shop.payments import events, refunds
from tests.checkout import stripe_fixtures as sf
from tests.checkout.helpers import BUYER
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    ProductFactory,
    ProductVariantFactory,
    UserFactory,
)


@dataclass
class World:
    sumut: Kanwil
    ntt: Kanwil
    medan: Facility
    binjai: Facility
    bapas: Facility
    kupang: Facility
    lpka: Facility
    stripe_order: Order
    bread_order: Order
    weaving_order: Order
    crafts: Category
    food: Category
    period: Period


def facility(kanwil: Kanwil, kind: FacilityKind, name: str, **kw: object) -> Facility:
    klass = FacilityClass.II if kind is FacilityKind.LPKA else FacilityClass.IIA
    return FacilityFactory(
        kanwil=kanwil, kind=kind, facility_class=klass, name=name,
        slug=name.lower().replace(" ", "-"), **kw,
    )  # fmt: skip


def variant(owner: Facility, name: str, price_idr: int, category: Category) -> ProductVariant:
    product = ProductFactory(facility=owner, name=name, category=category, variants=[])
    return ProductVariantFactory(product=product, price_idr=price_idr, hpp_idr=None, stock=50)


def buy_for_pickup(
    lines: list[tuple[ProductVariant, int]],
    *,
    paid_at: datetime | None = None,
    channel: SalesChannel = SalesChannel.ONLINE,
) -> Order:
    """Place an order picked up at each facility, sold through `channel`, and pay it with the
    demo gateway at `paid_at` (the ledger's moment)."""
    cart = carts.new_cart()
    for chosen, quantity in lines:
        carts.add_item(cart=cart, variant_id=chosen.id, quantity=quantity)
    owners = {chosen.product.facility_id for chosen, _ in lines}
    order = checkout.place_order(
        cart=cart, buyer=BUYER, deliveries=dict.fromkeys(owners, DeliveryMethod.PICKUP),
        expected_total_idr=None, gateway="demo", locale="id", now=clock.now(),
        check_amount=payments.gateway_named("demo").check_amount,
    )  # fmt: skip
    order.channel = channel
    attempt = payments.start_payment(order=order, now=clock.now())
    outcome = events.simulate_demo_payment(
        attempt=attempt, outcome="pay", now=paid_at or clock.now()
    )
    assert outcome == "paid"
    return order


def refund_one_unit(order: Order, actor: User) -> None:
    part = order.parts[0]
    refunds.refund_facility_order(
        facility_order=part, quantities={part.lines[0].id: 1}, include_shipping=False,
        restock=True, reason="Rusak saat dikirim", idempotency_key=f"rf-{order.number}",
        actor=actor, now=clock.now(),
    )  # fmt: skip


def build(client, rsps) -> World:
    """Needs the Stripe config and a `responses` mock (see tests/checkout/stripe_fixtures)."""
    shop, stripe_order = sf.pay_two_facilities_through_stripe(client, rsps)
    medan, kupang = shop.batik_lapas, shop.coffee_rutan
    sumut, ntt = medan.kanwil, kupang.kanwil
    ntt.timezone = TimeZone.WITA
    kupang.kind = FacilityKind.RUTAN  # the factory makes every facility a Lapas
    db.session.commit()
    crafts = CategoryFactory(name="Kerajinan", slug="kerajinan")
    food = CategoryFactory(name="Makanan", slug="makanan")
    bread_kind = CategoryFactory(name="Roti", slug="roti", parent=food)
    weaving_kind = CategoryFactory(name="Tenun", slug="tenun", parent=crafts)
    binjai = facility(sumut, FacilityKind.RUTAN, "Rutan Kelas IIA Binjai", city="Binjai")
    bapas = facility(sumut, FacilityKind.BAPAS, "Bapas Kelas IIA Medan", city="Medan")
    lpka = facility(ntt, FacilityKind.LPKA, "LPKA Kelas II Kupang", city="Kupang")
    bread = variant(binjai, "Roti Sobek Cokelat", 25_000, bread_kind)
    weaving = variant(lpka, "Tenun Ikat Sumba", 400_000, weaving_kind)
    bread_order = buy_for_pickup([(bread, 4)])
    weaving_order = buy_for_pickup([(weaving, 2)])
    refund_one_unit(weaving_order, UserFactory())
    db.session.expire_all()
    today = clock.now().date()
    return World(
        sumut=sumut, ntt=ntt, medan=medan, binjai=binjai, bapas=bapas, kupang=kupang, lpka=lpka,
        stripe_order=stripe_order, bread_order=bread_order, weaving_order=weaving_order,
        crafts=crafts, food=food, period=around(today),
    )  # fmt: skip


def build_ids(client, rsps) -> tuple[Period, dict[str, tuple[type, int]]]:
    """The world as its period and the class and id of each object, to share between tests
    (`tests.conftest.seeded_database`); `load` reads it back in a test's own session."""
    world = build(client, rsps)
    ids = {f.name: (type(value), value.id) for f in fields(world) if f.name != "period"
           for value in [getattr(world, f.name)]}  # fmt: skip
    return world.period, ids


def load(shared: tuple[Period, dict[str, tuple[type, int]]]) -> World:
    period, ids = shared
    return World(
        period=period, **{name: db.session.get(cls, id_) for name, (cls, id_) in ids.items()}
    )


def around(day: date) -> Period:
    """A few days either side, so local days in any time zone fall inside."""
    return Period(day - timedelta(days=3), day + timedelta(days=3))

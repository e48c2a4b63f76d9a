"""A year of demo sales, made through checkout, the demo gateway, fulfilment and refunds.

Every order is placed, paid, handled and sometimes refunded by the same services a buyer and a
facility's staff use, with `now` set in the past, so the ledger holds exactly what real use
would have written and the reports and /impact have something to show on a fresh site.
The buyers are made up ("Pembeli Demo 12", addresses at example.com) and get no mail.

The plan is drawn from a seeded random generator over the demo catalogue, relative to today's
date, and orders are written oldest first; a re-run counts the demo orders already there and
writes only the rest of the plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from shop import payments
from shop.catalogue import stock
from shop.core import clock, mail, unit_of_work
from shop.database import db
from shop.models import (
    DeliveryMethod,
    Facility,
    FacilityOrder,
    FacilityOrderStatus,
    Order,
    Product,
    ProductStatus,
    ProductVariant,
    StockReason,
)
from shop.ordering import cart as carts
from shop.ordering import checkout, fulfilment
from shop.payments import events, refunds

HISTORY_ORDERS = 300
HISTORY_DAYS = 365
SEED = 20261202
BUYERS = 180
# Local hours 07:00 to 22:00: buyers shop through the day, most in the evening.
HOUR_WEIGHTS = [1, 2, 3, 3, 3, 4, 3, 3, 3, 3, 4, 5, 5, 4, 3, 2]
BUYER_EMAIL = "pembeli.demo{number}@example.com"
ACTOR = "seed-demo"
# Where the made-up buyers live: (city, province), provinces as the checkout knows them.
BUYER_PLACES = [
    ("Kota Medan", "Sumatera Utara"),
    ("Kota Pekanbaru", "Riau"),
    ("Kota Palembang", "Sumatera Selatan"),
    ("Kota Bandar Lampung", "Lampung"),
    ("Jakarta Selatan", "DKI Jakarta"),
    ("Jakarta Timur", "DKI Jakarta"),
    ("Kota Tangerang", "Banten"),
    ("Kota Bandung", "Jawa Barat"),
    ("Kota Bekasi", "Jawa Barat"),
    ("Kota Semarang", "Jawa Tengah"),
    ("Kota Yogyakarta", "DI Yogyakarta"),
    ("Kota Surabaya", "Jawa Timur"),
    ("Kabupaten Jember", "Jawa Timur"),
    ("Kota Denpasar", "Bali"),
    ("Kota Mataram", "Nusa Tenggara Barat"),
    ("Kota Kupang", "Nusa Tenggara Timur"),
    ("Kota Balikpapan", "Kalimantan Timur"),
    ("Kota Makassar", "Sulawesi Selatan"),
    ("Kota Kendari", "Sulawesi Tenggara"),
    ("Kota Ambon", "Maluku"),
    ("Kota Jayapura", "Papua"),
]
REFUND_REASONS = [
    ("Barang rusak saat pengiriman (data demo).", False),
    ("Pembeli membatalkan sebelum barang dikemas (data demo).", True),
    ("Ukuran tidak sesuai, barang dikembalikan (data demo).", True),
]
COURIER_MAX_GRAMS = 20_000
COURIERS = ["JNE", "J&T Express", "POS Indonesia", "SiCepat"]


@dataclass(frozen=True)
class Sellable:
    variant_id: int
    price_idr: int
    weight_grams: int


@dataclass(frozen=True)
class PlannedPart:
    facility_id: int
    courier: bool
    lines: tuple[tuple[int, int], ...]  # (variant id, quantity)


@dataclass(frozen=True)
class PlannedRefund:
    part: int  # index into the order's parts
    whole: bool
    days_after_handover: int
    reason: str
    restock: bool


@dataclass(frozen=True)
class PlannedOrder:
    placed_at: datetime
    buyer: int
    english: bool
    parts: tuple[PlannedPart, ...]
    refund: PlannedRefund | None


def demo_order_count() -> int:
    """How many orders of the sales history are already written."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.buyer_email.like(BUYER_EMAIL.format(number="%")))
        )
        or 0
    )


def remaining_order_count(*, orders: int = HISTORY_ORDERS) -> int:
    return max(orders - demo_order_count(), 0)


def seed_sales_history(
    *,
    now: datetime,
    orders: int = HISTORY_ORDERS,
    on_order: Callable[[], None] | None = None,
) -> int:
    """Write the part of the history not written yet; returns how many orders were added.

    Nothing is written on a production site, where the demo gateway does not exist.
    """
    if current_app.config["ETALASE_ENV"] == "production":
        return 0
    done = demo_order_count()
    if done >= orders:
        return 0
    catalogue = _sellable_by_facility()
    if not catalogue:
        return 0
    plan = plan_history(catalogue=catalogue, now=now, orders=orders)
    with mail.held_back():
        for planned in plan[done:]:
            _write(planned, now=now)
            if on_order:
                on_order()
    return len(plan) - done


def _sellable_by_facility() -> dict[int, tuple[str, list[Sellable]]]:
    """Per active facility: its time zone and the variants of its published products."""
    rows = db.session.execute(
        select(Facility, ProductVariant.id, ProductVariant.price_idr, Product.weight_grams)
        .join(Product, Product.facility_id == Facility.id)
        .join(ProductVariant, ProductVariant.product_id == Product.id)
        .where(Product.status == ProductStatus.PUBLISHED, Facility.is_active.is_(True))
        .order_by(Facility.id, ProductVariant.id)
    ).all()
    found: dict[int, tuple[str, list[Sellable]]] = {}
    for facility, variant_id, price, weight in rows:
        found.setdefault(facility.id, (facility.timezone, []))[1].append(
            Sellable(variant_id, price, weight)
        )
    return found


def plan_history(
    *, catalogue: dict[int, tuple[str, list[Sellable]]], now: datetime, orders: int
) -> list[PlannedOrder]:
    """The orders of the last `HISTORY_DAYS` days, oldest first, the same for the same day."""
    rng = random.Random(SEED)
    facility_ids = sorted(catalogue)
    # Some units sell far more than others, as in real life.
    weights = [rng.choice([1, 1, 2, 3, 5, 8, 13]) for _ in facility_ids]
    plan = []
    for _ in range(orders):
        count = rng.choices([1, 2, 3], weights=[82, 14, 4])[0]
        chosen: list[int] = []
        while len(chosen) < min(count, len(facility_ids)):
            facility_id = rng.choices(facility_ids, weights=weights)[0]
            if facility_id not in chosen:
                chosen.append(facility_id)
        parts = tuple(
            _plan_part(rng, facility_id, catalogue[facility_id][1]) for facility_id in chosen
        )
        # Sales grow over the year: more recent days are more likely.
        days_ago = 1 + int((HISTORY_DAYS - 2) * (1 - math.sqrt(rng.random())))
        hour = rng.choices(range(7, 23), weights=HOUR_WEIGHTS)[0]
        zone = clock.zone(catalogue[chosen[0]][0])
        day = now.astimezone(zone).date() - timedelta(days=days_ago)
        placed_at = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=zone)
        refund = None
        if rng.random() < 0.05:
            reason, restock = rng.choice(REFUND_REASONS)
            refund = PlannedRefund(
                part=rng.randrange(len(parts)),
                whole=rng.random() < 0.6,
                days_after_handover=rng.randint(1, 6),
                reason=reason,
                restock=restock,
            )
        plan.append(
            PlannedOrder(
                placed_at=placed_at.astimezone(UTC),
                buyer=rng.randint(1, BUYERS),
                english=rng.random() < 0.1,
                parts=parts,
                refund=refund,
            )
        )
    plan.sort(key=lambda planned: planned.placed_at)
    return plan


def _plan_part(rng: random.Random, facility_id: int, sellable: list[Sellable]) -> PlannedPart:
    count = min(rng.choices([1, 2, 3], weights=[70, 24, 6])[0], len(sellable))
    lines = []
    weight = 0
    for item in rng.sample(sellable, count):
        if item.price_idr >= 1_000_000:
            quantity = 1
        elif item.price_idr >= 250_000:
            quantity = rng.choices([1, 2], weights=[80, 20])[0]
        else:
            quantity = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
        lines.append((item.variant_id, quantity))
        weight += item.weight_grams * quantity
    # Furniture and building materials are fetched by the buyer's own transport.
    courier = weight <= COURIER_MAX_GRAMS and rng.random() < 0.65
    return PlannedPart(facility_id=facility_id, courier=courier, lines=tuple(lines))


def buyer_details(number: int) -> checkout.BuyerDetails:
    """A made-up buyer: no real person, an address at example.com."""
    city, province = BUYER_PLACES[number % len(BUYER_PLACES)]
    return checkout.BuyerDetails(
        name=f"Pembeli Demo {number}",
        email=BUYER_EMAIL.format(number=number),
        phone=f"0812-0000-{number:04d}",
        address_line=f"Jl. Contoh No. {number}",
        city=city,
        province=province,
        postal_code="",
    )


def _write(planned: PlannedOrder, *, now: datetime) -> None:
    moment = planned.placed_at
    cart = carts.new_cart()
    for part in planned.parts:
        for variant_id, quantity in part.lines:
            # The workshop made what was ordered, so the catalogue keeps its stock.
            stock.record_movement(
                variant=db.session.get(ProductVariant, variant_id),
                quantity=quantity,
                reason=StockReason.PRODUCED,
                actor=None,
                now=moment - timedelta(hours=1),
                note="Data demo",
                actor_label=ACTOR,
            )
            carts.add_item(cart=cart, variant_id=variant_id, quantity=quantity)
    order = checkout.place_order(
        cart=cart,
        buyer=buyer_details(planned.buyer),
        deliveries={
            part.facility_id: DeliveryMethod.COURIER if part.courier else DeliveryMethod.PICKUP
            for part in planned.parts
        },
        expected_total_idr=None,
        gateway="demo",
        check_amount=payments.gateway_named("demo").check_amount,
        locale="en" if planned.english else "id",
        now=moment,
    )
    unit_of_work.commit()
    attempt = payments.start_payment(order=order, now=moment + timedelta(minutes=1))
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=moment + timedelta(minutes=4))
    handed_over = {part.id: _fulfil(part, now=now) for part in order.parts}
    if planned.refund is not None:
        _refund(order.parts[planned.refund.part], planned.refund, handed_over, now=now)


def _fulfil(part: FacilityOrder, *, now: datetime) -> datetime:
    """Pack and hand over the part as its staff would, up to today; returns the last step's time."""
    placed = part.order.placed_at
    steps = (
        [
            (FacilityOrderStatus.PACKED, 1),
            (FacilityOrderStatus.SHIPPED, 2),
            (FacilityOrderStatus.DELIVERED, 5),
        ]
        if part.delivery_method is DeliveryMethod.COURIER
        else [(FacilityOrderStatus.PACKED, 1), (FacilityOrderStatus.READY_FOR_PICKUP, 1),
              (FacilityOrderStatus.PICKED_UP, 3)]
    )  # fmt: skip
    last = placed
    for to, days in steps:
        at = placed + timedelta(days=days, hours=2 if to is FacilityOrderStatus.PACKED else 5)
        if at >= now:
            break
        fulfilment.advance(
            facility_order=part,
            to=to,
            actor=None,
            now=at,
            courier=COURIERS[part.id % len(COURIERS)],
            tracking_number=f"DEMO{part.id:08d}",
        )
        unit_of_work.commit()
        last = at
    return last


def _refund(
    part: FacilityOrder, planned: PlannedRefund, handed_over: dict[int, datetime], *, now: datetime
) -> None:
    at = handed_over[part.id] + timedelta(days=planned.days_after_handover)
    if at >= now:
        return
    first_line = part.lines[0]
    refunds.refund_facility_order(
        facility_order=part,
        quantities=None if planned.whole else {first_line.id: 1},
        include_shipping=False,
        restock=planned.restock,
        reason=planned.reason,
        idempotency_key=f"demo-hist-{part.id:08d}",
        actor=None,
        now=at,
    )

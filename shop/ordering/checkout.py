"""Turning a cart into an order: prices re-read, stock reserved, one part per facility."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select

from shop.catalogue import stock
from shop.core import audit, locks
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.facilities.delivery import DeliveryOption, offered_methods, options_for
from shop.facilities.regions import PROVINCES
from shop.models import (
    Cart,
    DeliveryMethod,
    Facility,
    FacilityOrder,
    FacilityOrderStatus,
    Order,
    OrderLine,
    OrderStatus,
    ProductVariant,
    ReservationState,
    SalesChannel,
    StockMovement,
    StockReason,
    StockReservation,
)
from shop.ordering import cart as carts
from shop.ordering import contact, orders

log = logging.getLogger("etalase.checkout")

# Stock is held this long after the order; a payment session made later extends the hold to
# the session's own expiry (`extend_hold`), since Stripe lets a session live 30 minutes at least.
RESERVATION_MINUTES = 30


class AmountCheck(Protocol):
    """Raises a `DomainError` for a total the gateway cannot take."""

    def __call__(self, *, amount_idr: int) -> None: ...


class CheckoutError(DomainError):
    """The order cannot be placed as asked."""


class OutOfStock(CheckoutError):
    """Raised when a line asks for more than is left."""


class PricesChanged(CheckoutError):
    """The total differs from the one the buyer confirmed."""


class HoldLimitReached(CheckoutError):
    """The order would hold more stock than one buyer may hold unpaid (docs/security.md)."""


# Orders whose stock is held while the buyer pays.
OPEN_STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_PAYMENT)


@dataclass(frozen=True)
class HoldLimits:
    """How much unpaid stock one buyer may hold: units of a variant in one order, and open
    (unpaid, unexpired) orders per client address and per email. 0 switches a limit off."""

    max_units_per_variant: int = 10
    max_open_orders_per_address: int = 3
    max_open_orders_per_email: int = 3


@dataclass(frozen=True)
class BuyerDetails:
    name: str
    email: str
    phone: str
    address_line: str
    city: str
    province: str
    postal_code: str = ""


@dataclass
class PartQuote:
    group: carts.CartGroup
    options: list[DeliveryOption]
    chosen: DeliveryOption | None
    courier_offered: bool = False

    @property
    def facility(self) -> Facility:
        return self.group.facility

    @property
    def shipping_idr(self) -> int:
        return self.chosen.price_idr if self.chosen is not None else 0

    @property
    def total_idr(self) -> int:
        return self.group.subtotal_idr + self.shipping_idr


@dataclass
class CheckoutQuote:
    parts: list[PartQuote] = field(default_factory=list)

    @property
    def subtotal_idr(self) -> int:
        return sum(p.group.subtotal_idr for p in self.parts)

    @property
    def shipping_idr(self) -> int:
        return sum(p.shipping_idr for p in self.parts)

    @property
    def total_idr(self) -> int:
        return self.subtotal_idr + self.shipping_idr

    @property
    def complete(self) -> bool:
        return bool(self.parts) and all(p.chosen is not None for p in self.parts)


def quote(
    *, cart: Cart | None, city: str, province: str, deliveries: dict[int, DeliveryMethod]
) -> CheckoutQuote:
    """Today's prices and each facility's delivery options for this address."""
    summary = carts.summarise(cart)
    result = CheckoutQuote()
    for group in summary.groups:
        options = options_for(
            facility=group.facility, weight_grams=group.weight_grams, city=city, province=province
        )
        wanted = deliveries.get(group.facility.id)
        chosen = next((o for o in options if o.method == wanted), None)
        if chosen is None and len(options) == 1:
            chosen = options[0]
        result.parts.append(
            PartQuote(
                group=group,
                options=options,
                chosen=chosen,
                courier_offered=DeliveryMethod.COURIER in offered_methods(group.facility),
            )
        )
    return result


def place_order(
    *,
    cart: Cart,
    buyer: BuyerDetails,
    deliveries: dict[int, DeliveryMethod],
    expected_total_idr: int | None,
    gateway: str,
    check_amount: AmountCheck,
    locale: str,
    now: datetime,
    client_address: str = "",
    limits: HoldLimits | None = None,
) -> Order:
    """Create the order, its parts and lines, and reserve their stock; the caller commits.

    `check_amount` is the chosen gateway's limit check (`PaymentGateway.check_amount`), passed
    in by the caller because the payments package sits above this one.

    With `limits`, an order that would hold more than a buyer may hold is refused
    (`HoldLimitReached`); the storefront always passes them.

    Nothing is written when a check fails. The reservation is a conditional UPDATE
    (`stock = stock - n WHERE stock >= n`): PostgreSQL re-checks the condition under the row
    lock, SQLite runs writers one at a time, so no two checkouts can take the same units.
    """
    details = _checked_buyer(buyer)
    offer = quote(cart=cart, city=details.city, province=details.province, deliveries=deliveries)
    if not offer.parts:
        raise CheckoutError(_l("Keranjang Anda kosong."))
    for part in offer.parts:
        if part.chosen is None:
            raise CheckoutError(
                _l("Pilih cara pengiriman untuk %(facility)s.", facility=part.facility.name)
            )
        for line in part.group.lines:
            if not carts.is_for_sale(line.variant):
                raise CheckoutError(
                    _l(
                        "%(name)s tidak dijual lagi; hapus dari keranjang.",
                        name=line.variant.product.name,
                    )
                )
    if expected_total_idr is not None and expected_total_idr != offer.total_idr:
        raise PricesChanged(
            _l("Harga atau ongkos kirim berubah. Periksa ringkasan baru lalu pesan lagi.")
        )
    check_amount(amount_idr=offer.total_idr)
    if limits is not None:
        _check_hold_limits(offer, details, client_address=client_address, limits=limits, now=now)
    # Stock first: concurrent buyers meet at the variant rows, before anything else.
    movements = _take_stock(
        [(line.variant, line.quantity) for part in offer.parts for line in part.group.lines],
        now=now,
        shortage=lambda variant, _quantity: _l(
            "Maaf, stok %(name)s tidak cukup lagi. Ubah jumlahnya di keranjang.",
            name=variant.product.name,
        ),
    )
    order = _build_order(offer, details, gateway=gateway, locale=locale, now=now)
    order.cart_id, order.client_address = cart.id, client_address[:45]
    for movement in movements:
        movement.note = order.number
    _record_reservations(order)
    carts.empty(cart)
    audit.record(
        actor=None,
        actor_label=details.email,
        action="order.place",
        obj=order,
        changes={"number": [None, order.number], "total_idr": [None, order.total_idr]},
    )
    return order


def _check_hold_limits(
    offer: CheckoutQuote, buyer: BuyerDetails, *, client_address: str, limits: HoldLimits,
    now: datetime,
) -> None:  # fmt: skip
    if limits.max_units_per_variant:
        for part in offer.parts:
            for line in part.group.lines:
                if line.quantity > limits.max_units_per_variant:
                    raise HoldLimitReached(
                        _l(
                            "Satu pesanan dapat memuat paling banyak %(n)s unit %(name)s. Untuk"
                            " jumlah yang lebih besar, minta penawaran langsung ke %(facility)s.",
                            n=limits.max_units_per_variant,
                            name=line.variant.product.name,
                            facility=part.facility.name,
                        )
                    )
    caps = [(Order.buyer_email == buyer.email, limits.max_open_orders_per_email)]
    names = [f"hold-cap:email:{buyer.email}"]
    if client_address:
        caps.append((Order.client_address == client_address, limits.max_open_orders_per_address))
        names.append(f"hold-cap:address:{client_address}")
    if not any(cap for _condition, cap in caps):
        return
    # Lock, then count, then decide: two checkouts of one buyer at once are counted one after
    # the other (the lock lasts until the order is committed), so none goes over the cap.
    locks.lock_names(*names)
    open_orders = select(func.count()).where(
        Order.status.in_(OPEN_STATUSES), Order.expires_at > now
    )
    for condition, cap in caps:
        if cap and (db.session.scalar(open_orders.where(condition)) or 0) >= cap:
            db.session.rollback()
            raise HoldLimitReached(
                _l(
                    "Masih ada %(n)s pesanan yang belum dibayar dari Anda. Selesaikan"
                    " pembayarannya atau tunggu sampai batas waktunya lewat (%(minutes)s menit),"
                    " lalu pesan lagi.",
                    n=cap,
                    minutes=RESERVATION_MINUTES,
                )
            )


def _checked_buyer(buyer: BuyerDetails) -> BuyerDetails:
    name, address, city = buyer.name.strip(), buyer.address_line.strip(), buyer.city.strip()
    if not name:
        raise CheckoutError(_l("Nama wajib diisi."))
    if not address or not city:
        raise CheckoutError(_l("Alamat dan kota wajib diisi."))
    if buyer.province not in PROVINCES:
        raise CheckoutError(_l("Pilih provinsi dari daftar."))
    postal = buyer.postal_code.strip()
    if postal and not (postal.isdigit() and len(postal) == 5):
        raise CheckoutError(_l("Kode pos terdiri dari 5 angka."))
    return BuyerDetails(
        name=name,
        email=contact.normalise_buyer_email(buyer.email),
        phone=contact.normalise_phone(buyer.phone),
        address_line=address,
        city=city,
        province=buyer.province,
        postal_code=postal,
    )


def _build_order(
    offer: CheckoutQuote, buyer: BuyerDetails, *, gateway: str, locale: str, now: datetime
) -> Order:
    order = Order(
        number=orders.next_order_number(now=now),
        status=OrderStatus.PENDING_PAYMENT,
        buyer_name=buyer.name,
        buyer_email=buyer.email,
        buyer_phone=buyer.phone,
        address_line=buyer.address_line,
        city=buyer.city,
        province=buyer.province,
        postal_code=buyer.postal_code,
        locale=locale,
        gateway=gateway,
        subtotal_idr=offer.subtotal_idr,
        shipping_idr=offer.shipping_idr,
        total_idr=offer.total_idr,
        placed_at=now,
        expires_at=now + timedelta(minutes=RESERVATION_MINUTES),
    )
    for part in offer.parts:
        chosen = part.chosen
        assert chosen is not None
        facility_order = FacilityOrder(
            facility=part.facility,
            status=FacilityOrderStatus.PENDING_PAYMENT,
            delivery_method=chosen.method,
            delivery_zone=chosen.zone if chosen.method is DeliveryMethod.COURIER else None,
            weight_grams=part.group.weight_grams,
            subtotal_idr=part.group.subtotal_idr,
            shipping_idr=chosen.price_idr,
        )
        for cart_line in part.group.lines:
            variant = cart_line.variant
            facility_order.lines.append(
                _order_line(variant, unit_price_idr=variant.price_idr, quantity=cart_line.quantity)
            )
        order.parts.append(facility_order)
    db.session.add(order)
    db.session.flush()
    return order


def _take_stock(
    wanted: list[tuple[ProductVariant, int]],
    *,
    now: datetime,
    shortage: Callable[[ProductVariant, int], object],
) -> list[StockMovement]:
    """Take every line's units off its variant, or raise OutOfStock with `shortage`'s message
    (the caller rolls back). Variants are taken in id order, so two orders never wait crosswise."""
    movements = []
    for variant, quantity in sorted(wanted, key=lambda pair: pair[0].id):
        movement = stock.apply_shop_change(
            variant_id=variant.id,
            quantity=-quantity,
            reason=StockReason.SOLD_ONLINE,
            now=now,
            actor_label="checkout",
        )
        if movement is None:
            raise OutOfStock(shortage(variant, quantity))
        movements.append(movement)
    return movements


def _record_reservations(order: Order) -> None:
    for part in order.parts:
        for line in part.lines:
            db.session.add(
                StockReservation(
                    order_line=line,
                    variant_id=line.variant_id,
                    quantity=line.quantity,
                    expires_at=order.expires_at,
                )
            )
    db.session.flush()


@dataclass(frozen=True)
class PricedLine:
    """A variant at a price agreed beforehand (a quote's), not the catalogue's."""

    variant: ProductVariant
    quantity: int
    unit_price_idr: int


@dataclass(frozen=True)
class PricedPart:
    facility: Facility
    lines: list[PricedLine]
    shipping_idr: int


def place_priced_order(
    *,
    parts: list[PricedPart],
    buyer: BuyerDetails,
    channel: SalesChannel,
    gateway: str,
    check_amount: AmountCheck,
    locale: str,
    now: datetime,
    hold_until: datetime,
    shortage: Callable[[ProductVariant, int], object],
) -> Order:
    """An order at agreed prices and delivery costs (an accepted quote), its stock reserved
    until `hold_until`; the caller commits.

    Unlike `place_order` it reads no cart and applies no per-order unit limit (an institution
    orders 200 shirts): the prices were offered by the facility, and each part is delivered by
    courier at the delivery cost it quoted. Stock is taken the same way, by the same conditional
    UPDATE; `shortage(variant, quantity)` is the message when a variant has too little.
    """
    details = _checked_buyer(buyer)
    if not parts or any(not part.lines for part in parts):
        raise CheckoutError(_l("Pesanan ini tidak memuat barang."))
    for part in parts:
        for line in part.lines:
            if not carts.is_for_sale(line.variant):
                raise CheckoutError(
                    _l("%(name)s tidak dijual lagi.", name=line.variant.product.name)
                )
    subtotal = sum(line.unit_price_idr * line.quantity for part in parts for line in part.lines)
    shipping = sum(part.shipping_idr for part in parts)
    check_amount(amount_idr=subtotal + shipping)
    movements = _take_stock(
        [(line.variant, line.quantity) for part in parts for line in part.lines],
        now=now,
        shortage=shortage,
    )
    order = Order(
        number=orders.next_order_number(now=now),
        status=OrderStatus.PENDING_PAYMENT,
        buyer_name=details.name,
        buyer_email=details.email,
        buyer_phone=details.phone,
        address_line=details.address_line,
        city=details.city,
        province=details.province,
        postal_code=details.postal_code,
        locale=locale,
        gateway=gateway,
        channel=channel,
        subtotal_idr=subtotal,
        shipping_idr=shipping,
        total_idr=subtotal + shipping,
        placed_at=now,
        expires_at=hold_until,
    )
    for part in parts:
        facility_order = FacilityOrder(
            facility=part.facility,
            status=FacilityOrderStatus.PENDING_PAYMENT,
            delivery_method=DeliveryMethod.COURIER,
            delivery_zone=None,
            weight_grams=sum(
                line.variant.product.weight_grams * line.quantity for line in part.lines
            ),
            subtotal_idr=sum(line.unit_price_idr * line.quantity for line in part.lines),
            shipping_idr=part.shipping_idr,
        )
        for line in part.lines:
            facility_order.lines.append(
                _order_line(
                    line.variant, unit_price_idr=line.unit_price_idr, quantity=line.quantity
                )
            )
        order.parts.append(facility_order)
    db.session.add(order)
    db.session.flush()
    for movement in movements:
        movement.note = order.number
    _record_reservations(order)
    audit.record(
        actor=None,
        actor_label=details.email,
        action="order.place",
        obj=order,
        changes={
            "number": [None, order.number],
            "total_idr": [None, order.total_idr],
            "channel": [None, channel.value],
        },
    )
    return order


def extend_hold(order: Order, *, until: datetime) -> None:
    """Hold the order's stock until `until` when that is later (the caller holds the order's
    lock and commits)."""
    if until <= order.expires_at:
        return
    order.expires_at = until
    for reservation in _reservations(order, ReservationState.HELD):
        reservation.expires_at = until


def commit_reservations(order: Order) -> None:
    """Payment came in: the held stock is sold for good. The caller commits."""
    for reservation in _reservations(order, ReservationState.HELD):
        reservation.state = ReservationState.COMMITTED


def release_reservations(order: Order, *, now: datetime) -> int:
    """Give held stock back to the variants; returns how many units. The caller commits."""
    released = 0
    for reservation in _reservations(order, ReservationState.HELD):
        if reservation.variant_id is not None:
            stock.apply_shop_change(
                variant_id=reservation.variant_id,
                quantity=reservation.quantity,
                reason=StockReason.RELEASED,
                now=now,
                actor_label="checkout",
                note=order.number,
            )
        reservation.state = ReservationState.RELEASED
        reservation.released_at = now
        released += reservation.quantity
    return released


def take_released_stock_again(order: Order, *, now: datetime) -> bool:
    """A payment came after the hold was released: take every line's units again, or none.

    The variants are read under a row lock (PostgreSQL; on SQLite the caller's transaction
    already writes, so no other writer runs), so the check and the taking see the same stock.
    Returns False, changing nothing, when a unit is missing. The caller commits.
    """
    released = _reservations(order, ReservationState.RELEASED)
    needed: dict[int, int] = {}
    for reservation in released:
        if reservation.variant_id is None:
            return False
        needed[reservation.variant_id] = (
            needed.get(reservation.variant_id, 0) + reservation.quantity
        )
    variants = db.session.scalars(
        select(ProductVariant)
        .where(ProductVariant.id.in_(sorted(needed)))
        .order_by(ProductVariant.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    if len(variants) != len(needed) or any(v.stock < needed[v.id] for v in variants):
        return False
    for reservation in sorted(released, key=lambda r: r.variant_id or 0):
        assert reservation.variant_id is not None
        taken = stock.apply_shop_change(
            variant_id=reservation.variant_id,
            quantity=-reservation.quantity,
            reason=StockReason.SOLD_ONLINE,
            now=now,
            actor_label="checkout",
            note=order.number,
        )
        assert taken is not None, "checked under the lock above"
        reservation.state = ReservationState.HELD
        reservation.released_at = None
    return True


def _reservations(order: Order, state: ReservationState) -> list[StockReservation]:
    line_ids = [line.id for part in order.parts for line in part.lines]
    return list(
        db.session.scalars(
            select(StockReservation).where(
                StockReservation.order_line_id.in_(line_ids), StockReservation.state == state
            )
        )
    )


def _order_line(variant: ProductVariant, *, unit_price_idr: int, quantity: int) -> OrderLine:
    """A line that copies what was bought as it is now (name, SKU, option, HPP, weight), so the
    order reads the same whatever later happens to the product; the price is the caller's."""
    return OrderLine(
        variant=variant,
        product_id=variant.product_id,
        category_id=variant.product.category_id,
        product_name=variant.product.name,
        sku=variant.sku,
        option_label=variant.option_label,
        unit_price_idr=unit_price_idr,
        unit_hpp_idr=variant.hpp_idr,
        unit_weight_grams=variant.product.weight_grams,
        quantity=quantity,
    )

"""A facility packs and hands over its part: packed, shipped or ready, delivered or picked up.

The back office calls these; `parts_where` is the query its list starts from, narrowed by the
back office's scoping filter (a facility's staff see their own parts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select

from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import (
    DeliveryMethod,
    Facility,
    FacilityOrder,
    FacilityOrderStatus,
    Order,
    OrderLine,
    User,
)
from shop.ordering import order_mail, orders

S = FacilityOrderStatus
TIMESTAMP_OF = {
    S.PACKED: "packed_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.READY_FOR_PICKUP: "ready_at",
    S.PICKED_UP: "picked_up_at",
}
COURIER_ONLY = {S.SHIPPED, S.DELIVERED}
PICKUP_ONLY = {S.READY_FOR_PICKUP, S.PICKED_UP}


class FulfilmentError(DomainError):
    """The part cannot move that way."""


def parts_where(
    *, scope: ColumnElement[bool], statuses: list[FacilityOrderStatus] | None = None
) -> Select[tuple[FacilityOrder]]:
    """Paid parts matching `scope` (the back office passes its scoping filter), newest first."""
    query = (
        select(FacilityOrder)
        .join(FacilityOrder.order)
        .where(scope, FacilityOrder.status.not_in([S.PENDING_PAYMENT, S.CANCELLED]))
        .order_by(Order.placed_at.desc(), FacilityOrder.id.desc())
    )
    if statuses:
        query = query.where(FacilityOrder.status.in_(statuses))
    return query


def next_moves(part: FacilityOrder) -> list[FacilityOrderStatus]:
    """The fulfilment steps open to this part now (refunds are made elsewhere)."""
    wrong_way = PICKUP_ONLY if part.delivery_method is DeliveryMethod.COURIER else COURIER_ONLY
    return [
        to for to in TIMESTAMP_OF if to in orders.PART_MOVES[part.status] and to not in wrong_way
    ]


def advance(
    *,
    facility_order: FacilityOrder,
    to: FacilityOrderStatus,
    actor: User | None,
    now: datetime,
    courier: str = "",
    tracking_number: str = "",
) -> FacilityOrder:
    """Move a part one step; shipping needs a courier and a tracking number. Commits.

    The buyer is mailed when the part ships or is ready for pickup.
    """
    orders.check_may_handle(actor, facility_order)
    part = facility_order
    if to in COURIER_ONLY and part.delivery_method is not DeliveryMethod.COURIER:
        raise FulfilmentError(_l("Pesanan ini diambil sendiri, bukan dikirim kurir."))
    if to in PICKUP_ONLY and part.delivery_method is not DeliveryMethod.PICKUP:
        raise FulfilmentError(_l("Pesanan ini dikirim kurir, bukan diambil sendiri."))
    changes: dict[str, list[object]] = {}
    if to is S.SHIPPED:
        courier, tracking_number = courier.strip(), tracking_number.strip()
        if not courier or not tracking_number:
            raise FulfilmentError(_l("Isi nama kurir dan nomor resi."))
        changes = {
            "courier": [part.courier, courier],
            "tracking_number": [part.tracking_number, tracking_number],
        }
    # The status decides, so it is read under the order's lock (a refund may be moving it).
    orders.lock_order(part.order_id)
    if to not in orders.PART_MOVES[part.status] or to not in TIMESTAMP_OF:
        db.session.rollback()
        raise FulfilmentError(
            _l(
                "Status tidak dapat diubah dari %(current)s ke %(target)s.",
                current=orders.PART_STATUS_LABELS[part.status],
                target=orders.PART_STATUS_LABELS[to],
            )
        )
    if to is S.SHIPPED:
        part.courier, part.tracking_number = courier, tracking_number
    orders.move_part(part, to, actor=actor, changes=changes)
    setattr(part, TIMESTAMP_OF[to], now)
    if to in {S.SHIPPED, S.READY_FOR_PICKUP}:
        order_mail.send_part_progress(facility_order=part)
    return part


@dataclass(frozen=True)
class PackingSlip:
    """What a printable packing slip shows."""

    order_number: str
    placed_at: datetime
    facility: Facility
    buyer_name: str
    buyer_phone: str
    delivery_method: DeliveryMethod
    address_lines: list[str]
    lines: list[OrderLine]
    weight_grams: int
    courier: str
    tracking_number: str


def packing_slip(facility_order: FacilityOrder) -> PackingSlip:
    order = facility_order.order
    address = [order.address_line, f"{order.city}, {order.province} {order.postal_code}".strip()]
    return PackingSlip(
        order_number=order.number,
        placed_at=order.placed_at,
        facility=facility_order.facility,
        buyer_name=order.buyer_name,
        buyer_phone=order.buyer_phone,
        delivery_method=facility_order.delivery_method,
        address_lines=address if facility_order.delivery_method is DeliveryMethod.COURIER else [],
        lines=[line for line in facility_order.lines if line.quantity > line.refunded_quantity],
        weight_grams=facility_order.weight_grams,
        courier=facility_order.courier,
        tracking_number=facility_order.tracking_number,
    )

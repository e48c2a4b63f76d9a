"""Order numbers, the buyer's access link, and the allowed moves of order statuses."""

from __future__ import annotations

import hmac
import logging
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop.core import audit, locks, settings, urls
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import (
    FacilityOrder,
    FacilityOrderStatus,
    Order,
    OrderNumberCounter,
    OrderStatus,
    Role,
    User,
)

log = logging.getLogger("etalase.orders")

O, F = OrderStatus, FacilityOrderStatus  # noqa: E741
ORDER_MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    O.PENDING_PAYMENT: frozenset({O.AWAITING_PAYMENT, O.PAID, O.PAYMENT_FAILED, O.EXPIRED}),
    O.AWAITING_PAYMENT: frozenset({O.PAID, O.PAYMENT_FAILED}),
    O.PAID: frozenset(),
    # A payment that arrives after the stock was released (see payments.events).
    O.PAYMENT_FAILED: frozenset({O.PAID}),
    O.EXPIRED: frozenset({O.PAID}),
}
_REFUNDABLE = {F.PAID, F.PACKED, F.SHIPPED, F.DELIVERED, F.READY_FOR_PICKUP, F.PICKED_UP}
PART_MOVES: dict[FacilityOrderStatus, frozenset[FacilityOrderStatus]] = {
    F.PENDING_PAYMENT: frozenset({F.PAID, F.CANCELLED}),
    F.PAID: frozenset({F.PACKED, F.REFUNDED}),
    F.PACKED: frozenset({F.SHIPPED, F.READY_FOR_PICKUP, F.REFUNDED}),
    F.SHIPPED: frozenset({F.DELIVERED, F.REFUNDED}),
    F.READY_FOR_PICKUP: frozenset({F.PICKED_UP, F.REFUNDED}),
    F.DELIVERED: frozenset({F.REFUNDED}),
    F.PICKED_UP: frozenset({F.REFUNDED}),
    F.CANCELLED: frozenset({F.PAID}),
    F.REFUNDED: frozenset(),
}
REFUNDABLE_STATUSES = frozenset(_REFUNDABLE)

ORDER_STATUS_LABELS = {
    O.PENDING_PAYMENT: _l("Menunggu pembayaran"),
    O.AWAITING_PAYMENT: _l("Menunggu dana masuk"),
    O.PAID: _l("Dibayar"),
    O.PAYMENT_FAILED: _l("Pembayaran gagal"),
    O.EXPIRED: _l("Kedaluwarsa"),
}
PART_STATUS_LABELS = {
    F.PENDING_PAYMENT: _l("Menunggu pembayaran"),
    F.PAID: _l("Dibayar, menunggu dikemas"),
    F.PACKED: _l("Dikemas"),
    F.SHIPPED: _l("Dikirim"),
    F.DELIVERED: _l("Diterima"),
    F.READY_FOR_PICKUP: _l("Siap diambil"),
    F.PICKED_UP: _l("Sudah diambil"),
    F.CANCELLED: _l("Dibatalkan"),
    F.REFUNDED: _l("Dana dikembalikan"),
}


class NotYourFacility(DomainError):
    """A user acted on another facility's part."""


def check_may_handle(actor: User | None, part: FacilityOrder) -> None:
    """Staff handle their own facility's parts; central and admin any; kanwil users none.

    The back office guards its screens too; this keeps the rule true for every caller.
    """
    if actor is None or actor.role in (Role.CENTRAL, Role.ADMIN):
        return
    if actor.role is Role.STAFF and actor.facility_id == part.facility_id:
        return
    raise NotYourFacility(_l("Anda hanya dapat mengurus pesanan UPT Anda sendiri."))


def next_order_number(*, now: datetime) -> str:
    """`ETL-2026-000123`: numbered per year by an atomic upsert, so two checkouts never clash."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(OrderNumberCounter)
        .values(year=now.year, last_value=1)
        .on_conflict_do_update(
            index_elements=[OrderNumberCounter.year],
            set_={"last_value": OrderNumberCounter.last_value + 1},
        )
        .returning(OrderNumberCounter.last_value)
    )
    value = db.session.execute(statement).scalar_one()
    return f"ETL-{now.year}-{value:06d}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings.current().secret_key, salt="order-access")


def access_token(order: Order) -> str:
    """The secret part of the buyer's link to their order (mailed, never guessable)."""
    return str(_serializer().dumps(order.number))


def order_for_token(*, number: str, token: str) -> Order | None:
    try:
        signed_number = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(signed_number, str) or not hmac.compare_digest(signed_number, number):
        return None
    return find_order(number)


def order_url(order: Order, *, paid: bool = False) -> str:
    """The buyer's signed link to the order page, in the buyer's language (English under /en/)."""
    path = urls.order_path(order.number, token=access_token(order), paid=paid)
    return urls.absolute(urls.language_prefix(order.locale) + path)


def find_order(number: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.number == number))


def lock_order(order_id: int) -> Order:
    """The order, its parts and attempts locked and re-read (see `shop.core.locks`)."""
    return locks.lock_order(order_id)


def move_order(
    order: Order, to: OrderStatus, *, actor: User | None = None, actor_label: str | None = None
) -> bool:
    """Move the order if the move is allowed; otherwise log it and change nothing."""
    if to not in ORDER_MOVES[order.status]:
        log.warning("order %s: move %s -> %s ignored", order.number, order.status, to)
        return False
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="order.status",
        obj=order,
        changes={"status": [order.status.value, to.value]},
    )
    order.status = to
    return True


def move_part(
    part: FacilityOrder,
    to: FacilityOrderStatus,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    changes: dict[str, list[object]] | None = None,
) -> bool:
    """Move a facility's part if the move is allowed; otherwise log it and change nothing.

    The audit names `actor` when a user made the move; `actor_label` names a webhook or job.
    """
    if to not in PART_MOVES[part.status]:
        log.warning("facility order %s: move %s -> %s ignored", part.id, part.status, to)
        return False
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="facility_order.status",
        obj=part,
        changes={"status": [part.status.value, to.value], **(changes or {})},
    )
    part.status = to
    return True

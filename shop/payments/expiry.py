"""Releasing the stock of orders whose payment never came and whose events were lost."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from shop.core import unit_of_work
from shop.database import db
from shop.models import AttemptStatus, FacilityOrderStatus, Order, OrderStatus
from shop.ordering import checkout, orders
from shop.payments import gateway_named, refunds
from shop.payments.gateway import PaymentError

log = logging.getLogger("etalase.payments")

# Stripe sends `checkout.session.expired` within minutes; give it that long before acting.
GRACE = timedelta(minutes=5)


@dataclass
class ExpiryReport:
    released_orders: list[str] = field(default_factory=list)
    skipped_orders: list[str] = field(default_factory=list)
    # Refunds the gateway could not be asked for earlier (it was down), sent now.
    refunds_sent: list[int] = field(default_factory=list)


def release_expired(*, now: datetime) -> ExpiryReport:
    """Expire unpaid orders past their time; a session the gateway says was paid is left alone.
    Then send the refunds that are still waiting for the gateway.

    Each order is its own unit of work (`unit_of_work.own_unit`), so one gateway failure does
    not hold up the rest. A job: its caller has nothing else pending.
    """
    report = ExpiryReport()
    numbers = db.session.scalars(
        select(Order.number).where(
            Order.status == OrderStatus.PENDING_PAYMENT, Order.expires_at < now - GRACE
        )
    ).all()
    for number in numbers:
        order = orders.find_order(number)
        assert order is not None
        try:
            still_payable = close_sessions(order)
        except PaymentError as error:
            log.warning("order %s: gateway unavailable (%s); retry later", number, error)
            report.skipped_orders.append(number)
            continue
        if still_payable:
            report.skipped_orders.append(number)
            continue
        with unit_of_work.own_unit():
            order = orders.lock_order(order.id)
            if order.expires_at >= now - GRACE:
                # A new payment session extended the hold after the order was listed.
                report.skipped_orders.append(number)
            elif expire_unpaid(order.id, now=now, actor_label="release-expired"):
                report.released_orders.append(number)
    report.refunds_sent = [refund.id for refund in refunds.send_unsent(now=now)]
    return report


def expire_unpaid(order_id: int, *, now: datetime, actor_label: str) -> bool:
    """Lock the order; if still unpaid, expire it and give its stock back. The caller commits."""
    order = orders.lock_order(order_id)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        return False  # paid, or a bank transfer began, while we waited for the lock
    if not orders.move_order(order, OrderStatus.EXPIRED, actor_label=actor_label):
        return False
    for part in order.parts:
        orders.move_part(part, FacilityOrderStatus.CANCELLED, actor_label=actor_label)
    for attempt in order.attempts:
        if attempt.status is AttemptStatus.OPEN:
            attempt.status = AttemptStatus.EXPIRED
    checkout.release_reservations(order, now=now)
    return True


def close_sessions(order: Order) -> bool:
    """Expire the order's open sessions at the gateway; True when one was in fact completed.

    An order without an open session (a b2b order to be paid by bank transfer) asks no gateway.
    """
    if not any(a.status is AttemptStatus.OPEN and a.session_id for a in order.attempts):
        return False
    gateway = gateway_named(order.gateway)
    for attempt in order.attempts:
        if attempt.status is not AttemptStatus.OPEN or not attempt.session_id:
            continue
        status = gateway.session_status(session_id=attempt.session_id)
        if status == "complete":
            log.warning(
                "order %s: session %s completed but no event arrived",
                order.number,
                attempt.session_id,
            )
            return True
        if status == "open":
            gateway.expire_session(session_id=attempt.session_id)
    return False

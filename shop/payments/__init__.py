"""Payments behind one interface: Stripe Checkout, or the on-site demo gateway."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from shop.core import audit, settings, unit_of_work
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import AttemptStatus, Order, OrderStatus, PaymentAttempt
from shop.ordering import checkout, orders
from shop.payments.demo import DemoGateway
from shop.payments.gateway import (
    GatewayEvent,
    InvalidSignature,
    PaymentError,
    PaymentGateway,
    PaymentUnavailable,
)
from shop.payments.stripe_gateway import StripeGateway

__all__ = [
    "GatewayEvent",
    "InvalidSignature",
    "PaymentError",
    "PaymentGateway",
    "PaymentUnavailable",
    "configured_gateway_name",
    "find_attempt",
    "gateway_named",
    "start_payment",
]


# How long a payment session lives: Stripe wants at least 30 minutes after the session is
# created; the extra minute covers the time the request itself takes.
SESSION_MINUTES = 31


def gateway_named(name: str) -> PaymentGateway:
    config = settings.current()
    if name == "stripe":
        return StripeGateway(
            secret_key=config.stripe_secret_key, webhook_secret=config.stripe_webhook_secret
        )
    if name == "demo":
        if config.production:
            raise PaymentError(_l("Gateway demo tidak tersedia di situs produksi."))
        return DemoGateway()
    raise PaymentError(_l("Gateway pembayaran tidak dikenal."))


def configured_gateway_name() -> str:
    return settings.current().payment_gateway


def start_payment(*, order: Order, now: datetime) -> PaymentAttempt:
    """A payment session for the order: the open one if there is one, else a new attempt.

    A session lives at least `SESSION_MINUTES` from its creation (Stripe refuses less than 30),
    and the order's stock hold follows it: a session made 20 minutes after the order holds the
    stock until the session ends.

    Three units of work of its own (`unit_of_work.own_unit`), because the gateway is called
    between them: the attempt (with its idempotency key and expiry) is committed under the
    order's lock before the gateway is called, so a retry after a network failure sends the same
    request again; then the session, or the gateway's error, is stored. A gateway error leaves
    the order payable. Called between units (nothing else pending).
    """
    gateway = gateway_named(order.gateway)
    gateway.check_amount(amount_idr=order.total_idr)
    with unit_of_work.own_unit():
        order = orders.lock_order(order.id)
        if order.status is not OrderStatus.PENDING_PAYMENT:
            raise PaymentError(_l("Pesanan ini tidak menunggu pembayaran lagi."))
        if order.expires_at <= now:
            raise PaymentError(_l("Waktu pembayaran pesanan ini sudah habis."))
        open_attempt = next(
            (a for a in order.attempts if a.status is AttemptStatus.OPEN and a.url), None
        )
        if open_attempt is None:
            attempt = _attempt_to_send(order, now=now)
            checkout.extend_hold(order, until=attempt.expires_at)
    if open_attempt is not None:
        return open_attempt
    try:
        session = gateway.create_session(
            order=order,
            attempt=attempt,
            success_url=orders.order_url(order, paid=True),
            cancel_url=orders.order_url(order),
        )
    except PaymentError as error:
        with unit_of_work.own_unit():
            attempt.error = str(error)
        raise
    with unit_of_work.own_unit():
        attempt.session_id = session.session_id
        attempt.url = session.url
        attempt.error = ""
        audit.record(
            actor=None,
            actor_label=order.gateway,
            action="payment.session",
            obj=attempt,
            changes={"session_id": [None, session.session_id]},
        )
    return attempt


def _attempt_to_send(order: Order, *, now: datetime) -> PaymentAttempt:
    """The attempt whose session is still to be made (its earlier call failed), when its expiry
    is still far enough ahead to send the very same request again; else a new attempt."""
    earliest = now + timedelta(minutes=SESSION_MINUTES - 1)
    for attempt in order.attempts:
        if attempt.status is AttemptStatus.OPEN and not attempt.url:
            if attempt.expires_at >= earliest:
                return attempt
            # Another expiry would be another request: Stripe refuses a reused key for it.
            attempt.status = AttemptStatus.EXPIRED
    attempt = PaymentAttempt(
        order=order,
        gateway=order.gateway,
        idempotency_key=secrets.token_urlsafe(24),
        amount_idr=order.total_idr,
        expires_at=max(order.expires_at, now + timedelta(minutes=SESSION_MINUTES)),
    )
    db.session.add(attempt)
    return attempt


def find_attempt(*, idempotency_key: str) -> PaymentAttempt | None:
    return db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.idempotency_key == idempotency_key)
    )

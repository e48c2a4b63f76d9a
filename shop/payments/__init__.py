"""Payments behind one interface: Stripe Checkout, or the on-site demo gateway."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.core import audit
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
    config = current_app.config
    if name == "stripe":
        return StripeGateway(
            secret_key=config["STRIPE_SECRET_KEY"], webhook_secret=config["STRIPE_WEBHOOK_SECRET"]
        )
    if name == "demo":
        if config["ETALASE_ENV"] == "production":
            raise PaymentError(_l("Gateway demo tidak tersedia di situs produksi."))
        return DemoGateway()
    raise PaymentError(_l("Gateway pembayaran tidak dikenal."))


def configured_gateway_name() -> str:
    return str(current_app.config["PAYMENT_GATEWAY"])


def start_payment(*, order: Order, now: datetime) -> PaymentAttempt:
    """A payment session for the order: the open one if there is one, else a new attempt.

    A session lives at least `SESSION_MINUTES` from its creation (Stripe refuses less than 30),
    and the order's stock hold follows it: a session made 20 minutes after the order holds the
    stock until the session ends. The attempt (with its idempotency key and expiry) is committed
    under the order's lock before the gateway is called, so a retry after a network failure
    sends the same request again. A gateway error leaves the order payable.
    """
    gateway = gateway_named(order.gateway)
    gateway.check_amount(amount_idr=order.total_idr)
    order = orders.lock_order(order.id)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        db.session.rollback()
        raise PaymentError(_l("Pesanan ini tidak menunggu pembayaran lagi."))
    if order.expires_at <= now:
        db.session.rollback()
        raise PaymentError(_l("Waktu pembayaran pesanan ini sudah habis."))
    open_attempt = next(
        (a for a in order.attempts if a.status is AttemptStatus.OPEN and a.url), None
    )
    if open_attempt is not None:
        db.session.rollback()
        return open_attempt
    attempt = _attempt_to_send(order, now=now)
    checkout.extend_hold(order, until=attempt.expires_at)
    db.session.commit()
    try:
        session = gateway.create_session(
            order=order,
            attempt=attempt,
            success_url=orders.order_url(order, paid=True),
            cancel_url=orders.order_url(order),
        )
    except PaymentError as error:
        attempt.error = str(error)
        db.session.commit()
        raise
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
    db.session.commit()
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

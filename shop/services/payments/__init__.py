"""Payments behind one interface: Stripe Checkout, or the on-site demo gateway."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.database import db
from shop.models import AttemptStatus, Order, OrderStatus, PaymentAttempt
from shop.services import audit, orders
from shop.services.payments.demo import DemoGateway
from shop.services.payments.gateway import (
    GatewayEvent,
    InvalidSignature,
    PaymentError,
    PaymentGateway,
    PaymentUnavailable,
)
from shop.services.payments.stripe_gateway import StripeGateway

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


def gateway_named(name: str) -> PaymentGateway:
    config = current_app.config
    if name == "stripe":
        return StripeGateway(
            secret_key=config["STRIPE_SECRET_KEY"], webhook_secret=config["STRIPE_WEBHOOK_SECRET"]
        )
    if name == "demo":
        if config["ETALASE_ENV"] == "production":
            raise PaymentError(_l("Gateway demo tidak tersedia di situs produksi."))
        return DemoGateway(site_url=config["SITE_URL"])
    raise PaymentError(_l("Gateway pembayaran tidak dikenal."))


def configured_gateway_name() -> str:
    return str(current_app.config["PAYMENT_GATEWAY"])


def start_payment(*, order: Order, now: datetime) -> PaymentAttempt:
    """A payment session for the order: the open one if still valid, else a new attempt.

    The attempt (with its idempotency key) is committed before the gateway is called, so a
    retry after a network failure reuses the key. A gateway error leaves the order payable.
    """
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise PaymentError(_l("Pesanan ini tidak menunggu pembayaran lagi."))
    if order.expires_at <= now:
        raise PaymentError(_l("Waktu pembayaran pesanan ini sudah habis."))
    open_attempt = next(
        (a for a in order.attempts if a.status is AttemptStatus.OPEN and a.url), None
    )
    if open_attempt is not None:
        return open_attempt
    attempt = next(
        (a for a in order.attempts if a.status is AttemptStatus.OPEN and not a.url), None
    )
    if attempt is None:
        attempt = PaymentAttempt(
            order=order,
            gateway=order.gateway,
            idempotency_key=secrets.token_urlsafe(24),
            amount_idr=order.total_idr,
            expires_at=order.expires_at,
        )
        db.session.add(attempt)
        db.session.commit()
    gateway = gateway_named(order.gateway)
    base = orders.order_url(order)
    try:
        session = gateway.create_session(
            order=order,
            attempt=attempt,
            success_url=f"{base}&paid=1",
            cancel_url=base,
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


def find_attempt(*, idempotency_key: str) -> PaymentAttempt | None:
    return db.session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.idempotency_key == idempotency_key)
    )

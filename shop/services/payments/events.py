"""Applying the gateway's events to orders, stock and the ledger, each event exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.database import db
from shop.models import (
    AttemptStatus,
    FacilityOrderStatus,
    Order,
    OrderStatus,
    PaymentAttempt,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from shop.services import audit, checkout, ledger, mail, orders, refunds
from shop.services.ledger import PaymentDetails
from shop.services.payments import gateway_named
from shop.services.payments.demo import simulated_event
from shop.services.payments.gateway import GatewayEvent, InvalidSignature, PaymentError
from shop.services.payments.stripe_gateway import HANDLED_EVENTS, StripeGateway

log = logging.getLogger("etalase.payments")

PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})


def receive_stripe_webhook(*, payload: bytes, signature: str | None) -> str:
    """Verify a Stripe webhook and handle its event; raises InvalidSignature when it is forged."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not secret:
        raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not configured")
    gateway = StripeGateway(
        secret_key=current_app.config["STRIPE_SECRET_KEY"] or "sk_unset", webhook_secret=secret
    )
    return handle_event(event=gateway.parse_webhook(payload=payload, signature=signature))


def simulate_demo_payment(*, attempt: PaymentAttempt, outcome: str, now: datetime) -> str:
    """A button of the demo payment page: the event Stripe would send, handled as Stripe's."""
    if attempt.gateway != "demo" or current_app.config["ETALASE_ENV"] == "production":
        raise PaymentError(_l("Simulasi pembayaran hanya untuk gateway demo."))
    if attempt.status is not AttemptStatus.OPEN:
        raise PaymentError(_l("Sesi pembayaran ini sudah selesai."))
    return handle_event(event=simulated_event(attempt=attempt, outcome=outcome, now=now))


def handle_event(*, event: GatewayEvent) -> str:
    """Apply one event; a repeat (same id), even at the same moment, is a no-op.

    The event row and every change it causes commit together, so an event either happened
    completely or not at all (and the gateway's retry will bring it again).
    """
    if _seen(event.event_id):
        return "duplicate"
    details = _payment_details(event) if _means_paid(event) else None
    record = WebhookEvent(
        gateway=event.gateway,
        event_id=event.event_id,
        event_type=event.type,
        payload=event.payload,
    )
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    paid_order: Order | None = None
    if event.type not in HANDLED_EVENTS:
        outcome = "ignored"
    elif event.type.startswith("checkout.session."):
        outcome, paid_order = _apply_session_event(event, details)
    else:
        outcome = _apply_refund_updates(event)
    record.outcome = outcome
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    if paid_order is not None:
        mail.send_order_paid(order=paid_order)
    return outcome


def _seen(event_id: str) -> bool:
    return (
        db.session.scalar(select(WebhookEvent.id).where(WebhookEvent.event_id == event_id))
        is not None
    )


def _means_paid(event: GatewayEvent) -> bool:
    return (
        event.type in PAID_EVENTS
        and event.payment_status == "paid"
        and event.payment_intent_id is not None
    )


def _payment_details(event: GatewayEvent) -> PaymentDetails:
    """Ask the gateway for the charge and fee before any lock is taken (it is a network call)."""
    assert event.payment_intent_id is not None
    return gateway_named(event.gateway).payment_details(
        payment_intent_id=event.payment_intent_id, amount_idr=event.amount_total_idr or 0
    )


def _attempt_for(event: GatewayEvent) -> PaymentAttempt | None:
    if event.session_id:
        attempt = db.session.scalar(
            select(PaymentAttempt).where(PaymentAttempt.session_id == event.session_id)
        )
        if attempt is not None:
            return attempt
    return None


def _apply_session_event(
    event: GatewayEvent, details: PaymentDetails | None
) -> tuple[str, Order | None]:
    attempt = _attempt_for(event)
    if attempt is None:
        log.warning("event %s: no payment attempt for session %s", event.event_id, event.session_id)
        return "unknown session", None
    order = orders.lock_order(attempt.order_id)
    label = event.gateway
    if event.type == "checkout.session.completed" and details is None:
        # A delayed method (bank transfer): finished at Stripe, money still to come.
        attempt.status = AttemptStatus.COMPLETED
        attempt.payment_intent_id = event.payment_intent_id
        moved = orders.move_order(order, OrderStatus.AWAITING_PAYMENT, actor_label=label)
        return ("awaiting payment" if moved else f"ignored in {order.status}"), None
    if details is not None:
        return _mark_paid(order, attempt, details, event)
    if event.type == "checkout.session.async_payment_failed":
        attempt.status = AttemptStatus.FAILED
        return _close_unpaid(order, OrderStatus.PAYMENT_FAILED, event), None
    if event.type == "checkout.session.expired":
        if attempt.status is AttemptStatus.OPEN:
            attempt.status = AttemptStatus.EXPIRED
        return _close_unpaid(order, OrderStatus.EXPIRED, event), None
    return "ignored", None


def _mark_paid(
    order: Order, attempt: PaymentAttempt, details: PaymentDetails, event: GatewayEvent
) -> tuple[str, Order | None]:
    if not orders.move_order(order, OrderStatus.PAID, actor_label=event.gateway):
        if order.status is not OrderStatus.PAID:
            log.error(
                "order %s was paid (%s) after its stock was released: refund or re-reserve",
                order.number,
                details.payment_intent_id,
            )
            audit.record(
                actor=None,
                actor_label=event.gateway,
                action="payment.after_release",
                obj=order,
                changes={"payment_intent_id": [None, details.payment_intent_id]},
            )
            return "paid after release", None
        return "already paid", None
    order.paid_at = event.occurred_at
    attempt.status = AttemptStatus.COMPLETED
    attempt.payment_intent_id = details.payment_intent_id
    attempt.charge_id = details.charge_id
    attempt.balance_transaction_id = details.balance_transaction_id
    attempt.fee_idr = details.fee_idr
    for part in order.parts:
        orders.move_part(part, FacilityOrderStatus.PAID, actor_label=event.gateway)
    checkout.commit_reservations(order)
    ledger.record_payment(
        order=order, attempt=attempt, details=details, occurred_at=event.occurred_at
    )
    if details.amount_idr != order.total_idr:
        log.error(
            "order %s: gateway reports Rp%s paid, order total Rp%s",
            order.number,
            details.amount_idr,
            order.total_idr,
        )
        audit.record(
            actor=None,
            actor_label=event.gateway,
            action="payment.amount_mismatch",
            obj=order,
            changes={"amount_idr": [order.total_idr, details.amount_idr]},
        )
    return "paid", order


def _close_unpaid(order: Order, to: OrderStatus, event: GatewayEvent) -> str:
    if not orders.move_order(order, to, actor_label=event.gateway):
        return f"ignored in {order.status}"
    for part in order.parts:
        orders.move_part(part, FacilityOrderStatus.CANCELLED, actor_label=event.gateway)
    released = checkout.release_reservations(order, now=event.occurred_at)
    return f"{to.value}, {released} released"


def _apply_refund_updates(event: GatewayEvent) -> str:
    outcomes = []
    for update in event.refunds:
        refund = db.session.scalar(
            select(Refund).where(Refund.gateway_refund_id == update.refund_id)
        )
        if refund is None:
            log.warning(
                "refund %s is not one of ours (made in the Stripe dashboard?)", update.refund_id
            )
            outcomes.append(f"{update.refund_id} unmatched")
            continue
        if update.status == "succeeded" and refund.status is RefundStatus.PENDING:
            refunds.confirm_refund(refund=refund)
            outcomes.append(f"{update.refund_id} succeeded")
        elif update.status in {"failed", "canceled"} and refund.status is not RefundStatus.FAILED:
            refunds.undo_failed_refund(refund=refund, occurred_at=event.occurred_at)
            outcomes.append(f"{update.refund_id} failed")
        else:
            outcomes.append(f"{update.refund_id} unchanged")
    return "; ".join(outcomes) or "no refunds"

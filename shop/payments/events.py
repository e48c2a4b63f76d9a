"""Applying the gateway's events to orders, stock and the ledger, each event exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.core import audit, locks, settings, unit_of_work
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.ledger import posting as ledger
from shop.ledger.posting import PaymentDetails
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
from shop.ordering import checkout, order_mail, orders
from shop.payments import gateway_named, refunds
from shop.payments.demo import simulated_event
from shop.payments.gateway import (
    GatewayEvent,
    InvalidSignature,
    PaymentError,
    RefundUpdate,
)
from shop.payments.stripe_gateway import HANDLED_EVENTS, StripeGateway

log = logging.getLogger("etalase.payments")

SESSION_CLOSED = "session already closed"
PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})


def receive_stripe_webhook(*, payload: bytes, signature: str | None) -> str:
    """Verify a Stripe webhook and handle its event; raises InvalidSignature when it is forged."""
    config = settings.current()
    if not config.stripe_webhook_secret:
        raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not configured")
    gateway = StripeGateway(
        secret_key=config.stripe_secret_key or "sk_unset",
        webhook_secret=config.stripe_webhook_secret,
    )
    return handle_event(event=gateway.parse_webhook(payload=payload, signature=signature))


def simulate_demo_payment(*, attempt: PaymentAttempt, outcome: str, now: datetime) -> str:
    """A button of the demo payment page: the event Stripe would send, handled as Stripe's.

    One session has one outcome: the first button wins, the others find the session closed
    (checked again under the order's lock, so two buttons at once also give one outcome).
    """
    if attempt.gateway != "demo" or settings.current().production:
        raise PaymentError(_l("Simulasi pembayaran hanya untuk gateway demo."))
    if attempt.status is not AttemptStatus.OPEN:
        raise PaymentError(_l("Sesi pembayaran ini sudah selesai."))
    result = handle_event(
        event=simulated_event(attempt=attempt, outcome=outcome, now=now), only_open_session=True
    )
    if result == SESSION_CLOSED:
        raise PaymentError(_l("Sesi pembayaran ini sudah selesai."))
    return result


@dataclass
class _AfterCommit:
    """What an event leaves to do once its transaction is committed (mail, gateway calls)."""

    paid_order: Order | None = None
    late_refund_ids: list[int] = field(default_factory=list)
    duplicate_attempt_id: int | None = None


def handle_event(*, event: GatewayEvent, only_open_session: bool = False) -> str:
    """Apply one event; a repeat (same id), even at the same moment, is a no-op.

    The event row and every change it causes are one unit of work of its own
    (`unit_of_work.own_unit`), so an event either happened completely or not at all (and the
    gateway's retry will bring it again); mail and the refunds it calls for (gateway calls, each
    its own unit) follow its commit. Network calls (the charge and its fee, a charge's refunds)
    are made before any lock is taken. Called between units (nothing else pending).
    """
    if _seen(event.event_id):
        return "duplicate"
    details = _payment_details(event) if _means_paid(event) else None
    if event.type == "charge.refunded":
        event = _with_refunds_of_charge(event)
    record = WebhookEvent(
        gateway=event.gateway,
        event_id=event.event_id,
        event_type=event.type,
        payload=event.payload,
    )
    after = _AfterCommit()
    try:
        with unit_of_work.own_unit():
            db.session.add(record)
            db.session.flush()
            if event.type not in HANDLED_EVENTS:
                outcome = "ignored"
            elif event.type.startswith("checkout.session."):
                outcome = _apply_session_event(event, details, after, only_open_session)
            else:
                outcome = _apply_refund_updates(event)
            log.info("event %s (%s): %s", event.event_id, event.type, outcome)
            record.outcome = outcome
            _follow_up(after, now=event.occurred_at)
    except IntegrityError:
        return "duplicate"
    return outcome


def _follow_up(after: _AfterCommit, *, now: datetime) -> None:
    """Write the paid mail with the payment; register what waits for the commit (refunds)."""
    paid_order, late_refund_ids = after.paid_order, after.late_refund_ids
    duplicate_attempt_id = after.duplicate_attempt_id
    if paid_order is not None and not late_refund_ids:
        # Into the outbox with the payment: the mail exists exactly when the payment does.
        order_mail.send_order_paid(order=paid_order)
    if late_refund_ids:
        unit_of_work.after_commit(
            lambda: refunds.send_late_payment_refunds(refund_ids=late_refund_ids, now=now)
        )
    if duplicate_attempt_id is not None:
        unit_of_work.after_commit(
            lambda: refunds.send_duplicate_payment_refund(attempt_id=duplicate_attempt_id)
        )


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


def _with_refunds_of_charge(event: GatewayEvent) -> GatewayEvent:
    """`charge.refunded` no longer embeds the refunds (API 2022-11-15): read them from Stripe."""
    charge_id = (event.payload.get("data") or {}).get("object", {}).get("id")
    if event.gateway != "stripe" or not charge_id:
        return event
    gateway = gateway_named("stripe")
    assert isinstance(gateway, StripeGateway)
    return replace(event, refunds=gateway.refunds_of_charge(charge_id=charge_id))


def _apply_session_event(
    event: GatewayEvent, details: PaymentDetails | None, after: _AfterCommit, only_open: bool
) -> str:
    """Lock the order, its parts and attempts, re-read them, then decide (one outcome wins)."""
    found = _attempt_for(event)
    if found is None:
        log.warning("event %s: no payment attempt for session %s", event.event_id, event.session_id)
        return "unknown session"
    order = orders.lock_order(found.order_id)
    attempt = next(a for a in order.attempts if a.id == found.id)
    if only_open and attempt.status is not AttemptStatus.OPEN:
        return SESSION_CLOSED
    if details is not None:
        return _mark_paid(order, attempt, details, event, after)
    if event.type == "checkout.session.completed":
        # A delayed method (bank transfer): finished at Stripe, money still to come.
        if attempt.status is AttemptStatus.OPEN and orders.move_order(
            order, OrderStatus.AWAITING_PAYMENT, actor_label=event.gateway
        ):
            attempt.status = AttemptStatus.COMPLETED
            attempt.payment_intent_id = event.payment_intent_id
            return "awaiting payment"
        return _no_op(order, attempt, event)
    if event.type == "checkout.session.async_payment_failed":
        if order.status is OrderStatus.PAID:
            return _no_op(order, attempt, event)
        if attempt.status in {AttemptStatus.OPEN, AttemptStatus.COMPLETED}:
            attempt.status = AttemptStatus.FAILED
        return _close_unpaid(order, OrderStatus.PAYMENT_FAILED, event)
    if event.type == "checkout.session.expired":
        if attempt.status is not AttemptStatus.OPEN:
            return _no_op(order, attempt, event)
        attempt.status = AttemptStatus.EXPIRED
        if any(a.status is AttemptStatus.OPEN for a in order.attempts):
            return "expired, another session open"
        return _close_unpaid(order, OrderStatus.EXPIRED, event)
    return "ignored"


def _no_op(order: Order, attempt: PaymentAttempt, event: GatewayEvent) -> str:
    log.info(
        "event %s (%s) changes nothing: order %s is %s, attempt %s",
        event.event_id, event.type, order.number, order.status.value, attempt.status.value,
    )  # fmt: skip
    return f"ignored in {order.status}"


def _mark_paid(
    order: Order,
    attempt: PaymentAttempt,
    details: PaymentDetails,
    event: GatewayEvent,
    after: _AfterCommit,
) -> str:
    if order.status is OrderStatus.PAID:
        if attempt.status in {AttemptStatus.COMPLETED, AttemptStatus.DUPLICATE}:
            return "already paid"
        return _mark_duplicate(order, attempt, details, event, after)
    _close_awaiting_attempts(order, attempt)
    late = order.status in {OrderStatus.EXPIRED, OrderStatus.PAYMENT_FAILED}
    restocked = late and checkout.take_released_stock_again(order, now=event.occurred_at)
    orders.move_order(order, OrderStatus.PAID, actor_label=event.gateway)
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
    after.paid_order = order
    if not late:
        return "paid"
    audit.record(
        actor=None, actor_label=event.gateway, action="payment.after_release", obj=order,
        changes={"payment_intent_id": [None, details.payment_intent_id],
                 "stock_taken_again": [None, restocked]},
    )  # fmt: skip
    if restocked:
        return "paid after release, stock taken again"
    log.error("order %s paid after release and its stock is gone: refunding", order.number)
    after.late_refund_ids = [
        refunds.prepare_late_payment_refund(facility_order=part).id for part in order.parts
    ]
    return "paid after release, refunding"


def _mark_duplicate(
    order: Order,
    attempt: PaymentAttempt,
    details: PaymentDetails,
    event: GatewayEvent,
    after: _AfterCommit,
) -> str:
    """Another session of this order had paid already: this money goes back whole, after the
    commit; it is never a sale. The attempt turns DUPLICATE under the order's lock, so however
    often its event comes, and whatever comes at once, one refund is sent."""
    log.error(
        "order %s paid twice: session %s paid after another (%s); refunding",
        order.number, attempt.session_id, details.payment_intent_id,
    )  # fmt: skip
    attempt.status = AttemptStatus.DUPLICATE
    attempt.payment_intent_id = details.payment_intent_id
    attempt.charge_id = details.charge_id
    attempt.balance_transaction_id = details.balance_transaction_id
    attempt.fee_idr = details.fee_idr
    attempt.amount_idr = details.amount_idr
    audit.record(
        actor=None, actor_label=event.gateway, action="payment.duplicate", obj=order,
        changes={"payment_intent_id": [None, details.payment_intent_id],
                 "amount_idr": [None, details.amount_idr]},
    )  # fmt: skip
    after.duplicate_attempt_id = attempt.id
    return "paid twice, refunding"


def _close_awaiting_attempts(order: Order, paying: PaymentAttempt) -> None:
    """A bank transfer still on its way (an attempt COMPLETED without money) yields to the
    session that paid: the order has one completed attempt, and that transfer, should it still
    arrive, is a duplicate payment and goes back."""
    for other in order.attempts:
        if other is not paying and other.status is AttemptStatus.COMPLETED:
            other.status = AttemptStatus.FAILED
            other.error = "superseded by a paid session"


def _close_unpaid(order: Order, to: OrderStatus, event: GatewayEvent) -> str:
    if not orders.move_order(order, to, actor_label=event.gateway):
        return f"ignored in {order.status}"
    for part in order.parts:
        orders.move_part(part, FacilityOrderStatus.CANCELLED, actor_label=event.gateway)
    released = checkout.release_reservations(order, now=event.occurred_at)
    return f"{to.value}, {released} released"


def _apply_refund_updates(event: GatewayEvent) -> str:
    """Each Refund object's status, applied under the refund's locks: once, whatever the repeats."""
    outcomes = []
    for update in event.refunds:
        found = db.session.scalar(
            select(Refund.id).where(Refund.gateway_refund_id == update.refund_id)
        )
        duplicate = update.key and refunds.apply_duplicate_refund_update(
            key=update.key, status=update.status, actor_label=event.gateway
        )
        if duplicate:
            outcomes.append(f"{update.refund_id} {duplicate}")
            continue
        if found is None and update.key:
            found, answered = _answer_by_key(update, event)
            if answered is not None:
                outcomes.append(answered)
                continue
        if found is None:
            log.warning(
                "refund %s is not one of ours (made in the Stripe dashboard?)", update.refund_id
            )
            outcomes.append(f"{update.refund_id} unmatched")
            continue
        refund = locks.lock_refund(found)
        if update.status == "succeeded" and refund.status is RefundStatus.PENDING:
            refunds.confirm_refund(refund=refund)
            outcomes.append(f"{update.refund_id} succeeded")
        elif update.status in {"failed", "canceled"} and refund.status is not RefundStatus.FAILED:
            refunds.undo_failed_refund(refund=refund, occurred_at=event.occurred_at)
            outcomes.append(f"{update.refund_id} failed")
        else:
            outcomes.append(f"{update.refund_id} unchanged")
    return "; ".join(outcomes) or "no refunds"


def _answer_by_key(update: RefundUpdate, event: GatewayEvent) -> tuple[int | None, str | None]:
    """A Refund event that came before our request's answer was stored is that answer.

    Returns the refund's id when it is known by now, and the outcome when this event answered.
    """
    refund_id = db.session.scalar(select(Refund.id).where(Refund.idempotency_key == update.key))
    if refund_id is None:
        return None, None
    refund = locks.lock_refund(refund_id)
    if refund.gateway_refund_id is None and refund.status is RefundStatus.PENDING:
        refunds.apply_first_answer(
            refund, gateway_refund_id=update.refund_id, status=update.status,
            now=event.occurred_at, actor_label=event.gateway,
        )  # fmt: skip
        return refund.id, f"{update.refund_id} {refund.status.value}"
    return (refund.id if refund.gateway_refund_id == update.refund_id else None), None

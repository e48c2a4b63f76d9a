"""Refunding a facility's part, wholly or some lines, through the order's gateway."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from shop.catalogue import stock
from shop.core import audit, locks, unit_of_work
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.ledger import posting
from shop.models import (
    AttemptStatus,
    FacilityOrder,
    FacilityOrderStatus,
    Order,
    PaymentAttempt,
    Refund,
    RefundLine,
    RefundStatus,
    StockReason,
    User,
)
from shop.ordering import order_mail, orders
from shop.payments import gateway_named
from shop.payments.gateway import PaymentError, PaymentUnavailable

log = logging.getLogger("etalase.refunds")


class RefundError(DomainError):
    """The refund cannot be made as asked."""


def refund_facility_order(
    *,
    facility_order: FacilityOrder,
    quantities: dict[int, int] | None,
    include_shipping: bool,
    restock: bool,
    reason: str,
    idempotency_key: str,
    actor: User | None,
    now: datetime,
) -> Refund:
    """Give money back for a facility's part: all of it (`quantities=None`) or some lines.

    `quantities` maps order line id -> units to refund. The same `idempotency_key` (the form
    carries one) never refunds twice: a repeat returns the first refund. Ledger reversals are
    written for this facility only; stock is returned when `restock` is set.

    The order is locked and re-read before anything is decided, and what is still refundable
    counts the refunds not yet answered by the gateway, so two refunds at once never give back
    the same units. The pending refund is stored (a unit of work of its own) before the gateway
    is asked, and the answer after (see `_send`). Called between units (nothing else pending).
    """
    existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == idempotency_key))
    if existing is not None:
        if existing.status is RefundStatus.PENDING and existing.gateway_refund_id is None:
            return _send(existing, now=now)
        return existing
    with unit_of_work.own_unit():
        orders.check_may_handle(actor, facility_order)
        orders.lock_order(facility_order.order_id)
        part = facility_order
        if part.status not in orders.REFUNDABLE_STATUSES:
            raise RefundError(_l("Bagian pesanan ini belum dibayar atau sudah dikembalikan."))
        if _paid_attempt(part) is None:
            raise RefundError(_l("Pembayaran pesanan ini tidak ditemukan."))
        refund = _build(
            part,
            quantities=quantities,
            include_shipping=include_shipping,
            restock=restock,
            reason=reason,
            idempotency_key=idempotency_key,
            actor=actor,
        )
    return _send(refund, now=now)


LATE_PAYMENT_REASON = "Pembayaran masuk setelah stok dilepas dan stoknya sudah habis."


def prepare_late_payment_refund(*, facility_order: FacilityOrder) -> Refund:
    """The whole part, to be given back because its payment came too late (the caller holds the
    order's lock and commits; `send_late_payment_refunds` sends it after the commit)."""
    return _build(
        facility_order,
        quantities=None,
        include_shipping=True,
        restock=False,
        reason=LATE_PAYMENT_REASON,
        idempotency_key=f"late-payment-{facility_order.id}",
        actor=None,
    )


def send_late_payment_refunds(*, refund_ids: list[int], now: datetime) -> None:
    """Send the refunds of a late payment and tell the buyer; a gateway outage leaves them
    pending, and `send_unsent` (run with `flask shop release-expired`) tries again."""
    sent = _send_each(refund_ids, now=now)
    if sent:
        with unit_of_work.own_unit():
            order_mail.send_late_payment_refunded(order=sent[0].facility_order.order, refunds=sent)


DUPLICATE_KEY_PREFIX = "duplicate-payment-"
DUPLICATE_REFUND_FAILED = "refund failed at the gateway"


def send_duplicate_payment_refund(*, attempt_id: int) -> bool:
    """Give back a payment made after the order was already paid (see `AttemptStatus.DUPLICATE`),
    whole, by its payment intent, and tell the buyer; True when the gateway took it.

    The gateway is asked outside any lock with a key of the attempt's own, so a repeat (two
    events, or `send_unsent` after an outage) is one refund at the gateway; the answer is kept
    under the order's lock by whoever comes first. An outage leaves it to `send_unsent`; a
    refusal is recorded on the attempt and audited for staff to settle by hand.
    """
    attempt = db.session.get(PaymentAttempt, attempt_id)
    assert attempt is not None and attempt.payment_intent_id is not None
    if attempt.duplicate_refund_id is not None:
        return False
    order = attempt.order
    try:
        result = gateway_named(attempt.gateway).refund(
            payment_intent_id=attempt.payment_intent_id,
            amount_idr=attempt.amount_idr,
            idempotency_key=f"{DUPLICATE_KEY_PREFIX}{attempt.id}",
            order_number=order.number,
        )
    except PaymentUnavailable as error:
        db.session.rollback()
        log.error("duplicate payment %s not refunded yet: %s", attempt.payment_intent_id, error)
        return False
    except PaymentError as error:
        with unit_of_work.own_unit():
            locks.lock_order(order.id)  # re-reads the attempt
            if attempt.duplicate_refund_id is not None:
                return False
            attempt.error = str(error)
            audit.record(
                actor=None, actor_label=attempt.gateway,
                action="payment.duplicate_refund_refused", obj=order,
                changes={"error": [None, str(error)]},
            )  # fmt: skip
        log.error("refund of duplicate payment %s refused: %s", attempt.payment_intent_id, error)
        return False
    with unit_of_work.own_unit():
        locks.lock_order(order.id)  # re-reads the attempt
        if attempt.duplicate_refund_id is not None:
            return False
        attempt.duplicate_refund_id = result.refund_id
        if result.status in {"failed", "canceled"}:
            _mark_duplicate_refund_failed(attempt, order, actor_label=attempt.gateway)
            return False
        audit.record(
            actor=None, actor_label=attempt.gateway, action="payment.duplicate_refunded",
            obj=order,
            changes={"payment_intent_id": [None, attempt.payment_intent_id],
                     "gateway_refund_id": [None, result.refund_id],
                     "amount_idr": [None, attempt.amount_idr]},
        )  # fmt: skip
        order_mail.send_duplicate_payment_refunded(order=order, amount_idr=attempt.amount_idr)
    return True


def apply_duplicate_refund_update(*, key: str, status: str, actor_label: str) -> str | None:
    """A Refund event about a duplicate payment's refund (found by its key): a failed one is
    kept on the attempt and audited once, for staff to settle by hand; None when the key is not
    a duplicate payment's. The caller commits."""
    attempt_id = key.removeprefix(DUPLICATE_KEY_PREFIX)
    if (
        not key.startswith(DUPLICATE_KEY_PREFIX)
        or not attempt_id.isascii()
        or not attempt_id.isdigit()
    ):
        return None
    order_id = db.session.scalar(
        select(PaymentAttempt.order_id).where(PaymentAttempt.id == int(attempt_id))
    )
    if order_id is None:
        return None
    order = locks.lock_order(order_id)
    attempt = next(a for a in order.attempts if a.id == int(attempt_id))
    if status not in {"failed", "canceled"}:
        return f"duplicate payment refund {status}"
    _mark_duplicate_refund_failed(attempt, order, actor_label=actor_label)
    return "duplicate payment refund failed"


def _mark_duplicate_refund_failed(
    attempt: PaymentAttempt, order: Order, *, actor_label: str
) -> None:
    """Keep a failed refund of a duplicate payment on its attempt, audited once (the caller
    holds the order's lock and commits)."""
    if attempt.error == DUPLICATE_REFUND_FAILED:
        return
    attempt.error = DUPLICATE_REFUND_FAILED
    log.error("refund of duplicate payment %s failed at the gateway", attempt.payment_intent_id)
    audit.record(
        actor=None, actor_label=actor_label, action="payment.duplicate_refund_failed",
        obj=order, changes={"payment_intent_id": [None, attempt.payment_intent_id]},
    )  # fmt: skip


def send_unsent(*, now: datetime) -> list[Refund]:
    """Send again every refund the gateway never answered (it was down), refunds of duplicate
    payments too; returns the facility refunds sent."""
    duplicates = db.session.scalars(
        select(PaymentAttempt.id).where(
            PaymentAttempt.status == AttemptStatus.DUPLICATE,
            PaymentAttempt.duplicate_refund_id.is_(None),
            PaymentAttempt.error == "",
        )
    ).all()
    for attempt_id in duplicates:
        send_duplicate_payment_refund(attempt_id=attempt_id)
    waiting = db.session.scalars(
        select(Refund.id).where(
            Refund.status == RefundStatus.PENDING, Refund.gateway_refund_id.is_(None)
        )
    ).all()
    return _send_each(waiting, now=now)


def _send_each(refund_ids: Sequence[int], *, now: datetime) -> list[Refund]:
    """Send each refund (the callers tell the buyer); one the gateway cannot take yet stays
    pending for the next `send_unsent`."""
    sent: list[Refund] = []
    for refund_id in refund_ids:
        refund = db.session.get(Refund, refund_id)
        assert refund is not None
        try:
            sent.append(_send(refund, now=now, tell_buyer=False))
        except RefundError as error:
            log.warning("refund %s not sent yet: %s", refund_id, error)
    return sent


def _build(
    part: FacilityOrder,
    *,
    quantities: dict[int, int] | None,
    include_shipping: bool,
    restock: bool,
    reason: str,
    idempotency_key: str,
    actor: User | None,
) -> Refund:
    """Check the request against what is left to refund and add the pending refund (flushed)."""
    unsent = _unsent_quantities(part)
    remaining = {
        line.id: line.quantity - line.refunded_quantity - unsent.get(line.id, 0)
        for line in part.lines
    }
    if quantities is None:
        quantities = {line_id: n for line_id, n in remaining.items() if n > 0}
        include_shipping = True
    quantities = {line_id: n for line_id, n in quantities.items() if n}
    for line_id, n in quantities.items():
        if line_id not in remaining:
            db.session.rollback()
            raise RefundError(_l("Baris itu bukan bagian pesanan UPT ini."))
        if n < 0 or n > remaining[line_id]:
            db.session.rollback()
            raise RefundError(_l("Jumlah yang dikembalikan melebihi yang masih bisa dikembalikan."))
    shipping_refunded = _shipping_already_refunded(part)
    include_shipping = include_shipping and part.shipping_idr > 0 and not shipping_refunded
    lines_by_id = {line.id: line for line in part.lines}
    refund = Refund(
        facility_order=part,
        includes_shipping=include_shipping,
        restock=restock,
        reason=reason.strip(),
        idempotency_key=idempotency_key,
        created_by_id=actor.id if actor is not None else None,
        amount_idr=0,
    )
    for line_id, n in quantities.items():
        line = lines_by_id[line_id]
        refund.lines.append(
            RefundLine(order_line=line, quantity=n, amount_idr=line.unit_price_idr * n)
        )
    refund.amount_idr = sum(rl.amount_idr for rl in refund.lines) + (
        part.shipping_idr if include_shipping else 0
    )
    if refund.amount_idr <= 0:
        db.session.rollback()
        raise RefundError(_l("Tidak ada yang dikembalikan: pilih baris atau ongkos kirim."))
    db.session.add(refund)
    db.session.flush()
    audit.record(
        actor=actor,
        action="refund.create",
        obj=refund,
        changes={
            "facility_order_id": [None, part.id],
            "amount_idr": [None, refund.amount_idr],
            "lines": [None, {str(k): v for k, v in quantities.items()}],
            "restock": [None, restock],
        },
    )
    return refund


def _paid_attempt(part: FacilityOrder) -> PaymentAttempt | None:
    return next(
        (
            a
            for a in part.order.attempts
            if a.status is AttemptStatus.COMPLETED and a.payment_intent_id is not None
        ),
        None,
    )


def _send(refund: Refund, *, now: datetime, tell_buyer: bool = True) -> Refund:
    """Ask the gateway (idempotently, outside any lock), then apply its answer under the locks
    in a unit of work of its own, and mail the buyer in that same unit (unless the caller tells
    them itself).

    A gateway that cannot be reached leaves the refund pending and unsent, to be sent again
    with the same key; a refusal marks it failed. Whoever applies the answer first wins: a
    concurrent repeat finds `gateway_refund_id` already set and changes nothing.
    """
    order = refund.facility_order.order
    attempt = _paid_attempt(refund.facility_order)
    if attempt is None or attempt.payment_intent_id is None:
        raise RefundError(_l("Pembayaran pesanan ini tidak ditemukan."))
    try:
        result = gateway_named(order.gateway).refund(
            payment_intent_id=attempt.payment_intent_id,
            amount_idr=refund.amount_idr,
            idempotency_key=refund.idempotency_key,
            order_number=order.number,
        )
    except PaymentUnavailable as error:
        db.session.rollback()
        raise RefundError(str(error)) from error
    except PaymentError as error:
        with unit_of_work.own_unit():
            refund = locks.lock_refund(refund.id)
            if refund.status is RefundStatus.PENDING and refund.gateway_refund_id is None:
                refund.status = RefundStatus.FAILED
                audit.record(
                    actor=None,
                    actor_label=order.gateway,
                    action="refund.refused",
                    obj=refund,
                    changes={"error": [None, str(error)]},
                )
        raise RefundError(str(error)) from error
    with unit_of_work.own_unit():
        refund = locks.lock_refund(refund.id)
        applied_here = refund.gateway_refund_id is None and refund.status is RefundStatus.PENDING
        if applied_here:
            apply_first_answer(
                refund, gateway_refund_id=result.refund_id, status=result.status, now=now,
                actor_label=order.gateway,
            )  # fmt: skip
        if applied_here and tell_buyer and refund.status is not RefundStatus.FAILED:
            order_mail.send_refund(refund=refund)
    if refund.status is RefundStatus.FAILED:
        raise RefundError(_l("Pengembalian dana ditolak oleh layanan pembayaran."))
    return refund


def apply_first_answer(
    refund: Refund, *, gateway_refund_id: str, status: str, now: datetime, actor_label: str
) -> None:
    """The gateway's first word on a sent refund: its id and status, and unless it failed, the
    counters, stock and posting. From `_send`, or from a Refund event that overtook its answer.
    The caller holds `locks.lock_refund` and commits."""
    part = refund.facility_order
    refund.gateway_refund_id = gateway_refund_id
    refund.status = (
        RefundStatus.FAILED
        if status in {"failed", "canceled"}
        else (RefundStatus.SUCCEEDED if status == "succeeded" else RefundStatus.PENDING)
    )
    audit.record(
        actor=None,
        actor_label=actor_label,
        action="refund.sent",
        obj=refund,
        changes={
            "gateway_refund_id": [None, gateway_refund_id],
            "status": [None, refund.status.value],
        },
    )
    if refund.status is RefundStatus.FAILED:
        return
    for refund_line in refund.lines:
        refund_line.order_line.refunded_quantity += refund_line.quantity
        if refund.restock and refund_line.order_line.variant_id is not None:
            _change_stock(refund, refund_line.order_line.variant_id, refund_line.quantity, now)
    part.refunded_idr += refund.amount_idr
    posting.record_refund(refund=refund, occurred_at=now)
    if refund.status is RefundStatus.SUCCEEDED:
        close_if_fully_refunded(part, actor_label=actor_label)


def close_if_fully_refunded(part: FacilityOrder, *, actor_label: str) -> None:
    """A part whose every rupiah went back (and arrived) is refunded."""
    if part.refunded_idr == part.total_idr:
        orders.move_part(part, FacilityOrderStatus.REFUNDED, actor_label=actor_label)


def confirm_refund(*, refund: Refund) -> None:
    """The gateway says a pending refund was paid out."""
    refund.status = RefundStatus.SUCCEEDED
    close_if_fully_refunded(refund.facility_order, actor_label="gateway")


def undo_failed_refund(*, refund: Refund, occurred_at: datetime) -> None:
    """The gateway could not pay the refund out: reverse its ledger entries and counters."""
    previous = refund.status
    refund.status = RefundStatus.FAILED
    if previous is RefundStatus.FAILED or refund.gateway_refund_id is None:
        return
    part = refund.facility_order
    for refund_line in refund.lines:
        refund_line.order_line.refunded_quantity -= refund_line.quantity
        if refund.restock and refund_line.order_line.variant_id is not None:
            _change_stock(
                refund, refund_line.order_line.variant_id, -refund_line.quantity, occurred_at
            )
    part.refunded_idr -= refund.amount_idr
    posting.reverse_refund(refund=refund, occurred_at=occurred_at)
    log.error("refund %s failed at the gateway; ledger entries reversed", refund.gateway_refund_id)
    audit.record(
        actor=None,
        actor_label="gateway",
        action="refund.failed",
        obj=refund,
        changes={"status": [previous.value, "failed"]},
    )


def _unsent_quantities(part: FacilityOrder) -> dict[int, int]:
    """Units of pending refunds the gateway has not answered yet (not in `refunded_quantity`)."""
    rows = db.session.execute(
        select(RefundLine.order_line_id, func.sum(RefundLine.quantity))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(
            Refund.facility_order_id == part.id,
            Refund.status == RefundStatus.PENDING,
            Refund.gateway_refund_id.is_(None),
        )
        .group_by(RefundLine.order_line_id)
    ).all()
    return {line_id: int(total) for line_id, total in rows}


def _shipping_already_refunded(part: FacilityOrder) -> bool:
    return (
        db.session.scalar(
            select(Refund.id).where(
                Refund.facility_order_id == part.id,
                Refund.includes_shipping.is_(True),
                Refund.status != RefundStatus.FAILED,
            )
        )
        is not None
    )


def _change_stock(refund: Refund, variant_id: int, delta: int, now: datetime) -> None:
    """Restock with a refund, or take the units again when the refund failed."""
    note = refund.facility_order.order.number
    moved = stock.apply_shop_change(
        variant_id=variant_id, quantity=delta, reason=StockReason.REFUND, now=now,
        actor_label="refund", note=note,
    )  # fmt: skip
    if moved is None:
        log.warning(
            "refund of %s: variant %s has fewer than %s units to take back",
            note,
            variant_id,
            -delta,
        )

"""Refunding a facility's part, wholly or some lines, through the order's gateway."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from shop.database import db
from shop.models import (
    AttemptStatus,
    FacilityOrder,
    FacilityOrderStatus,
    Refund,
    RefundLine,
    RefundStatus,
    StockReason,
    User,
)
from shop.services import audit, ledger, mail, orders, stock
from shop.services.errors import DomainError
from shop.services.payments import gateway_named
from shop.services.payments.gateway import PaymentError

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
    written for this facility only; stock is returned when `restock` is set. Commits.
    """
    existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == idempotency_key))
    if existing is not None:
        if existing.status is RefundStatus.PENDING and existing.gateway_refund_id is None:
            return _send(existing, now=now)
        return existing
    orders.check_may_handle(actor, facility_order)
    part = _locked_part(facility_order.id)
    if part.status not in orders.REFUNDABLE_STATUSES:
        raise RefundError(_l("Bagian pesanan ini belum dibayar atau sudah dikembalikan."))
    remaining = {line.id: line.quantity - line.refunded_quantity for line in part.lines}
    if quantities is None:
        quantities = {line_id: n for line_id, n in remaining.items() if n > 0}
        include_shipping = True
    quantities = {line_id: n for line_id, n in quantities.items() if n}
    for line_id, n in quantities.items():
        if line_id not in remaining:
            raise RefundError(_l("Baris itu bukan bagian pesanan UPT ini."))
        if n < 0 or n > remaining[line_id]:
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
    db.session.commit()
    return _send(refund, now=now)


def _send(refund: Refund, *, now: datetime) -> Refund:
    """Ask the gateway (idempotently) and apply the result."""
    part = refund.facility_order
    order = part.order
    attempt = next((a for a in order.attempts if a.status is AttemptStatus.COMPLETED), None)
    if attempt is None or attempt.payment_intent_id is None:
        raise RefundError(_l("Pembayaran pesanan ini tidak ditemukan."))
    try:
        result = gateway_named(order.gateway).refund(
            payment_intent_id=attempt.payment_intent_id,
            amount_idr=refund.amount_idr,
            idempotency_key=refund.idempotency_key,
            order_number=order.number,
        )
    except PaymentError as error:
        refund.status = RefundStatus.FAILED
        audit.record(
            actor=None,
            actor_label=order.gateway,
            action="refund.refused",
            obj=refund,
            changes={"error": [None, str(error)]},
        )
        db.session.commit()
        raise RefundError(str(error)) from error
    part = _locked_part(part.id)
    refund.gateway_refund_id = result.refund_id
    refund.status = (
        RefundStatus.FAILED
        if result.status in {"failed", "canceled"}
        else (RefundStatus.SUCCEEDED if result.status == "succeeded" else RefundStatus.PENDING)
    )
    if refund.status is RefundStatus.FAILED:
        db.session.commit()
        raise RefundError(_l("Pengembalian dana ditolak oleh layanan pembayaran."))
    for refund_line in refund.lines:
        refund_line.order_line.refunded_quantity += refund_line.quantity
        if refund.restock and refund_line.order_line.variant_id is not None:
            _change_stock(refund, refund_line.order_line.variant_id, refund_line.quantity, now)
    part.refunded_idr += refund.amount_idr
    ledger.record_refund(refund=refund, occurred_at=now)
    if refund.status is RefundStatus.SUCCEEDED:
        close_if_fully_refunded(part, actor_label=order.gateway)
    audit.record(
        actor=None,
        actor_label=order.gateway,
        action="refund.sent",
        obj=refund,
        changes={
            "gateway_refund_id": [None, result.refund_id],
            "status": [None, refund.status.value],
        },
    )
    db.session.commit()
    mail.send_refund(refund=refund)
    return refund


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
    ledger.reverse_refund(refund=refund, occurred_at=occurred_at)
    log.error("refund %s failed at the gateway; ledger entries reversed", refund.gateway_refund_id)
    audit.record(
        actor=None,
        actor_label="gateway",
        action="refund.failed",
        obj=refund,
        changes={"status": [previous.value, "failed"]},
    )


def _locked_part(part_id: int) -> FacilityOrder:
    return db.session.execute(
        select(FacilityOrder)
        .where(FacilityOrder.id == part_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


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

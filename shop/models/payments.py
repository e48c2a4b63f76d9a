"""Payment attempts, the gateway's events, and refunds."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.orders import FacilityOrder, Order, OrderLine


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"
    # Paid after another session of the same order had paid: given back whole, never a sale.
    DUPLICATE = "duplicate"


class RefundStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class PaymentAttempt(Base, TimestampMixin):
    """One payment session at the gateway; its idempotency key makes a retry safe."""

    __tablename__ = "payment_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("shop_order.id"), index=True)
    gateway: Mapped[str] = mapped_column(sa.String(20))
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[AttemptStatus] = mapped_column(
        enum_column(AttemptStatus, "attempt_status"), default=AttemptStatus.OPEN
    )
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    url: Mapped[str] = mapped_column(sa.Text, default="")
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    charge_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    balance_transaction_id: Mapped[str | None] = mapped_column(sa.String(255))
    fee_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    expires_at: Mapped[datetime]
    error: Mapped[str] = mapped_column(sa.Text, default="")
    # The gateway's refund of a duplicate payment, once it answered.
    duplicate_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)

    order: Mapped[Order] = relationship(back_populates="attempts")

    __table_args__ = (
        # The order's money is taken once: a second paid session becomes DUPLICATE, refunded.
        sa.Index(
            "uq_payment_attempt_completed_order_id",
            "order_id",
            unique=True,
            sqlite_where=sa.text("status = 'completed'"),
            postgresql_where=sa.text("status = 'completed'"),
        ),
    )


class WebhookEvent(Base):
    """Every gateway event handled, once: the unique id turns a repeat into a no-op."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(sa.String(20))
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(80), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(255), default="")
    # Emptied after WEBHOOK_PAYLOAD_RETENTION_DAYS (shop/core/retention.py); the row stays.
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)


class Refund(Base, TimestampMixin):
    """Money given back for a facility's part (all of it, or some lines)."""

    __tablename__ = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_order_id: Mapped[int] = mapped_column(sa.ForeignKey("facility_order.id"), index=True)
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    includes_shipping: Mapped[bool] = mapped_column(default=False)
    restock: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RefundStatus] = mapped_column(
        enum_column(RefundStatus, "refund_status"), default=RefundStatus.PENDING
    )
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    gateway_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    facility_order: Mapped[FacilityOrder] = relationship()
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list[RefundLine]] = relationship(
        back_populates="refund", cascade="all, delete-orphan", order_by="RefundLine.id"
    )

    __table_args__ = (sa.CheckConstraint("amount_idr > 0", name="amount_positive"),)


class RefundLine(Base):
    __tablename__ = "refund_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(sa.ForeignKey("refund.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id"), index=True)
    quantity: Mapped[int]
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)

    refund: Mapped[Refund] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

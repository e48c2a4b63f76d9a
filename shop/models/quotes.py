"""Quote requests (permintaan penawaran) from institutions: one part per facility, like an order.

An institution asks for quantities that a cart does not take (40 chairs, 200 batik shirts); each
facility answers its own part with a price per line, a lead time, a delivery cost and a date the
offer holds until, or declines it with a reason. Accepted parts become one order (channel b2b).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.catalogue import ProductVariant
    from shop.models.facilities import Facility
    from shop.models.orders import Order


class QuoteStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting for the facility's answer
    ANSWERED = "answered"  # priced, open to acceptance until `valid_until`
    DECLINED = "declined"  # the facility cannot make it (with its reason)
    ACCEPTED = "accepted"  # the buyer accepted: part of an order
    EXPIRED = "expired"  # the offer ran out before the buyer accepted it


class QuoteRequest(Base, TimestampMixin):
    """What an institution asked for, who to answer, and where it is to be delivered.

    `token` is the secret of the buyer's link (the only way to the request's page); the answers
    mail goes out once, when the last facility has answered or declined (`answers_mailed_at`).
    """

    __tablename__ = "quote_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    organisation: Mapped[str] = mapped_column(sa.String(160))
    contact_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str] = mapped_column(sa.String(20))
    # Nomor Pokok Wajib Pajak: 15 digits (old form) or 16 (NIK-based, since 2024); digits only.
    npwp: Mapped[str] = mapped_column(sa.String(16), default="")
    address_line: Mapped[str] = mapped_column(sa.Text)
    city: Mapped[str] = mapped_column(sa.String(80))
    province: Mapped[str] = mapped_column(sa.String(80))
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="")
    wished_date: Mapped[date | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="id")
    answers_mailed_at: Mapped[datetime | None]

    parts: Mapped[list[QuotePart]] = relationship(
        back_populates="request", order_by="QuotePart.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("npwp = '' OR length(npwp) IN (15, 16)", name="npwp_length"),
        sa.CheckConstraint("organisation <> '' AND contact_name <> ''", name="names_given"),
    )

    def __repr__(self) -> str:
        return f"<QuoteRequest {self.number}>"


class QuotePart(Base, TimestampMixin):
    """One facility's part of a request: its status, and its answer or its reason to decline."""

    __tablename__ = "quote_part"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quote_request.id", ondelete="CASCADE"), index=True
    )
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    status: Mapped[QuoteStatus] = mapped_column(
        enum_column(QuoteStatus, "quote_status"), default=QuoteStatus.REQUESTED, index=True
    )
    lead_time_days: Mapped[int | None]
    delivery_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    valid_until: Mapped[date | None]
    answer_notes: Mapped[str] = mapped_column(sa.Text, default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    accepted_at: Mapped[datetime | None]
    order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shop_order.id", ondelete="RESTRICT"), index=True
    )

    request: Mapped[QuoteRequest] = relationship(back_populates="parts")
    facility: Mapped[Facility] = relationship()
    answered_by: Mapped[User | None] = relationship()
    order: Mapped[Order | None] = relationship()
    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="part", order_by="QuoteLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("quote_request_id", "facility_id"),
        sa.CheckConstraint(
            "status NOT IN ('answered', 'accepted', 'expired') OR (lead_time_days IS NOT NULL"
            " AND delivery_idr IS NOT NULL AND valid_until IS NOT NULL)",
            name="answer_complete",
        ),
        sa.CheckConstraint("status <> 'declined' OR decline_reason <> ''", name="reason_given"),
        sa.CheckConstraint("status <> 'accepted' OR order_id IS NOT NULL", name="accepted_order"),
        sa.CheckConstraint(
            "lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time_not_negative"
        ),
        sa.CheckConstraint("delivery_idr IS NULL OR delivery_idr >= 0", name="delivery_valid"),
    )

    @property
    def subtotal_idr(self) -> int:
        return sum(line.total_idr for line in self.lines)

    @property
    def total_idr(self) -> int:
        return self.subtotal_idr + (self.delivery_idr or 0)

    def __repr__(self) -> str:
        return f"<QuotePart {self.quote_request_id}/{self.facility_id} {self.status}>"


class QuoteLine(Base):
    """A variant asked for, with its name, SKU and catalogue price copied at the request."""

    __tablename__ = "quote_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_part_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quote_part.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="SET NULL"), index=True
    )
    product_name: Mapped[str] = mapped_column(sa.String(160))
    sku: Mapped[str] = mapped_column(sa.String(64))
    option_label: Mapped[str] = mapped_column(sa.String(80), default="")
    quantity: Mapped[int]
    catalogue_price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    unit_price_idr: Mapped[int | None] = mapped_column(sa.BigInteger)

    part: Mapped[QuotePart] = relationship(back_populates="lines")
    variant: Mapped[ProductVariant | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "unit_price_idr IS NULL OR unit_price_idr > 0", name="unit_price_positive"
        ),
    )

    @property
    def total_idr(self) -> int:
        return (self.unit_price_idr or 0) * self.quantity


class QuoteTransfer(Base):
    """A bank transfer for a quote's order, recorded by staff with its proof (a private file).

    One per order (unique): the order is paid once, whoever records it and however often.
    """

    __tablename__ = "quote_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quote_request.id", ondelete="RESTRICT"), index=True
    )
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shop_order.id", ondelete="RESTRICT"), unique=True
    )
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    reference: Mapped[str] = mapped_column(sa.String(80))
    transferred_on: Mapped[date]
    proof_key: Mapped[str] = mapped_column(sa.String(255))
    proof_content_type: Mapped[str] = mapped_column(sa.String(40))
    proof_filename: Mapped[str] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)

    order: Mapped[Order] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("amount_idr > 0", name="amount_positive"),
        sa.CheckConstraint("reference <> ''", name="reference_given"),
    )

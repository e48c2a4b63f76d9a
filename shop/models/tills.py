"""The phone till: stands (a showroom or a fair), the sales made there, and what came back.

A stand sale is not an `Order`: it has no buyer, no address, no payment session and no
fulfilment. It writes its own rows here and its ledger entries refer to them
(`LedgerEntry.stand_sale_id`), so the ledger stays one table that every report reads.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base, enum_column
from shop.models.channels import SalesChannel

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.facilities import Facility


class StandStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StandSaleStatus(enum.StrEnum):
    RECORDED = "recorded"  # stock taken, ledger written
    VOIDED = "voided"  # every line returned at once
    REJECTED = "rejected"  # sent from the phone but could not be honoured: flagged to staff


class TillPayment(enum.StrEnum):
    CASH = "cash"
    QRIS = "qris"
    TRANSFER = "transfer"  # bank transfer
    CARD = "card"  # the bank's card terminal


class SaleEvent(Base):
    """A fair or exhibition; several facilities' stands may take part in the same one."""

    __tablename__ = "sale_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    place: Mapped[str] = mapped_column(sa.String(160))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("name", "starts_on"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("name <> '' AND place <> ''", name="named"),
    )


class Stand(Base):
    """A facility's till session at its showroom or at an event, from opening to closing.

    At closing the expected cash (opening float + cash taken - cash given back) is kept next to
    the cash counted, and the difference is stored, so a shortfall stays on record.
    """

    __tablename__ = "stand"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    channel: Mapped[SalesChannel] = mapped_column(enum_column(SalesChannel, "sales_channel"))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sale_event.id"), index=True)
    status: Mapped[StandStatus] = mapped_column(
        enum_column(StandStatus, "stand_status"), default=StandStatus.OPEN
    )
    opening_cash_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    opened_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    expected_cash_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    counted_cash_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    cash_difference_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    closing_note: Mapped[str] = mapped_column(sa.String(300), default="")

    facility: Mapped[Facility] = relationship()
    event: Mapped[SaleEvent | None] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])

    __table_args__ = (
        sa.CheckConstraint("channel IN ('showroom', 'event')", name="till_channel"),
        sa.CheckConstraint(
            "(channel = 'event') = (event_id IS NOT NULL)", name="event_when_event_channel"
        ),
        sa.CheckConstraint("opening_cash_idr >= 0", name="float_not_negative"),
        sa.CheckConstraint(
            "(status = 'open' AND closed_at IS NULL AND counted_cash_idr IS NULL) OR "
            "(status = 'closed' AND closed_at IS NOT NULL AND expected_cash_idr IS NOT NULL "
            "AND counted_cash_idr >= 0 "
            "AND cash_difference_idr = counted_cash_idr - expected_cash_idr)",
            name="closing_recorded",
        ),
        # One open stand per facility at its showroom, and one per facility and event.
        sa.Index(
            "uq_stand_open_showroom",
            "facility_id",
            unique=True,
            sqlite_where=sa.text("status = 'open' AND event_id IS NULL"),
            postgresql_where=sa.text("status = 'open' AND event_id IS NULL"),
        ),
        sa.Index(
            "uq_stand_open_event",
            "facility_id",
            "event_id",
            unique=True,
            sqlite_where=sa.text("status = 'open' AND event_id IS NOT NULL"),
            postgresql_where=sa.text("status = 'open' AND event_id IS NOT NULL"),
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.status is StandStatus.OPEN


class StandSale(Base):
    """One sale at a stand, sent by the till with the id the phone made for it.

    `client_id` is unique: sending the same sale twice (a retry after the network came back)
    finds the first one and answers with it. A sale that could not be honoured is kept as
    `rejected` with its reason, so the staff member sees it instead of losing it.
    """

    __tablename__ = "stand_sale"

    id: Mapped[int] = mapped_column(primary_key=True)
    stand_id: Mapped[int] = mapped_column(sa.ForeignKey("stand.id"), index=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    # The buyer's link to the receipt: unguessable, unique.
    receipt_token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    status: Mapped[StandSaleStatus] = mapped_column(
        enum_column(StandSaleStatus, "stand_sale_status")
    )
    rejection: Mapped[str] = mapped_column(sa.String(300), default="")
    payment: Mapped[TillPayment] = mapped_column(enum_column(TillPayment, "till_payment"))
    payment_reference: Mapped[str] = mapped_column(sa.String(80), default="")
    total_idr: Mapped[int] = mapped_column(sa.BigInteger)
    cash_received_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    returned_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # When the phone made the sale (bounded by the server), and when the server got it.
    sold_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    sold_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    stand: Mapped[Stand] = relationship()
    lines: Mapped[list[StandSaleLine]] = relationship(
        back_populates="sale", order_by="StandSaleLine.id"
    )

    __table_args__ = (
        sa.CheckConstraint("total_idr > 0", name="total_positive"),
        sa.CheckConstraint(
            "returned_idr >= 0 AND returned_idr <= total_idr", name="returned_within_total"
        ),
        sa.CheckConstraint(
            "payment = 'cash' OR payment_reference <> ''", name="reference_when_not_cash"
        ),
        sa.CheckConstraint(
            "cash_received_idr IS NULL OR (payment = 'cash' AND cash_received_idr >= total_idr)",
            name="cash_received_covers_total",
        ),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection <> '')", name="rejection_has_reason"
        ),
    )

    @property
    def change_idr(self) -> int:
        return (self.cash_received_idr or self.total_idr) - self.total_idr


class StandSaleLine(Base):
    """A line of a stand sale, with the product's name, SKU and price copied at the sale."""

    __tablename__ = "stand_sale_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(sa.ForeignKey("stand_sale.id"), index=True)
    variant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category.id", ondelete="SET NULL")
    )
    product_name: Mapped[str] = mapped_column(sa.String(160))
    sku: Mapped[str] = mapped_column(sa.String(64))
    option_label: Mapped[str] = mapped_column(sa.String(80), default="")
    unit_price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    unit_hpp_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    quantity: Mapped[int]
    returned_quantity: Mapped[int] = mapped_column(default=0)

    sale: Mapped[StandSale] = relationship(back_populates="lines")

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_idr > 0", name="price_positive"),
        sa.CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity", name="returned_within"
        ),
    )

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity


class StandReturn(Base):
    """Items given back at a stand (a void gives back every line), with the money returned."""

    __tablename__ = "stand_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(sa.ForeignKey("stand_sale.id"), index=True)
    is_void: Mapped[bool] = mapped_column(default=False)
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.String(300))
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    sale: Mapped[StandSale] = relationship()

    __table_args__ = (
        sa.CheckConstraint("amount_idr > 0", name="amount_positive"),
        sa.CheckConstraint("reason <> ''", name="reason_required"),
    )

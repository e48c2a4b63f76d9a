"""Orders: one per checkout, one part per facility, lines that copy what was bought."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import Base, TimestampMixin, enum_column
from shop.models.channels import SalesChannel
from shop.models.delivery import DeliveryMethod, DeliveryZone

if TYPE_CHECKING:
    from shop.models.catalogue import ProductVariant
    from shop.models.facilities import Facility
    from shop.models.payments import PaymentAttempt


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    # The buyer finished Checkout with a delayed method (bank transfer); money not yet in.
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    EXPIRED = "expired"


class FacilityOrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    READY_FOR_PICKUP = "ready_for_pickup"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class ReservationState(enum.StrEnum):
    HELD = "held"
    COMMITTED = "committed"
    RELEASED = "released"


class OrderNumberCounter(Base):
    """The last order number handed out per year; bumped atomically by an upsert."""

    __tablename__ = "order_number_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int]


class Order(Base, TimestampMixin):
    """What a buyer placed in one checkout, with their contact and delivery address."""

    __tablename__ = "shop_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus, "order_status"), default=OrderStatus.PENDING_PAYMENT, index=True
    )
    buyer_name: Mapped[str] = mapped_column(sa.String(120))
    buyer_email: Mapped[str] = mapped_column(sa.String(254))
    buyer_phone: Mapped[str] = mapped_column(sa.String(20))
    address_line: Mapped[str] = mapped_column(sa.Text)
    city: Mapped[str] = mapped_column(sa.String(80))
    province: Mapped[str] = mapped_column(sa.String(80))
    postal_code: Mapped[str] = mapped_column(sa.String(10), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="id")
    gateway: Mapped[str] = mapped_column(sa.String(20))
    channel: Mapped[SalesChannel] = mapped_column(
        enum_column(SalesChannel, "sales_channel"),
        default=SalesChannel.ONLINE,
        server_default=SalesChannel.ONLINE.value,
    )
    subtotal_idr: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_idr: Mapped[int] = mapped_column(sa.BigInteger)
    total_idr: Mapped[int] = mapped_column(sa.BigInteger)
    placed_at: Mapped[datetime]
    # Stock is held until then; the payment session expires at the same moment.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    paid_at: Mapped[datetime | None]
    # Who placed it, for the caps on open unpaid orders (shop/payments/holds.py): the cart that
    # was checked out, and the client's address as the server saw it.
    cart_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cart.id", ondelete="SET NULL"), index=True
    )
    client_address: Mapped[str] = mapped_column(sa.String(45), default="", server_default="")

    parts: Mapped[list[FacilityOrder]] = relationship(
        back_populates="order", order_by="FacilityOrder.id", cascade="all, delete-orphan"
    )
    attempts: Mapped[list[PaymentAttempt]] = relationship(
        back_populates="order", order_by="PaymentAttempt.id"
    )

    __table_args__ = (
        sa.CheckConstraint("total_idr = subtotal_idr + shipping_idr", name="total_adds_up"),
        sa.CheckConstraint("total_idr > 0", name="total_positive"),
        sa.Index("ix_shop_order_client_address_status", "client_address", "status"),
        sa.Index("ix_shop_order_buyer_email_status", "buyer_email", "status"),
    )

    def __repr__(self) -> str:
        return f"<Order {self.number}>"


class FacilityOrder(Base, TimestampMixin):
    """One facility's part of an order: what it packs and ships, and its own status."""

    __tablename__ = "facility_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shop_order.id", ondelete="CASCADE"), index=True
    )
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    status: Mapped[FacilityOrderStatus] = mapped_column(
        enum_column(FacilityOrderStatus, "facility_order_status"),
        default=FacilityOrderStatus.PENDING_PAYMENT,
        index=True,
    )
    delivery_method: Mapped[DeliveryMethod] = mapped_column(
        enum_column(DeliveryMethod, "delivery_method")
    )
    delivery_zone: Mapped[DeliveryZone | None] = mapped_column(
        enum_column(DeliveryZone, "delivery_zone")
    )
    weight_grams: Mapped[int]
    subtotal_idr: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_idr: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    courier: Mapped[str] = mapped_column(sa.String(60), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(80), default="")
    packed_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    ready_at: Mapped[datetime | None]
    picked_up_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="parts")
    facility: Mapped[Facility] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="facility_order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("order_id", "facility_id"),
        sa.CheckConstraint("shipping_idr >= 0 AND subtotal_idr > 0", name="amounts_valid"),
        sa.CheckConstraint(
            "refunded_idr >= 0 AND refunded_idr <= subtotal_idr + shipping_idr",
            name="refund_within_total",
        ),
        sa.CheckConstraint(
            "delivery_method = 'courier' OR shipping_idr = 0", name="pickup_is_free"
        ),
    )

    @property
    def total_idr(self) -> int:
        return self.subtotal_idr + self.shipping_idr

    def __repr__(self) -> str:
        return f"<FacilityOrder {self.order_id}/{self.facility_id} {self.status}>"


class OrderLine(Base):
    """A bought variant, with its name, SKU, option, price and HPP copied at checkout."""

    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("facility_order.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category.id", ondelete="SET NULL"), index=True
    )
    product_name: Mapped[str] = mapped_column(sa.String(160))
    sku: Mapped[str] = mapped_column(sa.String(64))
    option_label: Mapped[str] = mapped_column(sa.String(80), default="")
    unit_price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    unit_hpp_idr: Mapped[int | None] = mapped_column(sa.BigInteger)
    unit_weight_grams: Mapped[int]
    quantity: Mapped[int]
    refunded_quantity: Mapped[int] = mapped_column(default=0)

    facility_order: Mapped[FacilityOrder] = relationship(back_populates="lines")
    variant: Mapped[ProductVariant | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_idr > 0", name="price_positive"),
        sa.CheckConstraint(
            "refunded_quantity >= 0 AND refunded_quantity <= quantity", name="refund_within_line"
        ),
    )

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity

    def __repr__(self) -> str:
        return f"<OrderLine {self.sku} x{self.quantity}>"


class StockReservation(Base, TimestampMixin):
    """Stock taken off a variant for an unpaid line; given back if payment never comes."""

    __tablename__ = "stock_reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("order_line.id", ondelete="CASCADE"), unique=True
    )
    variant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="SET NULL"), index=True
    )
    quantity: Mapped[int]
    state: Mapped[ReservationState] = mapped_column(
        enum_column(ReservationState, "reservation_state"),
        default=ReservationState.HELD,
        index=True,
    )
    expires_at: Mapped[datetime]
    released_at: Mapped[datetime | None]

    order_line: Mapped[OrderLine] = relationship()

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

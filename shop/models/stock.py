"""Stock movements: every change of a variant's stock with its reason, so stock can be explained."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base, enum_column

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.catalogue import ProductVariant


class StockReason(enum.StrEnum):
    INITIAL = "initial"
    PRODUCED = "produced"
    SOLD_SHOWROOM = "sold_showroom"
    SOLD_FAIR = "sold_fair"
    DAMAGED = "damaged"
    CORRECTION = "correction"
    IMPORTED = "imported"
    # Written by the shop itself, never chosen in the back office:
    SOLD_ONLINE = "sold_online"  # held for an order at checkout
    RELEASED = "released"  # an unpaid order's hold given back
    REFUND = "refund"  # restocked with a refund (or taken again when the refund failed)
    SOLD_STAND = "sold_stand"  # sold through the till at a showroom or fair stand
    STAND_RETURN = "stand_return"  # given back at the stand (a return, or a voided sale)


class StockMovement(Base):
    """One change of stock: `quantity` added (positive) or taken (negative), and what was left."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int]
    stock_after: Mapped[int]
    reason: Mapped[StockReason] = mapped_column(enum_column(StockReason, "stock_reason"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    variant: Mapped[ProductVariant] = relationship()
    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        sa.CheckConstraint("stock_after >= 0", name="stock_after_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<StockMovement {self.quantity:+d} {self.reason} of variant {self.variant_id}>"

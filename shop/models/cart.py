"""The buyer's cart, kept on the server and referenced by a signed cookie."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from shop.models.catalogue import ProductVariant


class Cart(Base, TimestampMixin):
    """One visitor's cart. `token` is random; the cookie carries it signed."""

    __tablename__ = "cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    items: Mapped[list[CartItem]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartItem.id"
    )

    # The daily pruning finds abandoned carts by age (shop/core/retention.py).
    __table_args__ = (sa.Index("ix_cart_updated_at", "updated_at"),)

    def __repr__(self) -> str:
        return f"<Cart {self.id}>"


class CartItem(Base, TimestampMixin):
    """A variant and how many of it. Prices are read at checkout, never stored here."""

    __tablename__ = "cart_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int]

    cart: Mapped[Cart] = relationship(back_populates="items")
    variant: Mapped[ProductVariant] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("cart_id", "variant_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

"""Printed labels: a short code per variant that its QR opens, and how often labels are scanned."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base
from shop.models.catalogue import ProductVariant


class VariantLabel(Base):
    """The provenance code printed on a variant's labels; stable once made, never reused."""

    __tablename__ = "variant_label"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product_variant.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    variant: Mapped[ProductVariant] = relationship()

    __table_args__ = (sa.CheckConstraint("length(code) >= 8", name="code_long_enough"),)


class LabelScan(Base):
    """Scans of a product's labels per day: counts only, nothing about who scanned."""

    __tablename__ = "label_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    day: Mapped[date]
    scans: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("product_id", "day"),  # one row per product and day
        sa.CheckConstraint("scans >= 0", name="scans_not_negative"),
    )

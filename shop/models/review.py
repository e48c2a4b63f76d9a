"""Review before publishing: the privacy checklist staff tick when they submit a product."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core import clock
from shop.models.base import Base

if TYPE_CHECKING:
    from shop.models.accounts import User
    from shop.models.catalogue import Product


class ReviewSubmission(Base):
    """One submission for review with the checklist as ticked; the database refuses a blank one."""

    __tablename__ = "review_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    no_faces: Mapped[bool]
    no_names: Mapped[bool]
    no_identifying_details: Mapped[bool]
    photos_where_allowed: Mapped[bool]
    # Only asked for an LPKA (children): no people at all. NULL elsewhere.
    no_people: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    product: Mapped[Product] = relationship()
    submitted_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "no_faces AND no_names AND no_identifying_details AND photos_where_allowed"
            " AND (no_people IS NULL OR no_people)",
            name="checklist_complete",
        ),
    )

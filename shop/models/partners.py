"""Partners' keys to the public read API, and how much each key is used per day."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.accounts import User
from shop.models.base import Base, TimestampMixin


class PartnerKey(Base, TimestampMixin):
    """A partner's key: only its SHA-256 is kept, the key itself is shown once at creation.

    A key is 32 random bytes, so a fast hash is as safe as a slow one (nothing to guess) and
    lets a request find its key through the unique index.
    """

    __tablename__ = "partner_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    contact: Mapped[str] = mapped_column(sa.String(254))
    # The first characters of the key ("etl_AbCd"), so a partner and the office can tell keys apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    __table_args__ = (
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("length(key_hash) = 64", name="key_hash_is_sha256"),
        sa.CheckConstraint(
            "(revoked_at IS NULL) OR (revoked_at >= created_at)", name="revoked_after_created"
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<PartnerKey {self.prefix} {self.name}>"


class PartnerKeyUsage(Base):
    """Requests made with one key on one day (national time): counts only, no addresses."""

    __tablename__ = "partner_key_usage"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_key.id", ondelete="CASCADE"))
    day: Mapped[date]
    requests: Mapped[int] = mapped_column(default=0)
    # Of those, refused because the key was over its rate limit.
    limited: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.UniqueConstraint("key_id", "day"),  # one row per key and day, upserted
        sa.CheckConstraint("requests >= 0 AND limited >= 0", name="counts_not_negative"),
        sa.CheckConstraint("limited <= requests", name="limited_within_requests"),
    )

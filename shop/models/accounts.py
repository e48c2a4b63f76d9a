"""Staff accounts of facilities, regional offices and the central office."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shop.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from shop.models.facilities import Facility, Kanwil


class Role(enum.StrEnum):
    STAFF = "staff"
    KANWIL = "kanwil"
    CENTRAL = "central"
    ADMIN = "admin"


class User(Base, TimestampMixin):
    """A person who signs in to the back office. The public buys without an account."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (the CHECK below), so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    kanwil_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kanwil.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # Part of the login identity in every session cookie: bumping it ends all of the user's
    # sessions (logout, password change or reset, "sign out everywhere").
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    facility: Mapped[Facility | None] = relationship()
    kanwil: Mapped[Kanwil | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.CheckConstraint("email LIKE '%_@_%'", name="email_shape"),
        sa.CheckConstraint(
            "(role = 'staff' AND facility_id IS NOT NULL AND kanwil_id IS NULL)"
            " OR (role = 'kanwil' AND kanwil_id IS NOT NULL AND facility_id IS NULL)"
            " OR (role IN ('central', 'admin') AND facility_id IS NULL AND kanwil_id IS NULL)",
            name="scope_fits_role",
        ),
        sa.CheckConstraint("password_hash LIKE '%$%'", name="password_hashed"),
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    # Flask-Login's user protocol, without importing Flask-Login into the core.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_generation}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

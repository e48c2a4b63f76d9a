"""The corrections hierarchy: regional offices (Kanwil), their facilities (UPT) and workshops."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.clock import TimeZone
from shop.models.base import Base, TimestampMixin, enum_column

if TYPE_CHECKING:
    from shop.models.catalogue import Product


class FacilityKind(enum.StrEnum):
    LAPAS = "lapas"
    RUTAN = "rutan"
    LPKA = "lpka"
    LPP = "lpp"
    BAPAS = "bapas"

    @property
    def label(self) -> str:
        return {"lapas": "Lapas", "rutan": "Rutan", "lpka": "LPKA", "lpp": "LPP", "bapas": "Bapas"}[
            self.value
        ]


class LapasSpecialty(enum.StrEnum):
    """The special kinds of Lapas; only a Lapas may have one."""

    NARKOTIKA = "narkotika"
    PEMUDA = "pemuda"
    TERBUKA = "terbuka"
    KHUSUS = "khusus"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class FacilityClass(enum.StrEnum):
    I = "I"  # noqa: E741 - the official class name
    IIA = "IIA"
    IIB = "IIB"
    III = "III"
    II = "II"


class WorkshopKind(enum.StrEnum):
    WOOD = "wood"
    TEXTILE = "textile"
    CRAFT = "craft"
    LEATHER = "leather"
    FOOD = "food"
    FARM = "farm"
    FISHERY = "fishery"
    CONSTRUCTION = "construction"
    ART = "art"
    OTHER = "other"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Kanwil(Base, TimestampMixin):
    """A regional office of Ditjenpas, one per province."""

    __tablename__ = "kanwil"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    province: Mapped[str] = mapped_column(sa.String(80), unique=True)
    timezone: Mapped[TimeZone] = mapped_column(enum_column(TimeZone, "timezone"))

    facilities: Mapped[list[Facility]] = relationship(back_populates="kanwil")

    __table_args__ = (sa.CheckConstraint("code = upper(code)", name="code_upper"),)

    def __repr__(self) -> str:
        return f"<Kanwil {self.code}>"


def kind_label(kind: FacilityKind, specialty: LapasSpecialty | None) -> str:
    """What a facility is called by its kind: "Lapas Narkotika" for a specialised Lapas."""
    if specialty is not None:
        return f"Lapas {specialty.label}"
    return kind.label


class Facility(Base, TimestampMixin):
    """A UPT: Lapas, Rutan, LPKA, LPP or Bapas. Its time zone is its Kanwil's."""

    __tablename__ = "facility"

    id: Mapped[int] = mapped_column(primary_key=True)
    kanwil_id: Mapped[int] = mapped_column(sa.ForeignKey("kanwil.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[FacilityKind] = mapped_column(enum_column(FacilityKind, "kind"))
    specialty: Mapped[LapasSpecialty | None] = mapped_column(
        enum_column(LapasSpecialty, "specialty")
    )
    facility_class: Mapped[FacilityClass] = mapped_column(
        enum_column(FacilityClass, "facility_class")
    )
    city: Mapped[str] = mapped_column(sa.String(80))
    address: Mapped[str] = mapped_column(sa.Text, default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Opening hours of the showroom in local time: {"mon": ["08:00", "15:00"], ...}; a missing
    # day means closed.
    showroom_hours: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Central may let a trusted facility publish without review (the back office issue).
    review_exempt: Mapped[bool] = mapped_column(default=False)

    kanwil: Mapped[Kanwil] = relationship(back_populates="facilities")
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="facility", order_by="Workshop.name"
    )
    products: Mapped[list[Product]] = relationship(back_populates="facility")

    __table_args__ = (
        sa.CheckConstraint("kind = 'lapas' OR specialty IS NULL", name="specialty_only_lapas"),
        sa.CheckConstraint(
            "(kind = 'lpka' AND facility_class IN ('I', 'II'))"
            " OR (kind <> 'lpka' AND facility_class IN ('I', 'IIA', 'IIB', 'III'))",
            name="class_fits_kind",
        ),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
    )

    @property
    def timezone(self) -> TimeZone:
        return self.kanwil.timezone

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind, self.specialty)

    @property
    def shows_people(self) -> bool:
        """Whether photos may show people at all. LPKA hold children (UU 11/2012 art. 19)."""
        return self.kind is not FacilityKind.LPKA

    def __repr__(self) -> str:
        return f"<Facility {self.slug}>"


class Workshop(Base, TimestampMixin):
    """A workshop (bengkel kerja) or SAE unit of a facility; public credit goes to it."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[WorkshopKind] = mapped_column(enum_column(WorkshopKind, "workshop_kind"))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    facility: Mapped[Facility] = relationship(back_populates="workshops")

    __table_args__ = (
        sa.UniqueConstraint("facility_id", "name"),
        # Lets products reference (workshop, facility) together, so a product's workshop is
        # always one of its own facility's.
        sa.UniqueConstraint("id", "facility_id"),
    )

    def __repr__(self) -> str:
        return f"<Workshop {self.name}>"

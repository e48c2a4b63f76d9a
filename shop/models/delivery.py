"""How each facility hands over its goods: pickup at its showroom, courier by zone."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from shop.models.facilities import Facility


class DeliveryMethod(enum.StrEnum):
    PICKUP = "pickup"
    COURIER = "courier"


class DeliveryZone(enum.StrEnum):
    """Where the buyer lives, seen from the facility."""

    SAME_CITY = "same_city"
    SAME_PROVINCE = "same_province"
    OTHER_PROVINCE = "other_province"


class DeliveryRateTable(Base, TimestampMixin):
    """A facility's delivery offer: pickup on or off, courier price per kilogram by zone.

    A facility without a row offers pickup only.
    """

    __tablename__ = "delivery_rate_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id"), unique=True)
    pickup_enabled: Mapped[bool] = mapped_column(default=True)
    courier_enabled: Mapped[bool] = mapped_column(default=False)
    same_city_per_kg_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    same_province_per_kg_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    other_province_per_kg_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    minimum_charge_idr: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    facility: Mapped[Facility] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "same_city_per_kg_idr >= 0 AND same_province_per_kg_idr >= 0"
            " AND other_province_per_kg_idr >= 0 AND minimum_charge_idr >= 0",
            name="rates_not_negative",
        ),
        sa.CheckConstraint("pickup_enabled OR courier_enabled", name="offers_something"),
    )

    def per_kg_idr(self, zone: DeliveryZone) -> int:
        return {
            DeliveryZone.SAME_CITY: self.same_city_per_kg_idr,
            DeliveryZone.SAME_PROVINCE: self.same_province_per_kg_idr,
            DeliveryZone.OTHER_PROVINCE: self.other_province_per_kg_idr,
        }[zone]

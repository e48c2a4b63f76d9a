"""What each facility charges to hand over its part: pickup at the showroom or a courier."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shop.core import audit
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.facilities.regions import normalise_place
from shop.models import DeliveryMethod, DeliveryRateTable, DeliveryZone, Facility, User


class DeliveryError(DomainError):
    """A delivery choice or rate table is not possible."""


@dataclass(frozen=True)
class DeliveryOption:
    method: DeliveryMethod
    price_idr: int
    zone: DeliveryZone | None = None


@dataclass(frozen=True)
class RateTableInput:
    pickup_enabled: bool
    courier_enabled: bool
    same_city_per_kg_idr: int
    same_province_per_kg_idr: int
    other_province_per_kg_idr: int
    minimum_charge_idr: int


def rate_table_for(facility: Facility) -> DeliveryRateTable | None:
    return db.session.scalar(
        select(DeliveryRateTable).where(DeliveryRateTable.facility_id == facility.id)
    )


def zone_for(*, facility: Facility, city: str, province: str) -> DeliveryZone:
    if normalise_place(province) != normalise_place(facility.kanwil.province):
        return DeliveryZone.OTHER_PROVINCE
    if normalise_place(city) == normalise_place(facility.city):
        return DeliveryZone.SAME_CITY
    return DeliveryZone.SAME_PROVINCE


# Working days a courier parcel usually takes after the facility hands it over, by zone: what
# the buyer is told on the confirmation page and in the mail (an estimate, not a promise).
COURIER_DAYS: dict[DeliveryZone, tuple[int, int]] = {
    DeliveryZone.SAME_CITY: (1, 2),
    DeliveryZone.SAME_PROVINCE: (2, 4),
    DeliveryZone.OTHER_PROVINCE: (3, 7),
}


def courier_days(zone: DeliveryZone | None) -> tuple[int, int]:
    return COURIER_DAYS[zone or DeliveryZone.OTHER_PROVINCE]


def chargeable_kilograms(weight_grams: int) -> int:
    """Couriers charge whole kilograms, rounded up, at least one."""
    return max(1, -(-weight_grams // 1000))


def offered_methods(facility: Facility) -> set[DeliveryMethod]:
    """How this facility hands over orders at all: pickup unless switched off, courier only
    with a rate table (a facility that has none offers pickup alone)."""
    table = rate_table_for(facility)
    methods = set()
    if table is None or table.pickup_enabled:
        methods.add(DeliveryMethod.PICKUP)
    if table is not None and table.courier_enabled:
        methods.add(DeliveryMethod.COURIER)
    return methods


def options_for(
    *, facility: Facility, weight_grams: int, city: str, province: str
) -> list[DeliveryOption]:
    """The ways this facility can hand over a part of this weight to this address."""
    table = rate_table_for(facility)
    options = []
    if table is None or table.pickup_enabled:
        options.append(DeliveryOption(method=DeliveryMethod.PICKUP, price_idr=0))
    if table is not None and table.courier_enabled and city.strip() and province.strip():
        zone = zone_for(facility=facility, city=city, province=province)
        price = max(
            table.minimum_charge_idr, chargeable_kilograms(weight_grams) * table.per_kg_idr(zone)
        )
        options.append(DeliveryOption(method=DeliveryMethod.COURIER, price_idr=price, zone=zone))
    return options


def set_rate_table(
    *, facility: Facility, data: RateTableInput, actor: User | None = None
) -> DeliveryRateTable:
    """Create or change a facility's delivery offer (the back office calls this)."""
    rates = (
        data.same_city_per_kg_idr,
        data.same_province_per_kg_idr,
        data.other_province_per_kg_idr,
        data.minimum_charge_idr,
    )
    if any(rate < 0 for rate in rates):
        raise DeliveryError(_l("Tarif ongkos kirim tidak boleh negatif."))
    if not (data.pickup_enabled or data.courier_enabled):
        raise DeliveryError(_l("Pilih minimal satu cara serah terima: ambil sendiri atau kurir."))
    if data.courier_enabled and not any(rates[:3]):
        raise DeliveryError(_l("Isi tarif per kilogram untuk pengiriman kurir."))
    table = rate_table_for(facility)
    before = _as_dict(table) if table is not None else {}
    if table is None:
        table = DeliveryRateTable(facility=facility)
        db.session.add(table)
    for key, value in vars(data).items():
        setattr(table, key, value)
    db.session.flush()
    audit.record(
        actor=actor,
        action="delivery.rates",
        obj=table,
        changes=audit.diff(before, _as_dict(table)),
    )
    return table


def _as_dict(table: DeliveryRateTable) -> dict[str, object]:
    return {key: getattr(table, key) for key in RateTableInput.__dataclass_fields__}

"""A facility's public profile, edited by its staff; facilities and Kanwil, managed by admins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slugify import slugify
from sqlalchemy import select

from shop.core import audit
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import WEEKDAYS, Facility, FacilityClass, FacilityKind, Kanwil, TimeZone, User

_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)$")
PROFILE_FIELDS = ("description", "address", "phone", "email", "showroom_hours")


class FacilityError(DomainError):
    pass


@dataclass(frozen=True)
class Profile:
    description: str
    address: str
    phone: str
    email: str
    # One text per weekday, "08:00-15:00", or empty when the showroom is closed that day.
    hours: tuple[str, ...]


def parse_hours(hours: tuple[str, ...]) -> dict[str, list[str]]:
    """{"mon": ["08:00", "15:00"], ...} from texts like "08:00-15:00"; empty means closed."""
    parsed: dict[str, list[str]] = {}
    for day, text in zip(WEEKDAYS, hours, strict=False):
        text = (text or "").strip()
        if not text:
            continue
        match = _HOURS.match(text)
        if match is None:
            raise FacilityError(
                _l("Jam buka '%(text)s' tidak dikenali. Tulis seperti 08:00-15:00.", text=text)
            )
        opens, closes = f"{match[1]}:{match[2]}", f"{match[3]}:{match[4]}"
        if closes <= opens:
            raise FacilityError(_l("Jam tutup harus setelah jam buka (%(text)s).", text=text))
        parsed[day] = [opens, closes]
    return parsed


def hours_as_text(facility: Facility) -> list[str]:
    hours = facility.showroom_hours or {}
    return [f"{hours[d][0]}-{hours[d][1]}" if d in hours else "" for d in WEEKDAYS]


def update_profile(*, facility: Facility, profile: Profile, actor: User) -> None:
    before = _fields(facility)
    facility.description = profile.description.strip()
    facility.address = profile.address.strip()
    facility.phone = profile.phone.strip()
    facility.email = profile.email.strip().lower()
    facility.showroom_hours = parse_hours(profile.hours)
    changes = audit.diff(before, _fields(facility))
    if changes:
        audit.record(actor=actor, action="facility.profile", obj=facility, changes=changes)


def _fields(facility: Facility) -> dict[str, Any]:
    return {name: getattr(facility, name) for name in PROFILE_FIELDS} | {
        "name": facility.name, "kanwil_id": facility.kanwil_id, "kind": facility.kind,
        "facility_class": facility.facility_class, "city": facility.city,
        "is_active": facility.is_active,
    }  # fmt: skip


@dataclass(frozen=True)
class FacilityData:
    name: str
    kanwil: Kanwil
    kind: str
    facility_class: str
    city: str
    is_active: bool
    profile: Profile


def save_facility(*, facility: Facility | None, data: FacilityData, actor: User) -> Facility:
    """Create (facility None) or change a facility; the kind and class must fit together."""
    try:
        kind = FacilityKind(data.kind)
        facility_class = FacilityClass(data.facility_class)
    except ValueError:
        raise FacilityError(_l("Jenis atau kelas UPT tidak dikenal.")) from None
    allowed = ("I", "II") if kind is FacilityKind.LPKA else ("I", "IIA", "IIB", "III")
    if facility_class.value not in allowed:
        raise FacilityError(
            _l(
                "Kelas %(cls)s tidak berlaku untuk %(kind)s.",
                cls=facility_class.value,
                kind=kind.label,
            )
        )
    name = data.name.strip()
    if not name or not data.city.strip():
        raise FacilityError(_l("Nama dan kota UPT wajib diisi."))
    clash = db.session.scalar(select(Facility).where(Facility.name == name))
    if clash is not None and clash is not facility:
        raise FacilityError(_l("Nama UPT itu sudah ada."))
    creating = facility is None
    if facility is None:
        facility = Facility(slug=_unique_facility_slug(name), showroom_hours={})
        db.session.add(facility)
        before: dict[str, Any] = {}
    else:
        before = _fields(facility)
        if kind is not FacilityKind.LAPAS:
            facility.specialty = None
    facility.name, facility.kanwil, facility.kind = name, data.kanwil, kind
    facility.facility_class, facility.city = facility_class, data.city.strip()
    facility.is_active = data.is_active
    facility.description = data.profile.description.strip()
    facility.address = data.profile.address.strip()
    facility.phone = data.profile.phone.strip()
    facility.email = data.profile.email.strip().lower()
    facility.showroom_hours = parse_hours(data.profile.hours)
    db.session.flush()
    audit.record(
        actor=actor, action="facility.create" if creating else "facility.update", obj=facility,
        changes=audit.diff(before, _fields(facility)),
    )  # fmt: skip
    return facility


def _unique_facility_slug(name: str) -> str:
    base = slugify(name, max_length=150) or "upt"
    taken = set(db.session.scalars(select(Facility.slug).where(Facility.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_kanwil(*, code: str, name: str, province: str, timezone: str, actor: User) -> Kanwil:
    code = code.strip().upper()
    if not code or not name.strip() or not province.strip():
        raise FacilityError(_l("Kode, nama dan provinsi Kanwil wajib diisi."))
    try:
        zone = TimeZone(timezone)
    except ValueError:
        raise FacilityError(_l("Zona waktu tidak dikenal.")) from None
    exists = db.session.scalar(
        select(Kanwil.id).where(
            (Kanwil.code == code)
            | (Kanwil.name == name.strip())
            | (Kanwil.province == province.strip())
        )
    )
    if exists is not None:
        raise FacilityError(_l("Kanwil dengan kode, nama atau provinsi itu sudah ada."))
    kanwil = Kanwil(code=code, name=name.strip(), province=province.strip(), timezone=zone)
    db.session.add(kanwil)
    db.session.flush()
    audit.record(
        actor=actor, action="kanwil.create", obj=kanwil,
        changes={"code": [None, code], "name": [None, kanwil.name]},
    )  # fmt: skip
    return kanwil


def all_kanwil() -> list[Kanwil]:
    return list(db.session.scalars(select(Kanwil).order_by(Kanwil.name)))

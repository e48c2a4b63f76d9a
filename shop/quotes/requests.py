"""Taking a quote request: the institution's details checked, the items split per facility."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from shop.core import audit, clock
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.facilities.regions import PROVINCES
from shop.models import ProductVariant, QuoteLine, QuotePart, QuoteRequest, QuoteStatus
from shop.ordering import cart as carts
from shop.ordering import contact as contacts
from shop.quotes import quote_mail
from shop.quotes.statuses import InvalidFields

# A request is for institutions' quantities, above the cart's 99 per line, within reason.
MAX_QUANTITY = 100_000
MAX_ITEMS = 40
MAX_NOTES = 2000
# How far ahead a wished delivery date may be.
MAX_WISHED_DAYS = 730
_NPWP_SEPARATORS = re.compile(r"[\s.\-]")


class InvalidRequest(InvalidFields):
    """A request with wrong fields."""


@dataclass(frozen=True)
class Requester:
    """Who asks, and where the goods go, as the form gave them (checked by `request_quote`)."""

    organisation: str
    contact_name: str
    email: str
    phone: str
    address_line: str
    city: str
    province: str
    postal_code: str = ""
    npwp: str = ""
    wished_date: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class Item:
    variant_id: int
    quantity: int


def normalise_npwp(raw: str) -> str:
    """An NPWP as its digits: 15 (`01.234.567.8-901.000`) or 16 (the NIK-based form)."""
    digits = _NPWP_SEPARATORS.sub("", raw.strip())
    if digits and not (digits.isdigit() and len(digits) in (15, 16)):
        raise InvalidRequest({"npwp": _l("NPWP terdiri dari 15 atau 16 angka.")})
    return digits


def request_quote(
    *, requester: Requester, items: list[Item], locale: str, now: datetime
) -> QuoteRequest:
    """Store the request, one part per facility with its lines, and tell each facility's staff;
    the caller commits. Every field is checked first: a refused request writes nothing."""
    values = _checked(requester, now=now)
    variants = _checked_items(items)
    request = QuoteRequest(
        number=secrets.token_hex(10),  # replaced by the numbered form once the id is known
        token=secrets.token_urlsafe(32),
        locale=locale if locale in ("id", "en") else "id",
        **values,
    )
    by_facility: dict[int, QuotePart] = {}
    for variant, quantity in variants:
        product = variant.product
        part = by_facility.get(product.facility_id)
        if part is None:
            part = QuotePart(facility=product.facility, status=QuoteStatus.REQUESTED)
            by_facility[product.facility_id] = part
            request.parts.append(part)
        part.lines.append(
            QuoteLine(
                variant=variant,
                product_name=product.name,
                sku=variant.sku,
                option_label=variant.option_label,
                quantity=quantity,
                catalogue_price_idr=variant.price_idr,
            )
        )
    db.session.add(request)
    db.session.flush()
    request.number = f"PNW-{clock.local_date(now).year}-{request.id:06d}"
    audit.record(
        actor=None,
        actor_label=request.email,
        action="quote.request",
        obj=request,
        changes={
            "number": [None, request.number],
            "facilities": [None, sorted(by_facility)],
            "lines": [None, sum(len(part.lines) for part in request.parts)],
        },
    )
    for part in request.parts:
        quote_mail.send_new_request(part=part)
    return request


def find_by_token(token: str) -> QuoteRequest | None:
    """The request whose buyer's link carries `token`; None for anything else."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(QuoteRequest).where(QuoteRequest.token == token))


def _checked(requester: Requester, *, now: datetime) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    organisation = requester.organisation.strip()
    contact_name = requester.contact_name.strip()
    if not organisation or len(organisation) > 160:
        errors["organisation"] = _l("Isi nama instansi atau perusahaan (paling banyak 160 huruf).")
    if not contact_name or len(contact_name) > 120:
        errors["contact_name"] = _l("Isi nama orang yang dapat dihubungi.")
    email = phone = npwp = ""
    try:
        email = contacts.normalise_buyer_email(requester.email)
    except contacts.InvalidContact as error:
        errors["email"] = str(error)
    try:
        phone = contacts.normalise_phone(requester.phone)
    except contacts.InvalidContact as error:
        errors["phone"] = str(error)
    try:
        npwp = normalise_npwp(requester.npwp)
    except InvalidRequest as error:
        errors.update(error.errors)
    address, city = requester.address_line.strip(), requester.city.strip()
    if not address or len(address) > 500:
        errors["address_line"] = _l("Isi alamat pengiriman.")
    if not city or len(city) > 80:
        errors["city"] = _l("Isi kota atau kabupaten tujuan.")
    if requester.province not in PROVINCES:
        errors["province"] = _l("Pilih provinsi dari daftar.")
    postal = requester.postal_code.strip()
    if postal and not (postal.isdigit() and len(postal) == 5):
        errors["postal_code"] = _l("Kode pos terdiri dari 5 angka.")
    today = clock.local_date(now)
    wished = requester.wished_date
    if wished is not None and not today <= wished <= today + timedelta(days=MAX_WISHED_DAYS):
        errors["wished_date"] = _l(
            "Tanggal yang diinginkan harus antara hari ini dan dua tahun ke depan."
        )
    notes = requester.notes.strip()
    if len(notes) > MAX_NOTES:
        errors["notes"] = _l("Catatan paling banyak %(n)s huruf.", n=MAX_NOTES)
    if errors:
        raise InvalidRequest(errors)
    return {
        "organisation": organisation, "contact_name": contact_name, "email": email,
        "phone": phone, "npwp": npwp, "address_line": address, "city": city,
        "province": requester.province, "postal_code": postal, "wished_date": wished,
        "notes": notes,
    }  # fmt: skip


def _checked_items(items: list[Item]) -> list[tuple[ProductVariant, int]]:
    """The variants asked for with their quantities (one line per variant); all for sale."""
    wanted: dict[int, int] = {}
    for item in items:
        if item.quantity < 0 or item.quantity > MAX_QUANTITY:
            raise InvalidRequest(
                {"items": _l("Jumlah per barang antara 1 dan %(n)s.", n=f"{MAX_QUANTITY:,}")}
            )
        if item.quantity:
            wanted[item.variant_id] = wanted.get(item.variant_id, 0) + item.quantity
    if not wanted:
        raise InvalidRequest({"items": _l("Isi jumlah untuk paling sedikit satu barang.")})
    if len(wanted) > MAX_ITEMS:
        raise InvalidRequest(
            {"items": _l("Satu permintaan memuat paling banyak %(n)s barang.", n=MAX_ITEMS)}
        )
    variants = db.session.scalars(
        select(ProductVariant).where(ProductVariant.id.in_(sorted(wanted)))
    ).all()
    found = {variant.id: variant for variant in variants}
    result = []
    for variant_id, quantity in wanted.items():
        variant = found.get(variant_id)
        if variant is None or not carts.is_for_sale(variant):
            raise InvalidRequest({"items": _l("Salah satu barang tidak dijual lagi.")})
        if quantity > MAX_QUANTITY:
            raise InvalidRequest(
                {"items": _l("Jumlah per barang antara 1 dan %(n)s.", n=f"{MAX_QUANTITY:,}")}
            )
        result.append((variant, quantity))
    return result

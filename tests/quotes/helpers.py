"""Arranging quote requests: an institution asks two facilities, their staff answer."""

from __future__ import annotations

from datetime import timedelta

from shop.core import clock, unit_of_work
from shop.database import db
from shop.models import QuotePart, QuoteRequest, User
from shop.quotes import answers, requests
from tests.checkout.helpers import TwoFacilities, two_facilities
from tests.factories import StaffFactory

REQUESTER = requests.Requester(
    organisation="Dinas Pendidikan Kota Medan",
    contact_name="Budi Santoso",
    email="Budi.Santoso@Disdik.Medan.go.id",
    phone="0812 1111 2222",
    address_line="Jl. Pendidikan No. 1",
    city="Medan",
    province="Sumatera Utara",
    postal_code="20111",
    npwp="01.234.567.8-901.000",
    notes="Untuk sepuluh sekolah negeri.",
)


def stocked_shop(*, batik: int = 300, coffee: int = 300) -> TwoFacilities:
    """Batik (Medan) and coffee (Kupang) with enough stock for an institution's order."""
    shop = two_facilities()
    shop.batik.stock, shop.coffee.stock = batik, coffee
    db.session.commit()
    StaffFactory(facility=shop.batik_lapas, email="petugas@lapas-medan.go.id")
    StaffFactory(facility=shop.coffee_rutan, email="petugas@rutan-kupang.go.id")
    return shop


def ask(shop: TwoFacilities, *, batik: int = 200, coffee: int = 40) -> QuoteRequest:
    request = requests.request_quote(
        requester=REQUESTER,
        items=[
            requests.Item(variant_id=shop.batik.id, quantity=batik),
            requests.Item(variant_id=shop.coffee.id, quantity=coffee),
        ],
        locale="id",
        now=clock.now(),
    )
    unit_of_work.commit()
    return request


def part_of(request: QuoteRequest, facility_id: int) -> QuotePart:
    return next(p for p in request.parts if p.facility_id == facility_id)


def staff_of(facility_id: int) -> User:
    from shop.models import Facility

    return StaffFactory(facility=db.session.get(Facility, facility_id))


def answer(
    part: QuotePart, *, price: int, delivery: int = 150_000, valid_days: int = 14,
    staff: User | None = None,
) -> QuotePart:  # fmt: skip
    answered = answers.answer_part(
        part_id=part.id,
        answer=answers.Answer(
            lead_time_days=10,
            delivery_idr=delivery,
            valid_until=clock.today(part.facility.timezone) + timedelta(days=valid_days),
            unit_prices={line.id: price for line in part.lines},
            notes="Harga termasuk kemasan.",
        ),
        actor=staff or staff_of(part.facility_id),
        now=clock.now(),
    )
    unit_of_work.commit()
    return answered


def quote_part_for(facility) -> QuotePart:
    """A requested part for `facility` (one line of a new product of it), committed."""
    from shop.models import QuoteLine, QuoteRequest
    from tests.factories import ProductFactory

    variant = ProductFactory(facility=facility).variants[0]
    request = QuoteRequest(
        number=f"PNW-T-{variant.id}", token=f"token-{variant.id}", organisation="Instansi Uji",
        contact_name="Uji", email="uji@contoh.id", phone="+6281200000000",
        address_line="Jl. Uji 1", city="Medan", province="Sumatera Utara",
    )  # fmt: skip
    part = QuotePart(facility=facility)
    part.lines.append(
        QuoteLine(variant=variant, product_name="Barang uji", sku=variant.sku, quantity=50,
                  catalogue_price_idr=variant.price_idr)
    )  # fmt: skip
    request.parts.append(part)
    db.session.add(request)
    db.session.commit()
    return part

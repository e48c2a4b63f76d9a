"""Arranging a stand with products to sell, and the till's JSON for a sale."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop.core import clock
from shop.database import db
from shop.models import Facility, ProductVariant, SplitBasis, Stand, User
from shop.tills import selling, stands
from tests.factories import (
    FacilityFactory,
    ProductVariantFactory,
    RevenueSplitRuleFactory,
    StaffFactory,
)


def facility_with_rule() -> Facility:
    """A facility splitting from sales: 50% PNBP, 35% premi, 15% capital (Lapas Bangli)."""
    facility = FacilityFactory()
    RevenueSplitRuleFactory(
        facility=facility, basis=SplitBasis.SALES, pnbp_bp=5000, premi_bp=3500, capital_bp=1500,
        valid_from=datetime(2020, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    return facility


def variant(facility: Facility, *, price: int = 150_000, stock: int = 10, sku: str | None = None):
    extra = {"sku": sku} if sku else {}
    return ProductVariantFactory(product__facility=facility, price_idr=price, stock=stock, **extra)


def open_showroom(facility: Facility, staff: User | None = None) -> tuple[Stand, User]:
    staff = staff or StaffFactory(facility=facility)
    stand = stands.open_stand(actor=staff, now=clock.now(), opening_cash_idr=100_000)
    db.session.commit()
    return stand, staff


def payload(
    *lines: tuple[ProductVariant, int],
    payment: str = "cash",
    reference: str = "",
    client_id: str | None = None,
    **extra: object,
) -> dict:
    return {
        "id": client_id or str(uuid.uuid4()),
        "payment": payment,
        "reference": reference,
        "sold_at": clock.now().isoformat(),
        "lines": [
            {"variant_id": v.id, "quantity": q, "unit_price": v.price_idr, "sku": v.sku}
            for v, q in lines
        ],
        **extra,
    }


def sell(stand: Stand, staff: User, *lines: tuple[ProductVariant, int], **options: object):
    sale = selling.record_sale(
        stand=stand, request=selling.parse(payload(*lines, **options)), actor=staff,
        now=clock.now(),
    )  # fmt: skip
    db.session.commit()
    return sale

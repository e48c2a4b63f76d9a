"""The facilities taking part: the list by Kanwil and kind, and each one's profile."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from shop.models import FacilityKind
from shop.models.base import utcnow
from shop.services import public_catalogue
from shop.storefront import bp


@bp.get("/facilities")
def facilities() -> ResponseReturnValue:
    kanwil = request.args.get("kanwil", "").strip().upper()[:16]
    kind_raw = request.args.get("kind", "").strip().lower()
    kind = FacilityKind(kind_raw) if kind_raw in set(FacilityKind) else None
    kanwils = public_catalogue.kanwils_with_facilities()
    if kanwil not in {k.code for k in kanwils}:
        kanwil = ""
    return render_template(
        "shop/facilities.html",
        listings=public_catalogue.public_facilities(kanwil_code=kanwil, kind=kind),
        kanwils=kanwils,
        kinds=list(FacilityKind),
        chosen_kanwil=kanwil,
        chosen_kind=kind,
    )


@bp.get("/facilities/<slug>")
def facility(slug: str) -> ResponseReturnValue:
    item = public_catalogue.public_facility(slug)
    if item is None:
        abort(404)
    now = utcnow()
    return render_template(
        "shop/facility.html",
        facility=item,
        products=public_catalogue.facility_products(item, limit=48),
        week=public_catalogue.opening_week(item, now),
        open_now=public_catalogue.is_open_at(item, now),
    )

"""The facilities taking part: the list by Kanwil and kind, and each one's profile."""

from __future__ import annotations

import functools
from typing import NamedTuple

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from shop.catalogue import browse
from shop.core import clock, page_versions
from shop.core.numbers import parse_int
from shop.models import Facility, FacilityKind
from shop.storefront import bp, caching


@bp.get("/facilities")
def facilities() -> ResponseReturnValue:
    kanwil = request.args.get("kanwil", "").strip().upper()[:16]
    kind_raw = request.args.get("kind", "").strip().lower()
    kind = FacilityKind(kind_raw) if kind_raw in set(FacilityKind) else None
    text = " ".join(request.args.get("q", "").split())[:100]
    page = parse_int(request.args.get("page", "1").strip(), minimum=1, maximum=10_000) or 1
    kanwils = caching.per_catalogue("kanwils", browse.kanwils_with_facilities)
    if kanwil not in {k.code for k in kanwils}:
        kanwil = ""
    params = {"kanwil": kanwil, "kind": kind.value if kind else "", "q": text}
    return render_template(
        "shop/facilities.html",
        result=browse.facility_directory(kanwil_code=kanwil, kind=kind, text=text, page=page),
        kanwils=kanwils,
        kinds=list(FacilityKind),
        chosen_kanwil=kanwil,
        chosen_kind=kind,
        text=text,
        params={k: v for k, v in params.items() if v},
    )


@bp.get("/facilities/<slug>")
def facility(slug: str) -> ResponseReturnValue:
    facility_id = browse.public_facility_id(slug)
    if facility_id is None:
        abort(404)
    caching.depends_on(page_versions.facility_key(facility_id))
    # A catalogue page's worth, flagships first; the catalogue filtered by the facility has all.
    products = browse.facility_products(facility_id, limit=browse.PER_PAGE + 1)
    return render_template(
        "shop/facility.html",
        facility_id=facility_id,
        facility_page=functools.cache(lambda: _facility_page(slug)),
        products=products[: browse.PER_PAGE],
        all_products=url_for("shop.products", facility=slug)
        if len(products) > browse.PER_PAGE
        else None,
    )


class FacilityPage(NamedTuple):
    """What a facility's page draws above its products: read only for the parts not kept."""

    facility: Facility
    week: list[browse.OpeningDay]
    open_now: bool


def _facility_page(slug: str) -> FacilityPage:
    item = browse.public_facility(slug)
    if item is None:  # closed since the page found it
        abort(404)
    now = clock.now()
    return FacilityPage(item, browse.opening_week(item, now), browse.is_open_at(item, now))

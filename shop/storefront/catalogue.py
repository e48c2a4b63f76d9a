"""The home page, the catalogue with its filters, and the product page."""

from __future__ import annotations

import functools
from typing import NamedTuple

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from slugify import slugify

from shop.catalogue import browse as public_catalogue
from shop.core import clock
from shop.facilities import delivery
from shop.formatting import current_locale_code, rupiah
from shop.models import DeliveryMethod, Facility, Product, ProductImage
from shop.storefront import bp, caching
from shop.storefront.filters import parse_catalogue_args


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template(
        "shop/home.html",
        figures=public_catalogue.catalogue_figures(),
        flagships=public_catalogue.flagship_products(limit=8),
        newest=public_catalogue.newest_products(limit=8),
        # Read only when their lists are drawn, not when they are kept (`catalogue_fragment`).
        categories=lambda: caching.per_catalogue(
            "category_counts", public_catalogue.categories_with_counts
        ),
        regions=lambda: caching.per_catalogue(
            "kanwil_summaries", public_catalogue.kanwil_summaries
        ),
    )


@bp.get("/products")
def products() -> ResponseReturnValue:
    parsed = parse_catalogue_args(request.args)
    result = public_catalogue.browse(parsed.query)
    notes = list(parsed.notes)
    if result.unknown_filters:
        notes.append(_unknown_filter_note())
        for key in result.unknown_filters:
            parsed.params.pop(key, None)
    return render_template(
        "shop/catalogue.html",
        query=parsed.query,
        params=parsed.params,
        result=result,
        notes=notes,
        active=_active_filters(parsed.query, result),
        facility_field=_facility_field(result.facility),
        # Read only when the filter form is drawn, not when it is kept (`catalogue_fragment`).
        categories=lambda: caching.per_catalogue("categories", public_catalogue.all_categories),
        kanwils=lambda: caching.per_catalogue("kanwils", public_catalogue.kanwils_with_facilities),
        sorts=list(public_catalogue.Sort),
    )


def _active_filters(
    query: public_catalogue.CatalogueQuery, result: public_catalogue.CataloguePage
) -> list[tuple[str, str]]:
    """(parameter, label) of each filter in force, for the chips that remove them."""
    locale = current_locale_code()
    active = []
    if query.q:
        active.append(("q", _("Kata kunci: %(q)s", q=query.q)))
    if result.category:
        active.append(
            ("category", _("Kategori: %(name)s", name=result.category.display_name(locale)))
        )
    if result.facility:
        active.append(("facility", _("UPT: %(name)s", name=result.facility.name)))
    if result.kanwil:
        active.append(("kanwil", _("Kanwil: %(name)s", name=result.kanwil.province)))
    if query.min_price is not None:
        active.append(("min_price", _("Mulai %(price)s", price=rupiah(query.min_price))))
    if query.max_price is not None:
        active.append(("max_price", _("Sampai %(price)s", price=rupiah(query.max_price))))
    if query.in_stock:
        active.append(("in_stock", _("Hanya yang bisa dipesan sekarang")))
    return active


def _facility_field(facility: Facility | None) -> str:
    """What the facility field shows: the name when typing it back finds the same facility."""
    if facility is None:
        return ""
    return facility.name if slugify(facility.name) == facility.slug else facility.slug


def _unknown_filter_note() -> str:
    return _("Sebagian filter sudah tidak berlaku (kategori, UPT atau Kanwil tidak ditemukan).")


@bp.get("/categories/<slug>")
def category(slug: str) -> ResponseReturnValue:
    """A category's page is the catalogue filtered by it (one page to keep fast and tested)."""
    categories = caching.per_catalogue("categories", public_catalogue.all_categories)
    if not any(c.slug == slug for c in categories):
        abort(404)
    return redirect(url_for("shop.products", category=slug), 301)


@bp.get("/products/facility-options.json")
def facility_options() -> ResponseReturnValue:
    """Suggestions for the catalogue's facility field: `[{"slug", "name"}]` matching `q`."""
    text = request.args.get("q", "")[:100]
    return jsonify(
        [{"slug": slug, "name": name} for slug, name in public_catalogue.facility_choices(text)]
    )


@bp.get("/products/<slug>")
def product(slug: str) -> ResponseReturnValue:
    ref = public_catalogue.public_product_ref(slug)
    if ref is None:
        abort(404)
    return render_template(
        "shop/product.html",
        ref=ref,
        product_page=functools.cache(lambda: _product_page(slug)),
        related=public_catalogue.related_products(ref, limit=4),
    )


class ProductPage(NamedTuple):
    """What the product page draws from: read only for the parts not kept already."""

    product: Product
    images: list[ProductImage]
    state: public_catalogue.StockState
    week: list[public_catalogue.OpeningDay]
    delivery_methods: set[DeliveryMethod]


def _product_page(slug: str) -> ProductPage:
    item = public_catalogue.public_product(slug)
    if item is None:  # hidden since the page found it
        abort(404)
    return ProductPage(
        item,
        item.approved_images,
        public_catalogue.stock_state(item),
        public_catalogue.opening_week(item.facility, clock.now()),
        delivery.offered_methods(item.facility),
    )


@bp.app_template_global()
def catalogue_url(params: dict[str, str], **changes: object) -> str:
    """The catalogue URL with `params` changed: a value of None removes that parameter.

    Any change other than the page itself goes back to page 1.
    """
    merged = {k: v for k, v in params.items() if k != "page"}
    if "page" in changes or "page" in params:
        merged["page"] = str(changes.get("page", params.get("page", "")))
    for key, value in changes.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    if "page" not in changes:
        merged.pop("page", None)
    if merged.get("page") == "1":
        merged.pop("page")
    return url_for("shop.products", **merged)

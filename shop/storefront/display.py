"""Template helpers for showing products: stock wording, prices, pictures."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from shop.catalogue.browse import Availability, price_range, stock_state
from shop.formatting import request_storage, rupiah
from shop.models import Product, ProductImage, ProductVariant
from shop.storefront import bp


@bp.app_template_global()
def stock_label(product: Product, variant: ProductVariant | None = None) -> str:
    state = stock_state(product, variant)
    if state.availability is Availability.MADE_TO_ORDER:
        return ngettext(
            "Dibuat sesuai pesanan, %(num)s hari",
            "Dibuat sesuai pesanan, %(num)s hari",
            state.lead_time_days or 0,
        )
    if state.availability is Availability.SOLD_OUT:
        return _("Habis")
    if state.availability is Availability.LOW:
        return _("Sisa %(count)s", count=state.count)
    return _("Tersedia")


@bp.app_template_global()
def stock_of(product: Product, variant: ProductVariant | None = None):
    return stock_state(product, variant)


@bp.app_template_global()
def price_text(product: Product) -> str:
    low, high = price_range(product)
    if low == high:
        return rupiah(low)
    return f"{rupiah(low)} \u2013 {rupiah(high)}"


def _slug_url(endpoint: str, slug: str) -> str:
    """`url_for(endpoint, slug=slug)`, built from a prefix made once per request.

    A grid draws dozens of cards and the home page hundreds of facility links; routing each
    through `url_for` showed in profiles.
    """
    prefixes = g.setdefault("slug_url_prefixes", {})
    prefix = prefixes.get(endpoint)
    if prefix is None:
        prefix = prefixes[endpoint] = url_for(endpoint, slug="-").removesuffix("-")
    return prefix + quote(slug, safe="")


@bp.app_template_global()
def product_url(slug: str) -> str:
    return _slug_url("shop.product", slug)


@bp.app_template_global()
def facility_url(slug: str) -> str:
    return _slug_url("shop.facility", slug)


@bp.app_template_global()
def products_label(count: int) -> str:
    """ "12 produk", translated once per number and request (lists repeat the same few)."""
    labels = g.setdefault("products_labels", {})
    if count not in labels:
        labels[count] = ngettext("%(num)s produk", "%(num)s produk", count)
    return labels[count]


@bp.app_template_global()
def srcset(image: ProductImage, image_format: str) -> str:
    storage = request_storage()
    return ", ".join(
        f"{storage.url(r['key'])} {r['width']}w" for r in image.renditions_of(image_format)
    )


@bp.app_template_global()
def fallback_rendition(image: ProductImage, wanted_width: int = 640) -> dict[str, Any] | None:
    """The JPEG closest to `wanted_width` (or any rendition when there is no JPEG)."""
    candidates = image.renditions_of("jpeg") or image.renditions_of("webp")
    if not candidates:
        return None
    wider = [r for r in candidates if r["width"] >= wanted_width]
    return wider[0] if wider else candidates[-1]

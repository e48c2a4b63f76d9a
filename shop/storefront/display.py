"""Template helpers for showing products: stock wording, prices, pictures."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from shop.catalogue.browse import Availability, price_range, stock_state
from shop.core.storage import storage_from_config
from shop.formatting import rupiah
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


@bp.app_template_global()
def srcset(image: ProductImage, image_format: str) -> str:
    storage = storage_from_config(current_app.config)
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

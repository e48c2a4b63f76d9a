"""What search engines and link previews read: canonical URLs, JSON-LD, the sitemap, robots.txt."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from shop.assets import asset_url
from shop.catalogue import browse as public_catalogue
from shop.catalogue.browse import Availability, price_range, stock_state
from shop.core import urls
from shop.formatting import media_url
from shop.models import Product
from shop.storefront import DEFAULT_LANGUAGE, PREFIXED_LANGUAGES, bp
from shop.storefront.display import fallback_rendition

# Query parameters that make a different page (the rest, like sort, only reorder it).
CANONICAL_PARAMS = ("category", "facility", "kanwil", "page")
AVAILABILITY = {
    Availability.IN_STOCK: "https://schema.org/InStock",
    Availability.LOW: "https://schema.org/LimitedAvailability",
    Availability.SOLD_OUT: "https://schema.org/OutOfStock",
    Availability.MADE_TO_ORDER: "https://schema.org/MadeToOrder",
}


@bp.app_template_global()
def absolute_url(path: str) -> str:
    """`path` on the public site address (SITE_URL), as shared links and crawlers need."""
    return urls.absolute(path)


@bp.app_template_global()
def canonical_url() -> str:
    """This page's address without the parameters that only sort or narrow it; worked out once
    per request (a page's head names it three times)."""
    known: str | None = g.get("canonical_url")
    if known is None:
        args = request.args
        kept = [(k, args[k]) for k in CANONICAL_PARAMS if args.get(k)]
        if ("page", "1") in kept:
            kept.remove(("page", "1"))
        known = g.canonical_url = absolute_url(
            request.path + (f"?{urlencode(kept)}" if kept else "")
        )
    return known


@bp.app_template_global()
def share_image(product: Product) -> str | None:
    """The absolute URL of the product's first approved photo, as a JPEG for link previews."""
    images = product.approved_images
    rendition = fallback_rendition(images[0], 1024) if images else None
    return absolute_url(media_url(rendition["key"])) if rendition else None


@bp.app_template_global()
def product_json_ld(product: Product) -> Markup:
    """schema.org Product with its Offer, safe to place inside <script>."""
    low, high = price_range(product)
    state = stock_state(product)
    url = absolute_url(url_for("shop.product", slug=product.slug))
    offer: dict[str, Any] = {
        "@type": "Offer" if low == high else "AggregateOffer",
        "priceCurrency": "IDR",
        "availability": AVAILABILITY[state.availability],
        "url": url,
        "seller": {"@type": "Organization", "name": product.facility.name},
    }
    if low == high:
        offer["price"] = str(low)
    else:
        offer.update(lowPrice=str(low), highPrice=str(high), offerCount=len(product.variants))
    images = [
        absolute_url(media_url(r["key"]))
        for image in product.approved_images
        if (r := fallback_rendition(image, 1024))
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "sku": product.variants[0].sku if product.variants else None,
        "category": product.category.name,
        "url": url,
        "image": images,
        "brand": {"@type": "Brand", "name": product.facility.name},
        "offers": offer,
    }
    text = json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False)
    # No "</script>" or HTML comment can be closed from inside the data.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@bp.get("/sitemap.xml", localised=False)
def sitemap() -> Response:
    """Every public page once per language, each naming its other languages (hreflang)."""
    pages: list[tuple[str, dict[str, Any], datetime | None]] = [
        ("shop.home", {}, None),
        ("shop.products", {}, None),
        ("shop.facilities", {}, None),
        ("shop.impact_page", {}, None),
    ]
    pages += [
        ("shop.products", {"category": c.slug}, None) for c in public_catalogue.all_categories()
    ]
    pages += [
        (
            "shop.product" if entry.kind == "product" else "shop.facility",
            {"slug": entry.slug},
            entry.updated_at,
        )
        for entry in public_catalogue.sitemap_entries()
    ]
    xml = render_template(
        "shop/sitemap.xml",
        pages=[
            (
                {
                    code: absolute_url(url_for(endpoint, lang_code=code, **values))
                    for code in (DEFAULT_LANGUAGE, *PREFIXED_LANGUAGES)
                },
                lastmod,
            )
            for endpoint, values, lastmod in pages
        ],
    )
    return Response(xml, mimetype="application/xml")


@bp.get("/favicon.ico", localised=False)
def favicon() -> ResponseReturnValue:
    """Browsers and crawlers ask for /favicon.ico whatever the page says: send them the icon."""
    return redirect(asset_url("favicon.svg"), code=301)


@bp.get("/robots.txt", localised=False)
def robots() -> Response:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /en/cart",
        "Disallow: /en/checkout",
        "Disallow: /lang/",
        f"Sitemap: {absolute_url(url_for('shop.sitemap'))}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")

"""The API's catalogue: products (filtered, searched, by cursor), one product, facilities and
categories. Everything is read through `shop.catalogue.browse`, the storefront's own public
reads, so the API shows exactly the products, photos and facilities the storefront shows."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, url_for

from shop.api import bp, schemas
from shop.catalogue import browse
from shop.core import urls
from shop.core.pagination import InvalidCursor
from shop.core.storage import Storage, storage_from_config
from shop.models import Facility, Product, ProductImage

FACILITIES_PER_PAGE = 100
ERRORS = {
    400: "Unreadable parameters (control characters) or an unknown cursor.",
    404: "No public product with this slug.",
    422: "Invalid parameters; `errors` names them.",
    401: "A key was sent that is unknown or revoked.",
    429: "Too many requests; see the Retry-After header.",
}


def _errors(*statuses: int) -> Any:
    """The documented error answers of an operation (each with the Error schema)."""

    def decorate(view: Any) -> Any:
        for status in sorted({400, 401, 429, *statuses}):
            view = bp.alt_response(
                status, schema=schemas.ApiError, description=ERRORS.get(status, "An error.")
            )(view)
        return bp.alt_response(304, description="Not modified (If-None-Match matched the ETag).")(
            view
        )

    return decorate


@bp.route("/products")
@bp.arguments(schemas.ProductQuery, location="query", as_kwargs=False)
@bp.response(200, schemas.ProductList)
@_errors(422)
def products(args: dict[str, Any]) -> dict[str, Any]:
    """Public products, filtered and searched like the catalogue, a page at a time.

    Follow `next` (or send `next_cursor` as `cursor` with the same filters and sort) until it
    is null: pages never repeat or skip a product. A filter naming no public category,
    facility or Kanwil matches no product and is listed in `unknown_filters`.
    """
    query = browse.CatalogueQuery(
        q=" ".join(args["q"].split()),
        category=args.get("category", ""),
        facility=args.get("facility", ""),
        kanwil=args.get("kanwil", ""),
        min_price=args.get("min_price"),
        max_price=args.get("max_price"),
        in_stock=args["in_stock"],
        sort=args.get("sort"),
        per_page=args["limit"],
    )
    try:
        page = browse.browse_by_key(query, cursor=args.get("cursor"))
    except InvalidCursor:
        abort(400, "invalid_cursor")
    storage = storage_from_config(current_app.config)
    unknown = page.unknown_filters
    items = [] if unknown else [_summary(product, storage) for product in page.products]
    next_cursor = None if unknown else page.next_cursor
    following = None
    if next_cursor:
        params = {key: _param(value) for key, value in args.items() if key != "cursor"}
        params = {key: value for key, value in params.items() if value not in ("", None)}
        following = urls.absolute(url_for("api.products", **params, cursor=next_cursor))
    return {
        "items": items,
        "next_cursor": next_cursor,
        "next": following,
        "unknown_filters": unknown,
    }


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else None
    return getattr(value, "value", value)


@bp.route("/products/<slug>")
@bp.response(200, schemas.ProductDetail)
@_errors(404)
def product(slug: str) -> dict[str, Any]:
    """One public product with its variants and approved photos."""
    item = browse.public_product(slug)
    if item is None:
        abort(404)
    storage = storage_from_config(current_app.config)
    detail = _summary(item, storage)
    is_food = item.category.is_food
    detail.update(
        description=item.description,
        weight_grams=item.weight_grams,
        workshop=item.workshop.name if item.workshop else None,
        food={
            "pirt_number": item.pirt_number,
            "halal_certificate": item.halal_certificate,
            "shelf_life_days": item.shelf_life_days,
        }
        if is_food
        else None,
        variants=[
            {
                "sku": variant.sku,
                "label": variant.option_label,
                "price_idr": variant.price_idr,
                **_stock(item, variant),
            }
            for variant in sorted(item.variants, key=lambda v: (v.position, v.id))
        ],
        images=[_image(image, storage) for image in item.approved_images],
    )
    return detail


@bp.route("/facilities")
@bp.arguments(schemas.FacilityQuery, location="query", as_kwargs=False)
@bp.response(200, schemas.FacilityList)
@_errors(422)
def facilities(args: dict[str, Any]) -> dict[str, Any]:
    """Active facilities (Lapas, Rutan, LPKA, LPP, Bapas) with their number of public products,
    by Kanwil then name, `FACILITIES_PER_PAGE` a page (the directory counts some 600)."""
    found = browse.public_facilities(
        kanwil_code=args.get("kanwil", ""), page=args["page"], per_page=FACILITIES_PER_PAGE
    )
    return {
        "items": [_facility(listing.facility, listing.products) for listing in found.listings],
        "page": found.page,
        "pages": found.pages,
        "total": found.total,
    }


@bp.route("/categories")
@bp.response(200, schemas.CategoryList)
@_errors()
def categories() -> dict[str, Any]:
    """Every category, top ones with their children's products counted in."""
    own = browse.products_per_category()
    every = browse.all_categories()
    totals = dict(own)
    for category in every:
        if category.parent_id is not None:
            totals[category.parent_id] = totals.get(category.parent_id, 0) + own.get(category.id, 0)
    by_id = {category.id: category for category in every}
    return {
        "items": [
            {
                "slug": category.slug,
                "name": category.name,
                "name_en": category.name_en,
                "parent": by_id[category.parent_id].slug if category.parent_id else None,
                "products": totals.get(category.id, 0),
            }
            for category in every
        ]
    }


def _summary(product: Product, storage: Storage) -> dict[str, Any]:
    low, high = browse.price_range(product)
    images = product.approved_images
    return {
        "id": product.id,
        "slug": product.slug,
        "name": product.name,
        "url": urls.absolute(url_for("shop.product", slug=product.slug)),
        "price_min_idr": low,
        "price_max_idr": high,
        "currency": "IDR",
        **_stock(product, None),
        "made_to_order": product.made_to_order,
        "lead_time_days": product.lead_time_days,
        "is_flagship": product.is_flagship,
        "category": {
            "slug": product.category.slug,
            "name": product.category.name,
            "name_en": product.category.name_en,
        },
        "facility": {
            "slug": product.facility.slug,
            "name": product.facility.name,
            "kanwil": product.facility.kanwil.code,
        },
        "image": _image(images[0], storage) if images else None,
        "published_at": product.published_at,
    }


def _stock(product: Product, variant: Any) -> dict[str, Any]:
    """What a buyer reads about stock: its state, and the count only when few are left."""
    state = browse.stock_state(product, variant)
    remaining = state.count if state.availability is browse.Availability.LOW else None
    return {"availability": state.availability, "remaining": remaining}


def _image(image: ProductImage, storage: Storage) -> dict[str, Any]:
    """An approved photo's renditions (never its master): what the storefront's pictures use."""
    return {
        "alt": image.alt_text,
        "width": image.width,
        "height": image.height,
        "renditions": [
            {
                "url": urls.absolute(storage.url(rendition["key"])),
                "width": rendition["width"],
                "height": rendition["height"],
                "format": rendition["format"],
            }
            for rendition in sorted(image.renditions, key=lambda r: (r["format"], r["width"]))
        ],
    }


def _facility(facility: Facility, products: int) -> dict[str, Any]:
    return {
        "slug": facility.slug,
        "name": facility.name,
        "kind": facility.kind.value,
        "facility_class": facility.facility_class.value,
        "city": facility.city,
        "address": facility.address,
        "phone": facility.phone,
        "email": facility.email,
        "timezone": facility.timezone.value,
        "kanwil": facility.kanwil.code,
        "province": facility.kanwil.province,
        "products": products,
        "url": urls.absolute(url_for("shop.facility", slug=facility.slug)),
    }

"""The catalogue as partners' product feeds read it: one item per variant, grouped per product.

Google Merchant Center and Meta's commerce catalogue both want one row per sellable item (our
variant) with the product as its group, a price in whole rupiah with the currency, an
availability in their own words, and at least one image. A product without an approved photo is
left out of the feeds (both services refuse items without an image); everything else public is
in. Items come in batches by product id so a feed of 100,000 variants never sits in memory.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from shop.catalogue.products import public_products_query
from shop.database import db
from shop.models import (
    Category,
    Facility,
    ImageReviewState,
    Product,
    ProductImage,
    ProductVariant,
)

BATCH = 500
DESCRIPTION_LIMIT = 5000  # both services cut descriptions at 5,000 characters
IMAGE_WIDTH = 1024
MAX_ADDITIONAL_IMAGES = 10

# Our categories on Google's product taxonomy (paths, which Google accepts in place of ids).
# A category not listed takes its parent's; a top category not listed sends none.
GOOGLE_CATEGORIES = {
    "furnitur": "Furniture",
    "meja-kursi": "Furniture > Tables",
    "lemari-rak": "Furniture > Cabinets & Storage",
    "batik-tenun": "Apparel & Accessories > Clothing",
    "kain": "Arts & Entertainment > Hobbies & Creative Arts > Arts & Crafts",
    "busana": "Apparel & Accessories > Clothing",
    "kriya": "Home & Garden > Decor",
    "anyaman": "Home & Garden > Decor > Baskets",
    "kulit": "Apparel & Accessories > Handbags, Wallets & Cases",
    "perhiasan": "Apparel & Accessories > Jewelry",
    "daur-ulang": "Home & Garden > Decor",
    "makanan-minuman": "Food, Beverages & Tobacco > Food Items",
    "kue-roti": "Food, Beverages & Tobacco > Food Items > Bakery",
    "camilan": "Food, Beverages & Tobacco > Food Items > Snack Foods",
    "sambal-bumbu": "Food, Beverages & Tobacco > Food Items > Condiments & Sauces",
    "kopi-teh": "Food, Beverages & Tobacco > Beverages",
    "pertanian-perikanan": "Food, Beverages & Tobacco > Food Items",
    "lukisan-seni": "Home & Garden > Decor > Artwork",
    "bahan-bangunan": "Hardware > Building Materials",
}


class FeedAvailability(enum.StrEnum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    # Made to order: orderable now, delivered after the lead time.
    BACKORDER = "backorder"


@dataclass(frozen=True)
class FeedItem:
    id: str
    group_id: str
    title: str
    description: str
    product_slug: str
    image_keys: tuple[str, ...]
    availability: FeedAvailability
    available_on: datetime | None
    price_idr: int
    brand: str
    google_category: str | None
    weight_grams: int


def feed_items(*, now: datetime) -> Iterator[FeedItem]:
    """Every variant of every public product with an approved photo, by product id."""
    after = 0
    while True:
        products = list(
            db.session.scalars(
                public_products_query()
                .where(Product.id > after)
                .options(
                    selectinload(
                        Product.images.and_(ProductImage.review_state == ImageReviewState.APPROVED)
                    ),
                    selectinload(Product.variants),
                    joinedload(Product.facility),
                    joinedload(Product.category).joinedload(Category.parent),
                )
                .order_by(Product.id)
                .limit(BATCH)
            )
        )
        if not products:
            return
        for product in products:
            yield from _items_of(product, now=now)
        after = products[-1].id
        for product in products:
            db.session.expunge(product)  # cascades to its variants and images


def _items_of(product: Product, *, now: datetime) -> Iterator[FeedItem]:
    images = sorted(product.images, key=lambda image: (image.position, image.id))
    keys = tuple(key for image in images if (key := _image_key(image)))
    if not keys:
        return
    variants = sorted(product.variants, key=lambda variant: (variant.position, variant.id))
    for variant in variants:
        availability, available_on = _availability(product, variant, now=now)
        title = product.name
        if variant.option_label and len(variants) > 1:
            title = f"{product.name} - {variant.option_label}"
        yield FeedItem(
            id=variant.sku,
            group_id=f"P{product.id}",
            title=title[:150],
            description=(product.description or product.name)[:DESCRIPTION_LIMIT],
            product_slug=product.slug,
            image_keys=keys[: 1 + MAX_ADDITIONAL_IMAGES],
            availability=availability,
            available_on=available_on,
            price_idr=variant.price_idr,
            brand=product.facility.name,
            google_category=google_category(product.category),
            weight_grams=product.weight_grams,
        )


def _availability(
    product: Product, variant: ProductVariant, *, now: datetime
) -> tuple[FeedAvailability, datetime | None]:
    if product.made_to_order:
        return FeedAvailability.BACKORDER, now + timedelta(days=product.lead_time_days or 14)
    if variant.stock > 0:
        return FeedAvailability.IN_STOCK, None
    return FeedAvailability.OUT_OF_STOCK, None


def _image_key(image: ProductImage) -> str | None:
    """The JPEG rendition closest to 1024 px wide (both services prefer JPEG)."""
    candidates = image.renditions_of("jpeg") or image.renditions_of("webp")
    if not candidates:
        return None
    wider = [rendition for rendition in candidates if rendition["width"] >= IMAGE_WIDTH]
    return (wider[0] if wider else candidates[-1])["key"]


def google_category(category: Category) -> str | None:
    mapped = GOOGLE_CATEGORIES.get(category.slug)
    if mapped is None and category.parent is not None:
        mapped = GOOGLE_CATEGORIES.get(category.parent.slug)
    return mapped


def catalogue_fingerprint() -> str:
    """Changes whenever anything a feed shows changes: for ETags and cache keys.

    Built from counts and the latest change time of products, variants, approved images,
    facilities and categories: an edit moves a time, a removal moves a count.
    """
    parts = []
    for model, condition in (
        (Product, sa.true()),
        (ProductVariant, sa.true()),
        (ProductImage, ProductImage.review_state == ImageReviewState.APPROVED),
        (Facility, sa.true()),
        (Category, sa.true()),
    ):
        count, latest = db.session.execute(
            sa.select(sa.func.count(), sa.func.max(model.updated_at)).where(condition)
        ).one()
        parts.append(f"{model.__tablename__}:{count}:{latest}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

"""What the public may see of the catalogue, in a fixed number of queries per page.

Only published products of active facilities exist for the public, and of their photos only the
approved ones: every query here starts from `public_products_query()` and loads images through
`_APPROVED_IMAGES`. Collections are loaded with `selectinload`, one query per collection for a
whole page, so the number of queries never grows with the number of products or photos.

Kept apart from `catalogue` (the writing side, used by the back office and the seed) so the two
can change independently.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from shop.catalogue import search
from shop.catalogue.products import public_products_query
from shop.database import db
from shop.models import (
    Category,
    Facility,
    FacilityKind,
    ImageReviewState,
    Kanwil,
    PhotoProcessing,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
)
from shop.models.facilities import WEEKDAYS

PER_PAGE = 24
LOW_STOCK = 5

_APPROVED_IMAGES = selectinload(
    Product.images.and_(
        ProductImage.review_state == ImageReviewState.APPROVED,
        ProductImage.processing == PhotoProcessing.READY,
    )
)
CARD_LOADING = (
    _APPROVED_IMAGES,
    selectinload(Product.variants),
    joinedload(Product.facility).joinedload(Facility.kanwil),
    joinedload(Product.category),
)


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"


@dataclass(frozen=True)
class CatalogueQuery:
    """A catalogue request, already checked by the web layer."""

    q: str = ""
    category: str = ""
    facility: str = ""
    kanwil: str = ""
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: Sort | None = None
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def effective_sort(self) -> Sort:
        if self.sort is not None:
            return self.sort
        return Sort.RELEVANCE if search.search_terms(self.q) else Sort.NEWEST


@dataclass
class CataloguePage:
    products: list[Product]
    total: int
    page: int
    pages: int
    category: Category | None = None
    facility: Facility | None = None
    kanwil: Kanwil | None = None
    unknown_filters: list[str] = field(default_factory=list)


def _variant_stats() -> sa.Subquery:
    return (
        sa.select(
            ProductVariant.product_id,
            sa.func.min(ProductVariant.price_idr).label("min_price"),
            sa.func.sum(ProductVariant.stock).label("stock"),
        )
        .group_by(ProductVariant.product_id)
        .subquery("variant_stats")
    )


def browse(query: CatalogueQuery) -> CataloguePage:
    """One page of the public catalogue, filtered and sorted as asked.

    A slug or code that matches nothing is reported in `unknown_filters` and ignored, so a
    stale link still shows products.
    """
    statement = public_products_query()
    sort = query.effective_sort
    # Aggregating the variants costs a pass over all of them: only when prices or stock matter.
    stats = None
    if (
        query.min_price is not None
        or query.max_price is not None
        or query.in_stock
        or sort in (Sort.PRICE_ASC, Sort.PRICE_DESC)
    ):
        stats = _variant_stats()
        statement = statement.join(stats, stats.c.product_id == Product.id)
    unknown: list[str] = []
    category = facility = kanwil = None
    if query.category:
        category = db.session.scalar(sa.select(Category).where(Category.slug == query.category))
        if category is None:
            unknown.append("category")
        else:
            statement = statement.where(Product.category_id.in_(_category_and_children(category)))
    if query.facility:
        facility = db.session.scalar(
            sa.select(Facility).where(Facility.slug == query.facility, Facility.is_active)
        )
        if facility is None:
            unknown.append("facility")
        else:
            statement = statement.where(Product.facility_id == facility.id)
    if query.kanwil:
        kanwil = db.session.scalar(sa.select(Kanwil).where(Kanwil.code == query.kanwil.upper()))
        if kanwil is None:
            unknown.append("kanwil")
        else:
            statement = statement.where(Facility.kanwil_id == kanwil.id)
    if stats is not None and query.min_price is not None:
        statement = statement.where(stats.c.min_price >= query.min_price)
    if stats is not None and query.max_price is not None:
        statement = statement.where(stats.c.min_price <= query.max_price)
    if stats is not None and query.in_stock:
        statement = statement.where(sa.or_(stats.c.stock > 0, Product.made_to_order))
    matched = search.matches(query.q) if query.q else None
    if matched is not None:
        statement = statement.join(matched, matched.c.product_id == Product.id)

    total = (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(
                statement.with_only_columns(Product.id).subquery()
            )
        )
        or 0
    )
    pages = max(1, math.ceil(total / query.per_page))
    page = min(max(1, query.page), pages)
    newest = [Product.published_at.desc(), Product.id.desc()]
    if sort is Sort.PRICE_ASC and stats is not None:
        order = [stats.c.min_price.asc(), Product.id.desc()]
    elif sort is Sort.PRICE_DESC and stats is not None:
        order = [stats.c.min_price.desc(), Product.id.desc()]
    elif sort is Sort.RELEVANCE and matched is not None:
        order = [matched.c.rank.asc(), *newest]
    else:
        order = newest
    products = list(
        db.session.scalars(
            statement.options(*CARD_LOADING)
            .order_by(*order)
            .limit(query.per_page)
            .offset((page - 1) * query.per_page)
        ).unique()
    )
    return CataloguePage(
        products=products,
        total=total,
        page=page,
        pages=pages,
        category=category,
        facility=facility,
        kanwil=kanwil,
        unknown_filters=unknown,
    )


def _category_and_children(category: Category) -> sa.Select:
    return sa.select(Category.id).where(
        sa.or_(Category.id == category.id, Category.parent_id == category.id)
    )


def public_product(slug: str) -> Product | None:
    """The product page's product with everything it shows, or None when not public."""
    return db.session.scalar(
        public_products_query()
        .where(Product.slug == slug)
        .options(
            *CARD_LOADING,
            joinedload(Product.workshop),
            joinedload(Product.category).joinedload(Category.parent),
        )
    )


def related_products(product: Product, *, limit: int = 4) -> list[Product]:
    """Others of the same category first, then others of the same facility."""
    statement = (
        public_products_query()
        .where(
            Product.id != product.id,
            sa.or_(Product.category_id == product.category_id, Facility.id == product.facility_id),
        )
        .options(*CARD_LOADING)
        .order_by(
            (Product.category_id == product.category_id).desc(),
            Product.is_flagship.desc(),
            Product.published_at.desc(),
            Product.id.desc(),
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement).unique())


def flagship_products(*, limit: int = 8) -> list[Product]:
    """The facilities' produk unggulan, newest first, at most one per facility."""
    newest_flagship = (
        sa.select(sa.func.max(Product.id))
        .join(Product.facility)
        .where(Product.is_flagship, Product.status == ProductStatus.PUBLISHED, Facility.is_active)
        .group_by(Product.facility_id)
    )
    statement = (
        public_products_query()
        .where(Product.id.in_(newest_flagship))
        .options(*CARD_LOADING)
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement).unique())


def newest_products(*, limit: int = 8) -> list[Product]:
    statement = (
        public_products_query()
        .options(*CARD_LOADING)
        .order_by(Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement).unique())


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    products: int


def categories_with_counts() -> list[CategoryCount]:
    """Top-level categories with the number of public products in them and their children."""
    public = public_products_query().subquery()
    top = sa.func.coalesce(Category.parent_id, Category.id)
    counts = dict(
        db.session.execute(
            sa.select(top, sa.func.count(public.c.id))
            .join(public, public.c.category_id == Category.id)
            .group_by(top)
        ).all()
    )
    roots = db.session.scalars(
        sa.select(Category).where(Category.parent_id.is_(None)).order_by(Category.position)
    )
    return [CategoryCount(c, counts.get(c.id, 0)) for c in roots]


@dataclass(frozen=True)
class FacilityListing:
    facility: Facility
    products: int


def public_facilities(
    *, kanwil_code: str = "", kind: FacilityKind | None = None
) -> list[FacilityListing]:
    """Active facilities with their number of public products, by Kanwil then name."""
    public = public_products_query().subquery()
    statement = (
        sa.select(Facility, sa.func.count(public.c.id))
        .join(Facility.kanwil)
        .outerjoin(public, public.c.facility_id == Facility.id)
        .where(Facility.is_active)
        .group_by(Facility.id, Kanwil.id)
        .options(joinedload(Facility.kanwil))
        .order_by(Kanwil.name, Facility.name)
    )
    if kanwil_code:
        statement = statement.where(Kanwil.code == kanwil_code.upper())
    if kind is not None:
        statement = statement.where(Facility.kind == kind)
    return [FacilityListing(f, n) for f, n in db.session.execute(statement).unique().all()]


def facilities_by_kanwil() -> list[tuple[Kanwil, list[FacilityListing]]]:
    grouped: dict[int, list[FacilityListing]] = defaultdict(list)
    kanwils: dict[int, Kanwil] = {}
    for listing in public_facilities():
        kanwils[listing.facility.kanwil_id] = listing.facility.kanwil
        grouped[listing.facility.kanwil_id].append(listing)
    return [(kanwils[k], grouped[k]) for k in kanwils]


def kanwils_with_facilities() -> list[Kanwil]:
    return list(
        db.session.scalars(
            sa.select(Kanwil)
            .where(Kanwil.id.in_(sa.select(Facility.kanwil_id).where(Facility.is_active)))
            .order_by(Kanwil.name)
        )
    )


def selling_facilities() -> list[sa.Row[tuple[int, str, str]]]:
    """(id, slug, name) of active facilities with a public product: the facility filter.

    Plain rows, not objects: the filter lists hundreds of facilities on every catalogue page.
    """
    selling = (
        sa.select(Product.id)
        .where(Product.facility_id == Facility.id, Product.status == ProductStatus.PUBLISHED)
        .exists()
    )
    return list(
        db.session.execute(
            sa.select(Facility.id, Facility.slug, Facility.name)
            .where(Facility.is_active, selling)
            .order_by(Facility.name)
        )
    )


def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


def public_facility(slug: str) -> Facility | None:
    return db.session.scalar(
        sa.select(Facility)
        .where(Facility.slug == slug, Facility.is_active)
        .options(joinedload(Facility.kanwil), selectinload(Facility.workshops))
    )


def facility_products(facility: Facility, *, limit: int = 48) -> list[Product]:
    statement = (
        public_products_query()
        .where(Product.facility_id == facility.id)
        .options(*CARD_LOADING)
        .order_by(Product.is_flagship.desc(), Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement).unique())


@dataclass(frozen=True)
class SitemapEntry:
    kind: str
    slug: str
    updated_at: datetime


def sitemap_entries() -> list[SitemapEntry]:
    """Every public product and active facility, with the time it last changed."""
    products = db.session.execute(
        public_products_query()
        .with_only_columns(Product.slug, Product.updated_at)
        .order_by(Product.id)
    ).all()
    facilities = db.session.execute(
        sa.select(Facility.slug, Facility.updated_at)
        .where(Facility.is_active)
        .order_by(Facility.id)
    ).all()
    return [SitemapEntry("facility", slug, at) for slug, at in facilities] + [
        SitemapEntry("product", slug, at) for slug, at in products
    ]


class Availability(enum.StrEnum):
    IN_STOCK = "in_stock"
    LOW = "low"
    SOLD_OUT = "sold_out"
    MADE_TO_ORDER = "made_to_order"


@dataclass(frozen=True)
class StockState:
    """What a buyer is told about stock: "Tersedia", "Sisa 3", "Habis" or made to order."""

    availability: Availability
    count: int = 0
    lead_time_days: int | None = None

    @property
    def orderable(self) -> bool:
        return self.availability is not Availability.SOLD_OUT


def stock_state(product: Product, variant: ProductVariant | None = None) -> StockState:
    """The state of one variant, or of the product as a whole (its variants summed)."""
    if product.made_to_order:
        return StockState(Availability.MADE_TO_ORDER, lead_time_days=product.lead_time_days)
    count = variant.stock if variant is not None else sum(v.stock for v in product.variants)
    if count <= 0:
        return StockState(Availability.SOLD_OUT)
    if count <= LOW_STOCK:
        return StockState(Availability.LOW, count=count)
    return StockState(Availability.IN_STOCK, count=count)


def price_range(product: Product) -> tuple[int, int]:
    """The lowest and highest variant price in rupiah (equal for a single variant)."""
    prices = [v.price_idr for v in product.variants] or [0]
    return min(prices), max(prices)


@dataclass(frozen=True)
class OpeningDay:
    day: str
    hours: tuple[str, str] | None
    is_today: bool


def opening_week(facility: Facility, now: datetime) -> list[OpeningDay]:
    """The showroom's week in the facility's own time zone, today marked."""
    local = now.astimezone(ZoneInfo(facility.timezone.value))
    today = WEEKDAYS[local.weekday()]
    week = []
    for day in WEEKDAYS:
        hours = facility.showroom_hours.get(day)
        valid = isinstance(hours, list | tuple) and len(hours) == 2
        week.append(
            OpeningDay(day, (str(hours[0]), str(hours[1])) if valid else None, day == today)
        )
    return week


def is_open_at(facility: Facility, now: datetime) -> bool:
    """Whether the showroom is open at `now`, read in the facility's local time."""
    local = now.astimezone(ZoneInfo(facility.timezone.value))
    for day in opening_week(facility, now):
        if day.is_today and day.hours is not None:
            return day.hours[0] <= local.strftime("%H:%M") < day.hours[1]
    return False

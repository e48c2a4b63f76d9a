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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.catalogue import products, search
from shop.catalogue.products import CatalogueFigures, public_products_query
from shop.core import clock
from shop.core.pagination import (
    InvalidCursor,
    Key,
    decode_cursor,
    encode_cursor,
    id_key,
    paginate_by_key,
    timestamp_key,
)
from shop.database import db
from shop.models import (
    CatalogueVersion,
    Category,
    Facility,
    FacilityClass,
    FacilityKind,
    ImageReviewState,
    Kanwil,
    PhotoProcessing,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
)
from shop.models.facilities import WEEKDAYS, kind_label

PER_PAGE = 24
T = TypeVar("T")
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
class Cursor:
    """Where a keyset page starts: the sort key of the row before it (`after`) or after it.

    In a URL it is two integers, `<key>_<id>`: the key is the lowest variant price for the
    price sorts and the publication time in microseconds since the epoch for the newest-first
    sort. A cursor for another sort than the page's is ignored.
    """

    key: int
    product_id: int
    backwards: bool = False

    def text(self) -> str:
        return f"{self.key}_{self.product_id}"


_CURSOR = re.compile(r"^(\d{1,18})_(\d{1,18})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_cursor(raw: str, *, backwards: bool = False) -> Cursor | None:
    """The cursor in `raw`, or None when it is not one."""
    found = _CURSOR.match(raw.strip())
    if found is None:
        return None
    return Cursor(int(found.group(1)), int(found.group(2)), backwards)


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
    cursor: Cursor | None = None

    @property
    def effective_sort(self) -> Sort:
        if self.sort is not None:
            return self.sort
        return Sort.RELEVANCE if search.search_terms(self.q) else Sort.NEWEST


@dataclass(frozen=True)
class Listed:
    """A product as a listing knows it before its card is drawn: what a cursor, a card's cache
    key and the search tests need, read in the one query for the page's rows."""

    id: int
    facility_id: int
    name: str
    min_price_idr: int
    published_at: datetime | None


_LISTED_COLUMNS = (
    Product.id,
    Product.facility_id,
    Product.name,
    Product.min_price_idr,
    Product.published_at,
)


def _listed(statement: sa.Select) -> list[Listed]:
    """The rows of `statement` (a public products query) as `Listed`, in its order."""
    rows = db.session.execute(statement.with_only_columns(*_LISTED_COLUMNS))
    return [Listed(*row) for row in rows]


def card_products(ids: list[int]) -> list[Product]:
    """The products of `ids` with what their cards show, in one query per collection.

    Only public ones: a product hidden since its id was listed is left out.
    """
    if not ids:
        return []
    return list(
        db.session.scalars(
            public_products_query().where(Product.id.in_(ids)).options(*CARD_LOADING)
        ).unique()
    )


@dataclass
class CataloguePage:
    products: list[Listed]
    total: int
    page: int
    pages: int
    category: Category | None = None
    facility: Facility | None = None
    kanwil: Kanwil | None = None
    unknown_filters: list[str] = field(default_factory=list)
    # Keyset links to the neighbouring pages; None where the sort pages by number instead.
    next_cursor: str | None = None
    prev_cursor: str | None = None


_TOKEN = sa.select(CatalogueVersion.token).where(CatalogueVersion.id == 1)
# The token as read in this transaction (`Session.info`), forgotten at its end and at a flush,
# which may have changed it (the triggers of migration 0014 run then).
_TOKEN_READ = "etalase_catalogue_token"


def catalogue_token() -> str | None:
    """The catalogue's current version token (see `CatalogueVersion`); None before the first.

    Read once per transaction: a page asks for it for each list it keeps by it."""
    info = db.session.info
    if _TOKEN_READ not in info:
        # Core, not the ORM: a listing kept by the token costs this one small statement.
        info[_TOKEN_READ] = db.session.connection().execute(_TOKEN).scalar()
    token: str | None = info[_TOKEN_READ]
    return token


def assume_catalogue_token(token: str) -> None:
    """Take `token` as the catalogue's token for this transaction without reading it: the caller
    knows it to be current (`shop.storefront.catalogue_token`)."""
    db.session.info[_TOKEN_READ] = token


def catalogue_token_known() -> str | None:
    """The token this transaction read or was given, if any (nothing is read here)."""
    token: str | None = db.session.info.get(_TOKEN_READ)
    return token


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_token(session: Session, *_args: object) -> None:
    session.info.pop(_TOKEN_READ, None)


class _VersionedCache:
    """Values computed from the catalogue, kept in this process while its token stays the same.

    Bounded: past `size` entries it starts again empty (filter combinations are few in practice;
    a crawler walking every combination only costs the recount).
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._values: dict[tuple[object, ...], object] = {}

    def get_or_compute(
        self, token: str | None, key: tuple[object, ...], compute: Callable[[], T]
    ) -> T:
        if token is None:
            return compute()
        full_key = (token, *key)
        if full_key in self._values:
            return cast(T, self._values[full_key])
        value = compute()
        if len(self._values) >= self.size:
            self._values.clear()
        self._values[full_key] = value
        return value


_COUNTS = _VersionedCache()
# Listings' rows (plain values: `Listed`, ids), kept apart so a crawler walking every page does
# not push the counts out.
_LISTINGS = _VersionedCache()


def _sort_columns(sort: Sort) -> list[tuple[sa.ColumnElement, bool]]:
    """(column, descending) of the keyset order of `sort`; the product id breaks ties."""
    if sort is Sort.PRICE_ASC:
        return [(Product.min_price_idr, False), (Product.id, True)]
    if sort is Sort.PRICE_DESC:
        return [(Product.min_price_idr, True), (Product.id, True)]
    return [(Product.published_at, True), (Product.id, True)]


def _cursor_of(product: Listed, sort: Sort) -> str:
    if sort in (Sort.PRICE_ASC, Sort.PRICE_DESC):
        key = product.min_price_idr
    else:
        published = product.published_at or _EPOCH
        key = (published - _EPOCH) // timedelta(microseconds=1)
    return Cursor(key, product.id).text()


def _beyond(sort: Sort, cursor: Cursor) -> sa.ColumnElement[bool]:
    """Rows after the cursor in the order of `sort` (before it when the cursor goes back)."""
    (column, descending), (id_column, id_descending) = _sort_columns(sort)
    key: object = cursor.key
    if column is Product.published_at:
        key = _EPOCH + timedelta(microseconds=cursor.key)

    def past(col: sa.ColumnElement, value: object, desc: bool) -> sa.ColumnElement[bool]:
        return col < value if desc != cursor.backwards else col > value

    return sa.or_(
        past(column, key, descending),
        sa.and_(column == key, past(id_column, cursor.product_id, id_descending)),
    )


@dataclass
class _Selection:
    """The public products a request's filters and search keep, and what the filters named."""

    statement: sa.Select
    matched: sa.Subquery | None
    category: Category | None
    facility: Facility | None
    kanwil: Kanwil | None
    unknown: list[str]


def _filtered(query: CatalogueQuery) -> _Selection:
    """The catalogue's filters and search applied to the public products (no order yet)."""
    statement = public_products_query()
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
    if query.min_price is not None:
        statement = statement.where(Product.min_price_idr >= query.min_price)
    if query.max_price is not None:
        statement = statement.where(Product.min_price_idr <= query.max_price)
    if query.in_stock:
        in_stock = (
            sa.select(ProductVariant.id)
            .where(ProductVariant.product_id == Product.id, ProductVariant.stock > 0)
            .exists()
        )
        statement = statement.where(sa.or_(in_stock, Product.made_to_order))
    matched = search.matches(query.q) if query.q else None
    if matched is not None:
        statement = statement.join(matched, matched.c.product_id == Product.id)
    return _Selection(statement, matched, category, facility, kanwil, unknown)


@dataclass(frozen=True)
class _BrowsedRows:
    """What a catalogue page read, in plain values fit to keep per catalogue version."""

    products: list[Listed]
    total: int
    page: int
    pages: int
    category_id: int | None
    facility_id: int | None
    kanwil_id: int | None
    unknown_filters: list[str]
    next_cursor: str | None
    prev_cursor: str | None


def browse(query: CatalogueQuery) -> CataloguePage:
    """One page of the public catalogue, filtered and sorted as asked.

    A slug or code that matches nothing is reported in `unknown_filters` and ignored, so a
    stale link still shows products. The page's rows and the total are read once per request
    and catalogue version (see `CatalogueVersion`): any write to a product, a facility or a
    category changes the token, so a kept page never outlives what it lists. A page filtered
    by stock is read each time (stock levels do not change the token). Pages after the first
    are read from a cursor (keyset) when the link carries one, so a deep page costs what the
    first does.
    """
    token = None if query.in_stock else catalogue_token()
    rows = _LISTINGS.get_or_compute(token, ("browse", query), lambda: _browse_rows(query))
    return CataloguePage(
        products=rows.products,
        total=rows.total,
        page=rows.page,
        pages=rows.pages,
        category=db.session.get(Category, rows.category_id) if rows.category_id else None,
        facility=db.session.get(Facility, rows.facility_id) if rows.facility_id else None,
        kanwil=db.session.get(Kanwil, rows.kanwil_id) if rows.kanwil_id else None,
        unknown_filters=list(rows.unknown_filters),
        next_cursor=rows.next_cursor,
        prev_cursor=rows.prev_cursor,
    )


def _browse_rows(query: CatalogueQuery) -> _BrowsedRows:
    selection = _filtered(query)
    statement, matched = selection.statement, selection.matched
    category, facility, kanwil = selection.category, selection.facility, selection.kanwil
    sort = query.effective_sort

    def count() -> int:
        counted = statement.with_only_columns(Product.id).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0

    relevance = sort is Sort.RELEVANCE and matched is not None
    if relevance:
        order = [matched.c.rank.asc(), Product.published_at.desc(), Product.id.desc()]
    else:
        order = [column.desc() if desc else column.asc() for column, desc in _sort_columns(sort)]
    limited = statement.limit(query.per_page)
    asked = max(1, query.page)

    def page_at(number: int) -> list[Listed]:
        return _listed(limited.order_by(*order).offset((number - 1) * query.per_page))

    products: list[Listed] = []
    if query.cursor is not None and not relevance and asked > 1:
        products = _keyset_page(limited, sort, query.cursor)
    if not products:
        products = page_at(asked)
    # Kept by filters, not by page: every page of a listing shares its count.
    token = None if query.in_stock else catalogue_token()
    filters = (
        tuple(search.search_terms(query.q)),
        category.id if category else None,
        facility.id if facility else None,
        kanwil.id if kanwil else None,
        query.min_price,
        query.max_price,
    )
    total = _COUNTS.get_or_compute(token, ("count", *filters), count)
    pages = max(1, math.ceil(total / query.per_page))
    page = min(asked, pages)
    if page != asked:  # a page past the last (a stale link): the last one
        products = page_at(page)
    keyset = not relevance and bool(products)
    return _BrowsedRows(
        products=products,
        total=total,
        page=page,
        pages=pages,
        category_id=category.id if category else None,
        facility_id=facility.id if facility else None,
        kanwil_id=kanwil.id if kanwil else None,
        unknown_filters=selection.unknown,
        next_cursor=_cursor_of(products[-1], sort) if keyset and page < pages else None,
        prev_cursor=_cursor_of(products[0], sort) if keyset and page > 1 else None,
    )


@dataclass(frozen=True)
class KeyedPage:
    """A page of `browse_by_key`: its products and the opaque cursor of the next page, if any."""

    products: list[Product]
    next_cursor: str | None
    category: Category | None = None
    facility: Facility | None = None
    kanwil: Kanwil | None = None
    unknown_filters: list[str] = field(default_factory=list)


# A keyed cursor names its sort, so a cursor used with another sort is refused, not misread.
_SORT_TAGS = {Sort.NEWEST: "n", Sort.PRICE_ASC: "pa", Sort.PRICE_DESC: "pd", Sort.RELEVANCE: "r"}


def browse_by_key(query: CatalogueQuery, *, cursor: str | None = None) -> KeyedPage:
    """A page of the public catalogue after an opaque cursor, for the API: no count, no pages.

    Newest-first and the price sorts walk the keyset `(published_at | min_price_idr, id)` with
    `paginate_by_key`, so pages never repeat or skip a product however deep a partner goes. A
    search in relevance order ranks at most `search.CANDIDATES` matches; its cursor is the
    position in that ranking. Raises `InvalidCursor` for a cursor this sort did not make.
    """
    selection = _filtered(query)
    sort = query.effective_sort
    relevance = sort is Sort.RELEVANCE and selection.matched is not None
    if sort is Sort.RELEVANCE and not relevance:
        sort = Sort.NEWEST
    tag = _SORT_TAGS[sort]
    inner = None
    if cursor:
        given_tag, _dot, inner = cursor.partition(".")
        if given_tag != tag or not inner:
            raise InvalidCursor(cursor)
    if relevance:
        ids, next_inner = _ranked_ids(selection, inner, query.per_page)
    else:
        ids, next_inner = _keyed_ids(selection.statement, sort, inner, query.per_page)
    found = {
        product.id: product
        for product in db.session.scalars(
            public_products_query().where(Product.id.in_(ids)).options(*CARD_LOADING)
        ).unique()
    }
    return KeyedPage(
        products=[found[id_] for id_ in ids if id_ in found],
        next_cursor=f"{tag}.{next_inner}" if next_inner else None,
        category=selection.category,
        facility=selection.facility,
        kanwil=selection.kanwil,
        unknown_filters=selection.unknown,
    )


def _keyed_ids(
    statement: sa.Select, sort: Sort, after: str | None, per_page: int
) -> tuple[list[int], str | None]:
    if sort is Sort.NEWEST:
        keys, descending = [timestamp_key(Product.published_at), id_key(Product.id)], True
    else:
        keys = [Key(Product.min_price_idr, int), id_key(Product.id)]
        descending = sort is Sort.PRICE_DESC
    page = paginate_by_key(
        statement.with_only_columns(*(key.column for key in keys)),
        keys=keys,
        per_page=per_page,
        after=after,
        descending=descending,
    )
    return [row.id for row in page.items], page.next_cursor


def _ranked_ids(
    selection: _Selection, after: str | None, per_page: int
) -> tuple[list[int], str | None]:
    matched = selection.matched
    assert matched is not None
    offset = decode_cursor(after, [Key(Product.id, int)])[0] if after else 0
    if not 0 <= offset <= search.CANDIDATES:
        raise InvalidCursor(after or "")
    order = [matched.c.rank.asc(), Product.published_at.desc(), Product.id.desc()]
    ids = list(
        db.session.scalars(
            selection.statement.with_only_columns(Product.id)
            .order_by(*order)
            .offset(offset)
            .limit(per_page + 1)
        )
    )
    more = len(ids) > per_page
    return ids[:per_page], encode_cursor([offset + per_page]) if more else None


def _keyset_page(statement: sa.Select, sort: Sort, cursor: Cursor) -> list[Listed]:
    """The page next to the cursor, in the order of `sort`; empty for a cursor out of range."""
    try:
        beyond = _beyond(sort, cursor)
    except OverflowError:
        return []
    columns = _sort_columns(sort)
    if cursor.backwards:
        order = [column.asc() if desc else column.desc() for column, desc in columns]
    else:
        order = [column.desc() if desc else column.asc() for column, desc in columns]
    products = _listed(statement.where(beyond).order_by(*order))
    if cursor.backwards:
        products.reverse()
    return products


def _category_and_children(category: Category) -> sa.Select:
    return sa.select(Category.id).where(
        sa.or_(Category.id == category.id, Category.parent_id == category.id)
    )


@dataclass(frozen=True)
class ProductRef:
    """A public product as its page first reads it: what keys the page's kept parts and finds
    its related products, in one small query, before anything is drawn."""

    id: int
    facility_id: int
    category_id: int


def public_product_ref(slug: str) -> ProductRef | None:
    """The product `slug` if public, kept per catalogue version (publication, the facility's
    state and the product's category all change it)."""
    return _LISTINGS.get_or_compute(catalogue_token(), ("ref", slug), lambda: _product_ref(slug))


def _product_ref(slug: str) -> ProductRef | None:
    row = db.session.execute(
        public_products_query()
        .with_only_columns(Product.id, Product.facility_id, Product.category_id)
        .where(Product.slug == slug)
    ).first()
    return ProductRef(*row) if row is not None else None


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


def related_products(product: Product | ProductRef, *, limit: int = 4) -> list[Listed]:
    """Others of the same category first, then others of the same facility.

    Each half walks its listing index (`ix_product_category_listing`, `..._facility_listing`)
    in order and stops after `limit` rows, so the cost does not grow with the catalogue; the
    page's rows come in that one statement, kept per catalogue version (what they depend on,
    publication, category, flagship mark, facility, all change it).
    """
    return _COUNTS.get_or_compute(
        catalogue_token(), ("related", product.id, limit), lambda: _related(product, limit)
    )


def _related(product: Product | ProductRef, limit: int) -> list[Listed]:

    def first(where: sa.ColumnElement[bool], half: int) -> sa.Select:
        ranked = (
            public_products_query()
            .with_only_columns(Product.id)
            .where(where, Product.id != product.id)
            .order_by(*_LISTING_ORDER)
            .limit(limit)
            .subquery()
        )
        return sa.select(ranked.c.id, sa.literal(half).label("half"))

    same_category = first(Product.category_id == product.category_id, 0)
    same_facility = first(
        sa.and_(
            Product.facility_id == product.facility_id,
            Product.category_id != product.category_id,
        ),
        1,
    )
    found = sa.union_all(same_category, same_facility).subquery()
    return _listed(
        public_products_query()
        .join(found, found.c.id == Product.id)
        .order_by(found.c.half, *_LISTING_ORDER)
        .limit(limit)
    )


# A facility's own order (its flagships first), walked by the listing indexes.
_LISTING_ORDER = (Product.is_flagship.desc(), Product.published_at.desc(), Product.id.desc())
_NEWEST = (Product.published_at.desc(), Product.id.desc())


def flagship_products(*, limit: int = 8) -> list[Listed]:
    """The facilities' produk unggulan, newest first, at most one per facility.

    Read once per catalogue version (publishing, the flagship mark and a facility's state all
    change it): finding the newest flagship of each facility reads every flagship.
    """
    return _COUNTS.get_or_compute(
        catalogue_token(), ("flagships", limit), lambda: _flagship_products(limit)
    )


def _flagship_products(limit: int) -> list[Listed]:
    newest_flagship = (
        sa.select(sa.func.max(Product.id))
        .join(Product.facility)
        .where(Product.is_flagship, Product.status == ProductStatus.PUBLISHED, Facility.is_active)
        .group_by(Product.facility_id)
    )
    return _listed(
        public_products_query()
        .where(Product.id.in_(newest_flagship))
        .order_by(*_NEWEST)
        .limit(limit)
    )


def newest_products(*, limit: int = 8) -> list[Listed]:
    """The newest public products, read once per catalogue version."""
    return _LISTINGS.get_or_compute(
        catalogue_token(),
        ("newest", limit),
        lambda: _listed(public_products_query().order_by(*_NEWEST).limit(limit)),
    )


def catalogue_figures() -> CatalogueFigures:
    """The home page's figures, counted once per catalogue version."""
    return _COUNTS.get_or_compute(catalogue_token(), ("figures",), products.catalogue_figures)


@dataclass(frozen=True)
class CategoryRow:
    """A category as lists and filters show it: plain values, fit to keep in a cache."""

    id: int
    slug: str
    parent_id: int | None
    name: str
    name_en: str

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


_CATEGORY_COLUMNS = (
    Category.id,
    Category.slug,
    Category.parent_id,
    Category.name,
    Category.name_en,
)


@dataclass(frozen=True)
class CategoryCount:
    category: CategoryRow
    products: int


def categories_with_counts() -> list[CategoryCount]:
    """Top-level categories with the number of public products in them and their children."""

    def count() -> dict[int, int]:
        public = public_products_query().subquery()
        top = sa.func.coalesce(Category.parent_id, Category.id)
        return dict(
            db.session.execute(
                sa.select(top, sa.func.count(public.c.id))
                .join(public, public.c.category_id == Category.id)
                .group_by(top)
            ).all()
        )

    counts = _COUNTS.get_or_compute(catalogue_token(), ("categories",), count)
    roots = db.session.execute(
        sa.select(*_CATEGORY_COLUMNS)
        .where(Category.parent_id.is_(None))
        .order_by(Category.position, Category.id)
    )
    return [CategoryCount(CategoryRow(*row), counts.get(row.id, 0)) for row in roots]


def products_per_category() -> dict[int, int]:
    """Public products in each category itself (not its children), once per catalogue version."""

    def count() -> dict[int, int]:
        return dict(
            db.session.execute(
                public_products_query()
                .with_only_columns(Product.category_id, sa.func.count(Product.id))
                .group_by(Product.category_id)
            ).all()
        )

    return _COUNTS.get_or_compute(catalogue_token(), ("per_category",), count)


@dataclass(frozen=True)
class FacilityListing:
    facility: Facility
    products: int


def _products_per_facility() -> dict[int, int]:
    """Public products per active facility, counted once per catalogue version."""

    def count() -> dict[int, int]:
        return dict(
            db.session.execute(
                public_products_query()
                .with_only_columns(Product.facility_id, sa.func.count(Product.id))
                .group_by(Product.facility_id)
            ).all()
        )

    return _COUNTS.get_or_compute(catalogue_token(), ("per_facility",), count)


FACILITIES_PER_PAGE = 48


@dataclass(frozen=True)
class FacilityPage:
    listings: list[FacilityListing]
    total: int
    page: int
    pages: int


def _directory(
    kanwil_code: str, kind: FacilityKind | None, text: str, page: int, per_page: int
) -> tuple[sa.Select, int, int, int]:
    """Active facilities kept by the directory's filters, in its order (by Kanwil, then name),
    with their number, the page (kept within range) and the pages."""
    statement = sa.select(Facility).join(Facility.kanwil).where(Facility.is_active)
    if kanwil_code:
        statement = statement.where(Kanwil.code == kanwil_code.upper())
    if kind is not None:
        statement = statement.where(Facility.kind == kind)
    words = search.search_terms(text)[:5]
    for word in words:
        pattern = f"%{word}%"
        statement = statement.where(
            sa.or_(Facility.name.ilike(pattern), Facility.city.ilike(pattern))
        )

    def count() -> int:
        counted = statement.with_only_columns(Facility.id).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0

    # Facilities change the catalogue's token too (migration 0014), so the count is kept by it.
    total = _COUNTS.get_or_compute(
        catalogue_token(), ("facilities", kanwil_code.upper(), kind, tuple(words)), count
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    ordered = (
        statement.order_by(Kanwil.name, Facility.name, Facility.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return ordered, total, page, pages


def public_facilities(
    *,
    kanwil_code: str = "",
    kind: FacilityKind | None = None,
    text: str = "",
    page: int = 1,
    per_page: int = FACILITIES_PER_PAGE,
) -> FacilityPage:
    """One page of active facilities with their number of public products, by Kanwil then
    name; `text` keeps those whose name or city holds each of its words.

    A page, not the whole list: the directory counts 600 facilities and grows.
    """
    statement, total, page, pages = _directory(kanwil_code, kind, text, page, per_page)
    rows = db.session.scalars(statement.options(joinedload(Facility.kanwil)))
    counts = _products_per_facility()
    listings = [FacilityListing(f, counts.get(f.id, 0)) for f in rows]
    return FacilityPage(listings, total, page, pages)


@dataclass(frozen=True)
class DirectoryEntry:
    """A facility as the directory's card shows it: plain values, read without loading the
    facility (the card is kept by them: any change draws a new one)."""

    slug: str
    name: str
    kind: FacilityKind
    kind_label: str
    facility_class: FacilityClass
    city: str
    kanwil_name: str
    products: int


@dataclass(frozen=True)
class DirectoryPage:
    entries: tuple[DirectoryEntry, ...]  # a tuple: the page's cards are kept by it
    total: int
    page: int
    pages: int


def facility_directory(
    *,
    kanwil_code: str = "",
    kind: FacilityKind | None = None,
    text: str = "",
    page: int = 1,
    per_page: int = FACILITIES_PER_PAGE,
) -> DirectoryPage:
    """`public_facilities` as the public directory shows it, in plain rows, read once per
    catalogue version (facilities change it; so do products, which the counts are of)."""
    return _LISTINGS.get_or_compute(
        catalogue_token(),
        ("directory", kanwil_code.upper(), kind, text, page, per_page),
        lambda: _directory_page(kanwil_code, kind, text, page, per_page),
    )


def _directory_page(
    kanwil_code: str, kind: FacilityKind | None, text: str, page: int, per_page: int
) -> DirectoryPage:
    statement, total, page, pages = _directory(kanwil_code, kind, text, page, per_page)
    rows = db.session.execute(
        statement.with_only_columns(
            Facility.id,
            Facility.slug,
            Facility.name,
            Facility.kind,
            Facility.specialty,
            Facility.facility_class,
            Facility.city,
            Kanwil.name,
        )
    )
    counts = _products_per_facility()
    entries = tuple(
        DirectoryEntry(
            slug, name, kind_, kind_label(kind_, specialty), klass, city, kanwil, counts.get(id_, 0)
        )
        for id_, slug, name, kind_, specialty, klass, city, kanwil in rows
    )
    return DirectoryPage(entries, total, page, pages)


@dataclass(frozen=True)
class KanwilSummary:
    """A Kanwil as the home page lists it: where its facilities are found, and how many."""

    code: str
    province: str
    facilities: int


def kanwil_summaries() -> list[KanwilSummary]:
    """Each Kanwil with active facilities and their number, by name: a bounded list (one line
    per province) where the home page used to list every facility."""
    rows = db.session.execute(
        sa.select(Kanwil.code, Kanwil.province, sa.func.count(Facility.id))
        .join(Facility, Facility.kanwil_id == Kanwil.id)
        .where(Facility.is_active)
        .group_by(Kanwil.id, Kanwil.code, Kanwil.province, Kanwil.name)
        .order_by(Kanwil.name)
    )
    return [KanwilSummary(*row) for row in rows]


@dataclass(frozen=True)
class KanwilRow:
    """A Kanwil as filters show it: plain values, fit to keep in a cache."""

    id: int
    code: str
    province: str


def kanwils_with_facilities() -> list[KanwilRow]:
    rows = db.session.execute(
        sa.select(Kanwil.id, Kanwil.code, Kanwil.province)
        .where(Kanwil.id.in_(sa.select(Facility.kanwil_id).where(Facility.is_active)))
        .order_by(Kanwil.name)
    )
    return [KanwilRow(*row) for row in rows]


FACILITY_CHOICES = 20


def facility_choices(text: str, *, limit: int = FACILITY_CHOICES) -> list[tuple[str, str]]:
    """(slug, name) of at most `limit` selling facilities whose name or city contains `text`.

    What the catalogue's facility field suggests while a visitor types, instead of listing
    hundreds of facilities on every page.
    """
    words = search.search_terms(text)[:3]
    selling = _products_per_facility()
    statement = sa.select(Facility.id, Facility.slug, Facility.name).where(Facility.is_active)
    for word in words:
        pattern = f"%{word}%"
        statement = statement.where(
            sa.or_(Facility.name.ilike(pattern), Facility.city.ilike(pattern))
        )
    rows = db.session.execute(statement.order_by(Facility.name)).all()
    return [(slug, name) for id_, slug, name in rows if selling.get(id_)][:limit]


def all_categories() -> list[CategoryRow]:
    rows = db.session.execute(
        sa.select(*_CATEGORY_COLUMNS).order_by(Category.position, Category.id)
    )
    return [CategoryRow(*row) for row in rows]


def public_facility_id(slug: str) -> int | None:
    """The id of the active facility `slug`: what its page reads before anything is drawn;
    kept per catalogue version (a facility's writes change it)."""
    return _LISTINGS.get_or_compute(
        catalogue_token(),
        ("facility_id", slug),
        lambda: db.session.scalar(
            sa.select(Facility.id).where(Facility.slug == slug, Facility.is_active)
        ),
    )


def public_facility(slug: str) -> Facility | None:
    return db.session.scalar(
        sa.select(Facility)
        .where(Facility.slug == slug, Facility.is_active)
        .options(joinedload(Facility.kanwil), selectinload(Facility.workshops))
    )


def facility_products(facility_id: int, *, limit: int) -> list[Listed]:
    """A facility's public products, its flagships first, read once per catalogue version."""
    return _LISTINGS.get_or_compute(
        catalogue_token(),
        ("facility", facility_id, limit),
        lambda: _listed(
            public_products_query()
            .where(Product.facility_id == facility_id)
            .order_by(*_LISTING_ORDER)
            .limit(limit)
        ),
    )


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
    local = now.astimezone(clock.zone(facility.timezone))
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
    local = now.astimezone(clock.zone(facility.timezone))
    for day in opening_week(facility, now):
        if day.is_today and day.hours is not None:
            return day.hours[0] <= local.strftime("%H:%M") < day.hours[1]
    return False

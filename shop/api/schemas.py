"""The shapes of the API's parameters and answers; the OpenAPI document is made from these.

Answers hold what the storefront shows and nothing more: no stock figures beyond what a buyer
reads ("3 left"), no production cost, no photo that is not approved, only the renditions (never
a master or an original).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shop.catalogue.browse import Availability, Sort

MAX_PRICE_IDR = 999_999_999
MAX_LIMIT = 100
DEFAULT_LIMIT = 24
SLUG = r"^[a-z0-9][a-z0-9-]{0,199}$"
# Printable text only: the site refuses control characters in any query (400).
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


class ProductQuery(Schema):
    q = fields.String(
        load_default="",
        validate=[validate.Length(max=200), validate.Regexp(PRINTABLE)],
        metadata={"description": "Words to search in names and descriptions (all must match)."},
    )
    category = fields.String(
        validate=validate.Regexp(SLUG),
        metadata={"description": "A category's slug; its subcategories are included."},
    )
    facility = fields.String(
        validate=validate.Regexp(SLUG), metadata={"description": "A facility's slug."}
    )
    kanwil = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9]{1,16}$"),
        metadata={"description": "A regional office's code, e.g. `RIAU`."},
    )
    min_price = fields.Integer(
        validate=validate.Range(min=0, max=MAX_PRICE_IDR),
        metadata={"description": "Lowest price in whole rupiah (the cheapest variant)."},
    )
    max_price = fields.Integer(
        validate=validate.Range(min=0, max=MAX_PRICE_IDR),
        metadata={"description": "Highest price in whole rupiah (the cheapest variant)."},
    )
    in_stock = fields.Boolean(
        load_default=False,
        metadata={"description": "Only products that can be ordered now (or made to order)."},
    )
    sort = fields.Enum(
        Sort,
        by_value=True,
        metadata={
            "description": "Order: `relevance` (default with `q`), `newest` (default), "
            "`price_asc`, `price_desc`."
        },
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": "Products per page."},
    )
    cursor = fields.String(
        validate=[validate.Length(max=200), validate.Regexp(r"^[A-Za-z0-9_.=-]*$")],
        metadata={"description": "`next_cursor` of the previous page (same filters and sort)."},
    )


class Rendition(Schema):
    url = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    format = fields.String(required=True, metadata={"description": "`webp` or `jpeg`."})


class Image(Schema):
    alt = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    renditions = fields.List(fields.Nested(Rendition), required=True)


class CategoryRef(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(required=True)


class FacilityRef(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kanwil = fields.String(required=True, metadata={"description": "Regional office code."})


class ProductSummary(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The product's page."})
    price_min_idr = fields.Integer(required=True)
    price_max_idr = fields.Integer(required=True)
    currency = fields.String(required=True, metadata={"description": "Always `IDR`."})
    availability = fields.Enum(Availability, by_value=True, required=True)
    remaining = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Units left when few are (as the shop says), else null."},
    )
    made_to_order = fields.Boolean(required=True)
    lead_time_days = fields.Integer(required=True, allow_none=True)
    is_flagship = fields.Boolean(required=True)
    category = fields.Nested(CategoryRef, required=True)
    facility = fields.Nested(FacilityRef, required=True)
    image = fields.Nested(Image, required=True, allow_none=True)
    published_at = fields.DateTime(required=True)


class ProductList(Schema):
    items = fields.List(fields.Nested(ProductSummary), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    next = fields.String(
        required=True, allow_none=True, metadata={"description": "The next page's address."}
    )
    unknown_filters = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Filters naming nothing public (then no product matches)."},
    )


class Variant(Schema):
    sku = fields.String(required=True)
    label = fields.String(required=True)
    price_idr = fields.Integer(required=True)
    availability = fields.Enum(Availability, by_value=True, required=True)
    remaining = fields.Integer(required=True, allow_none=True)


class FoodPermits(Schema):
    pirt_number = fields.String(required=True, allow_none=True)
    halal_certificate = fields.String(required=True, allow_none=True)
    shelf_life_days = fields.Integer(required=True, allow_none=True)


class ProductDetail(ProductSummary):
    description = fields.String(required=True)
    weight_grams = fields.Integer(required=True)
    workshop = fields.String(required=True, allow_none=True)
    food = fields.Nested(FoodPermits, required=True, allow_none=True)
    variants = fields.List(fields.Nested(Variant), required=True)
    images = fields.List(fields.Nested(Image), required=True)


class FacilityQuery(Schema):
    kanwil = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9]{1,16}$"))
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=10_000),
        metadata={"description": "Page number, from 1; a page past the last gives the last."},
    )


class Facility(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "lapas, rutan, lpka, lpp, bapas"})
    facility_class = fields.String(required=True)
    city = fields.String(required=True)
    address = fields.String(required=True)
    phone = fields.String(required=True)
    email = fields.String(required=True)
    timezone = fields.String(required=True)
    kanwil = fields.String(required=True, metadata={"description": "Regional office code."})
    province = fields.String(required=True)
    products = fields.Integer(required=True, metadata={"description": "Public products."})
    url = fields.String(required=True)


class FacilityList(Schema):
    items = fields.List(fields.Nested(Facility), required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Facilities on all pages."})


class Category(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(required=True)
    parent = fields.String(required=True, allow_none=True)
    products = fields.Integer(
        required=True,
        metadata={"description": "Public products (a top category: with its children)."},
    )


class CategoryList(Schema):
    items = fields.List(fields.Nested(Category), required=True)


class ApiError(Schema):
    error = fields.String(required=True, metadata={"description": "A stable code."})
    message = fields.String(required=True)
    retry_after = fields.Integer(metadata={"description": "Seconds to wait (429 only)."})
    errors = fields.Dict(metadata={"description": "Invalid parameters (422 only)."})

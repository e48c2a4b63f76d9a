"""Changes the public pages show, noticed where they are written: the session's flush.

Products, variants (price, stock), photos (approval, order), workshops, facilities, delivery
rates, categories and Kanwil are changed from many places: the back office, imports, checkout
and expiring holds (stock in one UPDATE, with a stock movement row), the privacy review. Rather
than ask each of them to remember the page cache, every flush that writes one of these rows
asks `page_versions` to bump the catalogue's version and the version of each facility touched,
after the transaction commits; and the version of each product touched, and of each facility
whose own row changed, for the product cards kept as HTML (`shop.storefront.cards`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from shop.core import page_versions
from shop.models import (
    Category,
    DeliveryRateTable,
    Facility,
    Kanwil,
    Product,
    ProductImage,
    ProductVariant,
    Workshop,
)
from shop.models.stock import StockMovement

# Rows that carry their facility's id, and rows that belong to a product.
_OF_A_FACILITY = (Product, Workshop, DeliveryRateTable)
_OF_A_PRODUCT = (ProductVariant, ProductImage)
# Rows shown on every page (filters, names), whichever facility.
_EVERYWHERE = (Category, Kanwil)


@event.listens_for(Session, "before_flush")
def _note_public_changes(session: Session, _context: Any, _instances: Any) -> None:
    touched = [
        *session.new,
        *session.deleted,
        *(o for o in session.dirty if session.is_modified(o, include_collections=False)),
    ]
    facility_ids: set[int | None] = set()
    product_ids: set[int | None] = set()
    variant_ids: set[int] = set()
    # Products whose card changes (their facility is known already, or looked up with these).
    cards: set[int | None] = set()
    public = every_facility = False
    for row in touched:
        if isinstance(row, Facility):
            facility_ids.add(row.id)
        elif isinstance(row, _OF_A_FACILITY):
            facility_ids.update(_values(row, "facility_id"))
            facility_ids.add(_loaded_id(row, "facility"))
            if isinstance(row, Product):
                cards.add(row.id)
        elif isinstance(row, _OF_A_PRODUCT):
            product_ids.update(_values(row, "product_id"))
            product = row.__dict__.get("product")
            if product is not None:
                cards.add(product.id)
                facility_ids.add(product.facility_id or _loaded_id(product, "facility"))
        elif isinstance(row, StockMovement):
            variant_ids.add(row.variant_id)
        elif isinstance(row, _EVERYWHERE):
            every_facility = True
        else:
            continue
        public = True
    if not public:
        return
    stocked = _products_of(session, variant_ids)
    cards.update(stocked, product_ids)
    facility_ids.update(stocked.values())
    facility_ids.update(_facilities_of(session, product_ids - {None}))
    page_versions.changed(
        session,
        catalogue=True,
        facility_ids=facility_ids,
        every_facility=every_facility,
        product_ids=cards,
        facility_names=(row.id for row in touched if isinstance(row, Facility)),
    )


def _values(row: object, attribute: str) -> set[int | None]:
    """The attribute's value now and before this flush (a product moved to another facility
    changes both facilities' pages)."""
    history = inspect(row).attrs[attribute].history
    return {getattr(row, attribute), *history.deleted}


def _loaded_id(row: object, relationship: str) -> int | None:
    """The id of a related row already in memory (a new row's foreign key is set at flush)."""
    related = row.__dict__.get(relationship)
    return getattr(related, "id", None)


def _products_of(session: Session, variant_ids: set[int]) -> dict[int, int]:
    """{product id: facility id} of the variants whose stock moved."""
    if not variant_ids:
        return {}
    with session.no_autoflush:
        rows = session.execute(
            select(Product.id, Product.facility_id)
            .join(ProductVariant, ProductVariant.product_id == Product.id)
            .where(ProductVariant.id.in_(variant_ids))
        )
        return dict(rows.all())


def _facilities_of(session: Session, product_ids: set[Any]) -> set[int]:
    if not product_ids:
        return set()
    with session.no_autoflush:
        return set(session.scalars(select(Product.facility_id).where(Product.id.in_(product_ids))))

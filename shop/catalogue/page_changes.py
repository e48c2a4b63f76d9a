"""Changes the public pages show, noticed where they are written: the session's flush.

Products, variants (price, stock), photos (approval, order), workshops, facilities, delivery
rates, categories and Kanwil are changed from many places: the back office, imports, checkout
and expiring holds (stock in one UPDATE, with a stock movement row), the privacy review. Rather
than ask each of them to remember the page cache, every flush that writes one of these rows
asks `page_versions` to bump the catalogue's version and the version of each facility touched,
after the transaction commits.
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
    public = every_facility = False
    for row in touched:
        if isinstance(row, Facility):
            facility_ids.add(row.id)
        elif isinstance(row, _OF_A_FACILITY):
            facility_ids.update(_values(row, "facility_id"))
            facility_ids.add(_loaded_id(row, "facility"))
        elif isinstance(row, _OF_A_PRODUCT):
            product_ids.update(_values(row, "product_id"))
            product = row.__dict__.get("product")
            if product is not None:
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
    facility_ids.update(_facilities_of(session, product_ids - {None}, variant_ids))
    page_versions.changed(
        session, catalogue=True, facility_ids=facility_ids, every_facility=every_facility
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


def _facilities_of(session: Session, product_ids: set[Any], variant_ids: set[int]) -> set[int]:
    if not product_ids and not variant_ids:
        return set()
    with session.no_autoflush:
        found = set()
        if product_ids:
            found.update(
                session.scalars(select(Product.facility_id).where(Product.id.in_(product_ids)))
            )
        if variant_ids:
            found.update(
                session.scalars(
                    select(Product.facility_id)
                    .join(ProductVariant, ProductVariant.product_id == Product.id)
                    .where(ProductVariant.id.in_(variant_ids))
                )
            )
    return found

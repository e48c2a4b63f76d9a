"""What a back-office user may see: one filter for every query, by facility or by region.

Staff see their facility, kanwil users the facilities of their region, central and admin all.
Every back-office query that reads facility-owned rows goes through `facility_filter` (or the
helpers built on it), and `get_in_scope` turns "not yours" into the same answer as "not there",
so ids of other facilities cannot be probed.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa

from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.numbers import parse_id
from shop.database import db
from shop.models import (
    Facility,
    FacilityOrder,
    Product,
    ProductImage,
    ProductVariant,
    Role,
    Stand,
    StandSale,
    User,
)

T = TypeVar("T")


class OutOfScope(DomainError):
    """The object does not exist, or is outside the user's scope: the web layer answers 404."""

    def __init__(self) -> None:
        super().__init__(_l("Tidak ditemukan."))


def facility_filter(user: User, facility_id_column: Any) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting `facility_id_column` to the facilities `user` may see."""
    if user.role is Role.STAFF:
        return facility_id_column == user.facility_id
    if user.role is Role.KANWIL:
        return facility_id_column.in_(
            sa.select(Facility.id).where(Facility.kanwil_id == user.kanwil_id)
        )
    if user.role in (Role.CENTRAL, Role.ADMIN):
        return sa.true()
    return sa.false()


def facilities(user: User) -> sa.Select[tuple[Facility]]:
    return sa.select(Facility).where(facility_filter(user, Facility.id)).order_by(Facility.name)


def products(user: User) -> sa.Select[tuple[Product]]:
    return sa.select(Product).where(facility_filter(user, Product.facility_id))


# How each scoped model reaches its facility.
_FACILITY_OF: dict[type, tuple[Any, ...]] = {
    Facility: (Facility.id,),
    FacilityOrder: (FacilityOrder.facility_id,),
    Product: (Product.facility_id,),
    ProductVariant: (Product.facility_id, ProductVariant.product),
    ProductImage: (Product.facility_id, ProductImage.product),
    Stand: (Stand.facility_id,),
    StandSale: (StandSale.facility_id,),
}


def get_in_scope(user: User, model: type[T], object_id: Any) -> T:
    """The `model` row with `object_id` if `user` may see it; `OutOfScope` otherwise."""
    object_id = parse_id(object_id)
    if object_id is None:
        raise OutOfScope()
    column, *join = _FACILITY_OF[model]
    query = sa.select(model).where(model.id == object_id)  # type: ignore[attr-defined]
    if join:
        query = query.join(join[0])
    found = db.session.scalar(query.where(facility_filter(user, column)))
    if found is None:
        raise OutOfScope()
    return found


def can_see_facility(user: User, facility: Facility) -> bool:
    if user.role is Role.STAFF:
        return facility.id == user.facility_id
    if user.role is Role.KANWIL:
        return facility.kanwil_id == user.kanwil_id
    return user.role in (Role.CENTRAL, Role.ADMIN)

"""The figures on the back office's start page, for one user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from shop.accounts import scoping
from shop.catalogue import review
from shop.database import db
from shop.models import (
    Facility,
    FacilityOrder,
    FacilityOrderStatus,
    Product,
    ProductStatus,
    ProductVariant,
    Role,
    User,
)

# A part in one of these states waits for the facility to act (pack, ship, hand over).
OPEN_PART_STATUSES = (
    FacilityOrderStatus.PAID,
    FacilityOrderStatus.PACKED,
    FacilityOrderStatus.READY_FOR_PICKUP,
)


@dataclass(frozen=True)
class Unattended:
    """A facility with paid orders waiting and nobody who can sign in to handle them."""

    facility: Facility
    open_parts: int


@dataclass(frozen=True)
class Summary:
    by_status: dict[str, int]
    awaiting_review: int
    rejected: list[Product]
    low_stock: list[ProductVariant]
    unattended: list[Unattended]


def summary(*, user: User) -> Summary:
    scoped = scoping.products(user).subquery()
    counts = dict(
        db.session.execute(select(scoped.c.status, func.count()).group_by(scoped.c.status)).all()
    )
    rejected = db.session.scalars(
        scoping.products(user)
        .where(Product.rejection_reason.is_not(None), Product.status != ProductStatus.ARCHIVED)
        .order_by(Product.reviewed_at.desc())
        .limit(10)
    ).all()
    low = db.session.scalars(
        select(ProductVariant)
        .join(ProductVariant.product)
        .where(
            scoping.facility_filter(user, Product.facility_id),
            Product.status != ProductStatus.ARCHIVED,
            ProductVariant.stock <= ProductVariant.low_stock_threshold,
        )
        .order_by(ProductVariant.stock, ProductVariant.id)
        .limit(20)
    ).all()
    return Summary(
        by_status={s.value: counts.get(s.value, counts.get(s, 0)) for s in ProductStatus},
        awaiting_review=len(review.queue(user=user)),
        rejected=list(rejected),
        low_stock=list(low),
        unattended=unattended_facilities(user=user) if user.role is not Role.STAFF else [],
    )


def unattended_facilities(*, user: User) -> list[Unattended]:
    """Facilities in `user`'s scope with open orders and no active staff account.

    Their new-order mail goes to nobody, so the region or the centre has to step in.
    """
    has_staff = (
        select(User.id)
        .where(User.facility_id == Facility.id, User.role == Role.STAFF, User.is_active.is_(True))
        .exists()
    )
    rows = db.session.execute(
        select(Facility, func.count(FacilityOrder.id))
        .join(FacilityOrder, FacilityOrder.facility_id == Facility.id)
        .where(
            scoping.facility_filter(user, Facility.id),
            FacilityOrder.status.in_(OPEN_PART_STATUSES),
            ~has_staff,
        )
        .group_by(Facility.id)
        .order_by(Facility.name)
    ).all()
    return [Unattended(facility=facility, open_parts=count) for facility, count in rows]

"""The figures on the back office's start page, for one user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from shop.database import db
from shop.models import Product, ProductStatus, ProductVariant, User
from shop.services import review, scoping


@dataclass(frozen=True)
class Summary:
    by_status: dict[str, int]
    awaiting_review: int
    rejected: list[Product]
    low_stock: list[ProductVariant]


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
    )

"""Review before publishing: staff submit with a privacy checklist, reviewers approve or reject.

The queue holds every product whose last submission is newer than its last decision: new
products (status pending_review) and published products with new photos (they stay on sale;
only the new photos wait). Approval publishes the product and makes its pending photos public.
Central can exempt a trusted facility: its submissions are approved at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from shop.database import db
from shop.models import (
    Facility,
    ImageReviewState,
    Product,
    ProductStatus,
    ReviewSubmission,
    Role,
    User,
)
from shop.services import audit, scoping
from shop.services.errors import DomainError

REVIEWER_ROLES = (Role.KANWIL, Role.CENTRAL, Role.ADMIN)


class ReviewError(DomainError):
    pass


@dataclass(frozen=True)
class Checklist:
    no_faces: bool
    no_names: bool
    no_identifying_details: bool
    photos_where_allowed: bool
    no_people: bool = False


def submit(*, product: Product, checklist: Checklist, actor: User, now: datetime) -> None:
    """Send the product (or its new photos) for review, after the privacy checklist."""
    facility = product.facility
    if product.status is ProductStatus.ARCHIVED:
        raise ReviewError(_l("Produk yang diarsipkan tidak dapat diajukan."))
    if product.status is ProductStatus.PUBLISHED and not product.pending_images:
        raise ReviewError(_l("Tidak ada foto baru yang menunggu pemeriksaan."))
    if not any(i.review_state is not ImageReviewState.REJECTED for i in product.images):
        raise ReviewError(_l("Tambahkan minimal satu foto sebelum mengajukan."))
    if not product.variants:
        raise ReviewError(_l("Produk membutuhkan minimal satu varian."))
    ticked = [
        checklist.no_faces, checklist.no_names,
        checklist.no_identifying_details, checklist.photos_where_allowed,
    ]  # fmt: skip
    if not all(ticked):
        raise ReviewError(_l("Centang semua butir daftar periksa privasi sebelum mengajukan."))
    if not facility.shows_people and not checklist.no_people:
        raise ReviewError(
            _l("Foto produk LPKA tidak boleh menampilkan orang sama sekali (UU 11/2012 pasal 19).")
        )
    db.session.add(
        ReviewSubmission(
            product=product, submitted_by_id=actor.id, no_faces=True, no_names=True,
            no_identifying_details=True, photos_where_allowed=True,
            no_people=None if facility.shows_people else True, created_at=now,
        )
    )  # fmt: skip
    before = product.status
    product.submitted_at = now
    product.rejection_reason = None
    if product.status is ProductStatus.DRAFT:
        product.status = ProductStatus.PENDING_REVIEW
    audit.record(
        actor=actor, action="product.submit", obj=product,
        changes={"status": [before.value, product.status.value]},
    )  # fmt: skip
    if facility.review_exempt:
        _approve(product, reviewer=None, now=now, actor_label="review_exempt")
    db.session.commit()


def approve(*, product: Product, reviewer: User, now: datetime) -> None:
    _check_reviewer(product, reviewer)
    _approve(product, reviewer=reviewer, now=now)
    db.session.commit()


def _approve(
    product: Product, *, reviewer: User | None, now: datetime, actor_label: str | None = None
) -> None:
    before = product.status
    approved = [i.id for i in product.pending_images]
    for image in product.pending_images:
        image.review_state = ImageReviewState.APPROVED
    if product.status is ProductStatus.PENDING_REVIEW:
        product.status = ProductStatus.PUBLISHED
        product.published_at = product.published_at or now
    product.reviewed_at = now
    product.reviewer = reviewer
    product.rejection_reason = None
    audit.record(
        actor=reviewer, actor_label=actor_label, action="product.approve", obj=product,
        changes={
            "status": [before.value, product.status.value], "images_approved": [None, approved],
        },
    )  # fmt: skip


def reject(*, product: Product, reviewer: User, reason: str, now: datetime) -> None:
    """Send it back with a reason the staff see; a published product stays on sale."""
    _check_reviewer(product, reviewer)
    reason = reason.strip()
    if len(reason) < 5:
        raise ReviewError(_l("Tuliskan alasan penolakan agar staf tahu apa yang harus diperbaiki."))
    before = product.status
    if product.status is ProductStatus.PENDING_REVIEW:
        product.status = ProductStatus.DRAFT
    product.reviewed_at = now
    product.reviewer = reviewer
    product.rejection_reason = reason[:2000]
    audit.record(
        actor=reviewer, action="product.reject", obj=product,
        changes={"status": [before.value, product.status.value], "reason": [None, reason]},
    )  # fmt: skip
    db.session.commit()


def _check_reviewer(product: Product, reviewer: User) -> None:
    if reviewer.role not in REVIEWER_ROLES or not scoping.can_see_facility(
        reviewer, product.facility
    ):
        raise scoping.OutOfScope()
    if not product.awaiting_review:
        raise ReviewError(_l("Produk ini tidak sedang menunggu pemeriksaan."))


def queue(*, user: User) -> list[Product]:
    """Products waiting for a decision in the user's scope, oldest submission first."""
    query = scoping.products(user).where(
        Product.submitted_at.is_not(None),
        or_(Product.reviewed_at.is_(None), Product.reviewed_at < Product.submitted_at),
        Product.status != ProductStatus.ARCHIVED,
    )
    return list(db.session.scalars(query.order_by(Product.submitted_at, Product.id)))


def set_review_exempt(*, facility: Facility, exempt: bool, actor: User) -> None:
    """Central switches review off (or on again) for a trusted facility."""
    if actor.role not in (Role.CENTRAL, Role.ADMIN):
        raise scoping.OutOfScope()
    if facility.review_exempt != exempt:
        audit.record(
            actor=actor, action="facility.review_exempt", obj=facility,
            changes={"review_exempt": [facility.review_exempt, exempt]},
        )  # fmt: skip
        facility.review_exempt = exempt
    db.session.commit()


def latest_submission(product: Product) -> ReviewSubmission | None:
    return db.session.scalar(
        select(ReviewSubmission)
        .where(ReviewSubmission.product_id == product.id)
        .order_by(ReviewSubmission.created_at.desc(), ReviewSubmission.id.desc())
        .limit(1)
    )

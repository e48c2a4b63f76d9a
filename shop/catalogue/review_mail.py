"""Telling people about review: reviewers when a submission enters their queue, staff when their
product or photos are decided. Written to the outbox in the transaction of the submission or
decision, delivered after its commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from shop.catalogue import text_revisions
from shop.core import mail, urls
from shop.core.i18n import lazy_gettext as _l
from shop.database import db
from shop.models import Product, ProductImage, ProductStatus, Role, User

if TYPE_CHECKING:
    from shop.catalogue.review import Outcome


def reviewer_emails(product: Product) -> list[str]:
    """The active reviewers of the product's region; central when the region has none."""
    regional = list(
        db.session.scalars(
            select(User.email).where(
                User.role == Role.KANWIL,
                User.kanwil_id == product.facility.kanwil_id,
                User.is_active.is_(True),
            )
        )
    )
    if regional:
        return regional
    return list(
        db.session.scalars(
            select(User.email).where(User.role == Role.CENTRAL, User.is_active.is_(True))
        )
    )


def send_submission(*, product: Product, photos: list[ProductImage]) -> None:
    """One digest per submission to the region's reviewers: what waits and where."""
    _send_queued(product=product, photo_count=len(photos), new_text=False)


def send_text_revision(*, product: Product) -> None:
    """New text of a published product entered the queue."""
    _send_queued(product=product, photo_count=0, new_text=True)


def _send_queued(*, product: Product, photo_count: int, new_text: bool) -> None:
    mail.send(
        to=reviewer_emails(product),
        subject=_l(
            "Menunggu pemeriksaan: %(name)s (%(facility)s)",
            name=product.name,
            facility=product.facility.name,
        ),
        template="review_queued",
        locale="id",
        product=product,
        photo_count=photo_count,
        new_text=new_text,
        review_link=urls.absolute(urls.review_path(product.id)),
    )


def send_decision(*, product: Product, outcome: Outcome) -> None:
    """The facility's staff learn what was approved or rejected, with the reasons."""
    if not outcome.decided:
        return
    by_id = {i.id: i for i in product.images}
    rejected = [by_id[i] for i in outcome.rejected if i in by_id]
    revision_reason = None
    if outcome.text == "rejected":
        revision_reason = product.rejection_reason
        if product.status is ProductStatus.PUBLISHED:
            last = text_revisions.last_rejected(product)
            revision_reason = last.rejection_reason if last else None
    mail.send(
        to=mail.staff_emails(product.facility_id),
        subject=_l("Hasil pemeriksaan: %(name)s", name=product.name),
        template="review_decided",
        locale="id",
        product=product,
        approved_count=len(outcome.approved),
        rejected=rejected,
        text=outcome.text,
        text_reason=revision_reason,
        published=outcome.published,
        product_link=urls.absolute(urls.admin_product_path(product.id)),
    )

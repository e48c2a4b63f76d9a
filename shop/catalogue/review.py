"""Review before publishing: staff submit with a privacy checklist, reviewers decide what they saw.

The queue holds new products (status pending_review) and published products with submitted
photos or new text waiting (they stay on sale under their approved photos and text meanwhile).

A decision covers exactly what the reviewer's screen showed: the form carries a token (id and
content hash) for each photo and for the text, and `decide` compares them, under row locks, with
what is there now. A photo that came in or changed after the screen was opened stays pending and
the reviewer is told; a stale text is not approved. Each photo is approved (with the privacy
checklist ticked for it) or rejected with a reason the staff see.

Central can exempt a trusted facility: its submissions are approved at once. Files move between
the private and the public store after the commit (`shop.catalogue.photo_files`), and the people
concerned are mailed after it too (`shop.catalogue.review_mail`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, or_, select

from shop.accounts import scoping
from shop.catalogue import photo_files, review_mail, text_revisions
from shop.core import audit, unit_of_work
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.storage import Storage
from shop.core.text import has_control_characters
from shop.database import db
from shop.models import (
    Facility,
    ImageReviewState,
    PhotoProcessing,
    Product,
    ProductImage,
    ProductStatus,
    ProductTextRevision,
    ReviewSubmission,
    Role,
    TextRevisionState,
    User,
)

REVIEWER_ROLES = (Role.KANWIL, Role.CENTRAL, Role.ADMIN)
MIN_REASON = 5


class ReviewError(DomainError):
    pass


@dataclass(frozen=True)
class Checklist:
    no_faces: bool
    no_names: bool
    no_identifying_details: bool
    photos_where_allowed: bool
    no_people: bool = False


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


def photo_checklist(facility: Facility) -> list[ChecklistItem]:
    """What a reviewer confirms for each photo; an LPKA's photos may show no person at all."""
    first = (
        ChecklistItem("no_faces", _l("Tidak ada wajah yang dapat dikenali."))
        if facility.shows_people
        else ChecklistItem(
            "no_people",
            _l("Tidak ada orang sama sekali, sebagian pun (LPKA, UU 11/2012 pasal 19)."),
        )
    )
    return [
        first,
        ChecklistItem("no_names", _l("Tidak ada nama, nomor register atau tulisan identitas.")),
        ChecklistItem(
            "no_identifying_details",
            _l("Tidak ada tato, seragam bernomor, denah atau detail lokasi yang mengenali."),
        ),
    ]


@dataclass(frozen=True)
class PhotoDecision:
    approve: bool
    reason: str = ""
    checked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    """What the reviewer's form posted: tokens of what was shown, and a decision for each."""

    shown_photos: Mapping[int, str]
    photos: Mapping[int, PhotoDecision]
    shown_text: str | None = None
    approve_text: bool | None = None
    text_reason: str = ""


@dataclass
class Outcome:
    approved: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    # Submitted photos the screen did not show, and shown ones that changed since.
    arrived: int = 0
    changed: int = 0
    text: str | None = None  # "approved", "rejected", "stale" or None (no text to decide)
    published: bool = False

    @property
    def decided(self) -> bool:
        return bool(self.approved or self.rejected) or self.text in ("approved", "rejected")


def photo_token(image: ProductImage) -> str:
    """Identifies a photo and its content (and alt text) as the reviewer saw it."""
    body = f"{image.id}|{image.master_key}|{image.alt_text}"
    return hashlib.sha256(body.encode()).hexdigest()[:24]


def text_token(product: Product) -> str | None:
    """The token of the text under review: a new product's own, or a pending revision."""
    if product.status is ProductStatus.PENDING_REVIEW:
        return text_revisions.product_token(product)
    revision = product.pending_revision
    return text_revisions.token(revision) if revision is not None else None


def submit(
    *, product: Product, checklist: Checklist, actor: User, now: datetime, storage: Storage
) -> None:
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
    product = lock_product(product.id)
    submission = ReviewSubmission(
        product=product, submitted_by_id=actor.id, no_faces=True, no_names=True,
        no_identifying_details=True, photos_where_allowed=True,
        no_people=None if facility.shows_people else True, created_at=now,
    )  # fmt: skip
    db.session.add(submission)
    newly = [i for i in product.pending_images if i.submitted_at is None]
    for image in newly:
        image.submitted_at = now
    before = product.status
    product.submitted_at = now
    product.rejection_reason = None
    if product.status is ProductStatus.DRAFT:
        product.status = ProductStatus.PENDING_REVIEW
    audit.record(
        actor=actor, action="product.submit", obj=product,
        changes={
            "status": [before.value, product.status.value],
            "images_submitted": [None, [i.id for i in newly]],
        },
    )  # fmt: skip
    approved: list[ProductImage] = []
    if facility.review_exempt:
        approved = _approve_exempt(product, actor=actor, now=now)
    if facility.review_exempt:
        unit_of_work.after_commit(lambda: photo_files.sync(storage, approved))
    else:
        review_mail.send_submission(product=product, photos=newly)


def _approve_exempt(product: Product, *, actor: User, now: datetime) -> list[ProductImage]:
    """A facility exempt from review: everything submitted is approved at once, by its sender."""
    before = product.status
    approved = list(product.submitted_images)
    for image in approved:
        image.review_state = ImageReviewState.APPROVED
        image.reviewed_at = now
    if product.status is ProductStatus.PENDING_REVIEW:
        product.status = ProductStatus.PUBLISHED
        product.published_at = product.published_at or now
    product.reviewed_at = now
    product.reviewer = None
    audit.record(
        actor=actor, action="product.approve", obj=product,
        changes={
            "status": [before.value, product.status.value],
            "images_approved": [None, [i.id for i in approved]],
            "review_exempt": [None, True],
        },
    )  # fmt: skip
    return list(product.images) if product.status is ProductStatus.PUBLISHED else approved


def decide(
    *, product: Product, reviewer: User, decision: Decision, now: datetime, storage: Storage
) -> Outcome:
    """Apply the reviewer's decisions to what the screen showed, and only to that.

    Everything is checked before anything changes: a missing decision, an unticked checklist
    or a rejection without a reason raises `ReviewError` and nothing is written. When nothing
    shown is still there as shown, nothing is decided (`Outcome.decided` is False).
    """
    _check_reviewer(product, reviewer)
    product = lock_product(product.id)
    if not product.awaiting_review:
        raise ReviewError(_l("Produk ini tidak sedang menunggu pemeriksaan."))
    outcome = Outcome()
    waiting = {i.id: i for i in product.submitted_images}
    seen = {
        image_id: image
        for image_id, image in waiting.items()
        if decision.shown_photos.get(image_id) == photo_token(image)
    }
    outcome.arrived = sum(1 for i in waiting if i not in decision.shown_photos)
    outcome.changed = sum(1 for i in waiting if i in decision.shown_photos and i not in seen)
    current_text = text_token(product)
    text_seen = current_text is not None and decision.shown_text == current_text
    if decision.shown_text is not None and not text_seen:
        outcome.text = "stale"
    _check_decisions(product, seen, decision, text_seen)
    if not seen and not text_seen:
        db.session.rollback()  # releases the locks; nothing was decided
        return outcome
    before = product.status
    for image_id, image in seen.items():
        choice = decision.photos[image_id]
        image.reviewed_at = now
        if choice.approve:
            image.review_state = ImageReviewState.APPROVED
            image.rejection_reason = None
            outcome.approved.append(image_id)
        else:
            image.review_state = ImageReviewState.REJECTED
            image.rejection_reason = choice.reason.strip()[:2000]
            outcome.rejected.append(image_id)
    text_changes: dict[str, list[object]] = {}
    if text_seen:
        text_changes = _decide_text(product, reviewer, decision, now, outcome)
    if product.status is ProductStatus.PENDING_REVIEW and outcome.text == "approved":
        if product.approved_images:
            product.status = ProductStatus.PUBLISHED
            product.published_at = product.published_at or now
            product.rejection_reason = None
            outcome.published = True
        elif not product.submitted_images:
            product.status = ProductStatus.DRAFT
            product.rejection_reason = str(
                _l("Tidak ada foto yang disetujui. Unggah foto lain lalu ajukan lagi.")
            )
    product.reviewed_at = now
    product.reviewer = reviewer
    audit.record(
        actor=reviewer, action="product.review", obj=product,
        changes={
            "status": [before.value, product.status.value],
            "images_approved": [None, outcome.approved],
            "images_rejected": [None, {i: decision.photos[i].reason for i in outcome.rejected}],
            "checklists": [None, {i: sorted(decision.photos[i].checked) for i in outcome.approved}],
            "text": [None, outcome.text],
            "left_pending": [None, outcome.arrived + outcome.changed],
            **text_changes,
        },
    )  # fmt: skip
    touched = list(product.images) if outcome.published else list(seen.values())
    unit_of_work.after_commit(lambda: photo_files.sync(storage, touched))
    review_mail.send_decision(product=product, outcome=outcome)
    return outcome


def _check_decisions(
    product: Product, seen: Mapping[int, ProductImage], decision: Decision, text_seen: bool
) -> None:
    reasons = [decision.text_reason, *(choice.reason for choice in decision.photos.values())]
    if any(has_control_characters(reason) for reason in reasons):
        raise ReviewError(_l("Teks ini memuat karakter kendali (misalnya NUL)."))
    required = {item.key for item in photo_checklist(product.facility)}
    for number, image_id in enumerate(sorted(seen, key=lambda i: seen[i].position), start=1):
        choice = decision.photos.get(image_id)
        if choice is None:
            raise ReviewError(_l("Pilih setujui atau tolak untuk foto %(n)s.", n=number))
        if choice.approve and seen[image_id].processing is not PhotoProcessing.READY:
            raise ReviewError(
                _l("Foto %(n)s belum selesai diproses dan belum dapat disetujui.", n=number)
            )
        if choice.approve and not required <= choice.checked:
            raise ReviewError(
                _l("Centang daftar periksa privasi foto %(n)s sebelum menyetujuinya.", n=number)
            )
        if not choice.approve and len(choice.reason.strip()) < MIN_REASON:
            raise ReviewError(
                _l("Tuliskan alasan penolakan foto %(n)s agar staf tahu apa yang salah.", n=number)
            )
    if text_seen:
        if decision.approve_text is None:
            raise ReviewError(_l("Pilih setujui atau tolak untuk teks produk."))
        if not decision.approve_text and len(decision.text_reason.strip()) < MIN_REASON:
            raise ReviewError(
                _l("Tuliskan alasan penolakan teks agar staf tahu apa yang harus diperbaiki.")
            )


def _decide_text(
    product: Product, reviewer: User, decision: Decision, now: datetime, outcome: Outcome
) -> dict[str, list[object]]:
    reason = decision.text_reason.strip()[:2000]
    outcome.text = "approved" if decision.approve_text else "rejected"
    if product.status is ProductStatus.PENDING_REVIEW:
        if not decision.approve_text:
            product.status = ProductStatus.DRAFT
            product.rejection_reason = reason
        return {}
    revision = text_revisions.pending_of(product, lock=True)
    assert revision is not None  # the token matched a pending revision
    revision.decided_at = now
    revision.reviewer_id = reviewer.id
    if decision.approve_text:
        revision.state = TextRevisionState.APPROVED
        return text_revisions.apply(revision, product=product)
    revision.state = TextRevisionState.REJECTED
    revision.rejection_reason = reason
    return {"text_rejected": [None, reason]}


def lock_product(product_id: int) -> Product:
    """Re-read the product, its photos and pending text under row locks (PostgreSQL), so an
    upload, an edit or a second decision waits for this one, and this one sees the latest."""
    product: Product = db.session.execute(
        select(Product)
        .where(Product.id == product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    db.session.execute(
        select(ProductImage)
        .where(ProductImage.product_id == product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    db.session.execute(
        select(ProductTextRevision)
        .where(ProductTextRevision.product_id == product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    db.session.expire(product, ["images", "pending_revision"])
    return product


def _check_reviewer(product: Product, reviewer: User) -> None:
    if reviewer.role not in REVIEWER_ROLES or not scoping.can_see_facility(
        reviewer, product.facility
    ):
        raise scoping.OutOfScope()


def queue(*, user: User) -> list[Product]:
    """Products waiting for a decision in the user's scope, oldest submission first."""
    photos_waiting = exists().where(
        ProductImage.product_id == Product.id,
        ProductImage.review_state == ImageReviewState.PENDING,
        ProductImage.submitted_at.is_not(None),
    )
    text_waiting = exists().where(
        ProductTextRevision.product_id == Product.id,
        ProductTextRevision.state == TextRevisionState.PENDING,
    )
    query = scoping.products(user).where(
        or_(
            Product.status == ProductStatus.PENDING_REVIEW,
            (Product.status == ProductStatus.PUBLISHED) & or_(photos_waiting, text_waiting),
        )
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


def latest_submission(product: Product) -> ReviewSubmission | None:
    return db.session.scalar(
        select(ReviewSubmission)
        .where(ReviewSubmission.product_id == product.id)
        .order_by(ReviewSubmission.created_at.desc(), ReviewSubmission.id.desc())
        .limit(1)
    )

"""A product's photos in the back office: upload several at once, order, alt text, delete.

Every upload passes the quick checks of `shop.catalogue.images` before anything is stored: if one
file of a batch is refused, none is kept. The original is then kept privately and the photo is
"processing" until the `catalogue.render_photo` job has cleaned it and made its renditions (a
second or more per photo, so not inside the upload's request); a file that cannot be cleaned is
marked failed with the reason. A photo starts pending, stored privately, and is public only once a
reviewer approves it (at once for a facility central exempted from review). A new alt text of an
approved photo on sale waits for review as part of the product's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from shop.catalogue import images, photo_files, review, review_mail, text_revisions
from shop.catalogue.images import ImageRejected
from shop.core import audit, jobs
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.storage import Storage, StorageError
from shop.core.unit_of_work import after_commit
from shop.database import db
from shop.models import ImageReviewState, PhotoProcessing, Product, ProductImage, User

MAX_PHOTOS_PER_PRODUCT = 12


class PhotoError(DomainError):
    pass


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def add_photos(
    *,
    product: Product,
    uploads: list[Upload],
    alt_text: str,
    actor: User,
    storage: Storage,
    max_bytes: int,
) -> list[ProductImage]:
    """Check every upload, then keep the originals and add them after the existing photos.

    Each new photo is processing; a job per photo makes its renditions once this commits.
    """
    alt_text = alt_text.strip()
    if not uploads:
        raise PhotoError(_l("Pilih minimal satu foto."))
    if not alt_text:
        raise PhotoError(_l("Teks alternatif wajib diisi: jelaskan isi foto untuk tunanetra."))
    if len(product.images) + len(uploads) > MAX_PHOTOS_PER_PRODUCT:
        raise PhotoError(_l("Maksimal %(n)s foto per produk.", n=MAX_PHOTOS_PER_PRODUCT))
    sizes = []
    for upload in uploads:
        try:
            sizes.append(images.check_upload(upload.data, max_bytes=max_bytes))
        except ImageRejected as error:
            raise ImageRejected(
                _l("%(file)s: %(reason)s", file=upload.filename or "?", reason=str(error))
            ) from None
    # An approval running now must finish first and must not see half of this batch.
    product = review.lock_product(product.id)
    state = (
        ImageReviewState.APPROVED if product.facility.review_exempt else ImageReviewState.PENDING
    )
    position = (
        db.session.scalar(
            select(func.max(ProductImage.position)).where(ProductImage.product_id == product.id)
        )
        or 0
    )
    added = []
    for number, (upload, (width, height)) in enumerate(zip(uploads, sizes, strict=True), 1):
        image = ProductImage(
            product=product, position=position + number, alt_text=alt_text[:300],
            width=width, height=height, master_key=images.store_original(storage, upload.data),
            renditions=[], review_state=state, processing=PhotoProcessing.PROCESSING,
        )  # fmt: skip
        db.session.add(image)
        added.append(image)
    db.session.flush()
    for image in added:
        audit.record(
            actor=actor, action="image.add", obj=image,
            changes={"product_id": [None, product.id], "review_state": [None, state.value]},
        )  # fmt: skip
        jobs.defer("catalogue.render_photo", image_id=image.id)
    return added


def render(*, image_id: int, storage: Storage) -> None:
    """Clean a processing photo's original and make its renditions (the job's work).

    The slow part runs before any lock; the result is written under the product's lock and only
    if the photo is still there and still processing, so a repeated job changes nothing. The
    renditions get private copies only; the public ones follow the review state after the commit.
    """
    image = db.session.get(ProductImage, image_id)
    if image is None or image.processing is not PhotoProcessing.PROCESSING:
        return
    original_key = image.master_key
    try:
        original = storage.read(original_key)
    except StorageError:
        _fail(image_id, str(_l("Berkas asli foto tidak ditemukan. Unggah ulang foto ini.")))
        return
    try:
        # The size was checked at the upload; this cleans and resizes.
        prepared = images.prepare_image(original, max_bytes=len(original))
    except ImageRejected as error:
        _fail(image_id, str(error))
        return
    master_key, renditions = images.store_prepared(storage, prepared, public=False)
    image = _locked(image)
    if image is None:
        return
    image.master_key = master_key
    image.renditions = renditions
    image.width, image.height = prepared.width, prepared.height
    image.processing = PhotoProcessing.READY
    audit.record(
        actor=None, action="image.processed", obj=image,
        changes={"processing": [PhotoProcessing.PROCESSING.value, PhotoProcessing.READY.value]},
    )  # fmt: skip

    def place_files() -> None:
        storage.delete(original_key)
        processed = db.session.get(ProductImage, image_id)
        if processed is not None:
            photo_files.sync(storage, [processed])

    after_commit(place_files)


def _locked(image: ProductImage) -> ProductImage | None:
    """The photo re-read under its product's lock, if it is still there and still processing."""
    image_id = image.id
    product = review.lock_product(image.product_id)
    image = next((i for i in product.images if i.id == image_id), None)
    if image is None or image.processing is not PhotoProcessing.PROCESSING:
        return None
    return image


def _fail(image_id: int, reason: str) -> None:
    image = db.session.get(ProductImage, image_id)
    image = _locked(image) if image is not None else None
    if image is None:
        return
    image.processing = PhotoProcessing.FAILED
    image.processing_error = reason[:2000]
    audit.record(
        actor=None, action="image.processing_failed", obj=image,
        changes={"processing_error": [None, image.processing_error]},
    )  # fmt: skip


def set_alt_text(*, image: ProductImage, alt_text: str, actor: User, now: datetime) -> bool:
    """Change a photo's alt text; True when it waits for review instead (a photo on sale)."""
    alt_text = alt_text.strip()[:300]
    if not alt_text:
        raise PhotoError(_l("Teks alternatif wajib diisi: jelaskan isi foto untuk tunanetra."))
    product = review.lock_product(image.product_id)
    if image.review_state is ImageReviewState.APPROVED and text_revisions.goes_to_review(product):
        _revision, created = text_revisions.propose(
            product=product, actor=actor, now=now, alt_texts={image.id: alt_text}
        )
        if created:
            review_mail.send_text_revision(product=product)
        return alt_text != image.alt_text
    if alt_text != image.alt_text:
        audit.record(
            actor=actor, action="image.alt_text", obj=image,
            changes={"alt_text": [image.alt_text, alt_text]},
        )  # fmt: skip
        image.alt_text = alt_text
    return False


def move(*, image: ProductImage, direction: int, actor: User) -> None:
    """Swap the photo with its neighbour before (-1) or after (+1); the first is the cover."""
    ordered = sorted(image.product.images, key=lambda i: (i.position, i.id))
    index = ordered.index(image)
    target = index + (1 if direction > 0 else -1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, each in enumerate(ordered):
            each.position = position
        audit.record(
            actor=actor, action="image.reorder", obj=image.product,
            changes={"images": [None, [i.id for i in ordered]]},
        )  # fmt: skip


def delete(*, image: ProductImage, actor: User, storage: Storage) -> None:
    product = image.product
    if (
        product.is_public
        and image.review_state is ImageReviewState.APPROVED
        and len(product.approved_images) == 1
    ):
        raise PhotoError(
            _l("Ini satu-satunya foto yang tayang. Unggah dan setujui foto lain dulu.")
        )
    audit.record(
        actor=actor, action="image.delete", obj=image,
        changes={"product_id": [product.id, None], "master_key": [image.master_key, None]},
    )  # fmt: skip
    # Files first: a photo that is gone from the database must not stay reachable.
    photo_files.forget(storage, image)
    product.images.remove(image)
    db.session.delete(image)

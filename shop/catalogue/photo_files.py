"""Where a photo's files live: private until a reviewer approves it, public only while approved.

Every rendition has a private copy under `private/img/...`, which the back office serves through a
scoped route. A photo that is approved (and whose product is not archived) also has its public
copy under `img/...`, the key recorded in `ProductImage.renditions`, served to everyone with
immutable cache headers. Approval copies the private file up; rejection, deletion and archiving
remove the public copy. Keys are content hashes, so two photo rows can share files: a public copy
stays while any photo holding it should be public.

Callers change the database first and move files after the commit, so a failed commit never
leaves an unreviewed photo public; `flask shop sync-photos` repairs what a crash left behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from shop.core.storage import Storage, private_key
from shop.database import db
from shop.models import ImageReviewState, ProductImage, ProductStatus

CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


@dataclass(frozen=True)
class PhotoFiles:
    """A photo's rendition keys (public form) and whether it should be public."""

    keys: tuple[str, ...]
    public: bool


def should_be_public(image: ProductImage) -> bool:
    return (
        image.review_state is ImageReviewState.APPROVED
        and image.product.status is not ProductStatus.ARCHIVED
    )


def files_of(image: ProductImage) -> PhotoFiles:
    return PhotoFiles(
        keys=tuple(r["key"] for r in image.renditions), public=should_be_public(image)
    )


def place(storage: Storage, photos: Iterable[PhotoFiles], *, keep_public: set[str]) -> None:
    """Give every rendition its private copy; keep or make the public copy only where allowed.

    `keep_public` holds every key some photo (these or others sharing their files) should show
    publicly. Safe to repeat: what is already in place is left alone.
    """
    for photo in photos:
        for key in photo.keys:
            hidden = private_key(key)
            if not storage.exists(hidden) and storage.exists(key):
                storage.save(hidden, storage.read(key), _content_type(key))
            if photo.public:
                if not storage.exists(key) and storage.exists(hidden):
                    storage.save(key, storage.read(hidden), _content_type(key))
            elif key not in keep_public:
                storage.delete(key)


def sync(storage: Storage, images: Sequence[ProductImage]) -> None:
    """Bring the stored copies of these photos in line with their review state (after commit)."""
    if not images:
        return
    master_keys = {i.master_key for i in images}
    sharing = db.session.scalars(
        select(ProductImage).where(ProductImage.master_key.in_(master_keys))
    ).all()
    keep_public = {
        r["key"]
        for other in {*sharing, *images}
        if should_be_public(other)
        for r in other.renditions
    }
    place(storage, [files_of(i) for i in images], keep_public=keep_public)


def forget(storage: Storage, image: ProductImage) -> None:
    """Delete the image's files (both copies) unless another photo row holds the same content.

    When another row shares them, only the public copy goes, and only if that row is not public.
    """
    others = db.session.scalars(
        select(ProductImage).where(
            ProductImage.master_key == image.master_key, ProductImage.id != image.id
        )
    ).all()
    if others:
        keep_public = {r["key"] for o in others if should_be_public(o) for r in o.renditions}
        for rendition in image.renditions:
            if rendition["key"] not in keep_public:
                storage.delete(rendition["key"])
        return
    storage.delete(image.master_key)
    for rendition in image.renditions:
        storage.delete(rendition["key"])
        storage.delete(private_key(rendition["key"]))


def _content_type(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")

"""Arranging public and hidden catalogue data for the storefront tests."""

from __future__ import annotations

from sqlalchemy import event

from shop.extensions import db
from shop.models import ImageReviewState, Product
from tests.factories import ProductImageFactory

RENDITIONS = [
    {"width": w, "height": w * 3 // 4, "format": f, "key": f"img/{f[:2]}/{name}-{w}.{ext}"}
    for name in ("kursi",)
    for w in (320, 640)
    for f, ext in (("webp", "webp"), ("jpeg", "jpg"))
]


def photo(product: Product, *, state=ImageReviewState.APPROVED, name: str = "foto", **kw):
    """A photo with WebP and JPEG renditions whose keys carry `name` (to find them in pages)."""
    renditions = [{**r, "key": r["key"].replace("kursi", name)} for r in RENDITIONS]
    return ProductImageFactory(
        product=product, review_state=state, renditions=renditions, alt_text=f"{name} alt", **kw
    )


class QueryCounter:
    """Counts the SQL statements run while in the `with` block."""

    def __init__(self) -> None:
        self.count = 0

    def _count(self, *_args: object) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self._count)

"""New text for a published product waits for a reviewer while the approved text stays on sale.

The name, description and alt texts the public sees are the product's (and its photos') columns.
Editing them on a published product of a facility under review records a pending
`ProductTextRevision` instead; a reviewer approves it (the columns take its values) or rejects it
with a reason. A facility central exempted from review changes its text directly, as before.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select

from shop.core import audit
from shop.database import db
from shop.models import (
    ImageReviewState,
    Product,
    ProductStatus,
    ProductTextRevision,
    TextRevisionState,
    User,
)


def goes_to_review(product: Product) -> bool:
    """Whether a text change of this product must be reviewed before the public sees it."""
    return product.status is ProductStatus.PUBLISHED and not product.facility.review_exempt


def pending_of(product: Product, *, lock: bool = False) -> ProductTextRevision | None:
    query = select(ProductTextRevision).where(
        ProductTextRevision.product_id == product.id,
        ProductTextRevision.state == TextRevisionState.PENDING,
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def last_rejected(product: Product) -> ProductTextRevision | None:
    """The latest decided revision when it was a rejection (what the staff should fix)."""
    latest = db.session.scalar(
        select(ProductTextRevision)
        .where(
            ProductTextRevision.product_id == product.id,
            ProductTextRevision.state.in_([TextRevisionState.APPROVED, TextRevisionState.REJECTED]),
        )
        .order_by(ProductTextRevision.decided_at.desc(), ProductTextRevision.id.desc())
        .limit(1)
    )
    return latest if latest and latest.state is TextRevisionState.REJECTED else None


def propose(
    *,
    product: Product,
    actor: User,
    now: datetime,
    name: str | None = None,
    description: str | None = None,
    alt_texts: dict[int, str] | None = None,
) -> tuple[ProductTextRevision | None, bool]:
    """Queue new text of a published product (the caller commits).

    Values not given keep what is already pending (or live). Returns the pending revision (None
    when the text is back to the live one) and whether it is new, i.e. entered the queue now.
    """
    revision = pending_of(product, lock=True)
    wanted_name = name if name is not None else (revision.name if revision else product.name)
    wanted_description = (
        description
        if description is not None
        else (revision.description if revision else product.description)
    )
    live_alts = {
        str(i.id): i.alt_text for i in product.images if i.review_state is ImageReviewState.APPROVED
    }
    wanted_alts = dict(revision.alt_texts if revision else {})
    wanted_alts.update({str(k): v for k, v in (alt_texts or {}).items()})
    wanted_alts = {k: v for k, v in wanted_alts.items() if k in live_alts and live_alts[k] != v}
    unchanged = (
        wanted_name == product.name
        and wanted_description == product.description
        and not wanted_alts
    )
    if unchanged:
        if revision is not None:
            revision.state = TextRevisionState.WITHDRAWN
            revision.updated_at = now
            audit.record(
                actor=actor, action="text_revision.withdraw", obj=revision,
                changes={"state": [TextRevisionState.PENDING.value, "withdrawn"]},
            )  # fmt: skip
        return None, False
    created = revision is None
    if revision is None:
        revision = ProductTextRevision(
            product_id=product.id, created_by_id=actor.id, created_at=now, name="",
            state=TextRevisionState.PENDING,
        )  # fmt: skip
        db.session.add(revision)
        product.submitted_at = now
    before = {"name": revision.name, "description": revision.description}
    revision.name = wanted_name
    revision.description = wanted_description
    revision.alt_texts = wanted_alts
    revision.updated_at = now
    db.session.flush()
    audit.record(
        actor=actor, action="text_revision.propose", obj=revision,
        changes={
            **audit.diff(before, {"name": wanted_name, "description": wanted_description}),
            "product_id": [None, product.id], "alt_texts": [None, wanted_alts],
        },
    )  # fmt: skip
    return revision, created


def token(revision: ProductTextRevision) -> str:
    """Identifies the revision and its content as a reviewer saw it."""
    body = json.dumps(
        [revision.name, revision.description, sorted(revision.alt_texts.items())],
        ensure_ascii=False,
    )
    return f"revision:{revision.id}:{hashlib.sha256(body.encode()).hexdigest()[:24]}"


def product_token(product: Product) -> str:
    """Identifies a new product's own text as a reviewer saw it."""
    body = json.dumps([product.name, product.description], ensure_ascii=False)
    return f"product:{product.id}:{hashlib.sha256(body.encode()).hexdigest()[:24]}"


def apply(revision: ProductTextRevision, *, product: Product) -> dict[str, list[object]]:
    """Make the revision's text live; returns the changes for the audit trail."""
    changes: dict[str, list[object]] = audit.diff(
        {"name": product.name, "description": product.description},
        {"name": revision.name, "description": revision.description},
    )
    product.name = revision.name
    product.description = revision.description
    for image in product.images:
        new_alt = revision.alt_texts.get(str(image.id))
        if new_alt is not None and image.review_state is ImageReviewState.APPROVED:
            changes[f"alt_text:{image.id}"] = [image.alt_text, new_alt]
            image.alt_text = new_alt
    return changes

"""An approval and an upload at the same moment, on real PostgreSQL row locks: the approval
waits for the upload's transaction and then leaves the photo it never showed pending."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from shop.catalogue import review
from shop.core import clock, unit_of_work
from shop.core.storage import storage_from_config
from shop.models import ImageReviewState, Product, ProductImage, ProductStatus, Role, User
from tests.conftest import ON_POSTGRES
from tests.factories import ProductFactory, ProductImageFactory, UserFactory

ALL_TICKED = frozenset({"no_faces", "no_names", "no_identifying_details"})


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL (row locks)")
def test_an_approval_waits_for_an_upload_and_leaves_the_unseen_photo_pending(app, db) -> None:
    product = ProductFactory(
        status=ProductStatus.PENDING_REVIEW, published_at=None, submitted_at=clock.now()
    )
    seen = ProductImageFactory(
        product=product, review_state=ImageReviewState.PENDING, submitted_at=clock.now()
    )
    reviewer = UserFactory(role=Role.CENTRAL)
    decision = review.Decision(
        shown_photos={seen.id: review.photo_token(seen)},
        photos={seen.id: review.PhotoDecision(approve=True, checked=ALL_TICKED)},
        shown_text=review.text_token(product),
        approve_text=True,
    )
    product_id, reviewer_id, seen_id = product.id, reviewer.id, seen.id
    db.session.commit()
    db.session.remove()
    uploading, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def staff_upload() -> None:
        with app.app_context():
            review.lock_product(product_id)
            db.session.add(
                ProductImage(
                    product_id=product_id, position=1, alt_text="Foto kedua", width=800,
                    height=600, master_key="masters/ff/" + "f" * 32 + ".jpg",
                    renditions=[], review_state=ImageReviewState.PENDING,
                    submitted_at=clock.now(),
                )
            )  # fmt: skip
            db.session.flush()
            uploading.set()
            release.wait(10)
            results["upload_committed"] = time.monotonic()
            db.session.commit()
            db.session.remove()

    def reviewer_approves() -> None:
        with app.app_context():
            uploading.wait(10)
            outcome = review.decide(
                product=db.session.get(Product, product_id),
                reviewer=db.session.get(User, reviewer_id),
                decision=decision, now=clock.now(), storage=storage_from_config(app.config),
            )  # fmt: skip
            unit_of_work.commit()
            results["decided"] = time.monotonic()
            results["outcome"] = outcome
            db.session.remove()

    threads = [threading.Thread(target=staff_upload), threading.Thread(target=reviewer_approves)]
    for thread in threads:
        thread.start()
    uploading.wait(10)
    time.sleep(0.5)
    assert threads[1].is_alive(), "the approval did not wait for the upload's lock"
    release.set()
    for thread in threads:
        thread.join(20)
    outcome = results["outcome"]
    assert results["decided"] > results["upload_committed"]
    assert outcome.approved == [seen_id] and outcome.arrived == 1
    states = dict(
        db.session.execute(
            select(ProductImage.id, ProductImage.review_state).where(
                ProductImage.product_id == product_id
            )
        ).all()
    )
    assert states.pop(seen_id) is ImageReviewState.APPROVED
    assert list(states.values()) == [ImageReviewState.PENDING]

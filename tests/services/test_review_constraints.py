"""The database itself keeps review dates and the privacy checklist honest."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from shop.models import ProductStatus
from tests.factories import ProductFactory, ReviewSubmissionFactory, StockMovementFactory


def test_a_pending_product_was_submitted_and_a_published_one_has_a_date(db) -> None:
    product = ProductFactory(status=ProductStatus.PENDING_REVIEW)
    assert product.submitted_at is not None
    product.submitted_at = None
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    product.status, product.published_at = ProductStatus.PUBLISHED, None
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_an_unticked_checklist_is_refused(db) -> None:
    with pytest.raises(IntegrityError):
        ReviewSubmissionFactory(no_faces=False)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        ReviewSubmissionFactory(no_people=False)


def test_a_stock_movement_never_leaves_negative_stock(db) -> None:
    with pytest.raises(IntegrityError):
        StockMovementFactory(quantity=-20, stock_after=-10)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        StockMovementFactory(quantity=0, stock_after=10)

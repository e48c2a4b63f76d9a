"""A product that was ever ordered is archived, never deleted, whatever its status."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.models import Product, ProductStatus
from tests.factories import FacilityOrderFactory, ProductFactory


def test_an_ordered_draft_can_only_be_archived(db, client, login_as) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    part = FacilityOrderFactory(facility=product.facility)
    part.lines[0].variant_id = product.variants[0].id
    db.session.commit()
    login_as("staff", facility=product.facility)
    response = client.post(f"/admin/products/{product.id}/delete", follow_redirects=True)
    assert "pernah dipesan tidak dapat dihapus" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Product)) == 1
    client.post(f"/admin/products/{product.id}/archive")
    db.session.refresh(product)
    assert product.status is ProductStatus.ARCHIVED


def test_a_draft_never_ordered_can_be_deleted(db, client, login_as) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    login_as("staff", facility=product.facility)
    client.post(f"/admin/products/{product.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0

"""The one scoping helper: each role sees its facility, its region, or everything."""

from __future__ import annotations

import pytest

from shop.accounts import scoping
from shop.models import Product, ProductImage, ProductVariant, Role
from tests.factories import (
    FacilityFactory,
    KanwilFactory,
    KanwilUserFactory,
    ProductFactory,
    ProductImageFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture
def two_regions(db):
    north, south = KanwilFactory(), KanwilFactory()
    a, b = FacilityFactory(kanwil=north), FacilityFactory(kanwil=north)
    c = FacilityFactory(kanwil=south)
    products = {f: ProductFactory(facility=f) for f in (a, b, c)}
    return north, (a, b, c), products


def _visible(db, user) -> set[int]:
    return {p.facility_id for p in db.session.scalars(scoping.products(user))}


def test_each_role_sees_its_own_scope(db, two_regions) -> None:
    north, (a, b, c), _products = two_regions
    assert _visible(db, StaffFactory(facility=a)) == {a.id}
    assert _visible(db, KanwilUserFactory(kanwil=north)) == {a.id, b.id}
    for role in (Role.CENTRAL, Role.ADMIN):
        assert _visible(db, UserFactory(role=role)) == {a.id, b.id, c.id}


def test_get_in_scope_refuses_others_objects_like_missing_ones(db, two_regions) -> None:
    north, (a, _b, c), products = two_regions
    image = ProductImageFactory(product=products[c])
    staff = StaffFactory(facility=a)
    regional = KanwilUserFactory(kanwil=north)
    assert scoping.get_in_scope(staff, Product, products[a].id) is products[a]
    for model, object_id in (
        (Product, products[c].id), (ProductVariant, products[c].variants[0].id),
        (ProductImage, image.id), (Product, 987654), (Product, "1 OR 1=1"),
    ):  # fmt: skip
        for user in (staff, regional):
            with pytest.raises(scoping.OutOfScope):
                scoping.get_in_scope(user, model, object_id)

"""`flask shop seed-demo`: realistic, complete and idempotent demo data."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from shop.models import (
    AuditEvent,
    Category,
    Facility,
    FacilityKind,
    Kanwil,
    LapasSpecialty,
    Product,
    ProductImage,
    ProductVariant,
    Role,
    User,
)
from shop.services import accounts
from shop.services.demo import seed
from shop.services.storage import storage_from_config


def _counts(db) -> dict[str, int]:
    models = (Kanwil, Facility, Category, Product, ProductVariant, ProductImage, User, AuditEvent)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


@pytest.fixture
def seeded(app, db):
    """The demo data with one small rendition per picture (the site makes all sizes)."""
    seed.seed_demo(
        storage=storage_from_config(app.config), max_image_bytes=10_000_000, rendition_widths=(320,)
    )
    return db


def test_demo_data_is_complete_realistic_and_pictured(app, seeded) -> None:
    db = seeded
    facilities = db.session.scalars(select(Facility)).all()
    assert len(facilities) >= 24
    assert {f.kind for f in facilities} == set(FacilityKind)
    assert {f.specialty for f in facilities} >= set(LapasSpecialty)
    assert {f.facility_class.value for f in facilities} == {"I", "IIA", "IIB", "III", "II"}
    assert len({f.kanwil_id for f in facilities}) >= 8
    names = {f.name for f in facilities}
    assert {"Lapas Kelas IIA Binjai", "Lapas Kelas IIA Pekanbaru", "Rutan Kelas IIA Ambon"} <= names
    assert all(f.workshops for f in facilities)

    products = db.session.scalars(select(Product)).all()
    assert len(products) >= 150
    leaf_categories = db.session.scalars(select(Category).where(~Category.children.any())).all()
    used = {p.category_id for p in products}
    assert all(c.id in used for c in leaf_categories)
    assert any(len(p.variants) > 1 for p in products)
    assert all(len(p.variants) == 1 or all(v.option_label for v in p.variants) for p in products)
    assert any(p.made_to_order and p.lead_time_days for p in products)
    food = [p for p in products if p.category.is_food]
    assert food and any(p.pirt_number for p in food)
    assert not any(p.pirt_number for p in products if not p.category.is_food)
    assert all(p.workshop is not None and p.workshop.facility_id == p.facility_id for p in products)

    storage = storage_from_config(app.config)
    per_product = Counter(db.session.scalars(select(ProductImage.product_id)))
    assert set(per_product.values()) <= {1, 2, 3, 4}
    assert len(per_product) == db.session.scalar(select(func.count()).select_from(Product))
    masters = db.session.scalars(select(ProductImage.master_key)).all()
    assert len(set(masters)) == len(masters), "each picture is distinct"
    sample = db.session.scalars(select(ProductImage).limit(20)).all()
    for image in sample:
        assert storage.exists(image.master_key)
        assert image.renditions and all(storage.exists(r["key"]) for r in image.renditions)

    users = db.session.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    assert all(accounts.password_matches(u, seed.DEMO_PASSWORD) for u in users)


def test_seeding_twice_adds_nothing_and_the_command_skips_a_full_catalogue(app, seeded) -> None:
    before = _counts(seeded)
    report = seed.seed_demo(storage=storage_from_config(app.config), max_image_bytes=10_000_000)
    assert report.products == report.facilities == report.users == report.images == 0
    assert _counts(seeded) == before

    result = app.test_cli_runner().invoke(args=["shop", "seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "sudah berisi produk" in result.output
    assert "admin@etalase.demo" in result.output and seed.DEMO_PASSWORD in result.output

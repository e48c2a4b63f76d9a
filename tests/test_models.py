"""Constraints that the database itself enforces, whatever code writes to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from shop.models import (
    Facility,
    FacilityClass,
    FacilityKind,
    LapasSpecialty,
    Product,
    ProductVariant,
    Role,
    TimeZone,
    User,
)
from tests.factories import (
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    ProductVariantFactory,
    UserFactory,
    WorkshopFactory,
)


def _fails_to_commit(db, obj) -> None:
    db.session.add(obj)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_staff_needs_a_facility_and_nothing_else(db) -> None:
    kanwil = KanwilFactory()
    facility = FacilityFactory()
    _fails_to_commit(db, User(email="a@x.id", name="A", password_hash="s$h", role=Role.STAFF))
    _fails_to_commit(
        db,
        User(
            email="b@x.id",
            name="B",
            password_hash="s$h",
            role=Role.STAFF,
            facility=facility,
            kanwil=kanwil,
        ),
    )
    _fails_to_commit(db, User(email="c@x.id", name="C", password_hash="s$h", role=Role.KANWIL))
    _fails_to_commit(
        db,
        User(email="d@x.id", name="D", password_hash="s$h", role=Role.CENTRAL, facility=facility),
    )
    UserFactory(role=Role.STAFF, facility=facility)
    UserFactory(role=Role.KANWIL, kanwil=kanwil)
    assert db.session.scalar(select(User).where(User.role == Role.STAFF)).facility == facility


def test_emails_are_unique_whatever_their_case(db) -> None:
    UserFactory(email="Petugas@Lapas.go.id")
    assert db.session.scalar(select(User.email)) == "petugas@lapas.go.id"
    _fails_to_commit(
        db, User(email="PETUGAS@lapas.go.id", name="X", password_hash="s$h", role=Role.ADMIN)
    )


def test_a_plain_password_cannot_be_stored(db) -> None:
    _fails_to_commit(db, User(email="p@x.id", name="P", password_hash="rahasia", role=Role.ADMIN))


def test_prices_are_positive_and_stock_never_negative(db) -> None:
    product = ProductFactory(variants=[])
    _fails_to_commit(db, ProductVariant(product=product, sku="A-1", price_idr=0, stock=1))
    _fails_to_commit(db, ProductVariant(product=product, sku="A-2", price_idr=1000, stock=-1))
    _fails_to_commit(
        db, ProductVariant(product=product, sku="A-3", price_idr=1000, stock=1, hpp_idr=-5)
    )


def test_skus_are_unique(db) -> None:
    ProductVariantFactory(sku="DUP-1")
    product = ProductFactory(variants=[])
    _fails_to_commit(db, ProductVariant(product=product, sku="DUP-1", price_idr=1000, stock=1))


def test_only_a_lapas_has_a_specialty_and_lpka_use_their_own_classes(db) -> None:
    kanwil = KanwilFactory()
    base = {"kanwil": kanwil, "city": "Kota", "address": "", "phone": ""}
    _fails_to_commit(
        db,
        Facility(
            name="Rutan Narkotika",
            slug="rn",
            kind=FacilityKind.RUTAN,
            specialty=LapasSpecialty.NARKOTIKA,
            facility_class=FacilityClass.IIA,
            **base,
        ),
    )
    _fails_to_commit(
        db,
        Facility(
            name="LPKA Kelas IIA X",
            slug="lx",
            kind=FacilityKind.LPKA,
            facility_class=FacilityClass.IIA,
            **base,
        ),
    )
    _fails_to_commit(
        db,
        Facility(
            name="Lapas Kelas II X",
            slug="lii",
            kind=FacilityKind.LAPAS,
            facility_class=FacilityClass.II,
            **base,
        ),
    )
    lpka = FacilityFactory(
        kind=FacilityKind.LPKA, facility_class=FacilityClass.II, name="LPKA Kelas II Y"
    )
    assert not lpka.shows_people


def test_a_product_workshop_belongs_to_its_own_facility(db) -> None:
    workshop = WorkshopFactory()
    other = FacilityFactory()
    product = ProductFactory(facility=other, variants=[])
    product.workshop_id = workshop.id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1


def test_made_to_order_needs_a_lead_time(db) -> None:
    product = ProductFactory(variants=[])
    product.made_to_order = True
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    product = db.session.get(Product, product.id)
    product.made_to_order, product.lead_time_days = True, 14
    db.session.commit()
    assert db.session.get(Product, product.id).lead_time_days == 14


def test_timestamps_come_back_in_utc(db) -> None:
    wita = timezone(timedelta(hours=8))
    product = ProductFactory(published_at=datetime(2026, 5, 1, 9, 0, tzinfo=wita))
    db.session.expire_all()
    stored = db.session.get(Product, product.id).published_at
    assert stored == datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_datetimes_are_refused(db) -> None:
    product = ProductFactory()
    product.published_at = datetime(2026, 5, 1, 9, 0)
    with pytest.raises(StatementError):
        db.session.commit()
    db.session.rollback()


def test_a_facility_takes_its_time_zone_from_its_kanwil(db) -> None:
    facility = FacilityFactory(kanwil=KanwilFactory(timezone=TimeZone.WIT))
    assert facility.timezone is TimeZone.WIT
    assert facility.timezone.abbreviation == "WIT"

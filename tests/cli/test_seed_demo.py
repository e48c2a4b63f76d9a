"""`flask shop seed-demo`: realistic, complete and idempotent demo data."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.accounts import users as accounts
from shop.core import clock
from shop.core.storage import storage_from_config
from shop.demo import sales, seed
from shop.demo.hierarchy import FACILITIES
from shop.demo.pictures import ILLUSTRATION_VARIANTS
from shop.models import (
    AuditEvent,
    Category,
    Facility,
    FacilityKind,
    FacilityOrder,
    ImageReviewState,
    Kanwil,
    LapasSpecialty,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductImage,
    ProductVariant,
    Refund,
    Role,
    StockMovement,
    User,
)
from tests.conftest import copy_of, seeded_database

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
# Fewer orders than `make run` writes (the same services, a shorter history) to keep tests quick.
HISTORY = 60


def _counts(db) -> dict[str, int]:
    models = (
        Kanwil, Facility, Category, Product, ProductVariant, ProductImage, User, AuditEvent,
        Order, FacilityOrder, LedgerEntry, Refund, StockMovement,
    )  # fmt: skip
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def _seed(app, **options) -> seed.SeedReport:
    return seed.seed_demo(
        storage=storage_from_config(app.config),
        max_image_bytes=10_000_000,
        history_orders=HISTORY,
        now=NOW,
        **options,
    )


def _seed_once(client, rsps) -> int:
    """The demo data with one small rendition per picture (the site makes all sizes)."""
    return _seed(client.application, rendition_widths=(320,)).orders


# Seeding takes long: it runs once for the module, and each test gets a copy of the database.
demo_database = seeded_database(_seed_once)
database_url = copy_of("demo_database")


@pytest.fixture
def config_overrides(demo_database) -> dict[str, object]:
    """The pictures the seed stored (tests that change files would need a copy of their own)."""
    return {"UPLOAD_DIR": str(demo_database.workdir / "uploads")}


@pytest.fixture
def seeded(db, demo_database):
    assert demo_database.value == HISTORY
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
    assert set(per_product.values()) <= set(range(1, ILLUSTRATION_VARIANTS + 1))
    assert len(per_product) == db.session.scalar(select(func.count()).select_from(Product))
    # A product's photos differ; a category's products share its few drawings, and photos
    # waiting for review have mirrored drawings of their own, so no public file shows them.
    pairs = db.session.execute(select(ProductImage.product_id, ProductImage.master_key)).all()
    assert len(set(pairs)) == len(pairs), "no product shows the same picture twice"
    by_category = db.session.execute(
        select(Product.category_id, func.count(func.distinct(ProductImage.master_key)))
        .join(ProductImage.product)
        .group_by(Product.category_id)
    ).all()
    assert all(1 <= drawings <= 2 * ILLUSTRATION_VARIANTS for _category, drawings in by_category)
    masters = {
        state: set(db.session.scalars(select(ProductImage.master_key).where(
            ProductImage.review_state == state)))
        for state in (ImageReviewState.APPROVED, ImageReviewState.PENDING)
    }  # fmt: skip
    assert masters[ImageReviewState.PENDING], "the demo review queue has photos to decide"
    assert not masters[ImageReviewState.APPROVED] & masters[ImageReviewState.PENDING]
    sample = db.session.scalars(select(ProductImage).limit(20)).all()
    for image in sample:
        assert storage.exists(image.master_key)
        assert image.renditions and all(storage.exists(r["key"]) for r in image.renditions)

    users = db.session.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    assert all(accounts.password_matches(u, seed.DEMO_PASSWORD) for u in users)


def test_the_sales_history_is_a_year_of_paid_orders_the_ledger_agrees_with(app, seeded) -> None:
    db = seeded
    orders = db.session.scalars(select(Order)).all()
    assert len(orders) == HISTORY
    assert all(o.status is OrderStatus.PAID and o.gateway == "demo" for o in orders)
    assert all(o.buyer_email.endswith("@example.com") for o in orders)
    assert all(o.buyer_name.startswith("Pembeli Demo ") for o in orders)
    parts = db.session.scalars(select(FacilityOrder)).all()
    assert len({p.facility_id for p in parts}) >= 12
    assert sum(1 for o in orders if len(o.parts) > 1) >= 3
    assert db.session.scalar(select(func.count()).select_from(Refund)) >= 1

    # The ledger is what paying and refunding wrote: per part, the total less what went back.
    per_part = dict(
        db.session.execute(
            select(LedgerEntry.facility_order_id, func.sum(LedgerEntry.amount_idr)).group_by(
                LedgerEntry.facility_order_id
            )
        ).all()
    )
    assert per_part == {p.id: p.total_idr - p.refunded_idr for p in parts}
    assert any(p.refunded_idr for p in parts)
    units = dict(
        db.session.execute(
            select(LedgerEntry.order_line_id, func.sum(LedgerEntry.quantity))
            .where(LedgerEntry.kind.in_([LedgerEntryKind.SALE, LedgerEntryKind.REFUND]))
            .where(LedgerEntry.order_line_id.is_not(None))
            .group_by(LedgerEntry.order_line_id)
        ).all()
    )
    lines = db.session.scalars(select(OrderLine)).all()
    assert units == {line.id: line.quantity - line.refunded_quantity for line in lines}
    assert len({line.category_id for line in lines}) >= 8

    entries = db.session.scalars(select(LedgerEntry)).all()
    zones = {f.id: clock.zone(f.timezone) for f in db.session.scalars(select(Facility))}
    today = clock.local_date(NOW)
    for entry in entries:
        assert (
            entry.local_date
            == entry.occurred_at.replace(tzinfo=UTC).astimezone(zones[entry.facility_id]).date()
        )
    days = {e.local_date for e in entries}
    assert min(days) >= today - timedelta(days=366) and max(days) <= today
    assert len({(d.year, d.month) for d in days}) >= 10
    # Made-up buyers are never mailed.
    assert not list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))


def test_the_sales_history_is_the_same_every_time() -> None:
    first = _plan()
    assert first == _plan()
    assert len(first) == HISTORY
    assert first == sorted(first, key=lambda planned: planned.placed_at)


def _plan() -> list[sales.PlannedOrder]:
    catalogue = {
        1: ("Asia/Jakarta", [sales.Sellable(1, 85_000, 300), sales.Sellable(2, 1_200_000, 7000)]),
        2: ("Asia/Makassar", [sales.Sellable(3, 45_000, 250)]),
        3: ("Asia/Jayapura", [sales.Sellable(4, 350_000, 2000)]),
    }
    return sales.plan_history(catalogue=catalogue, now=NOW, orders=HISTORY)


def test_seeding_twice_adds_nothing_and_the_command_skips_a_full_catalogue(app, seeded) -> None:
    before = _counts(seeded)
    report = _seed(app)
    assert report.products == report.facilities == report.users == report.images == 0
    assert report.orders == 0
    assert _counts(seeded) == before

    result = app.test_cli_runner().invoke(args=["shop", "seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "sudah berisi produk" in result.output
    assert "admin@etalase.demo" in result.output and seed.DEMO_PASSWORD in result.output


def test_every_region_with_demo_facilities_has_a_kanwil_demo_account() -> None:
    regions = {row[0] for row in FACILITIES}
    accounts = {a.scope for a in seed.DEMO_ACCOUNTS if a.role is Role.KANWIL}
    assert regions <= accounts

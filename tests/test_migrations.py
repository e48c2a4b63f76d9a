"""The committed migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from shop import payments
from shop.core import clock
from shop.extensions import db
from shop.health import migration_head
from shop.migration_support import alembic_options
from shop.models.base import UTCDateTime
from shop.payments import events
from tests.checkout.helpers import place, two_facilities


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts=alembic_options(),
        )
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app) -> None:
    assert _differences() == []


def test_database_is_at_the_migration_head(app) -> None:
    current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert current == migration_head()


def test_a_model_change_without_migration_is_reported(app) -> None:
    import sqlalchemy as sa

    extra = sa.Column("extra_note", sa.String(20), nullable=True)
    table = db.metadata.tables["kanwil"]
    table.append_column(extra)
    try:
        diffs = _differences()
    finally:
        table._columns.remove(extra)
    assert any(d[0] == "add_column" and d[3].name == "extra_note" for d in diffs)


def test_downgrade_to_base_and_upgrade_again(app) -> None:
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "product_variant" in inspect(db.engine).get_table_names()
    assert _differences() == []


def test_utc_timestamps_are_plain_timezone_columns() -> None:
    assert UTCDateTime().impl.timezone is True


def test_the_upgrade_puts_photo_files_where_their_review_state_says(app) -> None:
    """Migration 0009 moves the files of photos stored before it: unreviewed ones go private."""
    from shop.core import clock
    from shop.core.storage import private_key, storage_from_config
    from shop.models import ImageReviewState, ProductStatus
    from tests.factories import ProductFactory, ProductImageFactory

    storage = storage_from_config(app.config)
    waiting = ProductFactory(status=ProductStatus.PENDING_REVIEW, submitted_at=clock.now())
    archived = ProductFactory(status=ProductStatus.ARCHIVED)
    photos = {
        "pending": ProductImageFactory(product=waiting, review_state=ImageReviewState.PENDING),
        "approved": ProductImageFactory(product=waiting, review_state=ImageReviewState.APPROVED),
        "archived": ProductImageFactory(product=archived, review_state=ImageReviewState.APPROVED),
    }
    for name, image in photos.items():
        key = f"img/{name[:2]}/{name}.webp"
        image.renditions = [{"width": 320, "height": 240, "format": "webp", "key": key}]
        storage.save(key, name.encode(), "image/webp")  # where every rendition was before 0009
    db.session.commit()
    ids = {name: image.id for name, image in photos.items()}
    db.session.remove()
    downgrade(revision="0008")
    upgrade()
    for name in photos:
        key = f"img/{name[:2]}/{name}.webp"
        assert storage.read(private_key(key)) == name.encode()
        assert storage.exists(key) is (name == "approved")
    submitted = db.session.execute(
        text("SELECT id FROM product_image WHERE submitted_at IS NOT NULL")
    ).scalars()
    assert list(submitted) == [ids["pending"]]


def test_0012_stops_when_an_order_has_two_completed_attempts(app, caplog) -> None:
    """One completed payment attempt per order: existing data that breaks it stops the upgrade."""
    shop = two_facilities()
    attempt = payments.start_payment(order=place(shop), now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    db.session.remove()
    downgrade(revision="0011")
    columns = (
        "order_id, gateway, status, amount_idr, url, expires_at, error, created_at, updated_at"
    )
    with db.engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO payment_attempt (idempotency_key, session_id, {columns}) "
                f"SELECT 'copy', 'copy', {columns} FROM payment_attempt"
            )
        )
    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
        upgrade()
    assert "migration 0012 stopped, nothing changed" in caplog.text
    assert ": 2 completed attempts" in caplog.text
    with db.engine.begin() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0011"
        )
        connection.execute(text("DELETE FROM payment_attempt WHERE idempotency_key = 'copy'"))
    upgrade()
    assert _differences() == []

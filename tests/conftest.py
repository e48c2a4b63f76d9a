"""Fixtures: a migrated database per test run, a clean one per test, on SQLite or PostgreSQL.

With `TEST_DATABASE_URL` set (a PostgreSQL server), the run creates its own database on that
server, migrates it once, truncates every table after each test and drops the database at the
end, so concurrent runs never see each other's data. Otherwise each test gets a copy of a
migrated SQLite file.

A module whose tests all start from the same data builds it once (`seeded_database`) and gives
each test a copy of it (`copy_of`): a file copy on SQLite, a `CREATE DATABASE ... TEMPLATE` on
PostgreSQL. Tests stay isolated (they may write) and the data is built once per module.
"""

from __future__ import annotations

import contextvars
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import make_url, text

from shop.app import create_app
from shop.config import Config, normalise_database_url
from shop.extensions import db as _db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))


def make_config(database_url: str, tmp_path: Path, **overrides: object) -> Config:
    config = Config(
        TESTING=True,
        SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path / "uploads"),
        MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
        SITE_URL="http://localhost",
        WTF_CSRF_ENABLED=False,
        # Tests change data through factories and bare commits, which do not bump the page
        # cache's versions (requests, commands and jobs do): tests of the cache turn it on.
        PAGE_CACHE_SECONDS=0,
        CARD_CACHE_SECONDS=0,
    )
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def _migrate(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_config(database_url, tmp_path))
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for the run: a PostgreSQL database of its own, or a SQLite file."""
    workdir = tmp_path_factory.mktemp("database")
    if not ON_POSTGRES:
        url = f"sqlite:///{workdir / 'template.db'}"
        _migrate(url, workdir)
        yield url
        return
    with _postgres_database() as url:
        _migrate(url, workdir)
        yield url


@contextmanager
def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test server (a copy of `template`'s when given), dropped after."""
    server = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"etalase_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    copied = f' TEMPLATE "{make_url(template).database}"' if template else ""
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"{copied}')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def copy_database(source: str, workdir: Path) -> Iterator[str]:
    """A database of its own with `source`'s tables and rows, gone after the block."""
    if ON_POSTGRES:
        with _postgres_database(template=source) as url:
            yield url
        return
    copy = workdir / f"copy-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(Path(make_url(source).database or ""), copy)
    yield f"sqlite:///{copy}"


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    return _fresh_database(database_template, tmp_path)


def _fresh_database(database_template: str, tmp_path: Path) -> str:
    """The migrated, empty database: the run's own on PostgreSQL, a copy of the file on SQLite."""
    if ON_POSTGRES:
        return database_template
    source = Path(make_url(database_template).database or "")
    copy = tmp_path / "test.db"
    shutil.copyfile(source, copy)
    return f"sqlite:///{copy}"


@dataclass(frozen=True)
class Seeded:
    """A database seeded once, what the seed returned (plain values such as ids), and the
    directory of its app (its uploads are under `workdir / "uploads"`)."""

    url: str
    value: Any
    workdir: Path


def seeded_database(
    seed: Callable[[FlaskClient, Any], Any], **overrides: object
) -> Callable[..., Iterator[Seeded]]:
    """A module-scoped fixture: the migrated database, seeded once by `seed(client, rsps)`.

    `seed` runs in an app of its own (configured with `overrides`), with a test client and
    Stripe's API intercepted; it must return plain values (ids), not objects of its session.
    """

    @pytest.fixture(scope="module")
    def fixture(database_template: str, tmp_path_factory: pytest.TempPathFactory):
        import responses

        workdir = tmp_path_factory.mktemp("seeded")
        with copy_database(database_template, workdir) as url:
            app = create_app(make_config(url, workdir, **overrides))
            app.test_client_class = IsolatedClient
            with app.app_context():
                with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
                    value = seed(app.test_client(), rsps)
                _db.session.remove()
                _db.engine.dispose()
            yield Seeded(url=url, value=value, workdir=workdir)

    return fixture


def copy_of(seeded_fixture: str) -> Callable[..., Iterator[str]]:
    """A `database_url` fixture giving each test that uses `seeded_fixture` (directly or through
    another fixture) its own copy of that seeded database, and the others an empty one."""

    @pytest.fixture
    def database_url(
        request: pytest.FixtureRequest, database_template: str, tmp_path: Path
    ) -> Iterator[str]:
        if seeded_fixture not in request.fixturenames:
            yield _fresh_database(database_template, tmp_path)
            return
        seeded: Seeded = request.getfixturevalue(seeded_fixture)
        with copy_database(seeded.url, tmp_path) as url:
            yield url

    return database_url


class IsolatedClient(FlaskClient):
    """Runs each request in a context of its own, as in production.

    The `app` fixture keeps an app context open for the test's own database work; without this,
    requests would share its `g` (the logged-in user, the chosen locale) with each other.
    Responses are read whole inside that context, so a streamed body (`stream_with_context`)
    opens and closes its request context in the same place.
    """

    def open(self, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def config_overrides() -> dict[str, object]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(
    database_url: str, database_template: str, tmp_path: Path, config_overrides: dict[str, object]
) -> Iterator[Flask]:
    app = create_app(make_config(database_url, tmp_path, **config_overrides))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
        if database_url == database_template:  # the run's shared PostgreSQL database
            _truncate_all()
        _db.engine.dispose()


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with _db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db(app: Flask):
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login_as(app: Flask, client: FlaskClient):
    """Sign a client in, through the real login form, as a new user of `role`.

    `login_as("staff", facility=f)`, `login_as("kanwil", kanwil=k)`, `login_as("central")`;
    staff and kanwil get a new facility or Kanwil when none is given. Pass `client=` to sign
    in a second client. Returns the user.
    """
    from shop.models import Role
    from tests import factories

    def sign_in(role: str, *, facility=None, kanwil=None, client: FlaskClient = client):
        role = Role(role)
        if role is Role.STAFF:
            user = factories.StaffFactory(facility=facility or factories.FacilityFactory())
        elif role is Role.KANWIL:
            user = factories.KanwilUserFactory(kanwil=kanwil or factories.KanwilFactory())
        else:
            user = factories.UserFactory(role=role)
        response = client.post(
            "/admin/login", data={"email": user.email, "password": factories.TEST_PASSWORD}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


@pytest.fixture
def redis_url() -> str:
    """The loopback Redis; without it the test is skipped with the reason (failed in CI)."""
    from tests.servers import require_redis

    return require_redis()


@pytest.fixture
def rsps():
    """Stripe's HTTP API, intercepted: tests register Stripe-shaped responses on it."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def paid(db, client, rsps):
    """The two-facility order paid through Stripe's webhook; the module configures Stripe
    (`config_overrides` returning `stripe_fixtures.STRIPE_CONFIG`)."""
    from tests.checkout import stripe_fixtures

    shop, order = stripe_fixtures.pay_two_facilities_through_stripe(client, rsps)
    db.session.expire_all()
    return shop, order

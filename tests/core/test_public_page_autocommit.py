"""An anonymous visitor's public page reads in autocommit on PostgreSQL (no BEGIN, no COMMIT):
a statement that may write is refused before it reaches the database, and the mode ends with the
request. Every other request runs in a transaction, as before; SQLite is left as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask, has_request_context, request
from flask.testing import FlaskClient
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection

from shop.database import AutocommitWriteRefused, end_read_only_transaction, read_in_autocommit
from shop.models import Cart, Kanwil, TimeZone
from tests.conftest import ON_POSTGRES
from tests.factories import ProductFactory


def postgres_only(test: Callable[..., None]) -> Callable[..., None]:
    """Marked and skipped as test_read_only_transactions.py is, for one test: only PostgreSQL
    reads in autocommit."""
    skip = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL")
    return pytest.mark.postgres_only(skip(test))


# One pooled connection: each request gets the connection the one before it had.
ONE_CONNECTION = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}}


@dataclass(frozen=True)
class Ran:
    """A statement that reached the database, and its connection's state just after it."""

    request: str  # "GET /products"; "" outside a request
    statement: str
    isolation_level: str | None  # the execution option SQLAlchemy was given
    # psycopg's flag, the server's transaction status and its process (None on SQLite)
    autocommit: bool | None
    status: TransactionStatus | None
    backend_pid: int | None


@pytest.fixture
def ran(db) -> Iterator[list[Ran]]:
    statements: list[Ran] = []

    def record(connection: Connection, _cursor: object, statement: str, *_args: object) -> None:
        driver = connection.connection.driver_connection
        on_postgres = connection.dialect.name == "postgresql"
        statements.append(
            Ran(
                request=f"{request.method} {request.path}" if has_request_context() else "",
                statement=statement,
                isolation_level=connection.get_execution_options().get("isolation_level"),
                autocommit=driver.autocommit if on_postgres else None,
                status=driver.info.transaction_status if on_postgres else None,
                backend_pid=driver.info.backend_pid if on_postgres else None,
            )
        )

    event.listen(db.engine, "after_cursor_execute", record)
    yield statements
    event.remove(db.engine, "after_cursor_execute", record)


def _of(ran: list[Ran], where: str) -> list[Ran]:
    statements = [statement for statement in ran if statement.request == where]
    assert statements, f"{where} ran no statement"
    return statements


def _kanwil() -> Kanwil:
    return Kanwil(code="TULIS", name="Kanwil Tulis", province="Tulis", timezone=TimeZone.WIB)


def _kanwils_written(db) -> int:
    return db.session.scalar(select(func.count()).where(Kanwil.code == "TULIS"))


def test_an_anonymous_public_page_changes_the_isolation_level_on_postgresql_only(
    client: FlaskClient, ran: list[Ran]
) -> None:
    ProductFactory(name="Kursi Rotan")
    response = client.get("/products")
    assert response.status_code == 200
    assert "Kursi Rotan" in response.get_data(as_text=True)
    expected = "AUTOCOMMIT" if ON_POSTGRES else None
    assert {statement.isolation_level for statement in _of(ran, "GET /products")} == {expected}


@pytest.mark.parametrize("config_overrides", [ONE_CONNECTION])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@postgres_only
def test_an_anonymous_public_page_runs_no_transaction(
    client: FlaskClient, ran: list[Ran], method: str
) -> None:
    ProductFactory(name="Kursi Rotan")
    assert client.open("/products", method=method).status_code == 200
    statements = _of(ran, f"{method} /products")
    assert {(s.autocommit, s.status) for s in statements} == {(True, TransactionStatus.IDLE)}


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda db: (db.session.add(_kanwil()), db.session.flush()), id="insert"),
        pytest.param(
            lambda db: db.session.execute(select(Kanwil).with_for_update()).all(), id="row lock"
        ),
    ],
)
@postgres_only
def test_a_write_on_a_public_page_is_refused_before_it_reaches_the_database(
    app: Flask, db, client: FlaskClient, ran: list[Ran], attempt: Callable[[object], object]
) -> None:
    @app.before_request
    def write_on_the_catalogue() -> None:
        if request.endpoint == "shop.products":
            attempt(db)

    with pytest.raises(AutocommitWriteRefused, match="may not write or lock rows"):
        client.get("/products")
    assert not any("kanwil" in statement.statement for statement in ran)
    # In autocommit an INSERT that reached the database would have stayed.
    assert _kanwils_written(db) == 0


@postgres_only
def test_a_signed_in_visitors_page_and_a_post_run_in_a_transaction(
    db, client: FlaskClient, login_as, ran: list[Ran]
) -> None:
    variant_id = ProductFactory(name="Kursi Rotan").variants[0].id
    anonymous = client.application.test_client()
    response = anonymous.post("/cart/items", data={"variant_id": variant_id, "quantity": 1})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 1
    login_as("central")
    assert client.get("/products").status_code == 200
    for where in ("POST /cart/items", "POST /admin/login", "GET /products"):
        statements = _of(ran, where)
        assert {s.autocommit for s in statements} == {False}, where
        assert TransactionStatus.INTRANS in {s.status for s in statements}, where


@pytest.mark.parametrize("config_overrides", [ONE_CONNECTION])
@postgres_only
def test_the_mode_ends_with_the_request(
    app: Flask, db, client: FlaskClient, ran: list[Ran]
) -> None:
    def write_then_fail() -> str:
        db.session.add(_kanwil())
        db.session.flush()
        raise RuntimeError("failed after writing")

    app.add_url_rule("/test/write-then-fail", view_func=write_then_fail, methods=["POST"])
    ProductFactory(name="Kursi Rotan")
    assert client.get("/products").status_code == 200
    with pytest.raises(RuntimeError, match="failed after writing"):
        client.post("/test/write-then-fail")

    (reader,) = {s.backend_pid for s in _of(ran, "GET /products")}
    writes = _of(ran, "POST /test/write-then-fail")
    assert {s.backend_pid for s in writes} == {reader}  # the same pooled connection
    assert {(s.autocommit, s.status) for s in writes} == {(False, TransactionStatus.INTRANS)}
    assert _kanwils_written(db) == 0  # rolled back with the request


@pytest.mark.parametrize("config_overrides", [ONE_CONNECTION])
@postgres_only
def test_prepared_statements_outlive_the_request(db, client: FlaskClient, ran: list[Ran]) -> None:
    ProductFactory(name="Kursi Rotan")
    for _ in range(7):  # psycopg prepares a statement at its fifth run
        assert client.get("/products").status_code == 200
    (reader,) = {s.backend_pid for s in _of(ran, "GET /products")}
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver.info.backend_pid == reader
        prepared = connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements")
        # A ROLLBACK when a request's session closed would have made psycopg drop them all.
        assert any("FROM product" in statement for statement in prepared.scalars())


@postgres_only
def test_the_mode_ends_with_the_request_in_the_same_context(app: Flask, db) -> None:
    """As in production, where a worker's thread serves one request after the other (the
    `client` fixture runs each in a context of its own)."""
    ProductFactory(name="Kursi Rotan")
    db.session.remove()
    assert FlaskClient(app).get("/products").status_code == 200
    db.session.remove()
    db.session.add(_kanwil())
    db.session.flush()  # not refused
    assert db.session.connection().connection.driver_connection.autocommit is False
    db.session.rollback()


@postgres_only
def test_end_read_only_transaction_leaves_a_connection_reading_in_autocommit(db) -> None:
    read_in_autocommit()
    try:
        session = db.session()
        assert session.scalar(select(func.count()).select_from(Kanwil)) == 0
        end_read_only_transaction(session)
        driver = session.connection().connection.driver_connection
        assert driver.autocommit
        assert driver.info.transaction_status == TransactionStatus.IDLE
    finally:
        read_in_autocommit(False)


@postgres_only
def test_a_session_that_began_keeps_its_transaction(db) -> None:
    session = db.session()
    session.scalar(select(func.count()).select_from(Kanwil))
    read_in_autocommit()
    try:
        session.add(_kanwil())
        session.flush()
        assert session.connection().connection.driver_connection.autocommit is False
        session.rollback()
    finally:
        read_in_autocommit(False)
    assert _kanwils_written(db) == 0

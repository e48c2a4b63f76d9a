"""A request that ran only plain SELECTs ends its PostgreSQL transaction with COMMIT, so
psycopg keeps the statements it prepared; one that wrote, locked rows or failed is rolled back
by the session, as always."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import func, select

from shop.database import end_read_only_transaction
from shop.models import Kanwil, TimeZone
from tests.conftest import ON_POSTGRES

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL"),
]


def _driver(db):
    return db.session.connection().connection.driver_connection


def test_a_transaction_that_only_read_keeps_its_prepared_statements(db) -> None:
    statement = select(func.count()).select_from(Kanwil)
    for _ in range(6):  # psycopg prepares a statement at its fifth run
        db.session.scalar(statement)
        end_read_only_transaction(db.session())
        db.session.close()
    driver = _driver(db)
    prepared = driver.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
    assert prepared >= 1
    db.session.scalar(statement)
    end_read_only_transaction(db.session())
    assert driver.pgconn.transaction_status == TransactionStatus.IDLE


def test_a_transaction_that_wrote_is_still_rolled_back(db) -> None:
    db.session.add(
        Kanwil(code="TULIS", name="Kanwil Tulis", province="Tulis", timezone=TimeZone.WIB)
    )
    db.session.flush()
    end_read_only_transaction(db.session())
    assert _driver(db).pgconn.transaction_status == TransactionStatus.INTRANS
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Kanwil.code == "TULIS")) == 0


def test_a_failed_transaction_is_left_to_the_rollback(db) -> None:
    with pytest.raises(Exception):  # noqa: B017 (any database error fails the transaction)
        db.session.execute(select(func.cast("x", Kanwil.id.type)))
    end_read_only_transaction(db.session())
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Kanwil)) >= 0


def test_a_transaction_that_locked_rows_is_left_to_the_rollback(db) -> None:
    db.session.execute(select(Kanwil).with_for_update()).all()
    end_read_only_transaction(db.session())
    assert _driver(db).pgconn.transaction_status == TransactionStatus.INTRANS

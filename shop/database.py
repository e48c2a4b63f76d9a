"""The database handle, apart from the web extensions so the domain core can use it alone."""

import sqlite3
from contextvars import ContextVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry, Pool

from shop.models.base import Base

db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    """SQLite checks foreign keys only when asked, per connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


_WROTE = "etalase_wrote"
# Marks a connection reading in autocommit (`read_in_autocommit`) until it goes back to the pool.
_AUTOCOMMIT_READS = "etalase_autocommit_reads"
_AUTOCOMMIT_READS_WANTED: ContextVar[bool] = ContextVar(_AUTOCOMMIT_READS, default=False)
# Statements that may write or lock rows; anything else that is not a SELECT counts as well.
_LOCKING = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE")


@event.listens_for(Engine, "begin")
def _transaction_began(connection: Connection) -> None:
    connection.info.pop(_WROTE, None)


class AutocommitWriteRefused(RuntimeError):
    """A statement that may write or lock rows, refused before it reached the database because
    its connection reads in autocommit (`read_in_autocommit`): there it would be committed on
    its own at once, whatever the rest of the request did."""


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection: Connection, _cursor: object, statement: str, *_args: object) -> None:
    """Remember, for this transaction, a statement that is not a plain SELECT (a write, a row
    lock, DDL): erring on the side of "wrote" only costs a rollback. On a connection reading in
    autocommit, refuse it instead (and so never note it there)."""
    info = connection.info
    if _WROTE in info or not _may_write(statement):
        return
    if info.get(_AUTOCOMMIT_READS):
        raise AutocommitWriteRefused(
            "This request reads in autocommit (an anonymous visitor's public page) and may not "
            f"write or lock rows: {statement[:200]!r}"
        )
    info[_WROTE] = True


def _may_write(statement: str) -> bool:
    if statement.lstrip()[:6].upper() != "SELECT":
        return True
    upper = statement.upper()
    return any(lock in upper for lock in _LOCKING)


def read_in_autocommit(wanted: bool = True) -> None:
    """From now on (until called with False), the connections this context takes from the pool
    on PostgreSQL run with the driver in autocommit, for a request that only reads (an anonymous
    visitor's public page): each statement is then a transaction of its own, without the BEGIN
    and COMMIT round trips (BEGIN, SELECT, COMMIT took 295 µs with psycopg, a SELECT alone
    90 µs). A connection the session holds already keeps its transaction; a request that runs
    no statement takes no connection, as before.

    The reads see what they would have seen. PostgreSQL runs READ COMMITTED here (its default;
    nothing in the app or its engine options sets another level), where each statement of a
    transaction takes a snapshot of its own: the transaction gave a page's statements no common
    view to lose (one under REPEATABLE READ would have). Nor does a public page use what else
    would need one: row locks (refused, below), transaction-scoped advisory locks, `now()`,
    `SET LOCAL`, server-side cursors.

    A statement that may write or lock rows is refused before it reaches the database
    (`AutocommitWriteRefused`): in autocommit it would be committed alone, whatever followed.
    The session still ends as before; its ROLLBACK finds no transaction and sends nothing, so
    psycopg keeps the statements it prepared. The pool resets the connection's isolation level
    when it comes back, and the mark with it (`_forget_autocommit_reads`). SQLite is left as it
    is.
    """
    _AUTOCOMMIT_READS_WANTED.set(wanted)


@event.listens_for(Engine, "engine_connect")
def _autocommit_reads_if_wanted(connection: Connection) -> None:
    """Before the session begins on the connection: its isolation level cannot change after."""
    if _AUTOCOMMIT_READS_WANTED.get() and connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.info[_AUTOCOMMIT_READS] = True


@event.listens_for(Pool, "checkin")
def _forget_autocommit_reads(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
    """`Connection.info` belongs to the pooled connection and outlives the checkout: the next
    one, whatever it does, runs in a transaction again and may write."""
    record.info.pop(_AUTOCOMMIT_READS, None)


def end_read_only_transaction(session: Session) -> None:
    """Commit, on PostgreSQL, a transaction that ran only plain SELECTs, before the session
    ends it.

    Ending it with COMMIT or ROLLBACK is the same to the data. But psycopg forgets every
    statement it prepared at each ROLLBACK, and a session closes with one: a site whose page
    views all rolled back planned each of their queries again on each request (a product page
    spent more on planning its join than on running it). The commit is the driver's own, under
    the session, so no commit hook runs; the session's rollback then finds nothing to end.
    (A SELECT of a function that writes would count as read-only: the app calls none.)
    A connection reading in autocommit (`read_in_autocommit`) has no transaction to end.
    """
    if not session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    if not (connection.info.get(_WROTE) or connection.info.get(_AUTOCOMMIT_READS)):
        connection.connection.driver_connection.commit()

"""The database handle, apart from the web extensions so the domain core can use it alone."""

import sqlite3

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

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
# Statements that may write or lock rows; anything else that is not a SELECT counts as well.
_LOCKING = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE")


@event.listens_for(Engine, "begin")
def _transaction_began(connection: Connection) -> None:
    connection.info.pop(_WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection: Connection, _cursor: object, statement: str, *_args: object) -> None:
    """Remember, for this transaction, a statement that is not a plain SELECT (a write, a row
    lock, DDL): erring on the side of "wrote" only costs a rollback."""
    if _WROTE in connection.info:
        return
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[_WROTE] = True
        return
    upper = statement.upper()
    if any(lock in upper for lock in _LOCKING):
        connection.info[_WROTE] = True


def end_read_only_transaction(session: Session) -> None:
    """Commit, on PostgreSQL, a transaction that ran only plain SELECTs, before the session
    ends it.

    Ending it with COMMIT or ROLLBACK is the same to the data. But psycopg forgets every
    statement it prepared at each ROLLBACK, and a session closes with one: a site whose page
    views all rolled back planned each of their queries again on each request (a product page
    spent more on planning its join than on running it). The commit is the driver's own, under
    the session, so no commit hook runs; the session's rollback then finds nothing to end.
    (A SELECT of a function that writes would count as read-only: the app calls none.)
    """
    if not session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    if not connection.info.get(_WROTE):
        connection.connection.driver_connection.commit()

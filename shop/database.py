"""The database handle, apart from the web extensions so the domain core can use it alone."""

import sqlite3

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
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


_NOTHING_WRITTEN = text("SELECT txid_current_if_assigned() IS NULL")


def end_read_only_transaction(session: Session) -> None:
    """Commit, on PostgreSQL, a transaction that wrote nothing, before the session ends it.

    Ending it with COMMIT or ROLLBACK is the same to the data (PostgreSQL gives a transaction an
    id at its first write or row lock, and this one has none). But psycopg forgets every
    statement it prepared at each ROLLBACK, and a session closes with one: a site whose page
    views all rolled back planned each of their queries again on each request (a product page
    spent more on planning its join than on running it). The commit is the driver's own, under
    the session, so no commit hook runs; the session's rollback then finds nothing to end.
    """
    if not session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    try:
        if session.scalar(_NOTHING_WRITTEN):
            session.connection().connection.driver_connection.commit()
    except DBAPIError:
        # A transaction already failed: the session's rollback ends it, as before.
        return

"""One transaction per request, command or job, owned by the caller; side effects after it commits.

Services change rows and register what must happen once those changes are safe (a mail, a job,
a cache to drop) with `after_commit`. They never commit. The caller (the web layer for a request,
a CLI command, a job) ends the unit of work with `commit()` or `rollback()`: registered actions run
only after a successful commit, in the order they were registered, and are dropped on rollback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from shop.database import db

log = logging.getLogger("etalase.unit_of_work")

_PENDING = "etalase_after_commit"
_READY = "etalase_after_commit_ready"

Action = Callable[[], None]


def after_commit(action: Action) -> None:
    """Run `action` once the current transaction has committed; forget it if it rolls back."""
    db.session.info.setdefault(_PENDING, []).append(action)


def commit() -> None:
    """Commit the unit of work, then run the actions registered on it.

    An action that fails is logged and does not undo the commit or stop the others: the change
    is already stored, and each side effect has its own way to be retried (the mail outbox,
    the job queue, `flask shop sync-photos`).
    """
    db.session.commit()
    run_committed_actions()


def rollback() -> None:
    """Undo the unit of work; nothing registered on it runs."""
    db.session.rollback()
    db.session.info.pop(_PENDING, None)
    db.session.info.pop(_READY, None)


@contextmanager
def own_unit() -> Iterator[None]:
    """A unit of work of its own, for a process that talks to a payment gateway between units.

    The gateway must not be called inside a transaction holding locks, and what is sent must be
    stored before it is sent (so a retry sends the same idempotency key) and the answer after it:
    such a process is several units in a row, each committed as the block ends (its actions run)
    or rolled back when the block raises. Start one only between units: nothing else may be
    pending. Everything else leaves the commit to its caller.
    """
    try:
        yield
        commit()
    except BaseException:
        rollback()
        raise


def run_committed_actions() -> None:
    """Run what earlier commits left to do (also after a bare `db.session.commit()`)."""
    while actions := db.session.info.pop(_READY, None):
        for action in actions:
            try:
                action()
            except Exception:
                log.exception("An action after commit failed: %r", action)


@event.listens_for(Session, "after_commit")
def _commit_makes_actions_ready(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_soft_rollback")
def _rollback_drops_actions(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING, None)

"""Lock, then read, then decide: the row locks every change of an order's state takes first.

One rule for orders, their parts, payment attempts and refunds. A change locks the rows it will
change, always in the same order (order, its parts, its attempts, then refunds) so two changes
never wait on each other crosswise, re-reads them inside the lock, and only then decides.

- PostgreSQL: `SELECT ... FOR UPDATE`, ordered by id; the second writer waits for the first to
  commit and then reads what it wrote.
- SQLite has no row locks: a no-op `UPDATE` of the same rows turns the transaction into a write
  transaction at once (like `BEGIN IMMEDIATE`), and SQLite lets one writer at a time in. The
  rows are read after it, so they are as fresh as on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select, text

from shop.database import db
from shop.models import FacilityOrder, Order, PaymentAttempt, Refund
from shop.models.base import Base

M = TypeVar("M", bound=Base)


def lock_rows(model: type[M], ids: Sequence[int]) -> list[M]:
    """Lock the rows of `model` with these ids and return them re-read, ordered by id."""
    if not ids:
        return []
    wanted = sorted(set(ids))
    table = model.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        marks = ", ".join(f":id{n}" for n in range(len(wanted)))
        db.session.execute(
            text(f'UPDATE "{table.name}" SET id = id WHERE id IN ({marks})'),
            {f"id{n}": value for n, value in enumerate(wanted)},
        )
    query = select(model).where(table.c.id.in_(wanted)).order_by(table.c.id)
    return list(
        db.session.scalars(query.with_for_update().execution_options(populate_existing=True))
    )


def lock_order(order_id: int) -> Order:
    """The order with its parts and payment attempts, locked and re-read."""
    (order,) = lock_rows(Order, [order_id])
    lock_rows(FacilityOrder, _ids(FacilityOrder, order_id))
    lock_rows(PaymentAttempt, _ids(PaymentAttempt, order_id))
    db.session.expire(order, ["parts", "attempts"])
    return order


def lock_refund(refund_id: int) -> Refund:
    """A refund, after its order, the order's parts and attempts (the same order of locks)."""
    order_id = db.session.scalar(
        select(FacilityOrder.order_id)
        .join(Refund, Refund.facility_order_id == FacilityOrder.id)
        .where(Refund.id == refund_id)
    )
    assert order_id is not None
    lock_order(order_id)
    (refund,) = lock_rows(Refund, [refund_id])
    return refund


def lock_names(*names: str) -> None:
    """Lock names that have no row of their own (a buyer's email, a client address) for the rest
    of the transaction, so a count of their rows is read and acted on by one writer at a time.

    PostgreSQL: a transaction-level advisory lock per name, taken in a fixed order; SQLite: the
    transaction becomes a write transaction at once, which admits one writer at a time.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text('UPDATE "shop_order" SET id = id WHERE 0'))
        return
    for key in sorted({_advisory_key(name) for name in names}):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a name (Python's hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)


def _ids(model: type[FacilityOrder] | type[PaymentAttempt], order_id: int) -> list[int]:
    return list(db.session.scalars(select(model.id).where(model.order_id == order_id)))

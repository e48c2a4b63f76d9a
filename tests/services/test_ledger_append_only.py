"""The ledger and the PNBP deposits are append-only in the database itself, whatever the client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from shop import payments
from shop.core import clock
from shop.models import LedgerEntry, LedgerEntryKind, Product, RevenueSplitRule, SplitBasis
from shop.payments import events
from tests.checkout.helpers import place, two_facilities
from tests.factories import FacilityFactory
from tests.pnbp_helpers import record


@pytest.fixture
def paid_order(db):
    shop = two_facilities()
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    return order


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger_entry SET amount_idr = amount_idr + 1", "DELETE FROM ledger_entry"],
)
def test_plain_sql_cannot_change_or_delete_ledger_entries(db, paid_order, statement) -> None:
    before = db.session.execute(select(LedgerEntry.id, LedgerEntry.amount_idr)).all()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.execute(select(LedgerEntry.id, LedgerEntry.amount_idr)).all() == before


def test_deleting_a_sold_product_is_refused_instead_of_rewriting_the_ledger(db, paid_order) -> None:
    product_id = db.session.scalar(select(LedgerEntry.product_id).where(LedgerEntry.kind == "sale"))
    with pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM product WHERE id = :id"), {"id": product_id})
    db.session.rollback()
    assert db.session.get(Product, product_id) is not None


def test_a_second_sale_entry_for_a_line_is_rejected(db, paid_order) -> None:
    sale = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "sale")).first()
    columns = {c.key: getattr(sale, c.key) for c in LedgerEntry.__table__.columns if c.key != "id"}
    count = _count(db)
    with pytest.raises(IntegrityError):
        db.session.execute(insert(LedgerEntry).values(**columns))
    db.session.rollback()
    assert _count(db) == count


def test_a_refund_entry_may_follow_a_sale_of_the_same_line(db, paid_order) -> None:
    """The unique index concerns the kind: the line's refund is a second entry, allowed."""
    sale = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "sale")).first()
    columns = {c.key: getattr(sale, c.key) for c in LedgerEntry.__table__.columns if c.key != "id"}
    columns.update(kind=LedgerEntryKind.REFUND, reverses_entry_id=sale.id)
    db.session.execute(insert(LedgerEntry).values(**columns))
    db.session.commit()


def test_one_national_rule_per_valid_from(db) -> None:
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    values = {
        "facility_id": None, "valid_from": moment, "basis": SplitBasis.SALES, "pnbp_bp": 5000,
        "premi_bp": 3500, "capital_bp": 1500, "source": "SK Kalapas", "created_at": clock.now(),
    }  # fmt: skip
    db.session.execute(insert(RevenueSplitRule).values(**values))
    with pytest.raises(IntegrityError):
        db.session.execute(insert(RevenueSplitRule).values(**values))
    db.session.rollback()


def test_plain_sql_cannot_change_a_deposit(db) -> None:
    record(FacilityFactory())
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE pnbp_deposit SET amount_idr = 1"))
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM pnbp_deposit"))
    db.session.rollback()

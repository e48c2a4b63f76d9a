"""The database keeps the till's entries honest too: append-only, one source, no double posting."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from shop.database import db
from shop.models import LedgerEntry
from tests.tills.helpers import facility_with_rule, open_showroom, sell, variant


@pytest.fixture
def entry(db) -> LedgerEntry:
    facility = facility_with_rule()
    stand, staff = open_showroom(facility)
    sale = sell(stand, staff, (variant(facility), 1))
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.stand_sale_id == sale.id))


@pytest.mark.parametrize(
    "statement", ["UPDATE ledger_entry SET amount_idr = 1", "DELETE FROM ledger_entry"]
)
def test_plain_sql_cannot_change_a_stand_sale_entry(entry, statement) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def _copy(entry: LedgerEntry, **changes: object) -> dict[str, object]:
    columns = LedgerEntry.__table__.columns
    values = {c.name: getattr(entry, c.key) for c in columns if c.name != "id"}
    return {**values, **changes}


def test_a_stand_sale_line_cannot_be_posted_twice(entry) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(insert(LedgerEntry).values(_copy(entry)))
    db.session.rollback()


def test_an_entry_without_a_source_is_refused(entry) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(
            insert(LedgerEntry).values(_copy(entry, stand_sale_id=None, stand_sale_line_id=None))
        )
    db.session.rollback()

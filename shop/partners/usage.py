"""How much each partner key is used: one row per key and day, counted by a single upsert.

Counting happens after the API has answered, in a transaction of its own holding one row for
a moment (`INSERT ... ON CONFLICT DO UPDATE`), so concurrent requests all count and a read
never waits for more than that one statement. Days are national (WIB) calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from shop.core import clock
from shop.database import db
from shop.models import PartnerKey, PartnerKeyUsage


def count_request(*, key_id: int, now: datetime, limited: bool = False) -> None:
    """Count one request made with the key today (and whether it was refused for the limit)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    refused = 1 if limited else 0
    statement = insert(PartnerKeyUsage).values(
        key_id=key_id, day=clock.local_date(now), requests=1, limited=refused
    )
    statement = statement.on_conflict_do_update(
        index_elements=["key_id", "day"],
        set_={
            "requests": PartnerKeyUsage.requests + 1,
            "limited": PartnerKeyUsage.limited + refused,
        },
    )
    db.session.execute(statement)


@dataclass(frozen=True)
class DayUsage:
    day: date
    requests: int
    limited: int


def usage_per_day(key: PartnerKey, *, until: date, days: int = 30) -> list[DayUsage]:
    """The key's requests on each of the `days` days up to `until`, newest first, zeros included."""
    since = until - timedelta(days=days - 1)
    counted = {
        row.day: row
        for row in db.session.scalars(
            sa.select(PartnerKeyUsage).where(
                PartnerKeyUsage.key_id == key.id, PartnerKeyUsage.day.between(since, until)
            )
        )
    }
    result = []
    for offset in range(days):
        day = until - timedelta(days=offset)
        row = counted.get(day)
        result.append(DayUsage(day, row.requests if row else 0, row.limited if row else 0))
    return result


def requests_today(*, now: datetime) -> dict[int, int]:
    """Requests per key today, for the list of keys."""
    return dict(
        db.session.execute(
            sa.select(PartnerKeyUsage.key_id, PartnerKeyUsage.requests).where(
                PartnerKeyUsage.day == clock.local_date(now)
            )
        ).all()
    )

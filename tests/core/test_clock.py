"""Days are somebody's local days: the same instant is another date in another zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shop.core import clock
from shop.core.clock import Period, TimeZone

# 16:30 UTC on 30 November: 23:30 that day in Jakarta, 00:30 on 1 December in Makassar.
LATE_EVENING = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)


def test_the_same_instant_is_another_day_in_another_zone() -> None:
    assert clock.local_date(LATE_EVENING) == date(2026, 11, 30)
    assert clock.local_date(LATE_EVENING, TimeZone.WITA) == date(2026, 12, 1)
    assert clock.local_date(LATE_EVENING, clock.EASTERNMOST) == date(2026, 12, 1)


def test_this_month_is_the_national_month() -> None:
    assert Period.this_month(LATE_EVENING) == Period(date(2026, 11, 1), date(2026, 11, 30))
    after_midnight_in_jakarta = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert Period.this_month(after_midnight_in_jakarta) == Period(
        date(2026, 12, 1), date(2026, 12, 31)
    )
    assert Period.month_of(date(2028, 2, 10)).days == 29


def test_a_period_runs_from_local_midnight_to_the_next_day_s() -> None:
    december = Period.month_of(date(2026, 12, 5))
    assert december.starts_at() == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert december.ends_at() == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert december.starts_at(TimeZone.WIT) == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert december.args() == {"from": "2026-12-01", "to": "2026-12-31"}

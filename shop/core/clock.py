"""One clock and Indonesia's time zones: instants are UTC, days are always somebody's local days.

An instant (`created_at`, `occurred_at`, `now`) is a timezone-aware UTC datetime. A calendar day
belongs to a place: a facility's own zone (WIB, WITA or WIT, from its Kanwil: see
`shop.models.TimeZone`), or the national view in WIB, the central office's calendar. "This
month", the default period of reports and PNBP pages, is the national month. A `Period` is whole
days, both ends included; its instants are computed here and nowhere else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shop.core.i18n import format_date


class TimeZone(enum.StrEnum):
    """Indonesia's three zones; a Kanwil (and so each of its facilities) lives in one."""

    WIB = "Asia/Jakarta"
    WITA = "Asia/Makassar"
    WIT = "Asia/Jayapura"

    @property
    def abbreviation(self) -> str:
        return self.name


# WIB: the national view (reports, PNBP defaults, reconciliation, file names, the impact year).
NATIONAL = ZoneInfo(TimeZone.WIB.value)
# WIT: a day has begun somewhere in Indonesia once it has begun here, the easternmost zone.
EASTERNMOST = ZoneInfo(TimeZone.WIT.value)


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


def zone(name: str | None = None) -> ZoneInfo:
    """The zone of an IANA name (a facility's `timezone`), or the national zone for None."""
    return ZoneInfo(name) if name else NATIONAL


def local_date(moment: datetime, timezone: str | ZoneInfo | None = None) -> date:
    """The calendar day of `moment` in `timezone` (a name or a zone; national by default)."""
    chosen = timezone if isinstance(timezone, ZoneInfo) else zone(timezone)
    return moment.astimezone(chosen).date()


def today(timezone: str | ZoneInfo | None = None) -> date:
    """Today's date in `timezone` (national by default)."""
    return local_date(now(), timezone)


def start_of_day(day: date, timezone: str | ZoneInfo | None = None) -> datetime:
    """The UTC instant of local midnight at the start of `day` in `timezone`."""
    chosen = timezone if isinstance(timezone, ZoneInfo) else zone(timezone)
    return datetime.combine(day, time.min, chosen).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: date
    end: date

    @classmethod
    def month_of(cls, day: date) -> Period:
        first = day.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return cls(first, next_month - timedelta(days=1))

    @classmethod
    def this_month(cls, moment: datetime) -> Period:
        """The national calendar month `moment` falls in."""
        return cls.month_of(local_date(moment))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def starts_at(self, timezone: str | ZoneInfo | None = None) -> datetime:
        """The first instant of the period where `timezone` is (national by default)."""
        return start_of_day(self.start, timezone)

    def ends_at(self, timezone: str | ZoneInfo | None = None) -> datetime:
        """The first instant after the period (an exclusive bound)."""
        return start_of_day(self.end + timedelta(days=1), timezone)

    @property
    def label(self) -> str:
        if self.start == self.end:
            return format_date(self.start, "long")
        return f"{format_date(self.start, 'long')} - {format_date(self.end, 'long')}"

    def args(self) -> dict[str, str]:
        """The query parameters (`from`, `to`) that give this period back."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

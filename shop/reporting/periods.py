"""The period and filters of a report, parsed from the query string without ever failing.

A report covers whole local days: `LedgerEntry.local_date` is the day in the facility's own time
zone, so "December" in Makassar is December in WITA; the default period is the national "this
month" (`shop.core.clock`). Bad input never stops a report: it falls
back to the default and says why, in a message the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from shop.core.clock import Period
from shop.core.i18n import lazy_gettext as _l
from shop.core.numbers import parse_id
from shop.models import FacilityKind, LedgerEntryKind

# The refund figure is refunds and their reversals together; drill-downs may ask for both.
REFUNDS = "refunds"
ENTRY_KINDS = (*(kind.value for kind in LedgerEntryKind), REFUNDS)
NO_CATEGORY = "none"
# Sales began long after 2000; the bounds keep month arithmetic and charts reasonable.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MAX_DAYS = 3653  # ten years


@dataclass(frozen=True)
class ReportFilters:
    """What narrows a report below the user's scope; every field is optional."""

    kanwil_id: int | None = None
    facility_id: int | None = None
    facility_kind: FacilityKind | None = None
    category_id: int | None = None
    top_category_id: int | None = None
    no_category: bool = False
    entry_kind: str | None = None  # a LedgerEntryKind value, or REFUNDS
    product_id: int | None = None

    def args(self) -> dict[str, str]:
        """The query parameters that give these filters back."""
        values = {
            "kanwil": self.kanwil_id,
            "facility": self.facility_id,
            "kind": self.facility_kind.value if self.facility_kind else None,
            "category": NO_CATEGORY if self.no_category else self.category_id,
            "top_category": self.top_category_id,
            "entry_kind": self.entry_kind,
            "product": self.product_id,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    def but(self, **changes: object) -> ReportFilters:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReportQuery:
    period: Period
    filters: ReportFilters
    messages: list[str] = field(default_factory=list)

    def args(self, **extra: str) -> dict[str, str]:
        return {**self.period.args(), **self.filters.args(), **extra}


def parse_query(args: Mapping[str, str], *, now: datetime) -> ReportQuery:
    """The period and filters asked for; anything unreadable is dropped with a message."""
    messages: list[str] = []
    period = _parse_period(args.get("from", ""), args.get("to", ""), now=now, messages=messages)
    ids = {}
    for key in ("kanwil", "facility", "top_category", "product"):
        ids[key] = _parse_id(args.get(key, ""), messages)
    raw_category = args.get("category", "").strip()
    no_category = raw_category == NO_CATEGORY
    category_id = None if no_category else _parse_id(raw_category, messages)
    kind = _parse_choice(args.get("kind", ""), [k.value for k in FacilityKind], messages)
    entry_kind = _parse_choice(args.get("entry_kind", ""), list(ENTRY_KINDS), messages)
    filters = ReportFilters(
        kanwil_id=ids["kanwil"],
        facility_id=ids["facility"],
        facility_kind=FacilityKind(kind) if kind else None,
        category_id=category_id,
        top_category_id=ids["top_category"],
        no_category=no_category,
        entry_kind=entry_kind,
        product_id=ids["product"],
    )
    return ReportQuery(period=period, filters=filters, messages=list(dict.fromkeys(messages)))


def _parse_period(raw_from: str, raw_to: str, *, now: datetime, messages: list[str]) -> Period:
    default = Period.this_month(now)
    raw_from, raw_to = raw_from.strip(), raw_to.strip()
    if not raw_from and not raw_to:
        return default
    try:
        start = date.fromisoformat(raw_from) if raw_from else default.start
        end = date.fromisoformat(raw_to) if raw_to else default.end
    except ValueError:
        messages.append(
            str(_l("Tanggal tidak terbaca (pakai TTTT-BB-HH); laporan memakai bulan ini."))
        )
        return default
    if start > end:
        messages.append(str(_l("Tanggal awal sesudah tanggal akhir; laporan memakai bulan ini.")))
        return default
    if start < EARLIEST or end > LATEST or (end - start).days >= MAX_DAYS:
        messages.append(
            str(
                _l(
                    "Periode harus di antara tahun 2000 dan 2099 dan paling panjang sepuluh "
                    "tahun; laporan memakai bulan ini."
                )
            )
        )
        return default
    return Period(start, end)


def _parse_id(raw: str, messages: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is not None:
        return value
    messages.append(str(_l("Saringan tidak dikenal diabaikan.")))
    return None


def _parse_choice(raw: str, choices: list[str], messages: list[str]) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw in choices:
        return raw
    messages.append(str(_l("Saringan tidak dikenal diabaikan.")))
    return None

"""The period and filters of a report, and the limits of a period a report may show.

A report covers whole local days: `LedgerEntry.local_date` is the day in the facility's own time
zone, so "December" in Makassar is December in WITA; the default period is the national "this
month" (`shop.core.clock`). The back office reads them from the query
string with a GET form (`admin.reporting.forms.ReportFilterForm`): bad input never stops a
report, it falls back to the default and says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from shop.core.clock import Period
from shop.core.i18n import lazy_gettext as _l
from shop.models import FacilityKind, LedgerEntryKind, SalesChannel

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
    channel: SalesChannel | None = None
    event_id: int | None = None  # a fair's stands (SaleEvent), across facilities

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
            "channel": self.channel.value if self.channel else None,
            "event": self.event_id,
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


class PeriodOutOfRange(ValueError):
    """A period a report cannot show; the message says why and that this month is shown."""


def checked_period(start: date, end: date) -> Period:
    """The period from `start` to `end` (both included) if a report may show it."""
    if start > end:
        raise PeriodOutOfRange(
            str(_l("Tanggal awal sesudah tanggal akhir; laporan memakai bulan ini."))
        )
    if start < EARLIEST or end > LATEST or (end - start).days >= MAX_DAYS:
        raise PeriodOutOfRange(
            str(
                _l(
                    "Periode harus di antara tahun 2000 dan 2099 dan paling panjang sepuluh "
                    "tahun; laporan memakai bulan ini."
                )
            )
        )
    return Period(start, end)


def query_from_args(args: Mapping[str, str]) -> ReportQuery:
    """The query that `ReportQuery.args()` wrote (a job's stored parameters) read back.

    The arguments were checked by the report page before they were stored; anything else here is
    a bug, and raises `ValueError`.
    """

    def number(key: str) -> int | None:
        return int(args[key]) if key in args else None

    category = args.get("category")
    kind = args.get("kind")
    channel = args.get("channel")
    filters = ReportFilters(
        kanwil_id=number("kanwil"),
        facility_id=number("facility"),
        facility_kind=FacilityKind(kind) if kind else None,
        category_id=int(category) if category and category != NO_CATEGORY else None,
        top_category_id=number("top_category"),
        no_category=category == NO_CATEGORY,
        entry_kind=args.get("entry_kind"),
        product_id=number("product"),
        channel=SalesChannel(channel) if channel else None,
        event_id=number("event"),
    )
    if filters.entry_kind is not None and filters.entry_kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {filters.entry_kind!r}")
    period = checked_period(date.fromisoformat(args["from"]), date.fromisoformat(args["to"]))
    return ReportQuery(period=period, filters=filters)

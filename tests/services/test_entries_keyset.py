"""The ledger drill-down pages by key: every entry exactly once, even when many share a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from shop.core import pagination
from shop.models import FacilityKind, LedgerEntry, Role
from shop.reporting import reports
from shop.reporting.periods import Period, ReportFilters
from tests.factories import CategoryFactory, KanwilFactory, UserFactory
from tests.services.report_world import buy_for_pickup, facility, variant

SAME_MOMENT = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def entries(db) -> list[int]:
    """Eleven sale entries at one moment (two orders of several lines) and two a day later, newest
    first in the drill-down's order."""
    lapas = facility(KanwilFactory(), FacilityKind.LAPAS, "Lapas Kelas I Kedungpane")
    category = CategoryFactory()
    goods = [variant(lapas, f"Kursi Jati {n}", 150_000 + n, category) for n in range(8)]
    buy_for_pickup([(chosen, 1) for chosen in goods[:6]], paid_at=SAME_MOMENT)
    buy_for_pickup([(chosen, 2) for chosen in goods[3:8]], paid_at=SAME_MOMENT)
    buy_for_pickup([(goods[0], 1), (goods[1], 1)], paid_at=SAME_MOMENT.replace(day=11))
    ids = db.session.scalars(
        select(LedgerEntry.id).order_by(LedgerEntry.occurred_at.desc(), LedgerEntry.id.desc())
    ).all()
    shared = db.session.scalars(
        select(LedgerEntry.id).where(LedgerEntry.occurred_at == SAME_MOMENT)
    ).all()
    assert len(shared) >= 11, "the test needs many entries sharing one timestamp"
    return list(ids)


def _page(user, **cursors: str | None) -> reports.EntriesPage:
    return reports.entries_page(
        user=user, period=MARCH, filters=ReportFilters(), per_page=3, **cursors
    )


def test_walking_forward_and_back_gives_every_entry_once(entries) -> None:
    central = UserFactory(role=Role.CENTRAL)
    pages, cursor = [], None
    while True:
        page = _page(central, after=cursor)
        pages.append([row.id for row in page.rows])
        assert page.count == len(entries)
        assert page.pages.has_previous is (cursor is not None)
        if not page.pages.has_next:
            break
        cursor = page.pages.next_cursor
    assert [entry for page in pages for entry in page] == entries
    assert all(len(page) == 3 for page in pages[:-1])
    # Back from the last page, through the `before` cursors, gives the same pages in reverse.
    back, cursor = [], _page(central, after=cursor).pages.previous_cursor
    while cursor is not None:
        page = _page(central, before=cursor)
        back.append([row.id for row in page.rows])
        cursor = page.pages.previous_cursor
    assert list(reversed(back)) == pages[:-1]


def test_a_cursor_not_made_by_the_list_is_refused(entries) -> None:
    central = UserFactory(role=Role.CENTRAL)
    for bad in ("x", "bm9wZQ", pagination.encode_cursor(["not-a-time", 1])):
        with pytest.raises(pagination.InvalidCursor):
            _page(central, after=bad)


def test_numbered_pages_count_the_selection() -> None:
    page = pagination.Page(items=[1, 2], number=2, per_page=2, total=5)
    assert (page.pages, page.has_previous, page.has_next) == (3, True, True)
    assert page.next_args() == {"page": "3"} and page.previous_args() == {"page": "1"}
    last = pagination.Page(items=[5], number=3, per_page=2, total=5)
    assert not last.has_next
    assert pagination.Page(items=[], number=1, per_page=2, total=0).pages == 1
    for raw in (None, "", "0", "-2", "abc", "99999999999"):
        assert pagination.page_number(raw) == 1
    assert pagination.page_number("7") == 7

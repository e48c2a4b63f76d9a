"""The report figures: facility, region and nation add up, and agree with the orders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shop.core.clock import Period
from shop.core.money import allocate
from shop.models import FacilityKind, LedgerEntryKind, Role, SalesChannel, TimeZone
from shop.reporting import impact, reports
from shop.reporting.periods import PeriodOutOfRange, ReportFilters, checked_period
from shop.reporting.queries import FIGURE_KEYS, Figures
from tests.checkout import stripe_fixtures as sf
from tests.conftest import copy_of, seeded_database
from tests.factories import (
    CategoryFactory,
    KanwilFactory,
    KanwilUserFactory,
    StaffFactory,
    UserFactory,
)
from tests.services import report_world
from tests.services.report_world import around, buy_for_pickup, facility, variant
from tests.storefront.helpers import QueryCounter

MONEY = [key for key in FIGURE_KEYS if key.endswith("_idr")]


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


# The world is built once for the module; each test reads (or changes) a copy of it.
world_database = seeded_database(report_world.build_ids, **sf.STRIPE_CONFIG)
database_url = copy_of("world_database")


@pytest.fixture
def world(db, world_database):
    return report_world.load(world_database.value)


def _rows(figure_table) -> dict[str, dict[str, int]]:
    keys = [column.key for column in figure_table.table.columns]
    return {row[0]: dict(zip(keys, row, strict=True)) for row in figure_table.table.rows}


def _totals(figure_table) -> dict[str, int]:
    keys = [column.key for column in figure_table.table.columns]
    return dict(zip(keys, figure_table.table.totals, strict=True))


def test_facilities_add_up_to_their_kanwil_and_to_the_nation(world) -> None:
    central = UserFactory(role=Role.CENTRAL)
    args = {"user": central, "period": world.period, "filters": ReportFilters()}
    facilities = _rows(reports.by_facility(**args))
    regions = _rows(reports.by_kanwil(**args))
    nation = reports.totals(**args)
    for region, members in (
        (world.sumut, world.sumut.facilities),
        (world.ntt, world.ntt.facilities),
    ):
        for key in [*MONEY, "items"]:
            assert sum(facilities[f.name][key] for f in members) == regions[region.name][key], key
    for key in [*MONEY, "items"]:
        assert sum(row[key] for row in regions.values()) == getattr(nation, key)
        assert _totals(reports.by_facility(**args))[key] == getattr(nation, key)
        assert _totals(reports.by_kind(**args))[key] == getattr(nation, key)
        assert _totals(reports.by_category(**args, top_level=True))[key] == getattr(nation, key)
        assert _totals(reports.by_category(**args, top_level=False))[key] == getattr(nation, key)
    kinds = _rows(reports.by_kind(**args))
    assert kinds["LPKA"]["gross_idr"] == 800_000
    assert kinds["Lapas"]["gross_idr"] == 500_000
    assert kinds["Rutan"]["gross_idr"] == 255_000 + 100_000
    assert (kinds["Bapas"]["gross_idr"], kinds["Bapas"]["without_sales"]) == (0, 1)
    # Three orders: the Stripe one spans Medan and Kupang, so it counts once in the nation.
    assert nation.orders == 3
    assert regions[world.sumut.name]["orders"] == 2
    assert facilities[world.medan.name]["orders"] == 1


def test_the_figures_agree_with_the_orders_refunds_and_fees(world, db) -> None:
    central = UserFactory(role=Role.CENTRAL)
    rows = _rows(reports.by_facility(user=central, period=world.period, filters=ReportFilters()))
    orders = [world.stripe_order, world.bread_order, world.weaving_order]
    for order in orders:
        db.session.refresh(order)
    parts = {part.facility.name: part for order in orders for part in order.parts}
    for name, part in parts.items():
        assert rows[name]["gross_idr"] == part.subtotal_idr
        assert rows[name]["shipping_idr"] == part.shipping_idr
        assert rows[name]["refunds_idr"] == -part.refunded_idr
    nation = reports.totals(user=central, period=world.period, filters=ReportFilters())
    assert nation.gross_idr + nation.shipping_idr == sum(order.total_idr for order in orders)
    # The refund is LPKA's alone: one of two weavings.
    assert rows[world.lpka.name]["refunds_idr"] == -400_000
    assert rows[world.lpka.name]["items"] == 1
    assert rows[world.kupang.name]["refunds_idr"] == 0
    # Stripe's fee on the shared order is split by the parts' totals, onto each facility.
    medan_fee, kupang_fee = allocate(26_011, [510_000, 255_000])
    assert (rows[world.medan.name]["fees_idr"], rows[world.kupang.name]["fees_idr"]) == (
        -medan_fee, -kupang_fee)  # fmt: skip
    assert nation.fees_idr == -26_011
    # Net is the goods after refunds and fees, without shipping; never more than gross.
    for row in rows.values():
        assert row["net_idr"] == sum(row[k] for k in ("gross_idr", "refunds_idr", "fees_idr"))
        assert row["net_idr"] <= row["gross_idr"]
    assert rows[world.bapas.name]["gross_idr"] == 0
    counts = reports.count_facilities(user=central, period=world.period, filters=ReportFilters())
    assert (counts.with_sales, counts.without_sales) == (4, 1)


def test_a_kanwil_user_and_staff_see_only_their_scope(world) -> None:
    kanwil_user = KanwilUserFactory(kanwil=world.ntt)
    args = {"user": kanwil_user, "period": world.period, "filters": ReportFilters()}
    facilities = _rows(reports.by_facility(**args))
    assert set(facilities) == {world.kupang.name, world.lpka.name}
    assert set(_rows(reports.by_kanwil(**args))) == {world.ntt.name}
    # Asking for the other region gives nothing, not its numbers.
    other = reports.totals(**{**args, "filters": ReportFilters(kanwil_id=world.sumut.id)})
    assert other == Figures()
    assert reports.totals(**args).gross_idr == 255_000 + 800_000
    staff = StaffFactory(facility=world.binjai)
    mine = reports.totals(user=staff, period=world.period, filters=ReportFilters())
    assert (mine.gross_idr, mine.items, mine.orders) == (100_000, 4, 1)
    page = reports.entries_page(
        user=staff, period=world.period, filters=ReportFilters(), per_page=50
    )
    assert {row.facility_name for row in page.rows} == {world.binjai.name}


def test_categories_count_leaves_under_their_parent(world) -> None:
    central = UserFactory(role=Role.CENTRAL)
    args = {"user": central, "period": world.period, "filters": ReportFilters()}
    top = _rows(reports.by_category(**args, top_level=True))
    leaves = _rows(reports.by_category(**args, top_level=False))
    assert top["Kerajinan"]["gross_idr"] == 800_000
    assert top["Kerajinan"]["refunds_idr"] == -400_000
    assert leaves["Kerajinan / Tenun"]["gross_idr"] == 800_000
    assert top["Makanan"]["gross_idr"] == leaves["Makanan / Roti"]["gross_idr"] == 100_000
    crafts = reports.totals(**{**args, "filters": ReportFilters(top_category_id=world.crafts.id)})
    assert crafts.net_idr == 400_000


def test_the_period_is_chosen_by_the_facilitys_local_day(db) -> None:
    makassar = facility(
        KanwilFactory(timezone=TimeZone.WITA), FacilityKind.LAPAS, "Lapas Kelas I Makassar"
    )
    bag = variant(makassar, "Tas Anyaman", 120_000, CategoryFactory())
    # 23:30 WITA on 31 January is 15:30 UTC: January. 00:30 WITA on 1 February: February.
    buy_for_pickup([(bag, 1)], paid_at=datetime(2026, 1, 31, 15, 30, tzinfo=UTC))
    buy_for_pickup([(bag, 2)], paid_at=datetime(2026, 1, 31, 16, 30, tzinfo=UTC))
    central = UserFactory(role=Role.CENTRAL)
    january = reports.totals(
        user=central, period=Period.month_of(date(2026, 1, 1)), filters=ReportFilters()
    )
    february = reports.totals(
        user=central, period=Period.month_of(date(2026, 2, 1)), filters=ReportFilters()
    )
    assert (january.gross_idr, january.items) == (120_000, 1)
    assert (february.gross_idr, february.items) == (240_000, 2)
    trend = reports.monthly_trend(
        user=central, period=Period.month_of(date(2026, 2, 1)), filters=ReportFilters()
    )
    months = {row[0]: row[1] for row in trend.rows}
    assert len(months) == 12
    assert (months[date(2026, 1, 1)], months[date(2026, 2, 1)]) == (120_000, 240_000)
    assert months[date(2025, 3, 1)] == 0


def test_best_sellers_rank_by_net_sales_and_keep_gone_products(world, db) -> None:
    central = UserFactory(role=Role.CENTRAL)
    best = reports.best_sellers(
        user=central, period=world.period, filters=ReportFilters(kanwil_id=world.ntt.id)
    )
    assert [row[0] for row in best.table.rows] == ["Tenun Ikat Sumba", "Kopi Arabika Flores"]
    assert best.table.rows[0][1:3] == [400_000, 1]
    assert best.row_filters[0] == {"product": str(world.lpka.products[0].id)}


def test_entries_drill_down_totals_match_the_figure(world) -> None:
    central = UserFactory(role=Role.CENTRAL)
    filters = ReportFilters(kanwil_id=world.ntt.id, entry_kind="refunds")
    page = reports.entries_page(user=central, period=world.period, filters=filters, per_page=50)
    assert page.count == 1
    assert page.rows[0].kind is LedgerEntryKind.REFUND
    assert page.totals.net_idr == -400_000
    exported = reports.entries_table(user=central, period=world.period, filters=filters)
    assert [row[7] for row in exported.rows] == [-400_000]


def test_the_overview_runs_the_same_number_of_queries_for_more_facilities(world, db) -> None:
    central = UserFactory(role=Role.CENTRAL)

    def count() -> int:
        db.session.expire_all()
        with QueryCounter() as counter:
            reports.overview(user=central, period=world.period, filters=ReportFilters())
            reports.by_facility(user=central, period=world.period, filters=ReportFilters())
            reports.by_kind(user=central, period=world.period, filters=ReportFilters())
        return counter.count

    before = count()
    for n in range(4):
        extra = facility(world.ntt, FacilityKind.RUTAN, f"Rutan Kelas IIA Tambahan {n}")
        buy_for_pickup([(variant(extra, f"Kopi {n}", 50_000, world.food), 1)])
    assert count() == before


def test_periods_outside_the_limits_are_refused() -> None:
    assert checked_period(date(2026, 1, 31), date(2026, 2, 1)) == Period(
        date(2026, 1, 31), date(2026, 2, 1)
    )
    for start, end in (
        (date(2026, 2, 2), date(2026, 2, 1)),
        (date(1999, 12, 31), date(2000, 1, 5)),
        (date(2000, 1, 1), date(2012, 1, 1)),
    ):
        with pytest.raises(PeriodOutOfRange):
            checked_period(start, end)
    assert around(date(2026, 1, 10)).days == 7


def test_every_figure_splits_by_channel_and_the_channels_add_up(world, db) -> None:
    bread = variant(world.binjai, "Roti Tawar Kantor", 20_000, world.food)
    buy_for_pickup([(bread, 10)], channel=SalesChannel.B2B)
    central = UserFactory(role=Role.CENTRAL)
    everything = reports.totals(user=central, period=world.period, filters=ReportFilters())
    table = reports.by_channel(user=central, period=world.period, filters=ReportFilters())
    rows = _rows(table)
    assert list(rows) == [channel.label for channel in SalesChannel]
    b2b = rows[SalesChannel.B2B.label]
    assert (b2b["gross_idr"], b2b["items"], b2b["orders"]) == (200_000, 10, 1)
    assert rows[SalesChannel.SHOWROOM.label]["gross_idr"] == 0
    for key in MONEY:
        assert sum(row[key] for row in rows.values()) == getattr(everything, key)
    assert _totals(table)["net_idr"] == everything.net_idr
    only_b2b = ReportFilters(channel=SalesChannel.B2B)
    assert reports.totals(user=central, period=world.period, filters=only_b2b).gross_idr == 200_000
    facilities = _rows(reports.by_facility(user=central, period=world.period, filters=only_b2b))
    assert facilities[world.binjai.name]["gross_idr"] == 200_000
    assert facilities[world.medan.name]["gross_idr"] == 0
    exported = list(reports.entries_table(user=central, period=world.period, filters=only_b2b).rows)
    assert [(row[1], row[2], row[7]) for row in exported] == [
        ("Penjualan", SalesChannel.B2B.label, 200_000)
    ]


def test_the_public_impact_counts_each_channel(world, db) -> None:
    before = impact.impact_figures(since=None, now=world.stripe_order.placed_at)
    bread = variant(world.binjai, "Roti Tawar Pameran", 15_000, world.food)
    buy_for_pickup([(bread, 4)], channel=SalesChannel.EVENT)
    after = impact.impact_figures(since=None, now=world.stripe_order.placed_at)
    channels = {row.channel: row for row in after.channels}
    assert [row.channel for row in after.channels] == list(SalesChannel)
    assert (channels[SalesChannel.EVENT].units_sold, channels[SalesChannel.EVENT].sales_idr) == (
        4,
        60_000,
    )
    assert after.sales_idr == before.sales_idr + 60_000
    assert sum(row.sales_idr for row in after.channels) == after.sales_idr
    assert sum(row.premi_idr for row in after.channels) == after.premi_idr

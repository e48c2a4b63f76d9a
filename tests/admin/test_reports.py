"""The report screens: what each role sees, drill-down links, bad parameters, exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from admin.helpers import now
from admin.reporting.reports import cell
from shop.core import clock
from shop.core.clock import Period
from shop.formatting import rupiah
from shop.models import FacilityKind, SalesChannel
from shop.reporting import reports
from shop.reporting.periods import ReportFilters
from shop.reporting.tables import ColumnKind
from tests.checkout import stripe_fixtures as sf
from tests.conftest import copy_of, seeded_database
from tests.services import report_world
from tests.storefront.helpers import QueryCounter

PAGES = [
    "/admin/reports",
    "/admin/reports/facilities",
    "/admin/reports/categories",
    "/admin/reports/kinds",
    "/admin/reports/entries",
]
EXPORTS = ["overview", "facilities", "kinds", "channels", "categories", "subcategories", "sales",
           "trend", "products", "entries"]  # fmt: skip


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


# The world is built once for the module; each test reads (or changes) a copy of it.
world_database = seeded_database(report_world.build_ids, **sf.STRIPE_CONFIG)
database_url = copy_of("world_database")


@pytest.fixture
def world(db, world_database):
    return report_world.load(world_database.value)


def _period(world) -> dict[str, str]:
    return world.period.args()


def _get(client, url: str, **params: str):
    response = client.get(url, query_string=params)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_central_sees_the_nation_per_kanwil_with_links_to_the_entries(client, login_as, world):
    login_as("central")
    body = _get(client, "/admin/reports", **_period(world))
    assert world.sumut.name in body and world.ntt.name in body
    # Gross sales of the nation: batik, coffee, bread and two weavings.
    assert rupiah(500_000 + 255_000 + 100_000 + 800_000) in body
    assert 'role="img"' in body
    assert rupiah(582_659) in body  # SUMUT's net: Medan 482,659 + Binjai 100,000
    assert rupiah(482_659) in _get(client, "/admin/reports/facilities", **_period(world))
    drill = f"kanwil={world.ntt.id}&amp;entry_kind=sale"
    assert drill in body
    entries = _get(
        client, "/admin/reports/entries", **_period(world), kanwil=str(world.ntt.id),
        entry_kind="sale",
    )  # fmt: skip
    assert "Tenun Ikat Sumba" in entries and "Roti Sobek" not in entries
    assert rupiah(255_000 + 800_000) in entries
    # A new period keeps the drill-down's own filters.
    assert '<input type="hidden" name="entry_kind" value="sale">' in entries
    order_part = world.weaving_order.parts[0].id
    assert f"/admin/orders/{order_part}" in entries


def test_a_kanwil_user_never_sees_another_region(client, login_as, world):
    login_as("kanwil", kanwil=world.ntt)
    # Medan's net (its batik less its share of the Stripe fee; shipping is not net), SUMUT's
    # net, the nation's gross: amounts no chart axis rounds to.
    amounts = [482_659, 582_659, 1_655_000]
    hidden = [world.medan.name, world.binjai.name, world.bapas.name, world.sumut.name,
              "Kemeja Batik", "Roti Sobek", *(rupiah(amount) for amount in amounts)]  # fmt: skip
    asks = [_period(world), {**_period(world), "kanwil": str(world.sumut.id)},
            {**_period(world), "facility": str(world.medan.id)}]  # fmt: skip
    for params in asks:
        for url in PAGES:
            body = _get(client, url, **params)
            assert [word for word in hidden if word in body] == [], (url, params)
        for report in EXPORTS:
            response = client.get(f"/admin/reports/export/{report}.csv", query_string=params)
            assert response.status_code == 200
            content = response.get_data(as_text=True)
            leaked = [w for w in [*hidden[:6], *map(str, amounts)] if w in content]
            assert leaked == [], (report, params)
    assert client.get(f"/admin/reports/facilities/{world.medan.id}").status_code == 404
    own = _get(client, f"/admin/reports/facilities/{world.lpka.id}", **_period(world))
    assert "Tenun Ikat Sumba" in own
    # Kanwil users do not handle orders: the numbers are shown without a link.
    entries = _get(client, "/admin/reports/entries", **_period(world))
    assert world.weaving_order.number in entries
    assert "/admin/orders/" not in entries


def test_staff_go_to_their_facility_and_nowhere_else(client, login_as, world):
    login_as("staff", facility=world.binjai)
    response = client.get("/admin/reports", query_string=_period(world))
    assert response.status_code == 302
    assert f"/admin/reports/facilities/{world.binjai.id}" in response.headers["Location"]
    body = _get(client, f"/admin/reports/facilities/{world.binjai.id}", **_period(world))
    assert "Roti Sobek Cokelat" in body and rupiah(100_000) in body
    for other in (world.medan, world.lpka):
        assert client.get(f"/admin/reports/facilities/{other.id}").status_code == 404
    assert client.get("/admin/reports/facilities/999999").status_code == 404
    entries = _get(client, "/admin/reports/entries", **_period(world))
    assert world.bread_order.number in entries
    assert world.weaving_order.number not in entries
    assert world.stripe_order.number not in entries


def test_bad_parameters_give_the_default_with_a_message(client, login_as, world):
    login_as("central")
    for params in ({"from": "31-12-2026"}, {"from": "2026-02-10", "to": "2026-02-01"},
                   {"kanwil": "abc"}, {"kind": "penjara"}, {"entry_kind": "x", "page": "-3"},
                   {"from": "2026-02-30"}, {"from": "0001-01-01", "to": "0001-01-02"}):  # fmt: skip
        for url in PAGES:
            body = _get(client, url, **params)
            assert 'role="alert"' in body, (url, params)
    for url in ("/admin/reports/export/nothing.csv", "/admin/reports/export/facilities.pdf"):
        assert client.get(url).status_code == 404


def test_the_facility_page_shows_the_trend_and_best_sellers(client, login_as, world):
    login_as("central")
    body = _get(client, f"/admin/reports/facilities/{world.lpka.id}", **_period(world))
    assert "Tenun Ikat Sumba" in body
    assert rupiah(400_000) in body  # net of the weavings after one refund
    links = [part.split('"')[0] for part in body.split('href="')[1:]]
    product_links = [link for link in links if "product=" in link]
    assert product_links
    query = parse_qs(urlsplit(product_links[0].replace("&amp;", "&")).query)
    assert query["facility"] == [str(world.lpka.id)]
    assert query["from"] == [world.period.start.isoformat()]
    # Each month of the trend leads to that month's entries of this facility.
    month = Period.month_of(world.period.end)
    month_link = (
        f"/admin/reports/entries?facility={world.lpka.id}&amp;from={month.start.isoformat()}"
        f"&amp;to={month.end.isoformat()}&amp;entry_kind=sale"
    )
    assert month_link in body


def _csv_table(content: str, header: list[str]) -> list[list[str]]:
    lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    start = lines.index(header) + 1
    return lines[start:]


def _xlsx_table(content: bytes, header: list[str]) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(n for n, row in enumerate(lines) if row[: len(header)] == header) + 1
    return [row[: len(header)] for row in lines[start:]]


@pytest.mark.parametrize("report", ["facilities", "overview", "kinds", "channels", "categories"])
def test_exports_read_back_to_the_numbers_of_the_screen(client, login_as, world, report):
    central = login_as("central")
    args = {"user": central, "period": world.period, "filters": ReportFilters()}
    screen = {
        "facilities": lambda: reports.by_facility(**args),
        "overview": lambda: reports.by_kanwil(**args),
        "kinds": lambda: reports.by_kind(**args),
        "channels": lambda: reports.by_channel(**args),
        "categories": lambda: reports.by_category(**args, top_level=True),
    }[report]().table
    header = [column.label for column in screen.columns]
    expected = [*screen.rows, screen.totals]
    response = client.get(f"/admin/reports/export/{report}.csv", query_string=_period(world))
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_table(response.get_data(as_text=True), header)
    assert [[str(value) for value in row] for row in expected] == rows
    response = client.get(f"/admin/reports/export/{report}.xlsx", query_string=_period(world))
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    assert _xlsx_table(response.get_data(), header) == [
        [None if value == "" else value for value in row] for row in expected
    ]


def test_the_overview_page_runs_as_many_queries_for_more_facilities(client, login_as, world):
    login_as("central")

    def count() -> int:
        with QueryCounter() as counter:
            _get(client, "/admin/reports", **_period(world))
        return counter.count

    before = count()
    for n in range(3):
        extra = report_world.facility(world.ntt, FacilityKind.BAPAS, f"Bapas Kelas IIA Kota {n}")
        report_world.buy_for_pickup(
            [(report_world.variant(extra, f"Sandal {n}", 30_000, world.crafts), 2)]
        )
    assert count() == before


def test_the_time_chart_draws_no_day_still_to_come(client, login_as, world):
    login_as("central")
    today = clock.local_date(now())
    past, future = today - timedelta(days=3), today + timedelta(days=10)
    body = _get(client, "/admin/reports", **{"from": past.isoformat(), "to": future.isoformat()})
    chart = body[body.index("<desc") : body.index("</desc>")]
    with client.application.test_request_context():
        assert cell(past, ColumnKind.DATE) in chart
        assert cell(future, ColumnKind.DATE) not in chart


def test_the_channel_filter_narrows_every_screen_and_its_rows_lead_on(client, login_as, world):
    login_as("central")
    bread = report_world.variant(world.binjai, "Roti Tawar Instansi", 20_000, world.food)
    report_world.buy_for_pickup([(bread, 10)], channel=SalesChannel.B2B)
    page = _get(client, "/admin/reports", **_period(world))
    assert "Penjualan per saluran" in page and "Penawaran instansi" in page
    assert 'name="channel"' in page
    only_b2b = _get(client, "/admin/reports/entries", channel="b2b", **_period(world))
    assert "Roti Tawar Instansi" in only_b2b
    assert "Roti Sobek Cokelat" not in only_b2b
    assert "Saringan: Penawaran instansi" in only_b2b
    bad = _get(client, "/admin/reports", channel="pasar-malam", **_period(world))
    assert "Saringan tidak dikenal diabaikan." in bad
    facility_page = _get(client, f"/admin/reports/facilities/{world.binjai.id}", **_period(world))
    assert "Penjualan per saluran" in facility_page

"""Central opens the reports, picks a period and a Kanwil, and downloads the export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import responses
from playwright.sync_api import Page, expect

from shop.models import Role
from tests.checkout import stripe_fixtures as sf
from tests.factories import TEST_PASSWORD, UserFactory
from tests.services import report_world


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


@pytest.fixture
def world(db, client):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        return report_world.build(client, rsps)


def _sign_in_as_central(page: Page, base: str) -> None:
    central = UserFactory(role=Role.CENTRAL)
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(central.email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_central_filters_a_period_and_a_kanwil_and_downloads_it(
    live_server: str, page: Page, world, screenshot
) -> None:
    _sign_in_as_central(page, live_server)
    page.get_by_role("link", name="Laporan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan penjualan")

    page.get_by_label("Dari tanggal").fill(world.period.start.isoformat())
    page.get_by_label("Sampai tanggal").fill(world.period.end.isoformat())
    page.get_by_label("Kanwil", exact=True).select_option(label=world.ntt.name)
    page.get_by_role("button", name="Tampilkan").click()
    regions = page.get_by_role("table", name="Penjualan per Kanwil")
    expect(regions).to_contain_text(world.ntt.name)
    expect(regions).not_to_contain_text(world.sumut.name)
    expect(regions).to_contain_text("Rp1.055.000")  # coffee and two weavings
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot("admin-reports")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("etalase-penjualan-per-kanwil")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    ntt = next(row for row in rows if row and row[0] == world.ntt.name)
    assert ntt[1] == "1055000"
    assert world.sumut.name not in content


def test_every_report_screen_fits_the_screen(live_server: str, page: Page, world) -> None:
    _sign_in_as_central(page, live_server)
    period = f"?from={world.period.start.isoformat()}&to={world.period.end.isoformat()}"
    too_wide = []
    for path in ("/admin/reports", "/admin/reports/facilities",
                 f"/admin/reports/facilities/{world.lpka.id}", "/admin/reports/categories",
                 "/admin/reports/kinds", "/admin/reports/entries"):  # fmt: skip
        response = page.goto(live_server + path + period)
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("table").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            too_wide.append(f"{path}: {width}px")
    assert too_wide == []

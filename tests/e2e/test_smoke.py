"""The served site opens in a real browser, in both languages, on a phone and a desktop."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import ProductFactory


def test_home_page_in_the_browser_and_language_switch(live_server: str, page: Page, db) -> None:
    ProductFactory(name="Kursi Jati Binjai")
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karya tangan")
    expect(page.get_by_text("Kursi Jati Binjai")).to_be_visible()
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handmade")

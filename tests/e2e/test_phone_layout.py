"""On a 360 x 740 phone the shop's point is on the first screen: the home page shows a product
without scrolling, and a product page shows its "Tambah ke keranjang" button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.test_storefront import shop_data  # noqa: F401  (the fixture)

HEIGHT = 740


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"]


@pytest.mark.usefixtures("shop_data")
@pytest.mark.parametrize("viewport_name", ["phone"])
def test_a_product_and_its_buy_button_are_on_the_first_screen(
    live_server: str, page: Page, screenshot
) -> None:
    page.goto(f"{live_server}/")
    assert page.viewport_size == {"width": 360, "height": HEIGHT}
    screenshot("home-first-screen")
    assert _top(page, ".product-card") < HEIGHT

    page.goto(f"{live_server}/products/kain-batik-tulis-tarakan")
    screenshot("product-first-screen")
    button = page.get_by_role("button", name="Tambah ke keranjang")
    box = button.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] < HEIGHT

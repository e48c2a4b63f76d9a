"""On a 360 x 740 phone the shop's point is on the first screen: the home page shows a product
without scrolling, and a product page shows its "Tambah ke keranjang" button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from shop.models import Product
from tests.e2e.test_storefront import shop_data  # noqa: F401  (the fixture)
from tests.factories import ProductVariantFactory

HEIGHT = 740


@pytest.fixture
def four_sizes(db, shop_data) -> str:  # noqa: F811  (the fixture)
    """The shirt comes in four sizes: their choices stand between the photo and the button."""
    shirt = db.session.scalar(select(Product).filter_by(slug="kemeja-batik-lengan-panjang"))
    shirt.variants[0].option_label = "M"
    for size in ("L", "XL", "XXL"):
        ProductVariantFactory(product=shirt, option_label=size, price_idr=263_000, stock=4)
    db.session.commit()
    return f"/products/{shirt.slug}"


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["y"]


@pytest.mark.parametrize("viewport_name", ["phone"])
def test_a_product_and_its_buy_button_are_on_the_first_screen(
    live_server: str, page: Page, screenshot, four_sizes: str
) -> None:
    page.goto(f"{live_server}/")
    assert page.viewport_size == {"width": 360, "height": HEIGHT}
    screenshot("home-first-screen")
    assert _top(page, ".product-card") < HEIGHT

    for path in ("/products/kain-batik-tulis-tarakan", four_sizes):
        page.goto(f"{live_server}{path}")
        box = page.get_by_role("button", name="Tambah ke keranjang").bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= HEIGHT, path
    screenshot("product-first-screen")

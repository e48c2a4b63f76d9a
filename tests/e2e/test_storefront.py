"""A visitor on a phone and on a desktop: search, filter by facility, open a product, switch
language. Screenshots of each step are kept; one of each viewport goes into the README."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from shop.catalogue import images
from shop.core.storage import storage_from_config
from shop.demo.pictures import draw_product_picture
from shop.models import ImageReviewState
from tests.e2e.conftest import copy_to_docs
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    WorkshopFactory,
)

CATALOGUE = [
    ("Kain Batik Tulis Tarakan", "tarakan", "batik", 781_000, 3),
    ("Kemeja Batik Lengan Panjang", "tarakan", "batik", 263_000, 12),
    ("Kain Batik Cap Kawung", "pekanbaru", "batik", 455_000, 0),
    ("Kursi Jati Minimalis", "pekanbaru", "kayu", 1_090_500, 7),
    ("Tas Anyaman Lontar", "tarakan", "kriya", 165_500, 5),
    ("Gula Semut Jahe Merah", "pekanbaru", "pangan", 29_500, 20),
]


def _photo(app: Flask, product, caption: str) -> None:
    prepared = images.prepare_image(
        draw_product_picture(product.name, caption, 0), max_bytes=10_000_000, widths=(320, 640)
    )
    _master, renditions = images.store_prepared(
        storage_from_config(app.config), prepared, public=True
    )
    ProductImageFactory(
        product=product,
        alt_text=f"{product.name}, {caption}",
        width=prepared.width,
        height=prepared.height,
        renditions=renditions,
        review_state=ImageReviewState.APPROVED,
    )


@pytest.fixture
def shop_data(app: Flask, db) -> None:
    facilities = {
        "tarakan": FacilityFactory(
            name="Lapas Kelas IIA Tarakan", slug="lapas-kelas-iia-tarakan", city="Tarakan",
            kanwil=KanwilFactory(code="KALTARA", province="Kalimantan Utara"),
        ),
        "pekanbaru": FacilityFactory(
            name="Lapas Kelas IIA Pekanbaru", slug="lapas-kelas-iia-pekanbaru", city="Pekanbaru",
            kanwil=KanwilFactory(code="RIAU", province="Riau"),
        ),
    }  # fmt: skip
    categories = {
        slug: CategoryFactory(slug=slug, name=name)
        for slug, name in [
            ("batik", "Batik & Tenun"),
            ("kayu", "Furnitur"),
            ("kriya", "Kriya"),
            ("pangan", "Makanan"),
        ]
    }
    for name, where, category, price, stock in CATALOGUE:
        facility = facilities[where]
        workshop = WorkshopFactory(facility=facility, name=f"Bengkel {name.split()[0]} {where}")
        product = ProductFactory(
            name=name, slug=re.sub(r"\W+", "-", name.lower()), facility=facility,
            workshop_id=workshop.id, category=categories[category], variants=[],
            description=f"{name} buatan warga binaan {facility.name}.",
            is_flagship=stock == 3,
        )  # fmt: skip
        ProductVariantFactory(product=product, price_idr=price, stock=stock)
        _photo(app, product, f"{workshop.name} · {facility.city}")


def test_search_filter_open_and_switch_language(
    live_server: str, page: Page, shop_data, screenshot, viewport_name: str
) -> None:
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karya tangan")
    screenshot("home")

    # Search while typing a prefix: "bati" finds the batik.
    search = page.locator("#hero-q")
    search.fill("bati")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/products\?q=bati"))
    expect(page.locator("#result-count")).to_contain_text("3 produk ditemukan")
    cards = page.locator(".product-card .card-title")
    expect(cards).to_have_count(3)

    # Filter by facility: the panel is folded on a phone; the field suggests facilities while
    # typing, and Enter submits the form.
    filters = page.locator("details.filters")
    if viewport_name == "phone":
        expect(page.locator("#f-facility")).to_be_hidden()
        filters.locator("summary").click()
    page.locator("#f-facility").fill("tarakan")
    expect(page.locator("#f-facility-options option")).to_have_count(1)
    expect(page.locator("#f-facility-options option")).to_have_attribute(
        "value", "lapas-kelas-iia-tarakan"
    )
    page.locator("#f-facility").fill("lapas-kelas-iia-tarakan")
    page.locator("#f-facility").press("Enter")
    expect(page).to_have_url(re.compile(r"facility=lapas-kelas-iia-tarakan"))
    expect(cards).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("Hapus filter UPT"))).to_be_visible()
    catalogue = screenshot("catalogue")

    # Open the product.
    page.get_by_role("link", name=re.compile("Kain Batik Tulis Tarakan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kain Batik Tulis Tarakan")
    expect(page.get_by_text("Sisa 3").first).to_be_visible()
    expect(page.get_by_role("button", name="Tambah ke keranjang")).to_be_enabled()
    photo = page.locator(".gallery img").first
    expect(photo).to_have_attribute("alt", re.compile("Kain Batik Tulis Tarakan"))
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    product = screenshot("product")

    # Switch to English: the same page, translated, at its English address; links stay English.
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/en/products/kain-batik-tulis-tarakan$"))
    page.goto(live_server + "/en/products?q=kursi")
    expect(page.locator("#result-count")).to_contain_text("1 product found")

    if viewport_name == "phone":
        copy_to_docs(product, "product-phone.png")
    else:
        copy_to_docs(catalogue, "catalogue-desktop.png")


def test_pages_work_without_javascript(live_server: str, browser, shop_data) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}, locale="id-ID"
    )
    page = context.new_page()
    try:
        page.goto(live_server + "/products")
        page.get_by_text("Filter dan urutan").click()  # closed until a filter is chosen
        page.locator("#f-facility").fill("Lapas Kelas IIA Pekanbaru")  # typed, no suggestions
        page.get_by_role("button", name="Terapkan").click()
        expect(page).to_have_url(re.compile(r"facility=Lapas\+Kelas\+IIA\+Pekanbaru"))
        expect(page.get_by_role("link", name=re.compile("Hapus filter UPT"))).to_be_attached()
        expect(page.locator(".product-card")).to_have_count(3)
        page.get_by_role("link", name=re.compile("Kursi Jati Minimalis")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kursi Jati Minimalis")
    finally:
        context.close()

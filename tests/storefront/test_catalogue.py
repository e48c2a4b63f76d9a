"""The catalogue: filters that combine, show themselves and can be removed; never a 500."""

from __future__ import annotations

import re

import pytest

from shop.models import ProductStatus
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    ProductVariantFactory,
)


def _names(page: str) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', page)


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def catalogue(db):
    riau = KanwilFactory(code="RIAU", province="Riau")
    bali = KanwilFactory(code="BALI", province="Bali")
    pekanbaru = FacilityFactory(kanwil=riau, city="Pekanbaru")
    kerobokan = FacilityFactory(kanwil=bali, city="Kerobokan")
    wood = CategoryFactory(slug="furnitur", name="Furnitur")
    cloth = CategoryFactory(slug="batik-tenun", name="Batik & Tenun")
    chair = ProductFactory(name="Kursi Jati", facility=pekanbaru, category=wood, variants=[])
    ProductVariantFactory(product=chair, price_idr=900_000, stock=4)
    batik = ProductFactory(name="Batik Kerobokan", facility=kerobokan, category=cloth, variants=[])
    ProductVariantFactory(product=batik, price_idr=250_000, stock=0)
    tenun = ProductFactory(name="Tenun Riau", facility=pekanbaru, category=cloth, variants=[])
    ProductVariantFactory(product=tenun, price_idr=400_000, stock=9)
    ProductFactory(name="Meja Draf", facility=pekanbaru, status=ProductStatus.DRAFT)
    return {"pekanbaru": pekanbaru, "kerobokan": kerobokan}


def test_filters_combine(client, catalogue) -> None:
    assert sorted(_names(_get(client, "/products"))) == [
        "Batik Kerobokan",
        "Kursi Jati",
        "Tenun Riau",
    ]
    slug = catalogue["pekanbaru"].slug
    assert _names(_get(client, f"/products?facility={slug}&category=batik-tenun")) == ["Tenun Riau"]
    assert _names(_get(client, "/products?kanwil=bali")) == ["Batik Kerobokan"]
    assert _names(_get(client, "/products?min_price=300000&max_price=500000")) == ["Tenun Riau"]
    assert sorted(_names(_get(client, "/products?in_stock=1"))) == ["Kursi Jati", "Tenun Riau"]
    assert _names(_get(client, f"/products?q=tenun&facility={slug}")) == ["Tenun Riau"]


def test_sorting_by_price(client, catalogue) -> None:
    assert _names(_get(client, "/products?sort=price_asc")) == [
        "Batik Kerobokan",
        "Tenun Riau",
        "Kursi Jati",
    ]
    assert _names(_get(client, "/products?sort=price_desc"))[0] == "Kursi Jati"


def test_active_filters_are_shown_and_each_can_be_removed(client, catalogue) -> None:
    page = _get(client, "/products?q=tenun&category=batik-tenun&in_stock=1&sort=newest")
    assert "Kata kunci: tenun" in page
    assert "Kategori: Batik &amp; Tenun" in page
    removal = re.search(r'href="([^"]+)" aria-label="Hapus filter Kategori', page)
    assert removal is not None
    url = removal.group(1).replace("&amp;", "&")
    assert "category=" not in url and "q=tenun" in url and "in_stock=1" in url


def test_empty_result_suggests_what_to_change(client, catalogue) -> None:
    page = _get(client, "/products?q=sepeda&in_stock=1")
    assert "Tidak ada produk yang cocok" in page
    assert "Periksa ejaan" in page
    assert "Tampilkan juga produk yang sedang habis" in page


@pytest.mark.parametrize(
    "query",
    [
        "min_price=murah",
        "max_price=-5",
        "min_price=99999999999999999999",
        "sort=acak",
        "page=abc",
        "page=0",
        "page=999999999",
        "category=%3Cscript%3E",
        "facility=tidak-ada",
        "kanwil=XX%20YY",
        "q=" + "a" * 5000,
        "q=%22%27%3B--",
        "in_stock=ya",
    ],
)
def test_invalid_parameters_never_fail(client, catalogue, query: str) -> None:
    response = client.get(f"/products?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


def test_invalid_parameters_are_explained(client, catalogue) -> None:
    page = _get(client, "/products?min_price=murah&sort=acak&facility=tidak-ada")
    assert "Harga terendah tidak dikenali dan diabaikan." in page
    assert "Urutan tidak dikenali" in page
    assert "Sebagian filter sudah tidak berlaku" in page
    assert len(_names(page)) == 3


def test_swapped_prices_are_corrected(client, catalogue) -> None:
    page = _get(client, "/products?min_price=500000&max_price=300000")
    assert "keduanya ditukar" in page
    assert _names(page) == ["Tenun Riau"]


def test_pages_of_results(client, db) -> None:
    facility = FacilityFactory()
    for n in range(30):
        ProductFactory(name=f"Sandal {n:02d}", facility=facility)
    first = _get(client, "/products")
    second = _get(client, "/products?page=2")
    assert len(_names(first)) == 24 and len(_names(second)) == 6
    assert not set(_names(first)) & set(_names(second))
    assert "Halaman 2 dari 2" in second
    assert _names(_get(client, "/products?page=50")) == _names(second)


def test_category_page_is_the_filtered_catalogue(client, catalogue) -> None:
    response = client.get("/categories/furnitur")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/products?category=furnitur")
    assert client.get("/categories/tidak-ada").status_code == 404


def test_catalogue_canonical_keeps_filters_not_sorting(client, catalogue) -> None:
    page = _get(client, "/products?category=furnitur&sort=price_desc&page=1")
    assert '<link rel="canonical" href="http://localhost/products?category=furnitur">' in page
    search = _get(client, "/products?q=kursi")
    assert '<meta name="robots" content="noindex, follow">' in search

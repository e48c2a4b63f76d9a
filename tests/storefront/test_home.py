"""The home page shows real figures and only what the public may see."""

from __future__ import annotations

from shop.models import ProductStatus
from tests.factories import FacilityFactory, ProductFactory


def test_home_shows_figures_and_newest_public_products(client, db) -> None:
    active = FacilityFactory()
    ProductFactory(facility=active, name="Kursi Jati Binjai")
    ProductFactory(facility=active, name="Rak Draf", status=ProductStatus.DRAFT)
    ProductFactory(facility=FacilityFactory(is_active=False), name="Meja Tutup")
    page = client.get("/").get_data(as_text=True)
    assert "Kursi Jati Binjai" in page
    assert "Rp150.000" in page
    assert "Rak Draf" not in page
    assert "Meja Tutup" not in page
    assert "Produk tersedia" in page


def test_language_switch_is_remembered_in_a_cookie(client, db) -> None:
    response = client.get("/lang/en?next=/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "lang=en" in response.headers["Set-Cookie"]
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Products on offer" in page


def test_browser_language_is_respected_on_the_first_visit(client, db) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    page = client.get("/", headers={"Accept-Language": "id-ID,id;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in page


def test_language_switch_never_redirects_off_site(client, db) -> None:
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_helpful_404(client, db) -> None:
    response = client.get("/tidak-ada-halaman")
    assert response.status_code == 404
    assert "Kembali ke beranda" in response.get_data(as_text=True)


def test_home_shows_flagships_categories_and_facilities_by_kanwil(client, db) -> None:
    from tests.factories import CategoryFactory, KanwilFactory

    bali = KanwilFactory(province="Bali")
    facility = FacilityFactory(kanwil=bali, name="Lapas Kelas IIA Kerobokan")
    furniture = CategoryFactory(name="Furnitur", slug="furnitur")
    ProductFactory(facility=facility, category=furniture, name="Dupa Unggulan", is_flagship=True)
    FacilityFactory(name="Rutan Tanpa Produk")
    page = client.get("/").get_data(as_text=True)
    flagships = page.split('id="flagship-title"')[1].split("</section>")[0]
    assert "Dupa Unggulan" in flagships
    assert 'href="/categories/furnitur"' in page
    regions = page.split('id="regions-title"')[1]
    assert "Bali" in regions and "Lapas Kelas IIA Kerobokan" in regions
    assert "Rutan Tanpa Produk" in regions

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


def test_english_is_under_en_with_hreflang_links_both_ways(client, db) -> None:
    page = client.get("/en/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Products on offer" in page
    assert '<link rel="alternate" hreflang="id" href="http://localhost/">' in page
    assert '<link rel="alternate" hreflang="en" href="http://localhost/en/">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/">' in page
    assert '<a href="/" lang="id" hreflang="id" >ID</a>' in page
    assert 'href="/en/products"' in page
    root = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in root
    assert '<link rel="alternate" hreflang="en" href="http://localhost/en/">' in root
    assert '<a href="/en/" lang="en" hreflang="en" >EN</a>' in root


def test_the_language_is_the_addresss_not_the_browsers_or_a_cookie(client, db) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="id">' in page
    client.set_cookie("lang", "en")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
    assert client.get("/en").status_code == 308


def test_the_old_language_switch_goes_to_the_page_in_that_language(client, db) -> None:
    response = client.get("/lang/en?next=/products?q=batik")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/products?q=batik"
    assert client.get("/lang/id?next=/en/facilities").headers["Location"] == "/facilities"
    # The back office still follows the cookie it sets.
    response = client.get("/lang/en?next=/admin/login")
    assert response.headers["Location"] == "/admin/login"
    assert "lang=en" in response.headers["Set-Cookie"]


def test_language_switch_never_redirects_off_site(client, db) -> None:
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/en/"


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
    # One link per Kanwil to its facilities (bounded by the provinces, not every facility).
    assert f'href="/facilities?kanwil={bali.code}"' in regions and "Bali" in regions
    assert "Lapas Kelas IIA Kerobokan" not in regions
    assert "1 UPT" in regions.split("Bali")[1].split("</li>")[0]

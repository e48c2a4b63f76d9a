"""Hidden things stay hidden everywhere public: pages, search, sitemap, JSON-LD."""

from __future__ import annotations

import pytest

from shop.models import ImageReviewState, ProductStatus
from tests.factories import CategoryFactory, FacilityFactory, ProductFactory
from tests.storefront.helpers import photo


@pytest.fixture
def mixed(db):
    category = CategoryFactory(slug="batik")
    open_facility = FacilityFactory(slug="lapas-buka")
    closed = FacilityFactory(slug="lapas-tutup", name="Lapas Kelas IIA Tertutup", is_active=False)
    public = ProductFactory(
        name="Batik Tayang", slug="batik-tayang", facility=open_facility, category=category
    )
    photo(public, name="disetujui")
    photo(public, name="menunggu", state=ImageReviewState.PENDING, position=1)
    photo(public, name="ditolak", state=ImageReviewState.REJECTED, position=2)
    for status in (ProductStatus.DRAFT, ProductStatus.PENDING_REVIEW, ProductStatus.ARCHIVED):
        hidden = ProductFactory(
            name=f"Batik {status.value}",
            slug=f"batik-{status.value}",
            facility=open_facility,
            category=category,
            is_flagship=True,
            status=status,
        )
        photo(hidden, name=f"foto-{status.value}")
    db.session.commit()
    closed_product = ProductFactory(
        name="Batik Lapas Tutup", slug="batik-lapas-tutup", facility=closed, is_flagship=True
    )
    photo(closed_product, name="foto-tutup")


PAGES = [
    "/",
    "/products",
    "/products?q=batik",
    "/products?category=batik",
    "/products/batik-tayang",
    "/facilities",
    "/facilities/lapas-buka",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", PAGES)
def test_only_public_products_and_approved_photos_appear(client, mixed, url: str) -> None:
    page = client.get(url).get_data(as_text=True)
    for hidden in ("draft", "pending_review", "archived", "Batik Lapas Tutup", "batik-lapas-tutup"):
        assert hidden not in page, (url, hidden)
    for photo_name in ("menunggu", "ditolak", "foto-", "lapas-tutup", "Tertutup"):
        assert photo_name not in page, (url, photo_name)
    if url != "/facilities":
        assert "batik-tayang" in page


def test_sitemap_lists_every_public_product_and_facility(client, mixed) -> None:
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert "<loc>http://localhost/products/batik-tayang</loc>" in xml
    assert "<loc>http://localhost/facilities/lapas-buka</loc>" in xml
    assert "<loc>http://localhost/products?category=batik</loc>" in xml


def test_robots_points_at_the_sitemap(client, db) -> None:
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /admin/" in text

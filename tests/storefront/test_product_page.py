"""The product page: gallery, price, stock wording, permits, delivery and the add-to-cart form."""

from __future__ import annotations

import json
import re

from shop.models import ImageReviewState, ProductStatus
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    ProductFactory,
    ProductVariantFactory,
    WorkshopFactory,
)
from tests.storefront.helpers import photo


def _page(client, slug: str) -> str:
    response = client.get(f"/products/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _form(page: str) -> str:
    match = re.search(
        r'<form class="buy-form" method="post" action="/cart/items">.*?</form>', page, re.S
    )
    assert match, "the add-to-cart form is missing"
    return match.group(0)


def test_single_variant_product_page(client, db) -> None:
    facility = FacilityFactory(name="Lapas Kelas IIA Binjai", slug="lapas-kelas-iia-binjai")
    workshop = WorkshopFactory(facility=facility, name="Bengkel Kayu Binjai")
    product = ProductFactory(
        name="Kursi Jati",
        slug="kursi-jati",
        facility=facility,
        workshop_id=workshop.id,
        variants=[],
    )
    variant = ProductVariantFactory(product=product, price_idr=1_250_000, stock=3)
    page = _page(client, "kursi-jati")
    assert "<h1>Kursi Jati</h1>" in page
    assert "Rp1.250.000" in page
    assert "Sisa 3" in page
    assert "Bengkel Kayu Binjai" in page
    assert 'href="/facilities/lapas-kelas-iia-binjai"' in page
    assert "Ambil sendiri di ruang pamer UPT" in page and "08:00\u201315:00 WIB" in page
    form = _form(page)
    assert f'<input type="hidden" name="variant_id" value="{variant.id}">' in form
    assert 'name="quantity"' in form and 'min="1"' in form
    # Public and cached: no CSRF token (it would need a session); docs/security.md.
    assert 'name="csrf_token"' not in form
    assert "disabled" not in form


def test_variants_with_price_range_and_sold_out_variant(client, db) -> None:
    product = ProductFactory(slug="kemeja-batik", variants=[])
    small = ProductVariantFactory(product=product, option_label="M", price_idr=250_000, stock=0)
    large = ProductVariantFactory(product=product, option_label="XL", price_idr=275_000, stock=12)
    page = _page(client, "kemeja-batik")
    assert "Rp250.000 \u2013 Rp275.000" in page
    form = _form(page)
    assert re.search(rf'value="{small.id}" disabled', form)
    assert re.search(rf'value="{large.id}"\s+checked', form)
    assert "Habis" in form and "Tersedia" in form


def test_sold_out_product_cannot_be_added(client, db) -> None:
    product = ProductFactory(slug="tas-lontar", variants=[])
    ProductVariantFactory(product=product, stock=0)
    page = _page(client, "tas-lontar")
    form = _form(page)
    assert re.search(r'<button type="submit" class="buy-button" disabled', form)
    assert "Stok sedang habis" in form


def test_made_to_order_product_is_orderable_with_its_lead_time(client, db) -> None:
    product = ProductFactory(slug="meja-makan", made_to_order=True, lead_time_days=14, variants=[])
    ProductVariantFactory(product=product, stock=0)
    page = _page(client, "meja-makan")
    assert "Dibuat sesuai pesanan, 14 hari" in page
    assert " disabled" not in _form(page)


def test_food_permits_are_shown(client, db) -> None:
    food = CategoryFactory(is_food=True, name="Makanan")
    ProductFactory(
        slug="sambal-roa",
        category=food,
        pirt_number="P-IRT No. 2063201000001-28",
        halal_certificate="ID31110000000000001",
        shelf_life_days=180,
    )
    page = _page(client, "sambal-roa")
    assert "Izin pangan" in page
    assert "P-IRT No. 2063201000001-28" in page
    assert "ID31110000000000001" in page
    assert "180 hari" in page


def test_gallery_shows_only_approved_photos_as_picture_elements(client, db) -> None:
    product = ProductFactory(slug="kain-tenun")
    photo(product, name="depan", position=0)
    photo(product, name="samping", position=1)
    photo(product, name="rahasia", position=2, state=ImageReviewState.PENDING)
    photo(product, name="ditolak", position=3, state=ImageReviewState.REJECTED)
    page = _page(client, "kain-tenun")
    assert "depan-320.webp 320w" in page and "samping-640.jpg 640w" in page
    assert "rahasia" not in page and "ditolak" not in page
    assert '<source type="image/webp"' in page
    first, *rest = re.findall(
        r"<img [^>]+>", page.split('class="gallery"')[1].split("</section>")[0]
    )
    assert 'fetchpriority="high"' in first and 'width="640"' in first and 'height="480"' in first
    assert 'alt="depan alt"' in first
    assert all('loading="lazy"' in img for img in rest)


def test_related_products_are_public_ones(client, db) -> None:
    category = CategoryFactory()
    product = ProductFactory(slug="kursi-a", category=category)
    ProductFactory(name="Kursi Saudara", category=category)
    ProductFactory(name="Kursi Draf", category=category, status=ProductStatus.DRAFT)
    page = _page(client, "kursi-a")
    assert "Produk serupa" in page and "Kursi Saudara" in page
    assert "Kursi Draf" not in page
    assert product.name in page


def test_hidden_products_are_a_helpful_404(client, db) -> None:
    ProductFactory(slug="draf", status=ProductStatus.DRAFT)
    ProductFactory(slug="menunggu", status=ProductStatus.PENDING_REVIEW)
    ProductFactory(slug="arsip", status=ProductStatus.ARCHIVED)
    ProductFactory(slug="upt-tutup", facility=FacilityFactory(is_active=False))
    for slug in ("draf", "menunggu", "arsip", "upt-tutup", "tidak-ada"):
        response = client.get(f"/products/{slug}")
        assert response.status_code == 404
        assert "Kembali ke beranda" in response.get_data(as_text=True)


def test_json_ld_describes_the_product_and_its_offer(client, db) -> None:
    product = ProductFactory(slug="gula-semut", name="Gula Semut </script><b>", variants=[])
    ProductVariantFactory(product=product, price_idr=29_500, stock=2, sku="LHT-001")
    photo(product, name="gula")
    photo(product, name="tersembunyi", state=ImageReviewState.PENDING)
    page = _page(client, "gula-semut")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "</script>" not in raw
    data = json.loads(raw)
    assert data["@type"] == "Product" and data["name"] == "Gula Semut </script><b>"
    assert data["offers"]["price"] == "29500" and data["offers"]["priceCurrency"] == "IDR"
    assert data["offers"]["availability"] == "https://schema.org/LimitedAvailability"
    assert data["image"] == ["http://localhost/media/img/jp/gula-640.jpg"]
    assert 'property="og:image" content="http://localhost/media/img/jp/gula-640.jpg"' in page
    assert 'name="twitter:card" content="summary_large_image"' in page
    assert '<link rel="canonical" href="http://localhost/products/gula-semut">' in page


def test_english_page(client, db) -> None:
    product = ProductFactory(slug="tas", made_to_order=True, lead_time_days=1, variants=[])
    ProductVariantFactory(product=product, stock=0)
    response = client.get("/en/products/tas")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Add to cart" in page and "Made to order, 1 day" in page

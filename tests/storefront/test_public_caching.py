"""Public pages for anonymous visitors: no cookie, public Cache-Control, ETag and 304, and a
server-side page cache that a change to what a page shows makes stale at once."""

from __future__ import annotations

import uuid

import pytest
from flask import current_app
from sqlalchemy import text

from shop.app import create_app
from shop.catalogue import stock
from shop.core import clock, page_versions, unit_of_work
from shop.extensions import cache
from shop.extensions import db as writer_db
from shop.models import ImageReviewState, ProductStatus, ProductVariant
from shop.models.stock import StockReason
from shop.storefront import catalogue_token
from tests.checkout.helpers import two_facilities
from tests.conftest import IsolatedClient, make_config
from tests.storefront.helpers import photo

PAGES = [
    "/",
    "/products",
    "/products?q=batik&sort=price_asc",
    "/products?category={category}",
    "/products/{product}",
    "/facilities",
    "/facilities?kind=lapas",
    "/facilities/{facility}",
    "/impact",
    "/sitemap.xml",
]


@pytest.fixture
def config_overrides() -> dict[str, object]:
    """The page cache and the cards' cache on, as on a real site (the suite's default turns
    them off)."""
    return {"PAGE_CACHE_SECONDS": 300, "CARD_CACHE_SECONDS": 3600}


@pytest.fixture
def shop(db):
    return two_facilities()


def _urls(shop) -> list[str]:
    values = {
        "category": shop.batik.product.category.slug,
        "product": shop.batik.product.slug,
        "facility": shop.batik_lapas.slug,
    }
    urls = [page.format(**values) for page in PAGES]
    return urls + ["/en" + url for url in urls if url != "/sitemap.xml"]


def _assert_public(response) -> None:
    assert response.status_code == 200, response.request.path
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["ETag"].startswith('W/"')


def test_every_public_page_is_public_without_a_cookie_and_answers_304(client, shop) -> None:
    for url in _urls(shop):
        first = client.get(url)
        _assert_public(first)
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
        assert again.get_data() == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        from_cache = client.get(url)
        _assert_public(from_cache)
        assert from_cache.get_data() == first.get_data()


class TestWithoutThePageCache:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        return {"PAGE_CACHE_SECONDS": 0}

    def test_pages_are_still_public_and_answer_304(self, client, shop) -> None:
        for url in _urls(shop):
            first = client.get(url)
            _assert_public(first)
            again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
            assert again.status_code == 304, url


def test_a_visitor_with_a_cart_gets_pages_of_their_own(client, shop) -> None:
    client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 1})
    page = client.get(f"/products/{shop.batik.product.slug}")
    assert page.status_code == 200
    assert "public" not in page.headers.get("Cache-Control", "")
    # Rendered for them: the message of their add is on it.
    assert "Produk masuk keranjang." in page.get_data(as_text=True)


def test_a_failed_add_shows_its_message_on_the_product_page_itself(client, db, shop) -> None:
    client.get(f"/products/{shop.coffee.product.slug}")
    response = client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": 99})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<h1>Kopi" in page or shop.coffee.product.name in page
    assert 'class="flash flash-error"' in page


def test_the_page_cache_serves_stored_pages(client, db, shop, monkeypatch) -> None:
    """A change written behind the ORM's back is not seen: the page comes from the cache.

    (The catalogue: its rows are kept per catalogue token, which the database's triggers
    change; a worker takes the token as read for CATALOGUE_TOKEN_SECONDS while nothing the app
    wrote changed, then reads it again, where a product's or a facility's page keeps its parts
    by their versions, as the cards do.)"""
    now = [1000.0]
    monkeypatch.setattr(catalogue_token, "_now", lambda: now[0])
    assert "Kopi Arabika Flores" in client.get("/products").get_data(as_text=True)
    db.session.execute(
        text("UPDATE product SET status = 'archived' WHERE id = :id"),
        {"id": shop.coffee.product.id},
    )
    db.session.commit()
    assert "Kopi Arabika Flores" in client.get("/products").get_data(as_text=True)
    now[0] += current_app.config["CATALOGUE_TOKEN_SECONDS"] + 1
    assert "Kopi Arabika Flores" not in client.get("/products?x=1").get_data(as_text=True)


def _pages(client, shop) -> tuple[str, str, str]:
    return (
        client.get(f"/products/{shop.batik.product.slug}").get_data(as_text=True),
        client.get("/products?q=batik").get_data(as_text=True),
        client.get(f"/facilities/{shop.batik_lapas.slug}").get_data(as_text=True),
    )


def test_a_new_price_shows_at_once_on_its_pages_and_the_catalogue(client, db, shop) -> None:
    product_page, catalogue, facility_page = _pages(client, shop)
    assert all("Rp250.000" in page for page in (product_page, catalogue, facility_page))
    other = client.get(f"/facilities/{shop.coffee_rutan.slug}")
    shop.batik.price_idr = 275_000
    unit_of_work.commit()
    product_page, catalogue, facility_page = _pages(client, shop)
    assert all("Rp275.000" in page for page in (product_page, catalogue, facility_page))
    assert all("Rp250.000" not in page for page in (product_page, catalogue, facility_page))
    # The other facility's page was not made stale by it.
    again = client.get(
        f"/facilities/{shop.coffee_rutan.slug}", headers={"If-None-Match": other.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_sale_changes_the_stock_shown_at_once(client, db, shop) -> None:
    shop.batik.stock = 3
    shop.batik.low_stock_threshold = 5
    unit_of_work.commit()
    assert "Sisa 3" in _pages(client, shop)[0]
    stock.apply_shop_change(
        variant_id=shop.batik.id,
        quantity=-1,
        reason=StockReason.SOLD_ONLINE,
        now=clock.now(),
        actor_label="test",
    )
    unit_of_work.commit()
    product_page, catalogue, facility_page = _pages(client, shop)
    assert "Sisa 2" in product_page and "Sisa 3" not in product_page
    assert "Sisa 2" in catalogue and "Sisa 2" in facility_page


def test_an_approved_photo_shows_at_once(client, db, shop) -> None:
    image = photo(shop.batik.product, state=ImageReviewState.PENDING, name="motif")
    assert all("motif-640" not in page for page in _pages(client, shop))
    image.review_state = ImageReviewState.APPROVED
    unit_of_work.commit()
    assert all("motif-640" in page for page in _pages(client, shop))


def test_an_archived_product_leaves_its_pages_at_once(client, db, shop) -> None:
    assert all("Kemeja Batik Tulis" in page for page in _pages(client, shop))
    shop.batik.product.status = ProductStatus.ARCHIVED
    unit_of_work.commit()
    assert client.get(f"/products/{shop.batik.product.slug}").status_code == 404
    assert "Kemeja Batik Tulis" not in client.get("/products").get_data(as_text=True)
    facility_page = client.get(f"/facilities/{shop.batik_lapas.slug}").get_data(as_text=True)
    assert "Kemeja Batik Tulis" not in facility_page


def test_a_renamed_facility_shows_on_its_products(client, db, shop) -> None:
    assert "Lapas Kelas I Medan" in _pages(client, shop)[0]
    shop.batik_lapas.name = "Lapas Kelas I Medan Baru"
    unit_of_work.commit()
    product_page, _catalogue, facility_page = _pages(client, shop)
    assert (
        "Lapas Kelas I Medan Baru" in product_page and "Lapas Kelas I Medan Baru" in facility_page
    )


def test_a_change_rolled_back_keeps_the_stored_pages(client, db, shop) -> None:
    before = page_versions.current(page_versions.CATALOGUE)
    shop.batik.price_idr = 1
    db.session.flush()
    unit_of_work.rollback()
    assert page_versions.current(page_versions.CATALOGUE) == before
    shop.batik.price_idr = 2
    unit_of_work.commit()
    assert page_versions.current(page_versions.CATALOGUE) != before


def test_workers_sharing_redis_see_each_others_changes(database_url, tmp_path, db, shop) -> None:
    """Two apps (two gunicorn workers) on one Redis: a change committed in one drops the page
    the other stored."""
    overrides = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"etalase-test-{uuid.uuid4().hex}:",
    }
    url = f"/products/{shop.batik.product.slug}"
    reader = create_app(make_config(database_url, tmp_path, **overrides))
    writer = create_app(make_config(database_url, tmp_path, **overrides))
    reader.test_client_class = IsolatedClient
    try:
        with reader.app_context():
            assert "Rp250.000" in reader.test_client().get(url).get_data(as_text=True)
        with writer.app_context():
            writer_db.session.get(ProductVariant, shop.batik.id).price_idr = 99_000
            unit_of_work.commit()
            writer_db.session.remove()
        with reader.app_context():
            page = reader.test_client().get(url).get_data(as_text=True)
            cache.clear()
    finally:
        for each in (reader, writer):
            backend = each.extensions["cache"][cache]
            backend._write_client.connection_pool.disconnect()
            backend._read_client.connection_pool.disconnect()
            with each.app_context():
                writer_db.engine.dispose()
    assert "Rp99.000" in page

"""Product cards kept as HTML (shop/storefront/cards.py): drawn once per language, drawn again
as soon as what they show changes, and never shown for a product that is no longer public.

The page cache is off here, so each request renders its page and reads the cards' cache."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop.catalogue import stock
from shop.core import clock, page_versions, unit_of_work
from shop.extensions import cache
from shop.models import FacilityKind, ImageReviewState, ProductStatus
from shop.models.stock import StockReason
from tests.checkout.helpers import two_facilities
from tests.storefront.helpers import QueryCounter, photo


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return {"PAGE_CACHE_SECONDS": 0, "CARD_CACHE_SECONDS": 3600}


@pytest.fixture
def shop(db):
    made = two_facilities()
    # The versions the arranging bumped, bumped now and not in the middle of a test.
    unit_of_work.run_committed_actions()
    return made


def _rename_behind_the_orm(db, product_id: int, name: str) -> None:
    """A write the app never makes: it bumps no version, so a cached card keeps the old name."""
    db.session.execute(
        text("UPDATE product SET name = :n WHERE id = :id"), {"n": name, "id": product_id}
    )
    db.session.commit()


def _card_of(page: str, name: str) -> str:
    """The card whose title is `name`."""
    before, _, after = page.partition(f'class="card-title">{name}<')
    assert after, f"no card for {name}"
    return before.rsplit('<li class="product-card">', 1)[1] + after.split("</li>", 1)[0]


def test_a_card_is_drawn_once_then_served_from_the_cache(client, db, shop) -> None:
    assert "Kemeja Batik Tulis" in client.get("/products").get_data(as_text=True)
    _rename_behind_the_orm(db, shop.batik.product.id, "Nama Baru")
    catalogue = client.get("/products").get_data(as_text=True)
    assert "Kemeja Batik Tulis" in catalogue and "Nama Baru" not in catalogue
    # The product page's own heading is not a card: it reads the database.
    assert "<h1>Nama Baru" in client.get(f"/products/{shop.batik.product.slug}").get_data(
        as_text=True
    )


def test_each_language_has_its_own_card(client, db, shop) -> None:
    indonesian = _card_of(client.get("/products").get_data(as_text=True), "Kemeja Batik Tulis")
    english = _card_of(client.get("/en/products").get_data(as_text=True), "Kemeja Batik Tulis")
    assert "Rp250.000" in indonesian and 'href="/products/' in indonesian
    assert 'href="/en/products/' in english and "Only 5 left" in english
    assert "Sisa 5" in indonesian and "Sisa" not in english
    # And again, from the cache: still each its own.
    again = _card_of(client.get("/en/products").get_data(as_text=True), "Kemeja Batik Tulis")
    assert again == english


def test_a_new_price_redraws_that_card_only(client, db, shop) -> None:
    client.get("/products")
    # The coffee's name changed behind the ORM: its card stays as drawn (not redrawn).
    _rename_behind_the_orm(db, shop.coffee.product.id, "Kopi Diam-diam")
    shop.batik.price_idr = 275_000
    unit_of_work.commit()
    page = client.get("/products").get_data(as_text=True)
    assert "Rp275.000" in _card_of(page, "Kemeja Batik Tulis")
    assert "Rp250.000" not in page
    assert "Kopi Arabika Flores" in page and "Kopi Diam-diam" not in page


def test_a_sale_changes_the_stock_on_every_listing_at_once(client, db, shop) -> None:
    shop.batik.stock = 3
    unit_of_work.commit()
    urls = ("/products", "/", f"/facilities/{shop.batik_lapas.slug}", "/en/products")
    for url in urls:
        assert "Sisa 3" in client.get(url).get_data(as_text=True) or url.startswith("/en")
    stock.apply_shop_change(
        variant_id=shop.batik.id, quantity=-1, reason=StockReason.SOLD_ONLINE,
        now=clock.now(), actor_label="test",
    )  # fmt: skip
    unit_of_work.commit()
    for url in urls[:3]:
        page = client.get(url).get_data(as_text=True)
        assert "Sisa 2" in page and "Sisa 3" not in page, url
    assert "3 left" not in client.get("/en/products").get_data(as_text=True)


def test_a_renamed_facility_redraws_its_products_cards(client, db, shop) -> None:
    assert "Lapas Kelas I Medan<" in client.get("/products").get_data(as_text=True)
    shop.batik_lapas.name = "Lapas Kelas I Medan Baru"
    unit_of_work.commit()
    page = client.get("/products").get_data(as_text=True)
    assert "Lapas Kelas I Medan Baru" in _card_of(page, "Kemeja Batik Tulis")


def test_only_approved_photos_reach_a_card_even_when_cached(client, db, shop) -> None:
    pending = photo(shop.batik.product, state=ImageReviewState.PENDING, name="belum")
    unit_of_work.commit()
    assert "belum-640" not in client.get("/products").get_data(as_text=True)
    pending.review_state = ImageReviewState.APPROVED
    unit_of_work.commit()
    assert "belum-640" in client.get("/products").get_data(as_text=True)
    pending.review_state = ImageReviewState.PENDING
    unit_of_work.commit()
    assert "belum-640" not in client.get("/products").get_data(as_text=True)


def test_a_facility_turned_lpka_drops_its_cards_drawn_before(client, db, shop) -> None:
    """The card follows the facility's own row: a kind changed (say to LPKA, whose photos are
    reviewed for children) draws its products' cards again from what is approved now."""
    picture = photo(shop.batik.product, name="lama")
    unit_of_work.commit()
    assert "lama-640" in client.get("/products").get_data(as_text=True)
    shop.batik_lapas.kind = FacilityKind.LPKA
    shop.batik_lapas.facility_class = "II"
    picture.review_state = ImageReviewState.PENDING
    unit_of_work.commit()
    assert "lama-640" not in client.get("/products").get_data(as_text=True)


def test_a_product_no_longer_public_leaves_every_listing(client, db, shop) -> None:
    assert "Kemeja Batik Tulis" in client.get("/").get_data(as_text=True)
    shop.batik.product.status = ProductStatus.ARCHIVED
    unit_of_work.commit()
    for url in ("/", "/products", f"/facilities/{shop.batik_lapas.slug}"):
        assert "Kemeja Batik Tulis" not in client.get(url).get_data(as_text=True), url
    coffee = client.get(f"/products/{shop.coffee.product.slug}").get_data(as_text=True)
    assert "Kemeja Batik Tulis" not in coffee


def test_cached_cards_spare_the_queries_that_draw_them(client, db, shop) -> None:
    client.get("/products")
    with QueryCounter() as warm:
        client.get("/products")
    unit_of_work.commit()
    shop.batik.price_idr = 1000
    shop.coffee.price_idr = 2000
    unit_of_work.commit()
    with QueryCounter() as redrawn:
        client.get("/products")
    # Drawing loads the products, their variants and their photos; a cached card needs none.
    assert warm.count + 3 <= redrawn.count


def test_a_worker_uses_its_own_cards_until_the_catalogue_changes(
    client, db, shop, monkeypatch
) -> None:
    """Cards kept in the worker's memory are used without asking the app cache for them or
    their versions; a change to any product makes the worker check them again, and the
    changed card is drawn anew."""
    client.get("/products")
    asked: list[str] = []
    get_many = cache.get_many

    def counting(*keys: str) -> list[object]:
        asked.extend(keys)
        return get_many(*keys)

    monkeypatch.setattr(cache, "get_many", counting)
    page = client.get("/products").get_data(as_text=True)
    assert "Rp250.000" in _card_of(page, "Kemeja Batik Tulis")
    assert not [key for key in asked if key.startswith(("card:", "version:product:"))]

    shop.batik.price_idr = 275_000
    unit_of_work.commit()
    page = client.get("/products").get_data(as_text=True)
    assert "Rp275.000" in _card_of(page, "Kemeja Batik Tulis")
    assert f"version:product:{shop.batik.product.id}" in asked


def test_the_catalogue_version_is_bumped_after_the_versions_it_covers(monkeypatch) -> None:
    """A worker that reads a new catalogue version must then find the new card versions."""
    written: list[str] = []

    class Recording(page_versions.MemoryStore):
        def set_many(self, mapping: dict[str, str]) -> None:
            written.extend(mapping)
            super().set_many(mapping)

    monkeypatch.setattr(page_versions, "_store", Recording())
    page_versions.bump(page_versions.CATALOGUE, "facility-name:3", "product:7", "facilities")
    assert written[:2] == ["facility-name:3", "product:7"]
    assert set(written[2:]) == {page_versions.CATALOGUE, page_versions.FACILITIES}


def test_a_kept_card_is_sent_without_its_indentation(client, shop) -> None:
    """Drawn once and sent with every listing: its lines keep their breaks, not their indent."""
    card = _card_of(client.get("/products").get_data(as_text=True), "Kemeja Batik Tulis")
    assert "Rp250.000" in card and 'class="card-meta">Lapas Kelas I Medan<' in card
    assert "\n" in card and "\n " not in card

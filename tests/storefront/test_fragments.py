"""Pieces of pages kept in the worker's memory (shop/storefront/fragments.py): the header and
footer per language, the filter forms per catalogue version and filter values, the facility
cards by what they show. Kept, they are not drawn again; changed, they show the change at once.

The page cache is off here, so each request renders its page."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop.catalogue import stock
from shop.core import clock, unit_of_work
from shop.models import Category, ProductStatus, Workshop, WorkshopKind
from shop.models.stock import StockReason
from shop.storefront.cart import CART_COOKIE
from tests.checkout.helpers import two_facilities


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return {"PAGE_CACHE_SECONDS": 0, "CARD_CACHE_SECONDS": 3600}


@pytest.fixture
def shop(db):
    made = two_facilities()
    unit_of_work.run_committed_actions()
    return made


def _category_of(shop) -> Category:
    return shop.batik.product.category


def _category_option(page: str, category: Category) -> str:
    """The text of the catalogue filter's option for `category`."""
    _, _, after = page.partition(f'<option value="{category.slug}"')
    assert after, f"no option for {category.slug}"
    return after.split(">", 1)[1].split("</option>", 1)[0]


def test_the_filter_form_is_kept_until_the_catalogue_changes(client, db, shop) -> None:
    category = _category_of(shop)
    before = _category_option(client.get("/products").get_data(as_text=True), category)
    # A rename the app never makes (behind the ORM) bumps no version: the kept form stays.
    db.session.execute(
        text("UPDATE category SET name = 'Nama Diam-diam' WHERE id = :id"), {"id": category.id}
    )
    db.session.commit()
    kept = client.get("/products").get_data(as_text=True)
    assert _category_option(kept, category) == before
    # A rename through the app shows at once.
    db.session.expire_all()
    category.name = "Sandang Pilihan"
    unit_of_work.commit()
    page = client.get("/products").get_data(as_text=True)
    assert "Sandang Pilihan" in _category_option(page, category)


def test_the_filter_form_shows_this_request_s_values(client, db, shop) -> None:
    first = client.get("/products?q=batik&in_stock=1").get_data(as_text=True)
    assert 'id="f-q" type="search" name="q" value="batik"' in first
    assert 'name="in_stock" value="1" checked' in first
    other = client.get("/products?q=kopi").get_data(as_text=True)
    assert 'id="f-q" type="search" name="q" value="kopi"' in other
    assert 'name="in_stock" value="1" checked' not in other
    # The header's search box too.
    assert 'id="site-q" type="search" name="q" value="kopi"' in other
    assert 'id="site-q" type="search" name="q" value=""' in client.get("/facilities").get_data(
        as_text=True
    )


def test_the_header_and_footer_are_kept_per_language(client, db, shop) -> None:
    indonesian = client.get("/products").get_data(as_text=True)
    english = client.get("/en/products").get_data(as_text=True)
    assert "Semua produk</a>" in indonesian and "Semua produk</a>" not in english
    assert 'href="/en/products">All products</a>' in english
    assert '<a class="brand" href="/en/">' in english
    assert '<a class="brand" href="/">' in client.get("/facilities").get_data(as_text=True)
    # The menu marks the page's own section, each page its own.
    assert '<a href="/facilities" aria-current="page">' in client.get("/facilities").get_data(
        as_text=True
    )
    assert '<a href="/products" aria-current="page">' in client.get("/products").get_data(
        as_text=True
    )


def test_a_renamed_facility_shows_in_the_directory_at_once(client, db, shop) -> None:
    assert "Lapas Kelas I Medan" in client.get("/facilities").get_data(as_text=True)
    shop.batik_lapas.name = "Lapas Kelas I Medan Baru"
    unit_of_work.commit()
    page = client.get("/facilities").get_data(as_text=True)
    assert "Lapas Kelas I Medan Baru</h2>" in page


def _rename_product_behind_the_orm(db, product_id: int, name: str) -> None:
    """A write the app never makes: it bumps no version, so kept parts keep the old name."""
    db.session.execute(
        text("UPDATE product SET name = :n WHERE id = :id"), {"n": name, "id": product_id}
    )
    db.session.commit()


def test_a_product_page_is_kept_until_what_it_shows_changes(client, db, shop) -> None:
    url = f"/products/{shop.batik.product.slug}"
    assert "<h1>Kemeja Batik Tulis</h1>" in client.get(url).get_data(as_text=True)
    _rename_product_behind_the_orm(db, shop.batik.product.id, "Nama Diam-diam")
    kept = client.get(url).get_data(as_text=True)
    assert "<h1>Kemeja Batik Tulis</h1>" in kept and "<title>Kemeja Batik Tulis" in kept
    # A sale through the app: the title, the price data for previews and the stock, at once.
    db.session.expire_all()
    stock.apply_shop_change(
        variant_id=shop.batik.id, quantity=-2, reason=StockReason.SOLD_ONLINE,
        now=clock.now(), actor_label="test",
    )  # fmt: skip
    unit_of_work.commit()
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Nama Diam-diam</h1>" in page and "<title>Nama Diam-diam" in page
    assert "Sisa 3" in page and "Sisa 5" not in page
    assert '"name": "Nama Diam-diam"' in page or '"name":"Nama Diam-diam"' in page


def test_a_product_page_follows_its_facility_and_categories(client, db, shop) -> None:
    url = f"/products/{shop.batik.product.slug}"
    client.get(url)
    shop.batik_lapas.name = "Lapas Kelas I Medan Baru"
    shop.batik.product.category.name = "Sandang Pilihan"
    unit_of_work.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Lapas Kelas I Medan Baru</a></p>" in page
    assert "Sandang Pilihan</a></li>" in page


def test_each_language_keeps_its_own_product_page(client, db, shop) -> None:
    slug = shop.batik.product.slug
    indonesian = client.get(f"/products/{slug}").get_data(as_text=True)
    english = client.get(f"/en/products/{slug}").get_data(as_text=True)
    assert "Tambah ke keranjang" in indonesian and "Tambah ke keranjang" not in english
    assert client.get(f"/en/products/{slug}").get_data(as_text=True) == english
    assert client.get(f"/products/{slug}").get_data(as_text=True) == indonesian


def test_a_visitor_with_a_cart_gets_the_product_page_drawn_for_them(client, db, shop) -> None:
    url = f"/products/{shop.batik.product.slug}"
    client.get(url)
    _rename_product_behind_the_orm(db, shop.batik.product.id, "Nama Diam-diam")
    client.set_cookie(CART_COOKIE, "not-a-cart")
    assert "<h1>Nama Diam-diam</h1>" in client.get(url).get_data(as_text=True)


def test_a_product_withdrawn_is_gone_from_its_kept_page_at_once(client, db, shop) -> None:
    url = f"/products/{shop.batik.product.slug}"
    assert client.get(url).status_code == 200
    shop.batik.product.status = ProductStatus.ARCHIVED
    unit_of_work.commit()
    assert client.get(url).status_code == 404


def test_a_facility_page_is_kept_until_the_facility_changes(client, db, shop) -> None:
    url = f"/facilities/{shop.batik_lapas.slug}"
    assert "<h1>Lapas Kelas I Medan</h1>" in client.get(url).get_data(as_text=True)
    db.session.execute(
        text("UPDATE facility SET name = 'Nama Diam-diam' WHERE id = :id"),
        {"id": shop.batik_lapas.id},
    )
    db.session.commit()
    assert "<h1>Lapas Kelas I Medan</h1>" in client.get(url).get_data(as_text=True)
    db.session.expire_all()
    shop.batik_lapas.address = "Jl. Baru No. 1"
    unit_of_work.commit()
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Nama Diam-diam</h1>" in page and "Jl. Baru No. 1" in page


def test_a_new_workshop_shows_on_its_facility_page_at_once(client, db, shop) -> None:
    url = f"/facilities/{shop.batik_lapas.slug}"
    assert "Bengkel Tenun Baru" not in client.get(url).get_data(as_text=True)
    db.session.add(
        Workshop(facility=shop.batik_lapas, name="Bengkel Tenun Baru", kind=WorkshopKind.TEXTILE)
    )
    unit_of_work.commit()
    assert "Bengkel Tenun Baru" in client.get(url).get_data(as_text=True)

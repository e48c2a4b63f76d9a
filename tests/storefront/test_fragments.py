"""Pieces of pages kept in the worker's memory (shop/storefront/fragments.py): the header and
footer per language, the filter forms per catalogue version and filter values, the facility
cards by what they show. Kept, they are not drawn again; changed, they show the change at once.

The page cache is off here, so each request renders its page."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop.core import unit_of_work
from shop.models import Category
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

"""The catalogue's listing at scale: keyset pages, precomputed prices, counts kept per version."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select, text

from shop.catalogue import browse
from shop.models import Product, ProductStatus, ProductVariant
from tests.conftest import ON_POSTGRES
from tests.factories import FacilityFactory, ProductFactory, ProductVariantFactory
from tests.storefront.helpers import QueryCounter


def _names(page: str) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', page)


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def _priced_products(count: int) -> None:
    """`count` public products, prices repeating so that sorting needs the id to break ties."""
    facility = FacilityFactory()
    for n in range(count):
        product = ProductFactory(name=f"Sandal {n:03d}", facility=facility, variants=[])
        ProductVariantFactory(product=product, price_idr=10_000 + 1_000 * (n % 7))
        ProductVariantFactory(product=product, price_idr=90_000)
    ProductFactory(name="Sandal Draf", facility=facility, status=ProductStatus.DRAFT)


@pytest.mark.parametrize("sort", ["", "&sort=newest", "&sort=price_asc", "&sort=price_desc"])
def test_keyset_pages_list_every_public_product_exactly_once(client, db, sort: str) -> None:
    _priced_products(60)
    url: str | None = f"/products?x=1{sort}"
    seen: list[str] = []
    pages = []
    while url is not None:
        page = _get(client, url)
        pages.append(url)
        seen += _names(page)
        url = _link(page, "next")
    assert len(pages) == 3
    assert "after=" in pages[1] and "after=" in pages[2]
    assert sorted(seen) == [f"Sandal {n:03d}" for n in range(60)]
    # And back: the previous link of the last page shows the middle page again.
    last = _get(client, pages[2])
    middle = _get(client, _link(last, "prev") or "")
    assert _names(middle) == _names(_get(client, pages[1]))
    assert "Halaman 2 dari 3" in middle


def test_price_sort_follows_a_variant_price_change(client, db) -> None:
    facility = FacilityFactory()
    cheap = ProductFactory(name="Tikar Murah", facility=facility, variants=[])
    cheap_variant = ProductVariantFactory(product=cheap, price_idr=20_000)
    ProductVariantFactory(product=cheap, price_idr=70_000)
    dear = ProductFactory(name="Tikar Mahal", facility=facility, variants=[])
    ProductVariantFactory(product=dear, price_idr=50_000)
    db.session.commit()
    assert _names(_get(client, "/products?sort=price_asc")) == ["Tikar Murah", "Tikar Mahal"]

    cheap_variant.price_idr = 60_000
    db.session.commit()
    stored = db.session.execute(
        select(Product.min_price_idr, Product.max_price_idr).where(Product.id == cheap.id)
    ).one()
    assert tuple(stored) == (60_000, 70_000)
    assert _names(_get(client, "/products?sort=price_asc")) == ["Tikar Mahal", "Tikar Murah"]
    assert _names(_get(client, "/products?max_price=55000")) == ["Tikar Mahal"]

    db.session.delete(db.session.get(ProductVariant, cheap_variant.id))
    db.session.commit()
    assert db.session.scalar(select(Product.min_price_idr).where(Product.id == cheap.id)) == 70_000


def test_counts_follow_changes_at_once(client, db) -> None:
    facility = FacilityFactory()
    ProductFactory.create_batch(3, facility=facility)
    assert "3 produk ditemukan" in _get(client, "/products")
    assert "3 produk ditemukan" in _get(client, "/products")  # read from the kept count
    ProductFactory(facility=facility)
    db.session.commit()
    assert "4 produk ditemukan" in _get(client, "/products")
    facility.is_active = False
    db.session.commit()
    assert "0 produk ditemukan" in _get(client, "/products")


def test_the_facility_field_takes_a_typed_name_and_suggests(client, db) -> None:
    tarakan = FacilityFactory(name="Lapas Kelas IIA Tarakan", slug="lapas-kelas-iia-tarakan")
    FacilityFactory(name="Lapas Kelas IIA Tanpa Produk", slug="lapas-kelas-iia-tanpa-produk")
    other = FacilityFactory(name="Rutan Kelas I Medan", slug="rutan-kelas-i-medan")
    ProductFactory(name="Batik Tarakan", facility=tarakan)
    ProductFactory(name="Kursi Medan", facility=other)
    page = _get(client, "/products?facility=Lapas+Kelas+IIA+Tarakan")
    assert _names(page) == ["Batik Tarakan"]
    assert 'value="Lapas Kelas IIA Tarakan"' in page
    choices = client.get("/products/facility-options.json?q=taRA").get_json()
    assert choices == [{"slug": "lapas-kelas-iia-tarakan", "name": "Lapas Kelas IIA Tarakan"}]
    assert client.get("/products/facility-options.json?q=%3Cscript%3E").get_json() == []


def test_a_deep_keyset_page_costs_the_same_queries_as_a_short_catalogue(app, client, db) -> None:
    def queries_of_second_page() -> int:
        second = _link(_get(client, "/products"), "next") or ""
        assert "after=" in second
        _get(client, second)  # warm-up
        with QueryCounter() as counter:
            _get(client, second)
        return counter.count

    _priced_products(30)
    small = queries_of_second_page()
    _priced_products(60)
    assert queries_of_second_page() == small


@pytest.mark.parametrize("cursor", ["after=1_1", "after=999999999999999999_1", "before=x_1"])
def test_stale_or_odd_cursors_still_show_a_page(client, db, cursor: str) -> None:
    _priced_products(30)
    page = _get(client, f"/products?page=2&{cursor}")
    assert len(_names(page)) == 6


@pytest.mark.skipif(not ON_POSTGRES, reason="the GIN index exists on PostgreSQL only")
def test_postgres_search_uses_its_gin_index(db) -> None:
    """The search reaches the index; and new documents go straight into it (no pending list,
    whose cost made the planner scan every document on a freshly filled catalogue)."""
    options = db.session.scalar(
        text("SELECT reloptions FROM pg_class WHERE relname = 'product_search_document'")
    )
    assert "fastupdate=off" in options
    ProductFactory.create_batch(5)
    db.session.commit()
    # Five rows are cheaper to scan than any index: make the planner show whether it can.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    matched = browse.search.matches("kursi jati")
    assert matched is not None
    statement = browse.public_products_query().join(matched, matched.c.product_id == Product.id)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    assert "product_search_document" in plan, plan


def _token(db) -> str:
    return db.session.execute(text("SELECT token FROM catalogue_version WHERE id = 1")).scalar()


def test_kept_listings_follow_writes_made_behind_the_apps_back(client, db) -> None:
    """Listings are kept per catalogue token, which the database's triggers change: a write in
    plain SQL (an import, a fix by hand) shows at once, as the app's own writes do."""
    facility = FacilityFactory(kanwil__name="Kanwil Lama")
    product = ProductFactory(name="Tas Anyaman", facility=facility, variants=[])
    variant = ProductVariantFactory(product=product, option_label="Merah")
    db.session.commit()

    def seen() -> tuple[list[str], list[str], bool]:
        """Each listing as a visitor sees it now (and, from here on, as it is kept)."""
        return (
            _names(_get(client, "/products")),
            _names(_get(client, "/products?q=biru")),
            "Kanwil Baru" in _get(client, "/facilities"),
        )

    assert seen() == (["Tas Anyaman"], [], False)
    db.session.execute(text("UPDATE product SET name = 'Tas Pandan'"))
    db.session.commit()
    assert seen() == (["Tas Pandan"], [], False)
    db.session.execute(
        text(f"UPDATE product_variant SET option_label = 'Biru' WHERE id = {variant.id}")
    )
    db.session.commit()
    assert seen() == (["Tas Pandan"], ["Tas Pandan"], False)
    db.session.execute(
        text(f"UPDATE kanwil SET name = 'Kanwil Baru' WHERE id = {facility.kanwil_id}")
    )
    db.session.commit()
    assert seen() == (["Tas Pandan"], ["Tas Pandan"], True)


def test_a_sale_leaves_the_catalogue_token_but_a_new_label_changes_it(db) -> None:
    """Stock changes with every sale and would empty every kept listing; listings filtered by
    stock are read each time instead. A variant's label is searched, so it changes the token."""
    variant = ProductVariantFactory(stock=5)
    db.session.commit()
    before = _token(db)
    variant.stock = 4
    db.session.commit()
    assert _token(db) == before
    variant.option_label = "XL"
    db.session.commit()
    assert _token(db) != before


def test_a_listing_filtered_by_stock_follows_a_sale_at_once(client, db) -> None:
    variant = ProductVariantFactory(product__name="Kopi Bubuk", stock=1)
    db.session.commit()
    assert _names(_get(client, "/products?in_stock=1")) == ["Kopi Bubuk"]
    db.session.execute(text(f"UPDATE product_variant SET stock = 0 WHERE id = {variant.id}"))
    db.session.commit()
    assert _names(_get(client, "/products?in_stock=1")) == []

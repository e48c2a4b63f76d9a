"""A worker takes the catalogue's token as read while the catalogue's page version stays the
same (shop/storefront/catalogue_token.py): an uncached public page then runs no statement, the
app's own writes show at once, and a write in plain SQL once the remembered token is
CATALOGUE_TOKEN_SECONDS old."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from shop.core import unit_of_work
from shop.storefront import catalogue_token
from tests.checkout.helpers import two_facilities
from tests.factories import ProductFactory
from tests.storefront.helpers import QueryCounter


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return {"PAGE_CACHE_SECONDS": 0, "CARD_CACHE_SECONDS": 3600, "CATALOGUE_TOKEN_SECONDS": 5}


@pytest.fixture
def shop(db):
    made = two_facilities()
    unit_of_work.run_committed_actions()
    return made


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The monotonic clock the module reads, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(catalogue_token, "_now", lambda: now[0])
    return now


def _names(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', response.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/", "/products", "/products?q=kopi", "/facilities"])
def test_an_uncached_public_page_runs_no_statement_once_the_token_is_known(
    client, shop, clock, url: str
) -> None:
    client.get(url)
    client.get(url)
    with QueryCounter() as counter:
        assert client.get(url).status_code == 200
    assert counter.count == 0


def test_the_apps_own_writes_show_at_once(client, db, shop, clock) -> None:
    assert "Kopi Arabika Flores" in _names(client, "/products")
    shop.coffee.product.name = "Kopi Bajawa"
    unit_of_work.commit()
    assert "Kopi Bajawa" in _names(client, "/products")
    ProductFactory(facility=shop.coffee.product.facility, name="Teh Rosela")
    unit_of_work.commit()
    assert "Teh Rosela" in _names(client, "/products")
    assert "Teh Rosela" in _names(client, f"/facilities/{shop.coffee.product.facility.slug}")


def test_a_write_in_plain_sql_shows_once_the_known_token_is_old(client, db, shop, clock) -> None:
    assert "Kopi Arabika Flores" not in _names(client, "/products?q=bajawa")
    db.session.execute(
        text("UPDATE product SET name = 'Kopi Bajawa' WHERE id = :id"),
        {"id": shop.coffee.product.id},
    )
    db.session.commit()
    clock[0] += 4
    assert _names(client, "/products?q=bajawa") == []
    clock[0] += 2
    assert len(_names(client, "/products?q=bajawa")) == 1


def test_a_visitor_with_a_cart_reads_the_token(client, shop, clock) -> None:
    client.get("/products")
    client.set_cookie("etalase_cart", "x")
    with QueryCounter() as counter:
        client.get("/products")
    assert counter.count >= 1

"""The public impact page: the ledger's national and per-Kanwil totals, no personal data, cached."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from shop import payments
from shop.config import Config
from shop.core import clock
from shop.extensions import cache
from shop.models import DeliveryMethod, LedgerEntry
from shop.ordering import cart as carts
from shop.ordering import checkout
from shop.payments import events, refunds
from shop.reporting import impact
from tests.checkout.helpers import BUYER, place, two_facilities

# Batik: 2 x Rp250.000 (HPP 140.000), coffee: 3 x Rp85.000 (HPP 50.000), by the national default
# (half of the margin is premi): premi 110.000 + 52.500.
PREMI = 162_500
SALES = 755_000


@pytest.fixture(autouse=True)
def fresh_cache(app):
    cache.clear()


def _pay(order, *, now: datetime | None = None) -> None:
    moment = now or clock.now()
    attempt = payments.start_payment(order=order, now=moment)
    assert events.simulate_demo_payment(attempt=attempt, outcome="pay", now=moment) == "paid"


def _one_batik(shop, *, now: datetime | None = None):
    """A second order: one more shirt, picked up (premi + Rp55.000)."""
    cart = carts.new_cart()
    carts.add_item(cart=cart, variant_id=shop.batik.id, quantity=1)
    return checkout.place_order(
        cart=cart,
        buyer=BUYER,
        deliveries={shop.batik_lapas.id: DeliveryMethod.PICKUP},
        expected_total_idr=None,
        gateway="demo",
        check_amount=payments.gateway_named("demo").check_amount,
        locale="id",
        now=now or clock.now(),
    )


@pytest.fixture
def shop(db):
    shop = two_facilities()
    order = place(shop)
    _pay(order)
    shop.order = order
    return shop


def _ledger(db, *facility_ids: int) -> tuple[int, int]:
    units, premi = db.session.execute(
        select(func.sum(LedgerEntry.quantity), func.sum(LedgerEntry.premi_idr)).where(
            LedgerEntry.facility_id.in_(facility_ids)
        )
    ).one()
    return int(units or 0), int(premi or 0)


def _national(now: datetime | None = None) -> impact.ImpactFigures:
    return impact.impact_figures(since=None, now=now or clock.now())


def test_the_page_shows_the_ledgers_totals_nationally_and_per_kanwil(client, db, shop) -> None:
    figures = _national()
    assert (figures.units_sold, figures.premi_idr) == _ledger(
        db, shop.batik_lapas.id, shop.coffee_rutan.id
    )
    assert (figures.facilities_selling, figures.units_sold) == (2, 5)
    assert (figures.premi_idr, figures.sales_idr) == (PREMI, SALES)
    by_province = {k.province: k for k in figures.kanwil}
    assert by_province["Sumatera Utara"].units_sold == 2
    assert by_province["Nusa Tenggara Timur"].premi_idr == 52_500
    assert sum(k.premi_idr for k in figures.kanwil) == figures.premi_idr

    response = client.get("/impact")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Rp162.500" in page and "Rp755.000" in page and "Rp52.500" in page
    assert "Sumatera Utara" in page and "Nusa Tenggara Timur" in page
    assert "<title>Dampak Etalase: penjualan dan premi warga binaan · Etalase</title>" in page
    assert response.cache_control.public and response.cache_control.max_age == 60
    assert 'href="/impact"' in client.get("/").get_data(as_text=True)


def test_a_refund_takes_its_units_premi_and_sales_back(client, db, shop) -> None:
    batik_part = next(p for p in shop.order.parts if p.facility_id == shop.batik_lapas.id)
    refunds.refund_facility_order(
        facility_order=batik_part,
        quantities=None,
        include_shipping=True,
        restock=False,
        reason="Barang rusak",
        idempotency_key="impact-refund-1",
        actor=None,
        now=clock.now(),
    )
    figures = _national()
    assert _ledger(db, shop.batik_lapas.id) == (0, 0)
    # The Lapas sold nothing in the end: it no longer counts as a facility selling.
    assert (figures.facilities_selling, figures.units_sold) == (1, 3)
    assert (figures.premi_idr, figures.sales_idr) == (52_500, 255_000)
    page = client.get("/impact").get_data(as_text=True)
    assert "Rp52.500" in page and "Rp162.500" not in page


def test_inactive_facilities_are_left_out(client, db, shop) -> None:
    shop.coffee_rutan.is_active = False
    db.session.commit()
    figures = _national()
    assert (figures.facilities_selling, figures.units_sold) == (1, 2)
    assert figures.premi_idr == 110_000
    assert [k.province for k in figures.kanwil] == ["Sumatera Utara"]
    assert "Nusa Tenggara Timur" not in client.get("/impact").get_data(as_text=True)


def test_the_page_names_no_buyer_and_no_order(client, shop) -> None:
    page = client.get("/impact").get_data(as_text=True)
    for secret in (BUYER.name, BUYER.email.lower(), shop.order.number, "3456", "Merdeka"):
        assert secret.lower() not in page.lower()
    assert "Rp162.500" in page


def test_a_new_sale_shows_once_the_cached_figures_expire(client, db, shop) -> None:
    assert "Rp162.500" in client.get("/impact").get_data(as_text=True)
    _pay(_one_batik(shop))
    page = client.get("/impact").get_data(as_text=True)
    assert "Rp162.500" in page and "Rp217.500" not in page
    cache.clear()
    assert "Rp217.500" in client.get("/impact").get_data(as_text=True)


def test_this_year_leaves_out_last_years_sales(client, db, shop) -> None:
    last_year = datetime(clock.now().year - 1, 6, 1, 3, 0, tzinfo=UTC)
    _pay(_one_batik(shop, now=last_year), now=last_year)
    all_time = client.get("/impact").get_data(as_text=True)
    this_year = client.get("/impact?period=year").get_data(as_text=True)
    assert "Rp217.500" in all_time
    assert "Rp162.500" in this_year and "Rp217.500" not in this_year
    assert client.get("/impact?period=nonsense").status_code == 200


def test_the_page_reads_in_english(client, shop) -> None:
    page = client.get("/en/impact").get_data(as_text=True)
    assert "Facilities selling" in page and "Premi earned by the inmates who work" in page
    assert "Rp162.500" in page


def test_the_cache_is_redis_when_a_url_is_configured() -> None:
    assert Config.from_env({}).CACHE_TYPE == "SimpleCache"
    shared = Config.from_env({"CACHE_REDIS_URL": "redis://127.0.0.1:6379/1"})
    assert (shared.CACHE_TYPE, shared.CACHE_REDIS_URL) == ("RedisCache", "redis://127.0.0.1:6379/1")
    assert Config.from_env({"IMPACT_CACHE_SECONDS": "60"}).IMPACT_CACHE_SECONDS == 60

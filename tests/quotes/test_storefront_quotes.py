"""The public side of quotes: the link on the cached product page, the form, the buyer's page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from shop.models import Order, OrderStatus, QuoteRequest, QuoteStatus, SalesChannel
from tests.quotes.helpers import answer, ask, part_of, stocked_shop

FORM = {
    "organisation": "SMA Negeri 1 Medan", "contact_name": "Rina Wati",
    "email": "rina@sman1medan.sch.id", "phone": "0813 2222 3333", "npwp": "",
    "address_line": "Jl. Teuku Cik Ditiro No. 1", "city": "Medan",
    "province": "Sumatera Utara", "postal_code": "20152", "wished_date": "", "notes": "",
}  # fmt: skip


def test_the_product_page_links_to_the_form_without_a_cookie(app, db, client) -> None:
    shop = stocked_shop()
    page = client.get(f"/products/{shop.batik.product.slug}")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert f"/quotes/new?variant={shop.batik.id}" in page.text
    form = client.get(f"/quotes/new?variant={shop.batik.id}")
    assert form.status_code == 200 and "Kemeja Batik Tulis" in form.text


def test_the_cart_becomes_a_request_with_quantities_above_the_cart_limit(app, db, client) -> None:
    shop = stocked_shop()
    client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 1})
    client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": 2})
    assert "/quotes/new?from=cart" in client.get("/cart").text
    form = client.get("/quotes/new?from=cart")
    assert "Kopi Arabika Flores" in form.text and "Kemeja Batik Tulis" in form.text
    response = client.post(
        "/quotes/new",
        data={**FORM, "variant": [shop.batik.id, shop.coffee.id],
              f"qty-{shop.batik.id}": "200", f"qty-{shop.coffee.id}": "40"},
    )  # fmt: skip
    assert response.status_code == 303
    request = db.session.scalars(select(QuoteRequest)).one()
    assert response.headers["Location"].endswith(f"/quotes/{request.token}?new=1")
    assert sorted(line.quantity for p in request.parts for line in p.lines) == [40, 200]
    page = client.get(f"/quotes/{request.token}?new=1")
    assert "Permintaan penawaran terkirim" in page.text
    assert "no-store" in page.headers["Cache-Control"]


def test_bad_input_shows_messages_and_writes_nothing(app, db, client) -> None:
    shop = stocked_shop()
    bad = {**FORM, "phone": "12", "npwp": "12.345", "email": "rina@", "variant": [shop.batik.id],
           f"qty-{shop.batik.id}": "satu"}  # fmt: skip
    response = client.post("/quotes/new", data=bad)
    assert response.status_code == 422
    assert "Isi jumlah setiap barang" in response.text
    response = client.post("/quotes/new", data={**bad, f"qty-{shop.batik.id}": "5"})
    assert response.status_code == 422
    assert "NPWP terdiri dari 15 atau 16 angka" in response.text or "Email" in response.text
    response = client.post(
        "/quotes/new",
        data={**FORM, "npwp": "12.345", "variant": [shop.batik.id], f"qty-{shop.batik.id}": "5"},
    )
    assert response.status_code == 422 and "NPWP terdiri dari 15 atau 16 angka" in response.text
    response = client.post(
        "/quotes/new", data={**FORM, "variant": [shop.batik.id], f"qty-{shop.batik.id}": "0"}
    )
    assert response.status_code == 422 and "paling sedikit satu barang" in response.text
    assert db.session.scalar(select(func.count()).select_from(QuoteRequest)) == 0
    assert client.get("/quotes/not-a-token").status_code == 404


def test_the_buyer_accepts_on_the_page_and_pays_with_the_demo_gateway(app, db, client) -> None:
    shop = stocked_shop()
    request = ask(shop)
    for part in request.parts:
        answer(part, price=90_000)
    page = client.get(f"/quotes/{request.token}")
    assert page.text.count('name="part"') == 2
    response = client.post(
        f"/quotes/{request.token}/accept",
        data={"payment": "online", "part": [p.id for p in request.parts]},
    )
    assert response.status_code == 303 and "/demo-pay/" in response.headers["Location"]
    paid = client.post(re.sub(r"^https?://[^/]+", "", response.headers["Location"]),
                       data={"pay": "1"})  # fmt: skip
    assert paid.status_code == 302
    db.session.expire_all()
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID and order.channel is SalesChannel.B2B
    assert {p.status for p in request.parts} == {QuoteStatus.ACCEPTED}
    again = client.post(
        f"/quotes/{request.token}/accept",
        data={"payment": "online", "part": [p.id for p in request.parts]},
    )
    assert again.status_code == 303 and f"/orders/{order.number}" in again.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_bank_transfer_acceptance_holds_stock_and_offers_no_online_payment(app, db, client) -> None:
    shop = stocked_shop()
    request = ask(shop)
    answer(part_of(request, shop.batik_lapas.id), price=90_000)
    response = client.post(
        f"/quotes/{request.token}/accept",
        data={"payment": "bank_transfer", "part": [part_of(request, shop.batik_lapas.id).id]},
    )
    assert response.status_code == 303
    order = db.session.scalars(select(Order)).one()
    assert order.gateway == "bank_transfer"
    page = client.get(re.sub(r"^https?://[^/]+", "", response.headers["Location"]))
    assert "Bayar dengan transfer bank" in page.text and "Bayar sekarang" not in page.text

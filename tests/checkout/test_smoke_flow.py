"""The whole demo purchase through HTTP: cart, checkout, simulated payment, order page."""

from __future__ import annotations

import re

from shop.models import LedgerEntry, Order, OrderStatus
from tests.checkout.helpers import two_facilities


def test_demo_purchase_end_to_end(client, db) -> None:
    shop = two_facilities()
    assert (
        client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 2}).status_code
        == 302
    )
    client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": 3})
    page = client.get("/cart").get_data(as_text=True)
    assert "Lapas Kelas I Medan" in page and "Rutan Kelas IIA Kupang" in page
    form = {
        "name": "Siti Aminah",
        "email": "siti@contoh.id",
        "phone": "0812 3456 7890",
        "address_line": "Jl. Merdeka 10",
        "city": "Medan",
        "province": "Sumatera Utara",
        "postal_code": "20112",
        f"delivery-{shop.batik_lapas.id}": "courier",
        f"delivery-{shop.coffee_rutan.id}": "pickup",
        "action": "review",
    }
    page = client.post("/checkout", data=form).get_data(as_text=True)
    total = re.search(r'name="quoted_total_idr" type="hidden" value="(\d+)"', page).group(1)
    response = client.post("/checkout", data={**form, "action": "place", "quoted_total_idr": total})
    assert response.status_code == 302, response.get_data(as_text=True)
    demo_url = response.headers["Location"]
    assert "/demo-pay/" in demo_url
    page = client.get(demo_url).get_data(as_text=True)
    assert "SIMULASI" in page
    response = client.post(demo_url, data={"pay": "1"})
    assert response.status_code == 302
    order = db.session.query(Order).one()
    assert order.status is OrderStatus.PAID
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dibayar, menunggu dikemas" in page
    assert db.session.query(LedgerEntry).count() == 3

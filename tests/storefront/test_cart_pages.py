"""The cart and checkout pages as a buyer uses them."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer

from shop import payments
from shop.core import clock, unit_of_work
from shop.models import Order, ProductStatus
from shop.ordering import cart as carts
from shop.ordering import checkout, orders
from shop.payments import events
from tests.checkout.helpers import BUYER, place, two_facilities


def test_cart_survives_in_a_signed_cookie_and_a_forged_one_is_ignored(client, db) -> None:
    shop = two_facilities()
    response = client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 2})
    assert response.headers["Location"] == "/cart"
    cookie = client.get_cookie("etalase_cart")
    assert cookie is not None and "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/cart").get_data(as_text=True)
    assert "Kemeja Batik Tulis" in page and "Rp500.000" in page
    other = client.application.test_client()
    other.set_cookie("etalase_cart", cookie.value[:-2] + "xx")
    assert "Keranjang Anda masih kosong" in other.get("/cart").get_data(as_text=True)


def test_quantity_change_beyond_stock_shows_the_reason(client, db) -> None:
    shop = two_facilities()
    client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 1})
    client.post(f"/cart/items/{shop.batik.id}", data={"quantity": 9})
    page = client.get("/cart").get_data(as_text=True)
    assert "Stok Kemeja Batik Tulis tinggal 5" in page
    assert 'value="1"' in page
    client.post(f"/cart/items/{shop.batik.id}/remove")
    assert "Keranjang Anda masih kosong" in client.get("/cart").get_data(as_text=True)


def test_checkout_with_bad_phone_keeps_the_form_and_says_why(client, db) -> None:
    shop = two_facilities()
    client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": 1})
    form = {
        "name": "Budi",
        "email": "budi@contoh.id",
        "phone": "12",
        "address_line": "Jl. A 1",
        "city": "Kupang",
        "province": "Nusa Tenggara Timur",
        "action": "place",
        "quoted_total_idr": "85000",
    }
    response = client.post("/checkout", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nomor telepon tidak valid" in page
    assert 'value="Budi"' in page
    assert client.application.extensions["sqlalchemy"].session.query(Order).count() == 0


def test_the_order_page_needs_the_signed_link(client, db) -> None:
    order = place(two_facilities())
    assert client.get(f"/orders/{order.number}").status_code == 404
    assert client.get(f"/orders/{order.number}?t=forged").status_code == 404
    token = orders.access_token(order)
    page = client.get(f"/orders/{order.number}?t={token}").get_data(as_text=True)
    assert "Menunggu pembayaran" in page
    assert "Lapas Kelas I Medan" in page and "Rutan Kelas IIA Kupang" in page


class TestWithCsrf:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        return {"WTF_CSRF_ENABLED": True}

    def test_add_to_cart_works_without_a_session_from_this_site(self, client, db) -> None:
        shop = two_facilities()
        product_page = client.get(f"/products/{shop.batik.product.slug}")
        assert "Set-Cookie" not in product_page.headers
        assert "csrf_token" not in product_page.get_data(as_text=True)
        added = client.post(
            "/cart/items",
            data={"variant_id": shop.batik.id, "quantity": 1},
            headers={"Origin": "http://localhost"},
        )
        assert added.status_code == 302 and added.location == "/cart"
        assert "Kemeja Batik Tulis" in client.get("/cart").get_data(as_text=True)

    def test_a_referer_of_this_site_is_enough_when_there_is_no_origin(self, client, db) -> None:
        shop = two_facilities()
        added = client.post(
            "/en/cart/items",
            data={"variant_id": shop.coffee.id, "quantity": 1},
            headers={"Referer": f"http://localhost/en/products/{shop.coffee.product.slug}"},
        )
        assert added.status_code == 302 and added.location == "/en/cart"

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Referer": "https://evil.example/shop"},
            {"Origin": "http://localhost.evil.example"},
            {},
        ],
    )
    def test_a_post_from_another_site_is_refused_with_a_message(self, client, db, headers) -> None:
        shop = two_facilities()
        refused = client.post(
            "/cart/items", data={"variant_id": shop.batik.id, "quantity": 1}, headers=headers
        )
        assert refused.status_code == 403
        assert "hanya dapat dikirim dari halaman Etalase sendiri" in refused.get_data(as_text=True)
        assert "Set-Cookie" not in refused.headers
        assert "Keranjang Anda masih kosong" in client.get("/cart").get_data(as_text=True)

    def test_the_cart_page_forms_still_need_the_csrf_token(self, client, db) -> None:
        shop = two_facilities()
        cart = carts.new_cart()
        carts.add_item(cart=cart, variant_id=shop.coffee.id, quantity=1)
        unit_of_work.commit()
        signed = URLSafeSerializer(client.application.secret_key, salt="cart").dumps(cart.token)
        client.set_cookie("etalase_cart", signed)
        refused = client.post(f"/cart/items/{shop.coffee.id}", data={"quantity": 3})
        assert refused.status_code == 400
        page = client.get("/cart").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(f"/cart/items/{shop.coffee.id}", data={"quantity": 3, "csrf_token": token})
        assert 'value="3"' in client.get("/cart").get_data(as_text=True)

    def test_the_webhook_needs_no_csrf_token_but_a_signature(self, client, db) -> None:
        response = client.post("/webhooks/stripe", data="{}", headers={"Stripe-Signature": "x"})
        assert response.status_code == 400
        assert response.get_json() == {"error": "invalid signature"}


def test_cart_and_checkout_speak_english_under_en(client, db) -> None:
    shop = two_facilities()
    client.post("/en/cart/items", data={"variant_id": shop.coffee.id, "quantity": 1})
    assert "Continue to checkout" in client.get("/en/cart").get_data(as_text=True)
    # The language is the address's, whatever cookie an older switch left.
    client.set_cookie("lang", "en")
    assert "Lanjut ke pembayaran" in client.get("/cart").get_data(as_text=True)
    page = client.get("/en/checkout").get_data(as_text=True)
    assert "Pick up at the showroom (free)" in page
    assert "Mon 08:00\u201315:00" in page
    assert "Rp85.000" in page


def test_a_product_withdrawn_after_adding_is_flagged_in_the_cart(client, db) -> None:
    shop = two_facilities()
    client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 1})
    shop.batik.product.status = ProductStatus.ARCHIVED
    db.session.commit()
    assert "tidak dijual lagi" in client.get("/cart").get_data(as_text=True)


def test_checkout_errors_are_indonesian_tied_to_their_fields_and_summarised(client, db) -> None:
    shop = two_facilities()
    client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": 1})
    response = client.post(
        "/checkout", data={"action": "place", "email": "bukan-email", "postal_code": "12"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required" not in page and "Invalid email" not in page
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</div>", start)]
    assert '<a href="#name">Nama lengkap: Wajib diisi.</a>' in summary
    assert "Email: Alamat email tidak valid." in summary
    assert "Kode pos: Kode pos terdiri dari 5 angka." in summary
    assert "Provinsi: Wajib diisi." in summary
    name_input = re.search(r"<input[^>]*id=\"name\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in name_input and 'aria-describedby="name-error"' in name_input
    assert '<span class="field-error" id="name-error">Wajib diisi.</span>' in page
    assert '<option value="">Pilih provinsi</option>' in page


def test_checkout_errors_follow_the_language_of_the_address(client, db) -> None:
    shop = two_facilities()
    client.post("/en/cart/items", data={"variant_id": shop.coffee.id, "quantity": 1})
    page = client.post("/en/checkout", data={"action": "place"}).get_data(as_text=True)
    assert "Full name: This field is required." in page


def test_a_changed_delivery_choice_shows_the_new_total_and_places_on_the_second_press(
    client, db
) -> None:
    shop = two_facilities()
    client.post("/cart/items", data={"variant_id": shop.batik.id, "quantity": 1})
    form = {
        "name": "Budi",
        "email": "budi@contoh.id",
        "phone": "0812 3456 7890",
        "address_line": "Jl. A 1",
        "city": "Medan",
        "province": "Sumatera Utara",
        "action": "place",
        f"delivery-{shop.batik_lapas.id}": "courier",
        "quoted_total_idr": "250000",
    }
    response = client.post("/checkout", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Harga atau ongkos kirim berubah" in page
    quoted = re.search(r'name="quoted_total_idr" type="hidden" value="(\d+)"', page).group(1)
    assert int(quoted) > 250_000
    placed = client.post("/checkout", data={**form, "quoted_total_idr": quoted})
    assert placed.status_code == 302


def test_no_courier_is_promised_by_a_facility_without_a_rate_table(client, db) -> None:
    shop = two_facilities()
    product_page = client.get(f"/products/{shop.coffee.product.slug}").get_data(as_text=True)
    assert "Dikirim dengan kurir" not in product_page
    assert "belum melayani pengiriman kurir" in product_page
    with_courier = client.get(f"/products/{shop.batik.product.slug}").get_data(as_text=True)
    assert "Dikirim dengan kurir" in with_courier
    client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": 1})
    checkout_page = client.get("/checkout").get_data(as_text=True)
    assert "UPT ini belum melayani pengiriman kurir" in checkout_page


def test_after_paying_the_order_page_thanks_and_says_what_happens_next(client, db) -> None:
    shop = two_facilities()
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    token = orders.access_token(order)
    page = client.get(f"/orders/{order.number}?t={token}").get_data(as_text=True)
    assert "Terima kasih, pembayaran Anda sudah kami terima." in page
    assert "Langkah berikutnya" in page
    assert "Tunggu email" in page and "Sen 08:00\u201315:00" in page  # the pickup part
    assert "hari kerja setelah dikemas" in page  # the courier part
    assert "Diambil sendiri di" not in page
    assert "Alamat pengiriman kurir" in page


def test_an_order_picked_up_everywhere_shows_no_delivery_address(client, db) -> None:
    shop = two_facilities()
    cart = carts.new_cart()
    carts.add_item(cart=cart, variant_id=shop.coffee.id, quantity=1)
    order = checkout.place_order(
        cart=cart,
        buyer=BUYER,
        deliveries={},
        expected_total_idr=None,
        gateway="demo",
        check_amount=payments.gateway_named("demo").check_amount,
        locale="id",
        now=clock.now(),
    )
    token = orders.access_token(order)
    page = client.get(f"/orders/{order.number}?t={token}").get_data(as_text=True)
    assert "Alamat pengiriman kurir" not in page and "Jl. Merdeka" not in page


def test_the_favicon_is_found(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and b"<svg" in icon.get_data()

"""A whole purchase in Chromium with the demo gateway: two facilities, one payment."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from shop.models import LedgerEntry, Order, OrderStatus
from tests.checkout.helpers import two_facilities


def _every_absolute_link_is_on(page: Page, base: str) -> None:
    """Links, canonical and OpenGraph addresses all point at the port the site serves on."""
    links = page.eval_on_selector_all(
        "a[href], link[href], meta[property='og:url'], meta[property='og:image']",
        "els => els.map(e => e.getAttribute('href') || e.getAttribute('content'))",
    )
    absolute = [link for link in links if link.startswith("http")]
    assert absolute and all(link.startswith(f"{base}/") for link in absolute), absolute


def test_buyer_pays_two_facilities_at_once_with_the_demo_gateway(
    app, db, live_server: str, page: Page, screenshot
) -> None:
    """The site runs as `PORT=NNNN make run` does: SITE_URL derived from the port."""
    shop = two_facilities()
    for variant, quantity in ((shop.coffee, "3"), (shop.batik, "2")):
        page.goto(f"{live_server}/products/{variant.product.slug}")
        page.get_by_label("Jumlah").fill(quantity)
        page.get_by_role("button", name="Tambah ke keranjang").click()
        expect(page.locator(".flash").first).to_be_visible()
    _every_absolute_link_is_on(page, live_server)
    page.goto(f"{live_server}/cart")
    expect(page.get_by_role("heading", name="Lapas Kelas I Medan")).to_be_visible()
    expect(page.get_by_role("heading", name="Rutan Kelas IIA Kupang")).to_be_visible()
    screenshot("cart")

    page.get_by_role("link", name="Lanjut ke pembayaran").click()
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("Email").fill("siti.aminah@contoh.id")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Alamat (jalan, nomor, RT/RW, kelurahan)").fill("Jl. Merdeka No. 10")
    page.get_by_label("Kota atau kabupaten").fill("Medan")
    page.get_by_label("Provinsi").select_option("Sumatera Utara")
    page.get_by_label("Kode pos").fill("20112")
    # No "Perbarui" press: the address brings the courier price, the choice changes the total.
    courier = page.locator(f'input[name="delivery-{shop.batik_lapas.id}"][value="courier"]')
    courier.check()
    expect(page.locator(".checkout-summary .total")).to_have_text("Rp765.000")
    pickup = page.locator(f'input[name="delivery-{shop.batik_lapas.id}"][value="pickup"]')
    pickup.check()
    expect(page.locator(".checkout-summary .total")).to_have_text("Rp755.000")
    courier.check()
    expect(page.locator(".checkout-summary .total")).to_have_text("Rp765.000")
    screenshot("checkout")

    page.get_by_role("button", name="Buat pesanan dan bayar").click()
    expect(page.get_by_role("note")).to_contain_text("Ini bukan pembayaran sungguhan")
    screenshot("demo-payment")
    page.get_by_role("button", name="Bayar (simulasi berhasil)").click()

    expect(page.locator(".order-status")).to_contain_text("Dibayar")
    expect(page.get_by_role("heading", name="Lapas Kelas I Medan")).to_be_visible()
    expect(page.get_by_role("heading", name="Rutan Kelas IIA Kupang")).to_be_visible()
    expect(page.locator(".part-status")).to_have_text(["Dibayar, menunggu dikemas"] * 2)
    expect(page.get_by_role("heading", name="Langkah berikutnya")).to_be_visible()
    screenshot("order-paid")
    assert page.url.startswith(f"{live_server}/orders/")
    _every_absolute_link_is_on(page, live_server)
    (mail,) = [
        m
        for m in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
        if "siti.aminah" in m.read_text()
    ]
    mailed = re.findall(
        r"https?://[^\s\"<>]+",
        email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
        .get_body(("plain",))
        .get_content(),
    )
    assert mailed and all(link.startswith(f"{live_server}/") for link in mailed), mailed

    db.session.expire_all()
    order = db.session.scalars(select(Order)).one()
    assert order.status is OrderStatus.PAID
    assert db.session.scalar(select(func.sum(LedgerEntry.amount_idr))) == 765_000


def test_buyer_switches_to_english_and_buys_without_a_session_before_the_first_add(
    db, live_server: str, page: Page
) -> None:
    """The product page sets no cookie; the English switch leads to /en/ addresses throughout."""
    shop = two_facilities()
    response = page.goto(f"{live_server}/products/{shop.coffee.product.slug}")
    assert response is not None and "set-cookie" not in response.headers
    assert "public" in response.headers["cache-control"]
    assert page.context.cookies() == []
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page).to_have_url(f"{live_server}/en/products/{shop.coffee.product.slug}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(f"{live_server}/en/cart")
    expect(page.get_by_role("heading", name="Rutan Kelas IIA Kupang")).to_be_visible()

    page.get_by_role("link", name="Continue to checkout").click()
    expect(page).to_have_url(f"{live_server}/en/checkout")
    page.get_by_label("Full name").fill("Siti Aminah")
    page.get_by_label("Email").fill("siti.aminah@contoh.id")
    page.get_by_label("Mobile number").fill("0812 3456 7890")
    page.get_by_label("Address (street, number, RT/RW, village)").fill("Jl. Merdeka No. 10")
    page.get_by_label("City or regency").fill("Kupang")
    page.get_by_label("Province").select_option("Nusa Tenggara Timur")
    page.get_by_label("Postal code").fill("85111")
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name="Pay (simulated success)").click()

    expect(page.locator(".order-status")).to_contain_text("Paid")
    assert page.url.startswith(f"{live_server}/en/orders/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    order = db.session.scalars(select(Order)).one()
    assert order.locale == "en"


def test_a_late_courier_price_never_switches_the_buyers_delivery_back(
    db, live_server: str, page: Page
) -> None:
    """A changed address asks the server for courier prices; if its answer comes after the
    buyer picked another delivery, the choice stays and the total follows it (a late answer
    once put a buyer who chose the courier back on pickup, under load)."""
    shop = two_facilities()
    page.goto(f"{live_server}/products/{shop.batik.product.slug}")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.locator(".flash").first).to_be_visible()
    page.goto(f"{live_server}/checkout")
    page.get_by_label("Kota atau kabupaten").fill("Medan")
    page.get_by_label("Provinsi").select_option("Sumatera Utara")
    courier = page.locator(f'input[name="delivery-{shop.batik_lapas.id}"][value="courier"]')
    pickup = page.locator(f'input[name="delivery-{shop.batik_lapas.id}"][value="pickup"]')
    courier.check()
    total = page.locator(".checkout-summary .total")
    expect(total).to_have_text("Rp260.000")
    held = []
    page.route("**/checkout", lambda route: held.append(route))
    page.get_by_label("Kota atau kabupaten").fill("Kota Medan")
    page.get_by_label("Kota atau kabupaten").press("Tab")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the new address asked for courier prices"
    pickup.check()
    courier.check()  # changed their mind while the answer was on its way
    for route in held:  # the answer arrives only now
        route.continue_()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    expect(courier).to_be_checked()
    expect(total).to_have_text("Rp260.000")

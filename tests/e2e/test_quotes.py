"""An institution's quote request in Chromium: 40 chairs from one facility and 200 batik
shirts from another, both answered in the back office, accepted and paid with the demo gateway."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from shop.models import LedgerEntry, Order, OrderStatus, QuoteRequest, SalesChannel
from tests.factories import (
    TEST_PASSWORD,
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    ProductVariantFactory,
    StaffFactory,
)


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


def _answer_in_the_back_office(
    browser: Browser, context_args: dict, base: str, email: str, *, number: str, price: str
) -> None:
    context = browser.new_context(**context_args)
    page = context.new_page()
    _sign_in(page, base, email)
    page.get_by_role("link", name="Penawaran", exact=True).click()
    page.get_by_role("link", name=f"{number} · Dinas Pendidikan Kota Medan").click()
    price_field = page.locator("input[name^='price-']")
    expect(price_field).not_to_have_value("")
    price_field.fill(price)
    page.get_by_label("Lama pengerjaan (hari)").fill("14")
    page.get_by_label("Ongkos kirim (Rp)").fill("500000")
    page.get_by_role("button", name="Kirim penawaran").click()
    expect(page.locator(".quote-status")).to_have_text("Penawaran diberikan")
    context.close()


def test_an_institution_asks_two_facilities_accepts_both_answers_and_pays(
    db, live_server: str, page: Page, browser: Browser, browser_context_args: dict, screenshot
) -> None:
    kudus, tarakan = (
        FacilityFactory(
            kanwil=KanwilFactory(province=province), city=city, name=f"Lapas Kelas IIA {city}",
            slug=f"lapas-kelas-iia-{city.lower()}",
        )
        for province, city in (("Jawa Tengah", "Kudus"), ("Kalimantan Utara", "Tarakan"))
    )  # fmt: skip
    chair = ProductVariantFactory(
        product=ProductFactory(facility=kudus, name="Kursi Kayu Jati", variants=[]),
        sku="KRS-JATI", price_idr=450_000, stock=60,
    )  # fmt: skip
    shirt = ProductVariantFactory(
        product=ProductFactory(facility=tarakan, name="Kemeja Batik Tarakan", variants=[]),
        sku="BTK-TRK-L", price_idr=175_000, stock=250,
    )  # fmt: skip
    chair_staff, shirt_staff = StaffFactory(facility=kudus), StaffFactory(facility=tarakan)

    for variant in (chair, shirt):
        page.goto(f"{live_server}/products/{variant.product.slug}")
        page.get_by_role("button", name="Tambah ke keranjang").click()
        expect(page.locator(".flash").first).to_be_visible()
    page.get_by_role("link", name="Minta penawaran untuk isi keranjang").click()
    page.get_by_label("Jumlah Kursi Kayu Jati").fill("40")
    page.get_by_label("Jumlah Kemeja Batik Tarakan").fill("200")
    page.get_by_label("Nama instansi atau perusahaan").fill("Dinas Pendidikan Kota Medan")
    page.get_by_label("NPWP (tidak wajib)").fill("01.234.567.8-901.000")
    page.get_by_label("Nama yang dapat dihubungi").fill("Budi Santoso")
    page.get_by_label("Email").fill("budi@disdik.medan.go.id")
    page.get_by_label("Nomor HP").fill("0812 1111 2222")
    page.get_by_label("Alamat pengiriman").fill("Jl. Pendidikan No. 1")
    page.get_by_label("Kota atau kabupaten").fill("Medan")
    page.get_by_label("Provinsi").select_option("Sumatera Utara")
    screenshot("quote-form")
    page.get_by_role("button", name="Kirim permintaan penawaran").click()
    expect(page.get_by_role("heading", name="Permintaan penawaran terkirim.")).to_be_visible()
    expect(page.locator(".part-status")).to_have_text(["Menunggu jawaban UPT"] * 2)
    quote_url = page.url.split("?")[0]
    request = db.session.scalars(select(QuoteRequest)).one()

    _answer_in_the_back_office(browser, browser_context_args, live_server, chair_staff.email,
                               number=request.number, price="400000")  # fmt: skip
    _answer_in_the_back_office(browser, browser_context_args, live_server, shirt_staff.email,
                               number=request.number, price="150000")  # fmt: skip

    page.goto(quote_url)
    expect(page.locator(".part-status")).to_have_text(["Penawaran diberikan"] * 2)
    expect(page.get_by_label("Terima penawaran Lapas Kelas IIA Kudus")).to_be_checked()
    screenshot("quote-answered")
    page.get_by_role("button", name="Terima penawaran terpilih").click()
    expect(page.get_by_role("note")).to_contain_text("Ini bukan pembayaran sungguhan")
    page.get_by_role("button", name="Bayar (simulasi berhasil)").click()
    expect(page.locator(".order-status")).to_contain_text("Dibayar")

    db.session.expire_all()
    order = db.session.scalars(select(Order)).one()
    total = 40 * 400_000 + 200 * 150_000 + 2 * 500_000
    assert order.status is OrderStatus.PAID and order.total_idr == total
    entries = db.session.scalars(select(LedgerEntry)).all()
    assert {e.channel for e in entries} == {SalesChannel.B2B}
    assert sum(e.amount_idr for e in entries) == total

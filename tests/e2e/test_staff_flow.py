"""The staff flow in a real browser, on a phone and a desktop: from a new product to the shop."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import copy_to_docs
from tests.factories import (
    TEST_PASSWORD,
    CategoryFactory,
    FacilityFactory,
    KanwilFactory,
    KanwilUserFactory,
    StaffFactory,
    WorkshopFactory,
)


def _phone_photo(path: Path) -> Path:
    image = Image.new("RGB", (1600, 1200), (120, 72, 40))
    image.paste((230, 200, 150), (400, 300, 1200, 900))
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "PhoneModel X"
    image.save(buffer, "JPEG", quality=85, exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_staff_add_a_product_a_reviewer_approves_it_and_it_is_public(
    live_server: str, page: Page, screenshot, viewport_name: str, tmp_path: Path, db
) -> None:
    region = KanwilFactory(name="Kanwil Ditjenpas Kalimantan Utara")
    facility = FacilityFactory(kanwil=region, city="Tarakan")
    WorkshopFactory(facility=facility, name="Bengkel Batik Tarakan")
    CategoryFactory(name="Batik")
    staff = StaffFactory(facility=facility)
    reviewer = KanwilUserFactory(kanwil=region)

    _sign_in(page, live_server, staff.email)
    _fits_the_screen(page)
    page.get_by_role("link", name="Tambah produk").first.click()
    page.get_by_label("Nama produk").fill("Kemeja Batik Motif Pakis")
    page.get_by_label("Kategori").select_option(label="Batik")
    page.get_by_label("Bengkel kerja").select_option(label="Bengkel Batik Tarakan")
    page.get_by_label("Deskripsi").fill("Kemeja batik tulis, katun, motif pakis khas Tarakan.")
    page.get_by_label("Berat kirim (gram)").fill("300")
    page.get_by_label("SKU").fill("BTK-PAKIS-M")
    page.get_by_label("Harga (Rp)").fill("275.000")
    page.get_by_label("Stok awal").fill("6")
    screenshot("admin-product-form")
    _fits_the_screen(page)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kemeja Batik Motif Pakis")

    page.get_by_label("Foto (JPEG, PNG, WebP atau HEIC)").set_input_files(
        str(_phone_photo(tmp_path / "IMG_2041.jpg"))
    )
    page.get_by_label("Teks alternatif (apa yang tampak di foto)").fill(
        "Kemeja batik cokelat motif pakis, terlipat di atas meja"
    )
    page.get_by_role("button", name="Unggah foto").click()
    expect(page.get_by_text("1 foto ditambahkan dan sedang diproses.")).to_be_visible()
    expect(page.locator(".photo-card img")).to_have_count(1)
    for label in (
        "Tidak ada wajah warga binaan yang terlihat.",
        "Tidak ada nama warga binaan, di foto maupun di teks.",
        "Tidak ada nomor register, perkara atau ciri lain yang mengenali seseorang.",
        "Foto diambil di tempat yang diizinkan.",
    ):
        page.get_by_label(label).check()
    path = screenshot("admin-product-detail")
    _fits_the_screen(page)
    page.get_by_role("button", name="Ajukan untuk tayang").click()
    expect(page.get_by_text("Diajukan. Pemeriksa Kanwil akan meninjaunya.")).to_be_visible()
    if viewport_name == "phone":
        copy_to_docs(path, "admin-product-phone.png")

    page.goto(live_server + "/")
    expect(page.get_by_text("Kemeja Batik Motif Pakis")).to_have_count(0)

    page.goto(live_server + "/admin/")
    page.get_by_role("button", name="Keluar").click()
    _sign_in(page, live_server, reviewer.email)
    page.get_by_role("link", name="Pemeriksaan", exact=True).click()
    page.get_by_role("link", name="Kemeja Batik Motif Pakis").click()
    screenshot("admin-review")
    _fits_the_screen(page)
    photo = page.locator(".review-photo").first
    for box in photo.get_by_role("checkbox").all():
        box.check()
    photo.get_by_label("Setujui foto").check()
    page.get_by_label("Setujui teks").check()
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text("Disetujui: Kemeja Batik Motif Pakis kini tayang.")).to_be_visible()

    page.goto(live_server + "/products?q=pakis")
    page.get_by_role("link", name="Kemeja Batik Motif Pakis").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kemeja Batik Motif Pakis")
    expect(page.locator(".price").first).to_contain_text("Rp275.000")
    expect(page.locator("picture img").first).to_be_visible()

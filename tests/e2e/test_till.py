"""The till on a 360 px phone: open a stand, sell by label code and SKU for cash, print the
receipt, sell once more with no network, see it recorded when the network is back, close the
stand with a cash difference."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from shop.catalogue import labels
from shop.database import db as _db
from shop.models import LedgerEntry, SalesChannel, Stand, StandSale, StandSaleStatus
from tests.e2e.test_staff_flow import _fits_the_screen, _sign_in
from tests.factories import StaffFactory
from tests.tills.helpers import facility_with_rule, variant


def _server_sales() -> list[StandSale]:
    _db.session.commit()  # end the test's own transaction: read what the server committed
    return list(_db.session.scalars(select(StandSale).order_by(StandSale.id)))


@pytest.mark.parametrize("viewport_name", ["phone"])
def test_a_day_at_the_showroom_with_a_moment_offline(
    app, db, live_server: str, page: Page, context: BrowserContext, screenshot
) -> None:
    facility = facility_with_rule()
    batik = variant(facility, price=275_000, stock=5, sku="BTK-PAKIS-M")
    coffee = variant(facility, price=60_000, stock=10, sku="KOPI-NTT-250")
    code = labels.codes_for([batik])[batik.id]
    staff = StaffFactory(facility=facility)
    _db.session.commit()

    _sign_in(page, live_server, staff.email)
    page.get_by_role("link", name="Kasir stan").first.click()
    page.get_by_label("Uang kas awal (Rp)").fill("100.000")
    page.get_by_role("button", name="Buka stan").click()
    till = page.locator("#till[data-ready=true]")
    expect(till).to_be_visible()
    _fits_the_screen(page)

    # A label's code as typed (lower case, with a dash), then a SKU.
    page.get_by_label("Kode label atau SKU").fill(f"{code[:5].lower()}-{code[5:].lower()}")
    page.get_by_role("button", name="Tambah", exact=True).click()
    page.get_by_label("Kode label atau SKU").fill("kopi-ntt-250")
    page.get_by_role("button", name="Tambah", exact=True).click()
    expect(page.locator("[data-total]")).to_have_text("Rp335.000")
    page.get_by_label("Uang diterima (Rp, boleh kosong)").fill("350000")
    expect(page.locator("[data-change]")).to_have_text("Rp15.000")
    screenshot("till-basket")
    _fits_the_screen(page)
    page.get_by_role("button", name="Terima pembayaran").click()
    expect(page.locator("[data-last]")).to_contain_text("tercatat")

    page.get_by_role("link", name="Lihat & cetak struk").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Struk K{_stand_id()}-0001")
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Rp335.000")
    expect(receipt).to_contain_text("Kembali")
    page.emulate_media(media="print")
    expect(page.locator(".admin-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Cetak struk")).to_be_hidden()
    expect(receipt).to_be_visible()
    screenshot("till-receipt-print")
    page.emulate_media(media="screen")
    buyer_link = page.locator("[data-receipt-link]").get_attribute("href")
    assert buyer_link and "/receipts/" in buyer_link

    page.get_by_role("link", name="Kembali ke kasir").click()
    expect(till).to_be_visible()
    context.set_offline(True)
    expect(page.locator("[data-network]")).to_contain_text("Luring")
    page.get_by_label("Kode label atau SKU").fill("KOPI-NTT-250")
    page.get_by_role("button", name="Tambah", exact=True).click()
    page.get_by_role("radio", name="QRIS").check()
    page.get_by_label("Nomor referensi (QRIS, transfer atau struk EDC)").fill("QR-20261203-77")
    page.get_by_role("button", name="Terima pembayaran").click()
    expect(page.locator("[data-last]")).to_contain_text("Tersimpan di ponsel")
    expect(page.locator("[data-queue-count]")).to_have_text("1")
    screenshot("till-offline")
    assert len(_server_sales()) == 1
    # The service worker kept the page and its catalogue: reopened with no network, the till
    # comes back with its queue.
    kept = page.evaluate(
        "Promise.all([location.pathname, location.pathname + '/catalogue.json']"
        ".map(u => caches.match(u).then(r => !!r)))"
    )
    assert kept == [True, True]
    page.reload()
    expect(till).to_be_visible()
    expect(page.locator("[data-queue-count]")).to_have_text("1")

    context.set_offline(False)
    expect(page.locator("[data-queue-count]")).to_have_text("0", timeout=20_000)
    expect(page.locator("[data-queue] li.recorded")).to_have_count(2)
    sales = _server_sales()
    assert [(s.status, s.total_idr, s.payment.value) for s in sales] == [
        (StandSaleStatus.RECORDED, 335_000, "cash"),
        (StandSaleStatus.RECORDED, 60_000, "qris"),
    ]
    channels = _db.session.scalars(select(LedgerEntry.channel)).all()
    assert len(channels) == 3 and set(channels) == {SalesChannel.SHOWROOM}

    page.get_by_role("link", name="Tutup stan").click()
    expect(page.locator("[data-expected]")).to_have_text("Rp435.000")
    page.get_by_label("Uang tunai yang dihitung (Rp)").fill("430.000")
    page.get_by_label("Catatan (wajib bila ada selisih)").fill("Kembalian terlalu banyak")
    page.get_by_role("button", name="Tutup stan").click()
    expect(page.locator("[data-difference]")).to_have_text("-Rp5.000")
    _db.session.commit()
    stand = _db.session.scalar(select(Stand))
    assert (stand.counted_cash_idr, stand.cash_difference_idr) == (430_000, -5_000)
    assert _db.session.scalar(select(func.count()).select_from(StandSale)) == 2
    _db.session.refresh(coffee)
    _db.session.refresh(batik)
    assert (batik.stock, coffee.stock) == (4, 8)


def _stand_id() -> int:
    _db.session.commit()
    return int(_db.session.scalar(select(Stand.id)))

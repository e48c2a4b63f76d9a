"""Central adds a split rule for one facility in the browser, sees the preview, and the next sale
of that facility is split by it while the other facility keeps the national default."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from shop import payments
from shop.core import clock
from shop.models import LedgerEntry, LedgerEntryKind, Role
from shop.payments import events
from tests.checkout.helpers import place, two_facilities
from tests.factories import TEST_PASSWORD, UserFactory


def test_central_adds_a_facility_rule_and_the_next_sale_follows_it(
    live_server: str, page: Page, db, viewport_name: str
) -> None:
    shop = two_facilities()
    central = UserFactory(role=Role.CENTRAL)
    page.goto(live_server + "/admin/login")
    page.get_by_label("Email").fill(central.email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(live_server + "/admin/split-rules")
    page.get_by_role("link", name="Tambah aturan").click()
    page.get_by_label("Berlaku untuk").select_option(label="Lapas Kelas I Medan")
    page.get_by_label("Dasar pembagian").select_option("sales")
    page.get_by_label("PNBP (%)").fill("50")
    page.get_by_label("Premi (%)").fill("35")
    page.get_by_label("Modal produksi (%)").fill("15")
    page.get_by_label("Dasar hukum atau sumber").fill("SK Kalapas Medan 2026")
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.locator("#split-preview")).to_contain_text("Pratinjau: penjualan")
    page.get_by_role("button", name="Simpan aturan").click()
    expect(page.locator("#rules-in-force tr[data-facility='lapas-kelas-i-medan']")).to_contain_text(
        "50% PNBP · 35% premi · 15% modal"
    )
    expect(
        page.locator("#rules-in-force tr[data-facility='rutan-kelas-iia-kupang']")
    ).to_contain_text("Mengikuti aturan nasional")
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    assert events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now()) == "paid"
    sales = db.session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.order_id == order.id, LedgerEntry.kind == LedgerEntryKind.SALE
        )
    ).all()
    shares = {e.facility_id: (e.pnbp_bp, e.premi_bp, e.capital_bp) for e in sales}
    assert shares[shop.batik_lapas.id] == (5000, 3500, 1500)
    assert shares[shop.coffee_rutan.id] == (1500, 5000, 3500)

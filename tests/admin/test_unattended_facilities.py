"""The back office warns the region and the centre about paid orders nobody can handle."""

from __future__ import annotations

from shop import payments
from shop.core import clock
from shop.payments import events
from tests.checkout.helpers import place, two_facilities
from tests.factories import StaffFactory

WARNING = "UPT dengan pesanan terbuka tanpa akun petugas aktif"


def _paid(shop) -> None:
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())


def test_central_and_the_region_see_facilities_with_open_orders_and_no_staff(
    client, db, login_as
) -> None:
    shop = two_facilities()
    StaffFactory(facility=shop.batik_lapas)
    StaffFactory(facility=shop.coffee_rutan, is_active=False)
    _paid(shop)
    login_as("central")
    page = client.get("/admin/").get_data(as_text=True)
    warning = page[page.index(WARNING) :]
    assert "Rutan Kelas IIA Kupang: 1 pesanan terbuka" in warning
    assert "Lapas Kelas I Medan" not in warning[: warning.index("</section>")]
    login_as("kanwil", kanwil=shop.coffee_rutan.kanwil)
    assert "Rutan Kelas IIA Kupang: 1 pesanan terbuka" in client.get("/admin/").get_data(
        as_text=True
    )
    login_as("kanwil", kanwil=shop.batik_lapas.kanwil)
    assert WARNING not in client.get("/admin/").get_data(as_text=True)


def test_no_warning_once_every_facility_has_someone(client, db, login_as) -> None:
    shop = two_facilities()
    StaffFactory(facility=shop.batik_lapas)
    StaffFactory(facility=shop.coffee_rutan)
    _paid(shop)
    login_as("central")
    assert WARNING not in client.get("/admin/").get_data(as_text=True)

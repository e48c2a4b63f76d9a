"""Every main back-office screen fits a 360px phone (no sideways scrolling) and a desktop."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from shop.models import Role
from tests.factories import (
    TEST_PASSWORD,
    AuditEventFactory,
    FacilityFactory,
    ProductFactory,
    ProductImageFactory,
    StaffFactory,
    UserFactory,
)


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


def test_back_office_screens_fit_the_screen(live_server: str, page: Page, screenshot, db) -> None:
    facility = FacilityFactory()
    product = ProductFactory(facility=facility, name="Meja Kerja Jati Dengan Nama Yang Panjang")
    ProductImageFactory(product=product)
    AuditEventFactory(changes={"description": ["teks lama yang panjang sekali", "teks baru"]})
    admin = UserFactory(role=Role.ADMIN)
    staff = StaffFactory(facility=facility)
    screens = {
        admin.email: [
            "/admin/", "/admin/products", f"/admin/products/{product.id}/edit",
            f"/admin/variants/{product.variants[0].id}/stock", "/admin/reviews",
            "/admin/review-settings", "/admin/audit", "/admin/facilities",
            f"/admin/facilities/{facility.id}/edit", "/admin/users", "/admin/users/new",
            "/admin/import", "/admin/password",
        ],
        staff.email: ["/admin/facility", f"/admin/products/{product.id}"],
    }  # fmt: skip
    too_wide = []
    for email, paths in screens.items():
        _sign_in(page, live_server, email)
        for path in paths:
            response = page.goto(live_server + path)
            assert response is not None and response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if path in ("/admin/products", "/admin/audit", "/admin/facility"):
                screenshot("admin" + path.replace("/admin", "").replace("/", "-"))
            if width > page.viewport_size["width"]:
                too_wide.append(f"{path}: {width}px")
        page.get_by_role("button", name="Keluar").click()
    screenshot("admin-login")
    assert too_wide == []

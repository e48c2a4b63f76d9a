"""The Content-Security-Policy breaks nothing: the main pages show no violation in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from shop.models import ProductStatus, Role
from tests.checkout.helpers import two_facilities
from tests.factories import TEST_PASSWORD, ProductFactory, ProductImageFactory, UserFactory

# Every CSP violation is recorded by the page itself (Playwright's init script is exempt).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_main_pages_raise_no_csp_violation(db, live_server: str, page: Page) -> None:
    shop = two_facilities()
    ProductImageFactory(product=shop.coffee.product)
    pending = ProductFactory(status=ProductStatus.PENDING_REVIEW, name="Tas Anyaman Baru")
    admin = UserFactory(role=Role.ADMIN)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    violations: list[str] = []

    def visit(path: str) -> None:
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))

    product_path = f"/products/{shop.coffee.product.slug}"
    for path in ("/", "/products", product_path):
        visit(path)
    page.get_by_label("Jumlah").fill("1")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.locator(".flash").first).to_be_visible()
    for path in ("/cart", "/checkout", "/admin/login"):
        visit(path)
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    for path in ("/admin/", "/admin/reviews", f"/admin/reviews/{pending.id}", "/admin/reports"):
        visit(path)
    # The back office's confirm dialogs run from the script file, not from inline handlers.
    page.goto(live_server + "/admin/users")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Buat tautan atur ulang").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert dialogs and "Kata sandi lama langsung tidak berlaku" in dialogs[0]
    assert violations == []
    assert [text for text in console if "Content Security Policy" in text] == []

"""The Nu Html Checker (vnu) finds no error on any public page or the main back-office pages."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from shop import payments
from shop.core import clock
from shop.ordering import orders
from tests.checkers.tools import VNU_JAR, require
from tests.checkout.helpers import place, two_facilities
from tests.factories import OutboxMailFactory, ProductFactory


@pytest.fixture
def config_overrides() -> dict[str, object]:
    """Forms render their CSRF fields, as on the real site (a repeated id would show)."""
    return {"WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"( type="hidden")? value="([^"]+)"', html).group(2)


def _pages(client, login_as) -> dict[str, str]:
    """Every kind of page, as HTML, by a name that says which."""
    shop = two_facilities()
    ProductFactory(
        facility=shop.coffee_rutan,
        name="Keripik Tempe",
        pirt_number="P-IRT 2063471010123-27",
        variants=[],
    )
    pages: dict[str, str] = {}

    def get(name: str, url: str, **kwargs) -> None:
        response = client.get(url, **kwargs)
        assert response.status_code in (200, 404), (url, response.status_code)
        pages[name] = response.get_data(as_text=True)

    get("home", "/")
    get("catalogue", "/products")
    get("catalogue-search", "/products?q=batik&in_stock=1&sort=price_asc")
    get("product", f"/products/{shop.batik.product.slug}")
    get("product-pickup-only", f"/products/{shop.coffee.product.slug}")
    get("facilities", "/facilities")
    get("facility", f"/facilities/{shop.batik_lapas.slug}")
    get("impact", "/impact")
    get("not-found", "/no-such-page")
    get("product-english", f"/en/products/{shop.batik.product.slug}")
    get("cart-empty", "/cart")
    for variant, quantity in ((shop.batik, 1), (shop.coffee, 2)):
        added = client.post(
            "/cart/items",
            data={"variant_id": variant.id, "quantity": quantity},
            headers={"Origin": "http://localhost"},
        )
        assert added.status_code == 302
    get("cart", "/cart")
    get("checkout", "/checkout")
    pages["checkout-errors"] = client.post(
        "/checkout", data={"action": "place", "email": "x", "csrf_token": _token(pages["checkout"])}
    ).get_data(as_text=True)
    order = place(shop)
    get("order", f"/orders/{order.number}?t={orders.access_token(order)}")
    attempt = payments.start_payment(order=order, now=clock.now())
    get("demo-payment", attempt.url.split("127.0.0.1", 1)[-1].split("localhost", 1)[-1])
    get("login", "/admin/login")
    # login_as signs in through the form without a token; the back-office pages still render
    # their CSRF fields (the flag only switches the check off).
    client.application.config["WTF_CSRF_ENABLED"] = False
    login_as("central")
    get("admin-dashboard", "/admin/")
    get("admin-reports", "/admin/reports")
    get("admin-products", "/admin/products")
    failed_mail = OutboxMailFactory()
    get("admin-mail", "/admin/mail?status=failed")
    get("admin-mail-detail", f"/admin/mail/{failed_mail.id}")
    login_as("staff", facility=shop.batik_lapas)
    get("admin-staff-dashboard", "/admin/")
    get("admin-orders", "/admin/orders")
    get("admin-product-new", "/admin/products/new")
    get("admin-product-edit", f"/admin/products/{shop.batik.product.id}/edit")
    return pages


def test_every_page_is_valid_html(client, db, login_as, tmp_path: Path) -> None:
    jar = require(VNU_JAR, java=True)
    pages = _pages(client, login_as)
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    run = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json",
         *sorted(str(p) for p in tmp_path.glob("*.html"))],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{re.sub(r'.*/', '', m.get('url', ''))}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)

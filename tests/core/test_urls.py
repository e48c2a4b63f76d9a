"""Absolute links are built from SITE_URL, and the paths the core builds are the app's routes."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import url_for

from shop import payments
from shop.core import clock, urls
from shop.core.storage import LocalStorage
from tests.checkout.helpers import place, two_facilities


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return {"SITE_URL": "https://etalase.example/"}


def test_the_paths_the_core_builds_are_the_app_s_routes(app) -> None:
    with app.test_request_context():
        assert urls.order_path("EL-7", token="a.b-c") == url_for(
            "shop.order_page", number="EL-7", t="a.b-c"
        )
        assert urls.order_path("EL-7", token="t", paid=True) == url_for(
            "shop.order_page", number="EL-7", t="t", paid="1"
        )
        assert urls.demo_payment_path("key-1") == url_for("shop.demo_payment", key="key-1")
        assert urls.review_path(7) == url_for("admin.review_detail", product_id=7)
        assert urls.provenance_path("ABCD123456") == url_for("shop.provenance", code="ABCD123456")
        assert urls.admin_product_path(7) == url_for("admin.product_detail", product_id=7)
        assert urls.quote_path("a-b_c") == url_for("shop.quote_page", token="a-b_c")
        assert urls.admin_quote_path(7) == url_for("admin.quote_detail", part_id=7)
        stored = LocalStorage(app.config["UPLOAD_DIR"]).url("img/ab12.webp")
        assert stored == url_for("media.image", key="ab12.webp")


def test_the_payment_round_trip_links_to_the_configured_site_address(app, db, client) -> None:
    order = place(two_facilities())
    attempt = payments.start_payment(order=order, now=clock.now())
    assert attempt.url.startswith("https://etalase.example/demo-pay/")
    page = urlsplit(attempt.url)
    response = client.post(page.path, data={"pay": "1"})
    assert response.status_code == 302
    back = response.headers["Location"]
    assert back.startswith(f"https://etalase.example/orders/{order.number}?t=")
    assert back.endswith("&paid=1")
    assert "Dibayar" in client.get(urlsplit(back)._replace(scheme="", netloc="").geturl()).text


def test_a_path_without_its_leading_slash_is_refused(app) -> None:
    with pytest.raises(ValueError):
        urls.absolute("orders/EL-7")


def test_an_address_on_another_host_stays_as_it_is(app) -> None:
    photo = "https://cdn.etalase.example/img/ab12.jpg"  # a photo stored on S3
    assert urls.absolute(photo) == photo

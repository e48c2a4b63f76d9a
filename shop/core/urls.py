"""Absolute addresses on the public site, built in one place from `SITE_URL`.

Mails, payment return pages, the demo gateway, the sitemap and shared links point at the site
from outside any request, so they never ask the request for its host: `create_app` sets the site
address once per process (`configure`), and `absolute` puts a path on it. The few route paths the
core needs (a buyer's order page, the demo payment page, the back office's review and product
pages, stored photos) are built here and nowhere else; tests/core/test_urls.py checks each
against the app's routes, so a renamed route cannot leave a dead link in a mail.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

# Where files of the local storage are served (shop/media.py serves their `img/` keys).
MEDIA_PREFIX = "/media"
_site: dict[str, str] = {}


def configure(site_url: str) -> None:
    """Set the public address (`Config.SITE_URL`) every absolute link starts with."""
    _site["url"] = site_url.rstrip("/")


def absolute(path: str) -> str:
    """`path` (starting with "/", with its query if any) on the public site address.

    An address that is absolute already (a photo on S3 or its CDN) is returned as it is.
    """
    if path.startswith(("https://", "http://")):
        return path
    if not path.startswith("/"):
        raise ValueError(f"a site path starts with '/': {path!r}")
    if "url" not in _site:
        raise RuntimeError("the site address is not configured: build the app with create_app")
    return _site["url"] + path


def language_prefix(locale: str) -> str:
    """The storefront's address prefix of a language: English under /en/, Indonesian at the root."""
    return "/en" if locale == "en" else ""


def order_path(number: str, *, token: str, paid: bool = False) -> str:
    """The buyer's order page, opened by its signed token; `paid` after a payment's return."""
    query = {"t": token, **({"paid": "1"} if paid else {})}
    return f"/orders/{quote(number, safe='')}?{urlencode(query)}"


def demo_payment_path(idempotency_key: str) -> str:
    """The demo gateway's simulated checkout page of one payment attempt."""
    return f"/demo-pay/{quote(idempotency_key, safe='')}"


def provenance_path(code: str) -> str:
    """The public page a label's QR code opens."""
    return f"/v/{quote(code, safe='')}"


def review_path(product_id: int) -> str:
    """The back office's review page of a product."""
    return f"/admin/reviews/{product_id}"


def admin_product_path(product_id: int) -> str:
    """The back office's page of a product."""
    return f"/admin/products/{product_id}"


def quote_path(token: str) -> str:
    """The buyer's page of a quote request, opened by its secret token."""
    return f"/quotes/{quote(token, safe='')}"


def admin_quote_path(part_id: int) -> str:
    """The back office's page of a facility's part of a quote request."""
    return f"/admin/quotes/{part_id}"

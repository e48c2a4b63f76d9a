"""Web-layer protections every response gets: security headers, and the session's client binding.

The Content-Security-Policy allows scripts from this site only (no inline script, no `on...`
attributes: static/js/etalase.js wires those behaviours up). Inline styles stay allowed: the
report charts are inline SVG that pygal styles with a <style> element and `style` attributes,
and a style cannot run code. docs/security.md explains each header.
"""

from __future__ import annotations

from hashlib import sha512
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request

from shop.core.text import has_control_characters

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(config: dict[str, Any]) -> str:
    """The policy for this site's configuration (photos may come from an S3 public URL)."""
    images = ["'self'", "data:"]
    public_url = config.get("S3_PUBLIC_URL") or ""
    if public_url:
        parts = urlsplit(public_url)
        images.append(f"{parts.scheme}://{parts.netloc}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # Checkout posts here and is redirected to Stripe's hosted page.
        "form-action": ["'self'", "https://checkout.stripe.com"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def header_pairs(config: dict[str, Any]) -> list[tuple[str, str]]:
    """Every header set on every response, dynamic pages and static files alike."""
    headers = [
        ("Content-Security-Policy", content_security_policy(config)),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if config.get("ETALASE_ENV") == "production":
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def init_app(app: Flask) -> None:
    pairs = header_pairs(app.config)

    @app.before_request
    def refuse_control_characters_in_the_query() -> None:
        """No page reads NUL or other control characters from its query: 400 before any view.

        (Forms refuse them field by field, with a message: `shop.forms.SafeForm`.)
        """
        for key, value in request.args.items(multi=True):
            if has_control_characters(key) or has_control_characters(value):
                abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in pairs:
            response.headers.setdefault(name, value)
        return response


def add_static_headers(pairs: list[tuple[str, str]]) -> Any:
    """WhiteNoise's hook: static files are served before Flask sees the request."""

    def add(headers: Any, _path: str, _url: str) -> None:
        for name, value in pairs:
            headers[name] = value

    return add


def session_identifier() -> str:
    """What a signed-in session is bound to (Flask-Login's "strong" protection).

    The client address is `request.remote_addr`, which ProxyFix takes from X-Forwarded-For only
    when PROXY_HOPS > 0; a header the client sends itself is never trusted.
    """
    agent = request.headers.get("User-Agent", "")
    return sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()


def is_same_site_post() -> bool:
    """Whether this request comes from a page of this site (its Origin, else its Referer).

    Browsers send Origin with every POST from a form; a request with neither header (a very
    old browser with referrers off) is refused too. Same site means the scheme, host and port
    of this request (after ProxyFix) or of SITE_URL. docs/security.md explains why this,
    with SameSite=Lax cookies, protects the add-to-cart form in place of a CSRF token.
    """
    claimed = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(claimed)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    ours = {request.host_url.rstrip("/").lower()}
    site = urlsplit(current_app.config["SITE_URL"])
    ours.add(f"{site.scheme}://{site.netloc}".lower())
    return origin in ours

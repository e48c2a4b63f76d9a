"""Public pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue

from shop.services import catalogue
from shop.storefront import bp

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template(
        "shop/home.html",
        figures=catalogue.catalogue_figures(),
        newest=catalogue.newest_public_products(limit=8),
    )


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Remember the chosen language in a cookie and go back where the visitor was."""
    target = request.args.get("next", "/")
    if urlsplit(target).netloc or not target.startswith("/"):
        target = "/"
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang", code, max_age=LANGUAGE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    return response

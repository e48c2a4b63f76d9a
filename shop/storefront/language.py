"""Choosing the language: remembered in a cookie, then the browser's, then Indonesian."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, request
from flask.typing import ResponseReturnValue

from shop.storefront import bp

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Remember the chosen language in a cookie and go back where the visitor was."""
    target = request.args.get("next", "/")
    if urlsplit(target).netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        target = "/"
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang", code, max_age=LANGUAGE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    return response

"""The language of a storefront page is in its address: Indonesian at the root, English under /en/.

`/lang/<code>?next=...` (the switch of older pages, and the back office's) still works: it
remembers the choice in a cookie, which only the back office reads, and sends a storefront
address to the same page in the chosen language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from shop.formatting import current_locale_code
from shop.storefront import DEFAULT_LANGUAGE, PREFIXED_LANGUAGES, bp
from shop.storefront.seo import CANONICAL_PARAMS, absolute_url

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGES = (DEFAULT_LANGUAGE, *PREFIXED_LANGUAGES)


def language_of_path(path: str) -> str | None:
    """The language a storefront address is in: its prefix, else Indonesian; None for the
    back office (whose language is the visitor's choice)."""
    for code in PREFIXED_LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code
    if path == "/admin" or path.startswith("/admin/"):
        return None
    return DEFAULT_LANGUAGE


@bp.url_value_preprocessor
def take_language(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The views do not take the language: Babel reads it from the address."""
    if values is not None:
        values.pop("lang_code", None)


@bp.url_defaults
def keep_language(endpoint: str, values: dict[str, Any]) -> None:
    """Links stay in the language being shown (or the one given: `url_for(..., lang_code="en")`)."""
    if "lang_code" not in values and endpoint in bp.localised_endpoints:
        locale = current_locale_code()
        values["lang_code"] = locale if locale in LANGUAGES else DEFAULT_LANGUAGE


def _this_page_in(code: str, *, canonical: bool) -> str:
    args = request.args.to_dict(flat=False)
    if canonical:
        args = {k: v for k, v in args.items() if k in CANONICAL_PARAMS and v != ["1"]}
    return url_for(
        request.endpoint or "shop.home", **(request.view_args or {}), **args, lang_code=code
    )


@bp.app_template_global()
def language_urls(*, canonical: bool = False) -> dict[str, str]:
    """This page's address in each language ({} when the page has only one address).

    `canonical=True` keeps only the parameters that make a different page, for hreflang links.
    """
    if request.endpoint not in bp.localised_endpoints or request.method != "GET":
        return {}
    urls = {code: _this_page_in(code, canonical=canonical) for code in LANGUAGES}
    return {code: absolute_url(url) for code, url in urls.items()} if canonical else urls


@bp.get("/lang/<code>", localised=False)
def set_language(code: str) -> ResponseReturnValue:
    """Go to the page `next` in the language `code` (remembered for the back office)."""
    target = request.args.get("next", "/")
    if urlsplit(target).netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        target = "/"
    if code in LANGUAGES:
        target = _storefront_page_in(target, code) or target
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang", code, max_age=LANGUAGE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    return response


def _storefront_page_in(target: str, code: str) -> str | None:
    """`target` (a path with its query) in language `code`, if it is a storefront page."""
    parts = urlsplit(target)
    adapter = current_app.url_map.bind("localhost", query_args=parts.query)
    try:
        endpoint, values = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    if endpoint not in bp.localised_endpoints:
        return None
    values["lang_code"] = code
    url = url_for(endpoint, **values)
    return f"{url}?{parts.query}" if parts.query else url

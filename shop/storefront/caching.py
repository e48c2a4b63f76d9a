"""Public pages for anonymous visitors: cacheable by browsers and shared caches, and by us.

An anonymous visitor is one without a session, cart or remember-me cookie. Their GET of a page
in `PUBLIC_PAGES` gets no cookie, `Cache-Control: public, max-age=..., stale-while-revalidate=...`,
a weak ETag (a hash of the body) and a 304 when it sends that ETag back; no `Vary` (the language
is in the address, not in a cookie or Accept-Language). Visitors with a session get the pages
as before: rendered for them, with no caching headers.

The page cache (Flask-Caching; Redis when configured) keeps each such page by language, path and
normalised query, with the versions it was rendered under (`shop.core.page_versions`): the
catalogue's, and for a facility's page that facility's. A change bumps them after its commit,
so the next request renders the page again. docs/performance.md describes the headers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from shop.core import page_versions, unit_of_work
from shop.database import read_in_autocommit
from shop.extensions import cache
from shop.storefront import catalogue_token
from shop.storefront.cart import CART_COOKIE

T = TypeVar("T")

# Endpoint -> the versions its pages depend on (a facility page adds its own: `depends_on`).
PUBLIC_PAGES: dict[str, tuple[str, ...]] = {
    "shop.home": (page_versions.CATALOGUE,),
    "shop.products": (page_versions.CATALOGUE,),
    "shop.product": (page_versions.CATALOGUE,),
    "shop.facilities": (page_versions.CATALOGUE,),
    "shop.facility": (page_versions.FACILITIES,),
    "shop.impact_page": (),
    "shop.sitemap": (page_versions.CATALOGUE,),
}
# Queries longer than this are rendered but not stored (nobody links to them; they would only
# push real pages out of the cache).
MAX_CACHED_QUERY = 512
# Versions a stored page depends on beyond its endpoint's (a facility's page: that facility's),
# by page key, as this worker stored them: read with the page in one round trip.
_RECORDED_KEYS: dict[str, tuple[str, ...]] = {}
MAX_RECORDED_KEYS = 10_000
# Headers a stored page keeps (the security headers are added to every response anyway).
STORED_HEADERS = ("Content-Type", "Cache-Control", "ETag", "Content-Language")


class FlaskCachingVersions:
    """`page_versions.VersionStore` in the app's cache (shared by the workers with Redis)."""

    def get_many(self, *keys: str) -> list[str | None]:
        return list(cache.get_many(*(f"version:{key}" for key in keys)))

    def set_many(self, mapping: dict[str, str]) -> None:
        cache.set_many({f"version:{k}": v for k, v in mapping.items()}, timeout=0)


def get_with_versions(
    version_keys: list[str], keys: list[str]
) -> tuple[dict[str, str], list[object | None]]:
    """The current versions of `version_keys` and the cached values of `keys`, in one round
    trip to the cache (a listing's cards and the versions they must have been drawn under)."""
    found = cache.get_many(*(f"version:{key}" for key in version_keys), *keys)
    count = len(version_keys)
    versions = page_versions.complete(dict(zip(version_keys, found[:count], strict=True)))
    return versions, list(found[count:])


def per_catalogue(name: str, compute: Callable[[], T]) -> T:
    """`compute()` (plain values read from the catalogue: filter lists, counts by category),
    kept in the app cache until the catalogue's page version changes; computed each time
    where cards are not cached either (CARD_CACHE_SECONDS 0: no cache shared by the workers)."""
    seconds: int = current_app.config["CARD_CACHE_SECONDS"]
    if not seconds:
        return compute()
    key = f"catalogue:{name}:{catalogue_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return cast(T, value)


def catalogue_version() -> str:
    """The catalogue's page version: the one this public page was read under, else current."""
    versions = g.get("page_versions") or {}
    return (
        versions.get(page_versions.CATALOGUE)
        or page_versions.current(page_versions.CATALOGUE)[page_versions.CATALOGUE]
    )


class PublicPageSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except on a public page served to an anonymous visitor:
    nothing was stored in the session, so no cookie is sent and the page does not vary on one
    (Flask would add `Vary: Cookie` because Flask-Login looked for a signed-in user). A request
    marked `g.stateless` (the public API) never sends a session cookie either."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if g.get("public_page") or g.get("stateless"):
            return
        super().save_session(app, session, response)


@dataclass
class StoredPage:
    versions: dict[str, str]
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def init_app(app: Flask) -> None:
    page_versions.install(FlaskCachingVersions())
    app.session_interface = PublicPageSessionInterface()
    app.before_request(_serve_from_cache)
    app.before_request(_read_in_autocommit)
    catalogue_token.init_app(app)
    app.after_request(_make_public)
    app.teardown_request(_run_committed_actions)
    app.teardown_request(_stop_reading_in_autocommit)


def depends_on(key: str) -> None:
    """The page being rendered also shows what version `key` covers (read now, before the
    page's queries, so a change made while it renders is not stored as seen)."""
    if g.get("public_page"):
        g.page_versions.update(page_versions.current(key))


def is_anonymous() -> bool:
    cookies = request.cookies
    config = current_app.config
    return not (
        config["SESSION_COOKIE_NAME"] in cookies
        or CART_COOKIE in cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    )


def _run_committed_actions(_error: BaseException | None = None) -> None:
    """Side effects of commits made in this request (version bumps, mails) run before the
    session ends, as well as what a test's own commits left waiting."""
    unit_of_work.run_committed_actions()


def _serve_from_cache() -> Response | None:
    unit_of_work.run_committed_actions()
    if (
        request.method not in ("GET", "HEAD")
        or request.endpoint not in PUBLIC_PAGES
        or not is_anonymous()
    ):
        return None
    g.public_page = True
    keys = list(PUBLIC_PAGES[request.endpoint])
    if not _cache_seconds():
        g.page_versions = page_versions.current(*keys)
        return None
    # The page's versions and the stored page in one round trip to the cache (with the
    # versions this worker saw the page stored under: a facility's own).
    page_key = _cache_key()
    keys += [key for key in _RECORDED_KEYS.get(page_key, ()) if key not in keys]
    versions, (stored,) = get_with_versions(keys, [page_key])
    g.page_versions = versions
    if not isinstance(stored, StoredPage) or not _still_current(stored.versions, versions):
        return None
    g.page_from_cache = True
    return _conditional(Response(stored.body, status=stored.status, headers=stored.headers))


def _read_in_autocommit() -> None:
    """A public page rendered for an anonymous visitor only reads: in autocommit on PostgreSQL
    (`shop.database.read_in_autocommit`). Not reached when the page came from the cache."""
    if g.get("public_page"):
        read_in_autocommit()


def _stop_reading_in_autocommit(_error: BaseException | None = None) -> None:
    read_in_autocommit(False)


def _still_current(recorded: dict[str, str], known: dict[str, str]) -> bool:
    """Whether the versions a page was stored under are still the current ones (`known`: those
    read already; a facility page's own version is read now)."""
    others = [key for key in recorded if key not in known]
    current = {**known, **(page_versions.current(*others) if others else {})}
    return all(current[key] == version for key, version in recorded.items())


def _make_public(response: Response) -> Response:
    if not g.get("public_page") or g.get("page_from_cache"):
        return response
    if response.status_code != 200 or session.modified or "Set-Cookie" in response.headers:
        # Something wrote to the visitor (a message, a cookie): theirs alone, as before.
        g.public_page = False
        return response
    config = current_app.config
    headers = response.headers
    headers["Cache-Control"] = (
        f"public, max-age={config['PUBLIC_PAGE_MAX_AGE']}, "
        f"stale-while-revalidate={config['PUBLIC_PAGE_STALE_SECONDS']}"
    )
    headers.pop("Vary", None)
    body = response.get_data()
    headers["ETag"] = f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    seconds = _cache_seconds()
    if seconds and len(request.query_string) <= MAX_CACHED_QUERY:
        stored = StoredPage(
            versions=dict(g.page_versions),
            status=response.status_code,
            headers=[(k, v) for k, v in response.headers.items() if k in STORED_HEADERS],
            body=body,
        )
        page_key = _cache_key()
        cache.set(page_key, stored, timeout=seconds)
        extra = tuple(key for key in stored.versions if key not in PUBLIC_PAGES[request.endpoint])
        if extra:
            if len(_RECORDED_KEYS) >= MAX_RECORDED_KEYS:
                _RECORDED_KEYS.clear()
            _RECORDED_KEYS[page_key] = extra
    return _conditional(response)


def _conditional(response: Response) -> Response:
    """`response`, or 304 when the visitor sent its ETag back (the check skipped otherwise)."""
    if "If-None-Match" not in request.headers:
        return response
    return response.make_conditional(request)


def _cache_seconds() -> int:
    config = current_app.config
    seconds: int = config["PAGE_CACHE_SECONDS"]
    if request.endpoint == "shop.impact_page":
        # Its figures are recomputed every IMPACT_CACHE_SECONDS, whatever changes.
        seconds = min(seconds, config["IMPACT_CACHE_SECONDS"])
    return seconds


def _cache_key() -> str:
    """Language (in the path), path, and the query with its parameters sorted:
    `?b=2&a=1` and `?a=1&b=2` are one page."""
    query = urlencode(sorted(request.args.items(multi=True)))
    digest = hashlib.blake2b(f"{request.path}?{query}".encode(), digest_size=16).hexdigest()
    return f"page:{digest}"

"""The catalogue's token, taken as read by a worker while nothing it knows of has changed.

Listings are kept per catalogue token (`shop.catalogue.browse`), which the database's triggers
change with every write to the catalogue: reading it was the one statement an uncached public
page still ran (0.1 ms on SQLite, 0.3 ms on PostgreSQL with its round trip). The app's own
writes also bump the catalogue's page version in the app cache after they commit
(`shop.core.page_versions`), and a public page reads that version anyway, before anything
else. So a worker remembers the token it last read with the page version read before it: while
the version is still that one, the token is too, except for a write behind the app's back (plain
SQL), which the database's token alone sees. Such a write shows once the remembered token is
CATALOGUE_TOKEN_SECONDS old, when the token is read again.

Only where the page versions are shared by the workers (CARD_CACHE_SECONDS above 0: Redis, or
one worker), and only for an anonymous visitor's public page (`g.public_page`).

Why the version is read first: a write commits (the token changes) before its bump (the
version changes). A worker that read the new version reads the new token after it; one that
read the old version may pair it with either token, and sees the version change at its next
request. A remembered pair never holds a token older than its version.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g

from shop.catalogue import browse
from shop.core import page_versions

_KNOWN = "etalase_catalogue_token"


@dataclass(frozen=True)
class _Known:
    page_version: str
    token: str
    until: float


def _now() -> float:
    return time.monotonic()


def _seconds() -> int:
    config = current_app.config
    if not config["CARD_CACHE_SECONDS"]:
        return 0
    seconds: int = config["CATALOGUE_TOKEN_SECONDS"]
    return seconds


def init_app(app: Flask) -> None:
    app.before_request(_assume_known_token)
    app.after_request(_remember_token)


def _page_version() -> str | None:
    """The catalogue's page version for this public page: the one it read (a facility's page
    reads its facility's and every facility's instead, and this one here, kept apart so that
    its stored page still depends on those only)."""
    if not g.get("public_page") or g.get("page_from_cache"):
        return None
    versions = g.get("page_versions") or {}
    version = versions.get(page_versions.CATALOGUE) or g.get("catalogue_page_version")
    if version is None:
        version = g.catalogue_page_version = page_versions.current(page_versions.CATALOGUE)[
            page_versions.CATALOGUE
        ]
    return version


def _assume_known_token() -> None:
    version = _page_version()
    if version is None or not _seconds():
        return
    known: _Known | None = current_app.extensions.get(_KNOWN)
    if known is not None and known.page_version == version and known.until > _now():
        browse.assume_catalogue_token(known.token)
        g.catalogue_token_assumed = True


def _remember_token(response: Response) -> Response:
    """The token this page read, with the page version read before it."""
    version = _page_version()
    seconds = _seconds()
    if version is None or not seconds or g.get("catalogue_token_assumed"):
        return response
    token = browse.catalogue_token_known()
    if token is not None:
        current_app.extensions[_KNOWN] = _Known(version, token, _now() + seconds)
    return response

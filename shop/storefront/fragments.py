"""Pieces of pages drawn once per worker and kept in its memory, by language.

The footer, the site's header and a page's filter form are the same for every visitor of a
language, or change only with the catalogue (categories, Kanwil); drawing them again for each
request cost as much as the page's own query. A template wraps such a piece in
`{% call fragment("name", key...) %}...{% endcall %}`: the body is drawn the first time and
kept for the language, the application's root and `key`. What goes in `key` must be all the
body depends on besides texts and links: a filter's selected value, say.

`catalogue_fragment` also keys the piece by the catalogue's page version, so a renamed
category shows at once; `product_fragment` and `facility_fragment` key a product's or a
facility's page parts by the versions of what they show. Like the cards
(`shop.storefront.cards`), these keep nothing where CARD_CACHE_SECONDS is 0: a worker that does
not share its cache with the others would not hear of their changes; and they keep a piece at
most that long (a write behind the app's back, in raw SQL, shows by then). A worker keeps the
`MAX_FRAGMENTS` pieces used last.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, request
from markupsafe import Markup

from shop.catalogue.browse import ProductRef
from shop.core import clock, page_versions
from shop.formatting import current_locale_code
from shop.storefront import bp, caching

MAX_FRAGMENTS = 4096

_lock = threading.Lock()
# A line's indentation and the blank lines after it: a kept piece is sent with every page that
# shows it, so it is drawn without them. The newline stays, so text keeps its word breaks (no
# public page shows preformatted text, and JSON-LD allows any whitespace between tokens).
_INDENTATION = re.compile(r"\n\s+")


def compact(html: str) -> Markup:
    """`html` (drawn once, kept, sent many times) without its indentation."""
    return Markup(_INDENTATION.sub("\n", html))


def _kept(
    key: tuple[Hashable, ...], draw: Callable[[], str], seconds: float | None = None
) -> Markup:
    """The piece kept under `key` (and the language and root), else `draw()` kept from now on,
    for at most `seconds` when given (what only the database knows, read again in time)."""
    store: OrderedDict[tuple[Hashable, ...], tuple[Markup, float | None]] = (
        current_app.extensions.setdefault("etalase_fragments", OrderedDict())
    )
    full_key = (current_locale_code(), request.script_root, *key)
    now = time.monotonic()
    with _lock:
        found = store.get(full_key)
        if found is not None and (found[1] is None or found[1] > now):
            store.move_to_end(full_key)
            return found[0]
    html = compact(draw())
    with _lock:
        store[full_key] = (html, now + seconds if seconds is not None else None)
        store.move_to_end(full_key)
        if len(store) > MAX_FRAGMENTS:
            store.popitem(last=False)
    return html


def _versioned_seconds() -> int:
    """How long a piece drawn from the database is kept (0: not at all), as the cards are."""
    seconds: int = current_app.config["CARD_CACHE_SECONDS"]
    return seconds


@bp.app_template_global()
def fragment(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The body of the call block, drawn once per language, root and `key`."""
    return _kept((name, *key), caller)


@bp.app_template_global()
def catalogue_fragment(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The body of the call block, drawn once per catalogue version, language, root and `key`."""
    seconds = _versioned_seconds()
    if not seconds:
        return Markup(caller())
    return _kept((name, caching.catalogue_version(), *key), caller, seconds)


def _versions(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The current versions of `keys`, read once per request."""
    read: dict[tuple[str, ...], tuple[str, ...]] = g.setdefault("fragment_versions", {})
    if keys not in read:
        current = page_versions.current(*keys)
        read[keys] = tuple(current[key] for key in keys)
    return read[keys]


def _public_page_piece(
    name: str, key: tuple[Hashable, ...], version_keys: tuple[str, ...], caller: Callable[[], str]
) -> Markup:
    """A piece of an anonymous visitor's public page kept by `key` and the current versions of
    `version_keys`; drawn for any other visitor."""
    seconds = _versioned_seconds()
    if not seconds or not g.get("public_page"):
        return Markup(caller())
    return _kept((name, *key, _versions(version_keys)), caller, seconds)


@bp.app_template_global()
def product_fragment(name: str, ref: ProductRef, caller: Callable[[], str]) -> Markup:
    """The body of the call block, kept by the versions of what a product page shows besides
    its related products: the product (variants, stock, photos), its facility's row (name,
    address, hours), the facility's workshops and delivery rates, and the categories' names
    (bumped with every facility); and by the hour (the week of opening hours marks today in
    the facility's zone, a whole hour off UTC).

    Only for anonymous visitors' public pages; any other visitor's page is drawn for them."""
    keys = (
        page_versions.product_key(ref.id),
        page_versions.facility_name_key(ref.facility_id),
        page_versions.facility_key(ref.facility_id),
        page_versions.FACILITIES,
    )
    hour = clock.now().strftime("%Y-%m-%dT%H")
    return _public_page_piece(f"product-{name}", (ref.id, hour), keys, caller)


@bp.app_template_global()
def facility_fragment(name: str, facility_id: int, caller: Callable[[], str]) -> Markup:
    """The body of the call block, kept by the versions of what a facility's page shows above
    its products (its row, workshops, Kanwil and category names) and by the minute ("open
    now"). Only for anonymous visitors' public pages, as `product_fragment`."""
    keys = (
        page_versions.facility_name_key(facility_id),
        page_versions.facility_key(facility_id),
        page_versions.FACILITIES,
    )
    minute = clock.now().strftime("%Y-%m-%dT%H:%M")
    return _public_page_piece(f"facility-{name}", (facility_id, minute), keys, caller)

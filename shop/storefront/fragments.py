"""Pieces of pages drawn once per worker and kept in its memory, by language.

The footer, the site's header and a page's filter form are the same for every visitor of a
language, or change only with the catalogue (categories, Kanwil); drawing them again for each
request cost as much as the page's own query. A template wraps such a piece in
`{% call fragment("name", key...) %}...{% endcall %}`: the body is drawn the first time and
kept for the language, the application's root and `key`. What goes in `key` must be all the
body depends on besides texts and links: a filter's selected value, say.

`catalogue_fragment` also keys the piece by the catalogue's page version, so a renamed
category shows at once. Like the cards (`shop.storefront.cards`), it keeps nothing where
CARD_CACHE_SECONDS is 0: a worker that does not share its cache with the others would not hear
of their changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, request
from markupsafe import Markup

from shop.formatting import current_locale_code
from shop.storefront import bp, caching

# Past this many pieces a worker starts again empty (filter forms differ by their values).
MAX_FRAGMENTS = 2048


def _kept(key: tuple[Hashable, ...], draw: Callable[[], str]) -> Markup:
    store: dict[tuple[Hashable, ...], Markup] = current_app.extensions.setdefault(
        "etalase_fragments", {}
    )
    full_key = (current_locale_code(), request.script_root, *key)
    html = store.get(full_key)
    if html is None:
        html = Markup(draw())
        if len(store) >= MAX_FRAGMENTS:
            store.clear()
        store[full_key] = html
    return html


@bp.app_template_global()
def fragment(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The body of the call block, drawn once per language, root and `key`."""
    return _kept((name, *key), caller)


@bp.app_template_global()
def catalogue_fragment(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The body of the call block, drawn once per catalogue version, language, root and `key`."""
    if not current_app.config["CARD_CACHE_SECONDS"]:
        return Markup(caller())
    return _kept((name, caching.catalogue_version(), *key), caller)

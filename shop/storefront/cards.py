"""Product cards drawn once and kept as HTML, per language, until their product changes.

Drawing a grid of cards cost more than the rest of a catalogue page: per card, the ORM rows of
its product, variants, photos and facility, then Babel for the price and the stock wording,
the product's address and the picture's srcset. A listing now reads only its rows
(`browse.Listed`, one query) and asks here for their cards: one `get_many` of the app cache
brings each card with the versions of its product and its facility's name
(`page_versions.product_key`, `facility_name_key`). Only the cards missing or drawn under an
older version are loaded (one query per collection for all of them) and drawn again.

Those versions are bumped after the commit of any flush that writes the product, a variant
(price, stock), a photo or the facility's own row (`shop.catalogue.page_changes`), so a card
never outlives what it shows. The key holds the language (prices, wording and addresses differ)
and whether the picture loads eagerly. Off (each card drawn for each page) when
CARD_CACHE_SECONDS is 0, as with one process's memory as cache and several workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, get_template_attribute
from markupsafe import Markup

from shop.catalogue import browse
from shop.core import page_versions
from shop.extensions import cache
from shop.formatting import current_locale_code
from shop.storefront import bp, caching


@dataclass(frozen=True)
class StoredCard:
    product_version: str
    facility_version: str
    html: str


def _card_key(locale: str, product_id: int, eager: bool) -> str:
    return f"card:{locale}:{int(eager)}:{product_id}"


@bp.app_template_global()
def product_cards(listed: Sequence[browse.Listed], eager_count: int = 0) -> list[Markup]:
    """The cards of `listed`, in its order; the first `eager_count` load their picture first.

    A product hidden since it was listed has no card (it is left out, not drawn from memory).
    """
    if not listed:
        return []
    eager = [n < eager_count for n in range(len(listed))]
    seconds: int = current_app.config["CARD_CACHE_SECONDS"]
    if not seconds:
        return _draw_all(listed, eager)
    locale = current_locale_code()
    product_keys = [page_versions.product_key(item.id) for item in listed]
    facility_keys = [page_versions.facility_name_key(item.facility_id) for item in listed]
    card_keys = [_card_key(locale, item.id, e) for item, e in zip(listed, eager, strict=True)]
    versions, stored = caching.get_with_versions(
        list(dict.fromkeys(product_keys + facility_keys)), card_keys
    )
    cards: list[Markup | None] = []
    missing: dict[int, int] = {}  # position -> product id
    for position, card in enumerate(stored):
        if (
            isinstance(card, StoredCard)
            and card.product_version == versions[product_keys[position]]
            and card.facility_version == versions[facility_keys[position]]
        ):
            cards.append(Markup(card.html))
        else:
            cards.append(None)
            missing[position] = listed[position].id
    if missing:
        drawn = _draw([(product_id, eager[p]) for p, product_id in missing.items()])
        fresh = {}
        for position, product_id in missing.items():
            html = drawn.get((product_id, eager[position]))
            cards[position] = html
            if html is not None:
                fresh[card_keys[position]] = StoredCard(
                    versions[product_keys[position]], versions[facility_keys[position]], html
                )
        cache.set_many(fresh, timeout=seconds)
    return [card for card in cards if card is not None]


def _draw_all(listed: Sequence[browse.Listed], eager: list[bool]) -> list[Markup]:
    drawn = _draw([(item.id, e) for item, e in zip(listed, eager, strict=True)])
    cards = (drawn.get((item.id, e)) for item, e in zip(listed, eager, strict=True))
    return [card for card in cards if card is not None]


def _draw(wanted: list[tuple[int, bool]]) -> dict[tuple[int, bool], Markup]:
    """{(product id, eager): card} for the public products among those wanted."""
    product_card = get_template_attribute("macros/products.html", "product_card")
    products = {p.id: p for p in browse.card_products([product_id for product_id, _ in wanted])}
    return {
        (product_id, flag): Markup(product_card(products[product_id], eager=flag))
        for product_id, flag in wanted
        if product_id in products
    }

"""Product cards drawn once and kept as HTML, per language, until their product changes.

Drawing a grid of cards cost more than the rest of a catalogue page: per card, the ORM rows of
its product, variants, photos and facility, then Babel for the price and the stock wording,
the product's address and the picture's srcset. A listing now reads only its rows
(`browse.Listed`) and asks here for their cards. Each card is kept with the versions of its
product and its facility's name (`page_versions.product_key`, `facility_name_key`) in two
places: the app cache, shared by the workers, and this worker's memory, which also notes the
catalogue's version the card was last checked under. Every change that bumps a card's versions
bumps the catalogue's too (`shop.catalogue.page_changes`), and after them
(`page_versions.bump`), so while the catalogue's version stays the one noted, a card in memory
is used as it is; otherwise one `get_many` of the app cache brings the versions of the cards
not yet checked and their stored HTML. Only the cards missing or drawn under an older version
are loaded (one query per collection for all of them) and drawn again.

Those versions are bumped after the commit of any flush that writes the product, a variant
(price, stock), a photo or the facility's own row, so a card never outlives what it shows; a
write behind the app's back (plain SQL) shows once the card is CARD_CACHE_SECONDS old. The key
holds the language (prices, wording and addresses differ) and whether the picture loads
eagerly. Off (each card drawn for each page) when CARD_CACHE_SECONDS is 0, as with one
process's memory as cache and several workers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, get_template_attribute, request
from markupsafe import Markup

from shop.catalogue import browse
from shop.core import page_versions
from shop.extensions import cache
from shop.formatting import current_locale_code
from shop.storefront import bp, caching
from shop.storefront.fragments import compact


@dataclass(frozen=True)
class StoredCard:
    product_version: str
    facility_version: str
    html: str


@dataclass(frozen=True)
class _KeptCard:
    """A card in this worker's memory, the catalogue version it was last checked under, and
    when it must be drawn again whatever the versions say."""

    catalogue_version: str
    versions: tuple[str, str]
    html: Markup
    expires: float


@dataclass(frozen=True)
class _Slot:
    """A card a listing asks for: where it goes, and what this worker holds of it."""

    position: int
    item: browse.Listed
    eager: bool
    memory_key: tuple[str, str, bool, int]
    kept: _KeptCard | None

    @property
    def shared_key(self) -> str:
        return f"card:{self.memory_key[0]}:{int(self.eager)}:{self.item.id}"


MAX_KEPT_CARDS = 8192
_kept_lock = threading.Lock()


def _kept() -> OrderedDict[tuple[str, str, bool, int], _KeptCard]:
    """This worker's cards, for this app."""
    kept: OrderedDict[tuple[str, str, bool, int], _KeptCard] = current_app.extensions.setdefault(
        "etalase_cards", OrderedDict()
    )
    return kept


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
    catalogue = caching.catalogue_version()
    now = time.monotonic()
    prefix = (current_locale_code(), request.script_root)
    keys = [(*prefix, e, item.id) for item, e in zip(listed, eager, strict=True)]
    memory = _kept()
    with _kept_lock:
        kept = [memory.get(key) for key in keys]
    cards: list[Markup | None] = [None] * len(listed)
    unchecked = []
    for position, card in enumerate(kept):
        if card is not None and card.catalogue_version == catalogue and card.expires > now:
            cards[position] = card.html
        else:
            slot = _Slot(position, listed[position], eager[position], keys[position], card)
            unchecked.append(slot)
    if unchecked:
        for position, html in _check_and_draw(unchecked, catalogue, now + seconds).items():
            cards[position] = html
    return [card for card in cards if card is not None]


def _check_and_draw(slots: list[_Slot], catalogue: str, expires: float) -> dict[int, Markup]:
    """{position: card} of `slots`: a card whose own versions are still current is taken from
    this worker's memory or the app cache, any other is drawn again; all are kept in both."""
    product_keys = [page_versions.product_key(slot.item.id) for slot in slots]
    facility_keys = [page_versions.facility_name_key(slot.item.facility_id) for slot in slots]
    versions, stored = caching.get_with_versions(
        list(dict.fromkeys(product_keys + facility_keys)), [slot.shared_key for slot in slots]
    )
    current = [
        (versions[product], versions[facility])
        for product, facility in zip(product_keys, facility_keys, strict=True)
    ]
    now = time.monotonic()
    cards: dict[int, Markup] = {}
    checked: dict[tuple[str, str, bool, int], _KeptCard] = {}
    to_draw: list[tuple[_Slot, tuple[str, str]]] = []
    for slot, shared, wanted in zip(slots, stored, current, strict=True):
        if slot.kept is not None and slot.kept.versions == wanted and slot.kept.expires > now:
            html, until = slot.kept.html, slot.kept.expires
        elif (
            isinstance(shared, StoredCard)
            and (
                shared.product_version,
                shared.facility_version,
            )
            == wanted
        ):
            html, until = Markup(shared.html), expires
        else:
            to_draw.append((slot, wanted))
            continue
        cards[slot.position] = html
        checked[slot.memory_key] = _KeptCard(catalogue, wanted, html, until)
    if to_draw:
        drawn = _draw([(slot.item.id, slot.eager) for slot, _wanted in to_draw])
        fresh = {}
        for slot, wanted in to_draw:
            html = drawn.get((slot.item.id, slot.eager))
            if html is not None:
                cards[slot.position] = html
                fresh[slot.shared_key] = StoredCard(*wanted, html)
                checked[slot.memory_key] = _KeptCard(catalogue, wanted, html, expires)
        cache.set_many(fresh, timeout=current_app.config["CARD_CACHE_SECONDS"])
    memory = _kept()
    with _kept_lock:
        memory.update(checked)
        for key in checked:
            memory.move_to_end(key)
        while len(memory) > MAX_KEPT_CARDS:
            memory.popitem(last=False)
    return cards


def _draw_all(listed: Sequence[browse.Listed], eager: list[bool]) -> list[Markup]:
    drawn = _draw([(item.id, e) for item, e in zip(listed, eager, strict=True)])
    cards = (drawn.get((item.id, e)) for item, e in zip(listed, eager, strict=True))
    return [card for card in cards if card is not None]


def _draw(wanted: list[tuple[int, bool]]) -> dict[tuple[int, bool], Markup]:
    """{(product id, eager): card} for the public products among those wanted."""
    product_card = get_template_attribute("macros/products.html", "product_card")
    products = {p.id: p for p in browse.card_products([product_id for product_id, _ in wanted])}
    return {
        (product_id, flag): compact(product_card(products[product_id], eager=flag))
        for product_id, flag in wanted
        if product_id in products
    }

"""Reading the catalogue's query parameters: anything invalid is dropped or corrected, with a note.

A catalogue URL is shared, bookmarked and typed by hand; a bad parameter must never cost the
visitor the page, so each one is checked here and explained in a message instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from slugify import slugify
from werkzeug.datastructures import MultiDict

from shop.catalogue.browse import PER_PAGE, CatalogueQuery, Sort, parse_cursor
from shop.core.numbers import parse_amount_idr, parse_int

MAX_PRICE_IDR = 999_999_999
MAX_PAGE = 10_000
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,159}$")
_CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")


@dataclass
class ParsedQuery:
    query: CatalogueQuery
    notes: list[str] = field(default_factory=list)
    # The parameters as they will be used again in links (only the valid ones).
    params: dict[str, str] = field(default_factory=dict)


def _price(raw: str | None, label: LazyString, notes: list[str]) -> int | None:
    """The price in `raw`; `label` is translated only for a note (most requests have none)."""
    if raw is None or raw.strip() == "":
        return None
    value = parse_amount_idr(raw.replace(",", ""), maximum=MAX_PRICE_IDR)
    if value is None:
        notes.append(str(_l("%(field)s tidak dikenali dan diabaikan.", field=str(label))))
    return value


def parse_catalogue_args(args: MultiDict[str, str]) -> ParsedQuery:
    notes: list[str] = []
    params: dict[str, str] = {}
    q = " ".join(args.get("q", "").split())[:200]
    if q:
        params["q"] = q
    slugs: dict[str, str] = {}
    for key in ("category", "facility"):
        value = args.get(key, "").strip().lower()
        if key == "facility" and value and not _SLUG.match(value):
            # The facility field is typed: its name ("Lapas Kelas IIA Tarakan") is its slug.
            value = slugify(value)[:160]
        if value and not _SLUG.match(value):
            notes.append(str(_l("Filter yang tidak dikenali diabaikan.")))
            value = ""
        slugs[key] = value
    kanwil = args.get("kanwil", "").strip().upper()
    if kanwil and not _CODE.match(kanwil):
        notes.append(str(_l("Filter yang tidak dikenali diabaikan.")))
        kanwil = ""
    min_price = _price(args.get("min_price"), _l("Harga terendah"), notes)
    max_price = _price(args.get("max_price"), _l("Harga tertinggi"), notes)
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
        notes.append(str(_l("Harga terendah lebih besar dari harga tertinggi; keduanya ditukar.")))
    sort_raw = args.get("sort", "").strip()
    sort = None
    if sort_raw:
        try:
            sort = Sort(sort_raw)
        except ValueError:
            notes.append(str(_l("Urutan tidak dikenali; produk diurutkan seperti biasa.")))
    page_raw = args.get("page", "1").strip()
    page = parse_int(page_raw, minimum=1, maximum=MAX_PAGE) or 1
    in_stock = args.get("in_stock", "") in {"1", "on", "true"}
    # A keyset link carries the sort key of the row before (`after`) or after (`before`) it.
    cursor = None
    if args.get("after"):
        cursor = parse_cursor(args["after"])
    elif args.get("before"):
        cursor = parse_cursor(args["before"], backwards=True)
    query = CatalogueQuery(
        q=q,
        category=slugs["category"],
        facility=slugs["facility"],
        kanwil=kanwil,
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock,
        sort=sort,
        page=page,
        per_page=PER_PAGE,
        cursor=cursor,
    )
    for key in ("category", "facility"):
        if slugs[key]:
            params[key] = slugs[key]
    if kanwil:
        params["kanwil"] = kanwil
    if min_price is not None:
        params["min_price"] = str(min_price)
    if max_price is not None:
        params["max_price"] = str(max_price)
    if in_stock:
        params["in_stock"] = "1"
    if sort is not None:
        params["sort"] = sort.value
    return ParsedQuery(query=query, notes=list(dict.fromkeys(notes)), params=params)

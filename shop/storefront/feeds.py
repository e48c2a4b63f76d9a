"""Product feeds for partners: Google Merchant Center (RSS 2.0) and Meta's catalogue (CSV).

Both are streamed (a batch of products at a time) and answer conditional requests: the ETag is
the catalogue's fingerprint, so a partner fetching every hour downloads the feed again only
after something it shows has changed. Shared caches may keep a copy for FEED_CACHE_SECONDS.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from xml.sax.saxutils import escape

from flask import Response, current_app, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue

from shop.catalogue import feeds
from shop.catalogue.feeds import FeedAvailability, FeedItem
from shop.core import clock, urls
from shop.core.storage import storage_from_config
from shop.storefront import bp

GOOGLE_NAMESPACE = "http://base.google.com/ns/1.0"
META_COLUMNS = (
    "id", "title", "description", "availability", "condition", "price", "link", "image_link",
    "brand", "item_group_id", "additional_image_link", "google_product_category",
    "shipping_weight",
)  # fmt: skip
META_AVAILABILITY = {
    FeedAvailability.IN_STOCK: "in stock",
    FeedAvailability.OUT_OF_STOCK: "out of stock",
    FeedAvailability.BACKORDER: "available for order",
}


@bp.get("/feeds/google-merchant.xml", localised=False)
def google_merchant_feed() -> ResponseReturnValue:
    return _feed("application/rss+xml", _google_lines)


@bp.get("/feeds/meta-catalog.csv", localised=False)
def meta_catalog_feed() -> ResponseReturnValue:
    return _feed("text/csv", _meta_lines)


def _feed(mimetype: str, lines: Callable[[Callable[[str], str]], Iterator[str]]) -> Response:
    etag = feeds.catalogue_fingerprint()
    seconds = current_app.config["FEED_CACHE_SECONDS"]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(stream_with_context(lines(_absolute_link())), mimetype=mimetype)
        if mimetype == "text/csv":
            response.headers["Content-Disposition"] = 'inline; filename="meta-catalog.csv"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={seconds}"
    return response


def _absolute_link() -> Callable[[str], str]:
    storage = storage_from_config(current_app.config)

    def link(path_or_key: str) -> str:
        """A site path, or a stored file's key, as an absolute URL."""
        if path_or_key.startswith("/"):
            return urls.absolute(path_or_key)
        url = storage.url(path_or_key)
        return url if url.startswith(("http://", "https://")) else urls.absolute(url)

    return link


def _product_path(item: FeedItem) -> str:
    return url_for("shop.product", slug=item.product_slug)


def _google_lines(link: Callable[[str], str]) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<rss version="2.0" xmlns:g="{GOOGLE_NAMESPACE}">\n<channel>\n'
    yield "<title>Etalase Karya Pemasyarakatan</title>\n"
    yield f"<link>{escape(link('/'))}</link>\n"
    yield (
        "<description>Produk karya warga binaan dari Lapas, Rutan, LPKA, LPP dan Bapas "
        "di seluruh Indonesia.</description>\n"
    )
    for item in feeds.feed_items(now=clock.now()):
        fields = [
            ("g:id", item.id),
            ("title", item.title),
            ("description", item.description),
            ("link", link(_product_path(item))),
            ("g:image_link", link(item.image_keys[0])),
            *(("g:additional_image_link", link(key)) for key in item.image_keys[1:]),
            ("g:availability", item.availability.value),
            ("g:price", f"{item.price_idr} IDR"),
            ("g:condition", "new"),
            ("g:brand", item.brand),
            ("g:item_group_id", item.group_id),
            ("g:identifier_exists", "no"),
            ("g:shipping_weight", f"{item.weight_grams} g"),
        ]
        if item.available_on is not None:
            fields.append(("g:availability_date", item.available_on.strftime("%Y-%m-%dT%H:%MZ")))
        if item.google_category:
            fields.append(("g:google_product_category", item.google_category))
        body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)
        yield f"<item>{body}</item>\n"
    yield "</channel>\n</rss>\n"


def _meta_lines(link: Callable[[str], str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(META_COLUMNS)
    yield flush()
    for item in feeds.feed_items(now=clock.now()):
        writer.writerow(
            (
                item.id,
                item.title,
                item.description,
                META_AVAILABILITY[item.availability],
                "new",
                f"{item.price_idr} IDR",
                link(_product_path(item)),
                link(item.image_keys[0]),
                item.brand,
                item.group_id,
                ",".join(link(key) for key in item.image_keys[1:]),
                item.google_category or "",
                f"{item.weight_grams} g",
            )
        )
        yield flush()

"""Partner feeds list exactly the public products with photos, in each format's own terms."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from shop.models import FacilityKind, ImageReviewState, ProductStatus
from tests.factories import (
    CategoryFactory,
    FacilityFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)

G = "{http://base.google.com/ns/1.0}"
# What each service requires of every item (Google Merchant Center, Meta commerce catalogue).
GOOGLE_REQUIRED = ("id", "title", "description", "link", "image_link", "availability", "price")
GOOGLE_AVAILABILITY = {"in_stock", "out_of_stock", "preorder", "backorder"}
META_REQUIRED = (
    "id", "title", "description", "availability", "condition", "price", "link", "image_link",
    "brand",
)  # fmt: skip
META_AVAILABILITY = {"in stock", "out of stock", "preorder", "available for order", "discontinued"}
PRICE = re.compile(r"^[1-9]\d* IDR$")


def _photo(product, **kwargs):
    return ProductImageFactory(
        product=product,
        renditions=[
            {"width": 640, "height": 480, "format": "jpeg", "key": f"img/{product.id}/640.jpg"},
            {"width": 1280, "height": 960, "format": "jpeg", "key": f"img/{product.id}/1280.jpg"},
        ],
        **kwargs,
    )


@pytest.fixture
def catalogue(db):
    parent = CategoryFactory(slug="furnitur", name="Furnitur", name_en="Furniture")
    chairs = CategoryFactory(
        slug="meja-kursi", name="Meja & Kursi", name_en="Tables", parent=parent
    )
    facility = FacilityFactory(name="Lapas Kelas I Semarang")
    chair = ProductFactory(facility=facility, category=chairs, name="Kursi Jati", variants=[])
    ProductVariantFactory(
        product=chair, sku="KRS-COKLAT", option_label="Coklat", price_idr=750_000, stock=4
    )
    ProductVariantFactory(
        product=chair, sku="KRS-NATURAL", option_label="Natural", price_idr=700_000, stock=0
    )
    _photo(chair)
    _photo(chair, position=1)
    table = ProductFactory(
        facility=facility,
        category=parent,
        name="Meja Ukir",
        made_to_order=True,
        lead_time_days=21,
        variants=[],
    )
    ProductVariantFactory(product=table, sku="MEJA-1", price_idr=2_500_000, stock=0)
    _photo(table)
    hidden = [
        ProductFactory(facility=facility, status=ProductStatus.DRAFT, published_at=None),
        ProductFactory(facility=FacilityFactory(is_active=False)),
        ProductFactory(facility=facility),  # no photo
    ]
    _photo(hidden[0])
    _photo(hidden[1])
    ProductImageFactory(product=hidden[2], review_state=ImageReviewState.PENDING)
    db.session.commit()
    return chair, table


def _google(client, **headers):
    response = client.get("/feeds/google-merchant.xml", headers=headers)
    return response, ET.fromstring(response.data) if response.status_code == 200 else None


def _google_items(root) -> dict[str, ET.Element]:
    return {item.findtext(f"{G}id"): item for item in root.iter("item")}


def _value(item: ET.Element, name: str) -> str | None:
    return (
        item.findtext(f"{G}{name}") if item.find(f"{G}{name}") is not None else item.findtext(name)
    )


def test_the_google_feed_lists_every_public_variant_with_what_merchant_center_requires(
    client, catalogue
) -> None:
    chair, _table = catalogue
    response, root = _google(client)
    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = _google_items(root)
    assert set(items) == {"KRS-COKLAT", "KRS-NATURAL", "MEJA-1"}
    for item in items.values():
        for field in GOOGLE_REQUIRED:
            assert _value(item, field), f"{field} missing"
        assert _value(item, "availability") in GOOGLE_AVAILABILITY
        assert PRICE.match(_value(item, "price"))
        assert _value(item, "condition") == "new"
        assert _value(item, "brand") == "Lapas Kelas I Semarang"
    coklat = items["KRS-COKLAT"]
    assert _value(coklat, "price") == "750000 IDR"
    assert _value(coklat, "availability") == "in_stock"
    assert _value(items["KRS-NATURAL"], "availability") == "out_of_stock"
    assert _value(coklat, "item_group_id") == _value(items["KRS-NATURAL"], "item_group_id")
    assert _value(coklat, "title") == "Kursi Jati - Coklat"
    assert _value(coklat, "link") == f"http://localhost/products/{chair.slug}"
    assert _value(coklat, "image_link").endswith("/1280.jpg")
    assert len(coklat.findall(f"{G}additional_image_link")) == 1
    assert _value(coklat, "google_product_category") == "Furniture > Tables"
    assert _value(coklat, "shipping_weight") == "5000 g"
    made = items["MEJA-1"]
    assert _value(made, "availability") == "backorder" and _value(made, "availability_date")
    assert _value(made, "google_product_category") == "Furniture"


def test_the_meta_csv_has_its_columns_and_the_same_items(client, catalogue) -> None:
    response = client.get("/feeds/meta-catalog.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert set(META_REQUIRED) <= set(rows[0])
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"KRS-COKLAT", "KRS-NATURAL", "MEJA-1"}
    for row in rows:
        assert all(row[field] for field in META_REQUIRED)
        assert row["availability"] in META_AVAILABILITY
        assert PRICE.match(row["price"])
    assert by_id["KRS-NATURAL"]["price"] == "700000 IDR"
    assert by_id["KRS-NATURAL"]["availability"] == "out of stock"
    assert by_id["MEJA-1"]["availability"] == "available for order"


def test_the_feeds_follow_changes_and_answer_304_while_nothing_changed(
    client, catalogue, db
) -> None:
    chair, _table = catalogue
    first, _root = _google(client)
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/feeds/google-merchant.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304
    chair.variants[0].price_idr = 800_000
    db.session.commit()
    changed, root = _google(client, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert _value(_google_items(root)["KRS-COKLAT"], "price") == "800000 IDR"
    chair.status = ProductStatus.ARCHIVED
    db.session.commit()
    _response, root = _google(client)
    assert set(_google_items(root)) == {"MEJA-1"}
    rows = list(
        csv.DictReader(io.StringIO(client.get("/feeds/meta-catalog.csv").get_data(as_text=True)))
    )
    assert [row["id"] for row in rows] == ["MEJA-1"]


def test_texts_with_markup_and_commas_stay_valid(client, db) -> None:
    product = ProductFactory(
        name='Tas "Noken" <Papua> & Co, asli',
        description='Baris satu,\nbaris dua; <b>tebal</b> & "kutip"',
        facility=FacilityFactory(kind=FacilityKind.LAPAS),
    )
    _photo(product)
    db.session.commit()
    _response, root = _google(client)
    item = next(iter(_google_items(root).values()))
    assert _value(item, "title") == 'Tas "Noken" <Papua> & Co, asli'
    rows = list(
        csv.DictReader(io.StringIO(client.get("/feeds/meta-catalog.csv").get_data(as_text=True)))
    )
    assert rows[0]["description"] == 'Baris satu,\nbaris dua; <b>tebal</b> & "kutip"'

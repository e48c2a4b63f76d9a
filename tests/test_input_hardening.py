"""Bad input gets a clear answer and changes nothing: Unicode digits, huge numbers, control
characters, CSV cells and ZIP entries that lie about their size."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from sqlalchemy import func, select

from shop.core.numbers import MAX_ID, parse_amount_idr, parse_id, parse_int
from shop.models import Product
from tests.admin.helpers import jpeg_bytes
from tests.factories import CategoryFactory, FacilityFactory, ProductFactory

HEADER = "name,category,weight_grams,sku,price_idr,photos\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("²", None), ("①", None), ("\u0661\u0662", None),
     ("\uff11\uff12", None), ("", None), ("-3", None), ("9" * 40, None), ("1e3", None),
     ("0x10", None), ("12\x00", None)],
)  # fmt: skip
def test_the_integer_parser_takes_ascii_digits_in_range(text, expected) -> None:
    assert parse_int(text) == expected


def test_ids_and_amounts_are_bounded() -> None:
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None
    assert parse_id("0") is None
    assert parse_amount_idr("Rp150.000") == 150_000
    assert parse_amount_idr("Rp①50.000") is None
    assert parse_amount_idr("99999999999999") is None


@pytest.mark.parametrize("page", ["²", "99999999999999999999", "\u0661", "-1", "1 2"])
def test_odd_page_numbers_show_the_first_page(client, db, page, login_as) -> None:
    assert client.get("/products", query_string={"page": page}).status_code == 200
    login_as("admin")
    assert client.get("/admin/products", query_string={"page": page}).status_code == 200
    assert client.get("/admin/audit", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("raw_id", ["9" * 40, str(MAX_ID + 1), "\u0663"])
def test_ids_in_urls_out_of_range_are_404_before_the_database(client, db, login_as, raw_id):
    login_as("admin")
    for path in (f"/admin/products/{raw_id}", f"/admin/reviews/{raw_id}",
                 f"/admin/users/{raw_id}/edit", f"/admin/pnbp/deposits/{raw_id}"):  # fmt: skip
        assert client.get(path).status_code == 404, path


def test_report_filters_with_unicode_digits_are_ignored_with_a_note(client, db, login_as):
    login_as("admin")
    for args in ({"facility": "①"}, {"facility": "9" * 30}, {"kanwil": "²"}):
        assert client.get("/admin/reports/entries", query_string=args).status_code == 200


def test_nul_in_a_product_name_is_refused_with_a_message(client, db, login_as) -> None:
    product = ProductFactory(name="Kursi Jati")
    login_as("staff", facility=product.facility)
    variant = product.variants[0]
    response = client.post(
        f"/admin/products/{product.id}/edit",
        data={"name": "Kursi\x00Jati", "category_id": product.category_id, "weight_grams": "500",
              "variants-0-variant_id": variant.id, "variants-0-sku": variant.sku,
              "variants-0-price_idr": "100000", "variants-0-stock": "1",
              "variants-0-low_stock_threshold": "1"},
    )  # fmt: skip
    assert response.status_code in (200, 422)
    assert "karakter kendali" in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.name == "Kursi Jati"


def test_control_characters_in_checkout_fields_are_refused(client, db) -> None:
    from tests.checkout.helpers import two_facilities

    shop = two_facilities()
    client.post("/cart/items", data={"variant_id": shop.coffee.id, "quantity": "1"})
    response = client.post(
        "/checkout",
        data={"action": "place", "name": "Siti\x07", "email": "siti@contoh.id",
              "phone": "081234567890", "address_line": "Jl. Merdeka\x00 10", "city": "Medan",
              "province": "Sumatera Utara", "quoted_total_idr": "①"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "karakter kendali" in response.get_data(as_text=True)


def _import(client, csv_text: bytes, zip_bytes: bytes | None = None):
    data = {"csv_file": (io.BytesIO(csv_text), "p.csv")}
    if zip_bytes is not None:
        data["photos_zip"] = (io.BytesIO(zip_bytes), "foto.zip")
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Product))


def test_the_import_refuses_nul_long_cells_and_huge_cells(client, db, login_as) -> None:
    facility = FacilityFactory()
    CategoryFactory(slug="mebel")
    login_as("staff", facility=facility)
    nul = HEADER + "Kursi\x00Jati,mebel,500,K-1,100000,\n"
    response = _import(client, nul.encode())
    assert response.status_code == 422
    assert "Baris 2: kolom name memuat karakter kendali" in response.get_data(as_text=True)
    long_cell = HEADER + "Kursi " + "x" * 6000 + ",mebel,500,K-1,100000,\n"
    response = _import(client, long_cell.encode())
    assert "kolom name lebih dari 5000 karakter" in response.get_data(as_text=True)
    huge = HEADER + '"Kursi ' + "x" * 140_000 + '",mebel,500,K-1,100000,\n'
    response = _import(client, huge.encode())
    assert response.status_code == 422
    assert "Baris 2: baris tidak terbaca" in response.get_data(as_text=True)
    unicode_price = HEADER + "Kursi,mebel,500,K-1,①00000,\n"
    assert "harga &#39;①00000&#39; bukan angka" in _import(client, unicode_price.encode()).get_data(
        as_text=True
    )
    assert _count(db) == 0


def _lying_zip(photo: bytes) -> bytes:
    """A ZIP whose headers say the photo has 10 bytes (it has thousands)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        handle.writestr("kursi.jpg", photo)
    data = bytearray(archive.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        data[start + offset : start + offset + 4] = struct.pack("<I", 10)  # uncompressed size
        data[start + offset - 4 : start + offset] = struct.pack("<I", 10)  # compressed size
    return bytes(data)


def test_a_zip_whose_sizes_lie_is_refused_cleanly(client, db, login_as) -> None:
    facility = FacilityFactory()
    CategoryFactory(slug="mebel")
    login_as("staff", facility=facility)
    csv_text = HEADER + "Kursi,mebel,500,K-1,100000,kursi.jpg\n"
    response = _import(client, csv_text.encode(), _lying_zip(jpeg_bytes((600, 400))))
    # The rows pass; the photos are read by the import's job, whose page lists the problem.
    assert response.status_code == 302
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "foto kursi.jpg di ZIP rusak atau terkunci" in body
    assert _count(db) == 0


@pytest.mark.parametrize("path", ["/products", "/admin/audit", "/admin/products"])
def test_control_characters_in_a_query_are_a_bad_request(client, db, login_as, path) -> None:
    login_as("admin")
    for args in ({"q": "kursi\x00"}, {"actor": "\x1b[31m"}, {"x\x00": "1"}):
        assert client.get(path, query_string=args).status_code == 400
    assert client.get(path, query_string={"q": "kursi\tjati"}).status_code == 200

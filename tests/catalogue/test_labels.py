"""Labels carry a QR code that opens the product's provenance page; scans are counted."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import func, select

from shop.catalogue import labels
from shop.catalogue.label_sheets import Layout
from shop.models import LabelScan, ProductStatus, VariantLabel
from tests.factories import (
    FacilityFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    WorkshopFactory,
)


def _decoded(pdf: bytes) -> list[list[str]]:
    """The QR payloads found on each page, read back from the rendered PDF."""
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    pages = []
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        pages.append(sorted(result.text for result in zxingcpp.read_barcodes(image)))
    return pages


@pytest.fixture
def chair(db):
    facility = FacilityFactory(name="Lapas Kelas I Semarang")
    workshop = WorkshopFactory(facility=facility, name="Bengkel Kayu")
    product = ProductFactory(
        facility=facility, workshop_id=workshop.id, name="Kursi Jati", variants=[]
    )
    ProductVariantFactory(
        product=product, sku="SMG-KRS-01", option_label="Coklat", price_idr=750_000
    )
    ProductVariantFactory(
        product=product, sku="SMG-KRS-02", option_label="Natural", price_idr=700_000
    )
    ProductImageFactory(product=product)
    db.session.commit()
    return product


def test_an_a4_sheet_carries_a_qr_per_variant_that_decodes_to_its_provenance_url(
    client, login_as, chair, db
) -> None:
    login_as("staff", facility=chair.facility)
    response = client.get(f"/admin/products/{chair.id}/labels.pdf?layout=a4")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    codes = {label.variant_id: label.code for label in db.session.scalars(select(VariantLabel))}
    expected = sorted(f"http://localhost/v/{codes[v.id]}" for v in chair.variants)
    assert _decoded(response.data) == [expected]
    text = "".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(response.data)
    )
    for shown in (
        "Kursi Jati",
        "Coklat",
        "Rp750.000",
        "Rp700.000",
        "SMG-KRS-01",
        "Bengkel Kayu",
        "Lapas Kelas I Semarang",
    ):
        assert shown in text


def test_codes_are_stable_short_and_not_sequential(client, login_as, chair, db) -> None:
    login_as("staff", facility=chair.facility)
    first = client.get(f"/admin/products/{chair.id}/labels.pdf")
    second = client.get(f"/admin/products/{chair.id}/labels.pdf?layout=thermal")
    assert _decoded(first.data)[0] == sorted(
        code for page in _decoded(second.data) for code in page
    )
    codes = list(db.session.scalars(select(VariantLabel.code)))
    assert len(codes) == 2 and all(len(code) == 10 for code in codes)
    assert codes[0][:6] != codes[1][:6]


def test_one_variant_in_thermal_layout_makes_one_page_per_copy(client, login_as, chair) -> None:
    login_as("staff", facility=chair.facility)
    variant = chair.variants[1]
    response = client.get(
        f"/admin/products/{chair.id}/labels.pdf?variant={variant.id}&layout=thermal&copies=3"
    )
    pages = _decoded(response.data)
    assert len(pages) == 3 and len({page[0] for page in pages}) == 1


@pytest.mark.parametrize(
    "query", ["layout=roll", "copies=0", "copies=9999", "variant=abc", "variant=999999"]
)
def test_bad_parameters_say_why_and_print_nothing(client, login_as, chair, db, query) -> None:
    login_as("staff", facility=chair.facility)
    response = client.get(f"/admin/products/{chair.id}/labels.pdf?{query}", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert db.session.scalar(select(func.count()).select_from(VariantLabel)) == 0


def test_the_batch_form_prints_a_whole_facility(client, login_as, chair, db) -> None:
    other = ProductFactory(facility=chair.facility, name="Meja Jati")
    db.session.commit()
    login_as("staff", facility=chair.facility)
    page = client.get("/admin/labels")
    assert "Meja Jati" in page.get_data(as_text=True)
    response = client.post(
        "/admin/labels",
        data={"facility": chair.facility_id, "layout": Layout.A4.value, "copies": "2"},
    )
    assert response.mimetype == "application/pdf"
    assert len(_decoded(response.data)[0]) == 2 * (len(chair.variants) + len(other.variants))
    picked = client.post(
        "/admin/labels",
        data={
            "facility": chair.facility_id,
            "products": [other.id],
            "layout": "thermal",
            "copies": "1",
        },
    )
    assert len(_decoded(picked.data)) == len(other.variants)


def test_the_provenance_page_names_maker_and_links_to_buy(client, chair, db) -> None:
    code = labels.codes_for(list(chair.variants))[chair.variants[0].id]
    db.session.commit()
    response = client.get(f"/v/{code.lower()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Label asli" in page and "Bengkel Kayu" in page and "Lapas Kelas I Semarang" in page
    assert "Rp750.000" in page and f'href="/products/{chair.slug}"' in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_product_not_on_sale_shows_its_maker_but_no_unreviewed_text(client, db) -> None:
    product = ProductFactory(
        status=ProductStatus.DRAFT, published_at=None, name="Nama Belum Diperiksa"
    )
    code = labels.codes_for(list(product.variants))[product.variants[0].id]
    db.session.commit()
    page = client.get(f"/v/{code}").get_data(as_text=True)
    assert product.facility.name in page
    assert "Nama Belum Diperiksa" not in page
    assert "tidak dijual daring" in page


def test_an_unknown_code_says_the_label_is_not_recognised(client) -> None:
    for code in ("ZZZZZZZZZZ", "not-a-code!", "x" * 200):
        response = client.get(f"/v/{code}")
        assert response.status_code == 404
        assert "Label tidak dikenali" in response.get_data(as_text=True)


def test_scans_are_counted_per_product_and_shown_to_staff(client, login_as, chair, db) -> None:
    codes = labels.codes_for(list(chair.variants))
    db.session.commit()
    for code in [*codes.values(), codes[chair.variants[0].id]]:
        client.get(f"/v/{code}")
    assert db.session.scalar(select(func.sum(LabelScan.scans))) == 3
    assert db.session.scalar(select(func.count()).select_from(LabelScan)) == 1
    login_as("staff", facility=chair.facility)
    listing = client.get("/admin/labels/scans").get_data(as_text=True)
    assert "Kursi Jati" in listing and "<td>3</td>" in listing
    detail = client.get(f"/admin/products/{chair.id}").get_data(as_text=True)
    assert "dipindai 3 kali" in detail


def test_staff_of_another_facility_cannot_print_or_see_scans(client, login_as, chair, db) -> None:
    codes = labels.codes_for(list(chair.variants))
    db.session.commit()
    client.get(f"/v/{next(iter(codes.values()))}")
    login_as("staff", facility=FacilityFactory())
    assert client.get(f"/admin/products/{chair.id}/labels.pdf").status_code == 404
    assert "Kursi Jati" not in client.get("/admin/labels/scans").get_data(as_text=True)

"""Uploads: photos too small to show are refused with their size; PDF proofs that could act
when opened (JavaScript, automatic actions, launches, attachments) are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import func, select

from shop.catalogue import images
from shop.core.pdf_safety import UnsafePdf, check_pdf
from shop.finance import pnbp
from shop.models import PnbpDeposit
from tests import pnbp_helpers
from tests.admin.helpers import jpeg_bytes
from tests.factories import FacilityFactory, ProductFactory


@pytest.mark.parametrize("size", [(1, 1), (299, 1000), (1000, 299)])
def test_a_photo_under_300_px_on_its_short_side_is_refused(size) -> None:
    with pytest.raises(images.ImageRejected, match="Sisi terpendeknya minimal 300 piksel"):
        images.prepare_image(jpeg_bytes(size), max_bytes=10_000_000)


def test_a_photo_of_300_px_is_taken() -> None:
    prepared = images.prepare_image(jpeg_bytes((300, 400)), max_bytes=10_000_000)
    assert (prepared.width, prepared.height) == (300, 400)


def test_the_upload_form_says_why_a_tiny_photo_is_refused(client, db, login_as) -> None:
    product = ProductFactory()
    login_as("staff", facility=product.facility)
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    response = client.post(
        f"/admin/products/{product.id}/photos",
        data={"photos": (io.BytesIO(buffer.getvalue()), "titik.png"), "alt_text": "Kursi"},
        content_type="multipart/form-data",
    )
    assert "Foto terlalu kecil (1 x 1 piksel)" in response.get_data(as_text=True)
    assert len(product.images) == 0


def _pdf(change=None) -> bytes:  # type: ignore[no-untyped-def]
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _open_action(action: str):  # type: ignore[no-untyped-def]
    def change(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject(action), NameObject("/F"): TextStringObject("x.exe")}
        )

    return change


def _page_action(writer: PdfWriter) -> None:
    """A launch hidden in a page's additional actions, not in the catalogue."""
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/Launch")})}
    )


def _javascript(writer: PdfWriter) -> None:
    names = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): TextStringObject("")})}
    )
    writer._root_object[NameObject("/Names")] = names


UNSAFE = {
    "JavaScript in the names tree": _javascript,
    "an OpenAction": _open_action("/GoTo"),
    "a launch action": _open_action("/Launch"),
    "a page's additional action": _page_action,
    "an embedded file": lambda writer: writer.add_attachment("lampiran.exe", b"MZ"),
}


@pytest.mark.parametrize("change", UNSAFE.values(), ids=UNSAFE.keys())
def test_active_pdfs_are_refused(change) -> None:
    with pytest.raises(UnsafePdf):
        check_pdf(_pdf(change))


def test_a_plain_pdf_passes() -> None:
    check_pdf(_pdf())
    check_pdf(pnbp_helpers.pdf_bytes())


def test_a_deposit_with_a_launching_pdf_is_refused_and_nothing_is_written(app, db) -> None:
    facility = FacilityFactory()
    with pytest.raises(pnbp.InvalidDeposit) as refused:
        pnbp_helpers.record(facility, proof=_pdf(_open_action("/Launch")))
    assert "aksi otomatis" in str(refused.value.errors["proof"])
    assert pnbp_helpers.stored_files() == []
    assert db.session.scalar(select(func.count()).select_from(PnbpDeposit)) == 0

"""Photos and review: nothing reaches the public before a reviewer approves it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from shop.models import AuditEvent, FacilityKind, ImageReviewState, ProductImage, ProductStatus
from tests.admin.helpers import decide, jpeg_bytes, png_bytes
from tests.factories import (
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    ProductImageFactory,
)

CHECKLIST = {
    "no_faces": "y", "no_names": "y", "no_identifying_details": "y", "photos_where_allowed": "y"
}  # fmt: skip


def _files_in(upload_dir: str) -> list[Path]:
    root = Path(upload_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(client, product_id, *files, alt="Kursi jati tampak depan"):
    return client.post(
        f"/admin/products/{product_id}/photos",
        data={"alt_text": alt, "photos": [(io.BytesIO(data), name) for name, data in files]},
        content_type="multipart/form-data",
    )


def test_several_photos_upload_at_once_and_stay_pending(app, client, db, login_as) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    login_as("staff", facility=product.facility)
    response = _upload(client, product.id, ("a.jpg", jpeg_bytes()), ("b.png", png_bytes()))
    assert response.status_code == 302
    images = db.session.scalars(select(ProductImage).order_by(ProductImage.position)).all()
    assert len(images) == 2
    assert {i.review_state for i in images} == {ImageReviewState.PENDING}
    assert all(i.alt_text == "Kursi jati tampak depan" for i in images)
    assert _files_in(app.config["UPLOAD_DIR"])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kosong.jpg", b"", "kosong"),
        ("catatan.jpg", b"hanya teks, bukan foto\n", "bukan foto"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "bukan foto"),
    ],
)
def test_a_bad_file_is_refused_in_the_form_and_nothing_is_stored(
    app, client, db, login_as, name, data, message
) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    login_as("staff", facility=product.facility)
    # A good photo in the same batch is not kept either.
    response = _upload(client, product.id, ("baik.jpg", jpeg_bytes()), (name, data))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert name in page and message in page
    assert db.session.scalar(select(ProductImage)) is None
    assert _files_in(app.config["UPLOAD_DIR"]) == []


def test_alt_text_is_required(client, db, login_as) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    login_as("staff", facility=product.facility)
    response = _upload(client, product.id, ("a.jpg", jpeg_bytes()), alt="")
    assert response.status_code == 422
    assert "Teks alternatif wajib diisi" in response.get_data(as_text=True)
    assert db.session.scalar(select(ProductImage)) is None


def test_photos_reorder_and_delete(app, client, db, login_as) -> None:
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    login_as("staff", facility=product.facility)
    _upload(client, product.id, ("a.jpg", jpeg_bytes(color=(1, 2, 3))))
    _upload(client, product.id, ("b.jpg", jpeg_bytes(color=(200, 2, 3))))
    first, second = db.session.scalars(select(ProductImage).order_by(ProductImage.position))
    client.post(f"/admin/photos/{second.id}/move/up")
    db.session.expire_all()
    ordered = [
        i.id for i in db.session.scalars(select(ProductImage).order_by(ProductImage.position))
    ]
    assert ordered == [second.id, first.id]
    client.post(f"/admin/photos/{first.id}/delete")
    assert db.session.scalar(select(ProductImage.id).where(ProductImage.id == first.id)) is None
    client.post(f"/admin/photos/{second.id}/alt", data={"alt_text": "Tampak samping"})
    db.session.expire_all()
    assert db.session.get(ProductImage, second.id).alt_text == "Tampak samping"


def _draft_with_photo(facility):
    product = ProductFactory(
        facility=facility, name="Tas Anyaman Kupang", status=ProductStatus.DRAFT, published_at=None
    )
    ProductImageFactory(product=product, review_state=ImageReviewState.PENDING)
    return product


def test_submit_needs_the_whole_privacy_checklist(client, db, login_as) -> None:
    product = _draft_with_photo(FacilityFactory())
    login_as("staff", facility=product.facility)
    client.post(f"/admin/products/{product.id}/submit", data={"no_faces": "y"})
    db.session.refresh(product)
    assert product.status is ProductStatus.DRAFT
    client.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    db.session.refresh(product)
    assert product.status is ProductStatus.PENDING_REVIEW
    assert product.submitted_at is not None


def test_an_lpka_product_needs_the_no_people_tick(client, db, login_as) -> None:
    lpka = FacilityFactory(kind=FacilityKind.LPKA, facility_class="II", name="LPKA Kelas II Uji")
    product = _draft_with_photo(lpka)
    login_as("staff", facility=lpka)
    response = client.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    assert "UU 11/2012" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(product)
    assert product.status is ProductStatus.DRAFT
    client.post(f"/admin/products/{product.id}/submit", data={**CHECKLIST, "no_people": "y"})
    db.session.refresh(product)
    assert product.status is ProductStatus.PENDING_REVIEW


def test_the_regional_reviewer_approves_and_the_product_goes_public(
    app, client, db, login_as
) -> None:
    region = KanwilFactory()
    product = _draft_with_photo(FacilityFactory(kanwil=region))
    staff_client, other_client = app.test_client(), app.test_client()
    login_as("staff", facility=product.facility, client=staff_client)
    staff_client.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    assert "Tas Anyaman Kupang" not in client.get("/").get_data(as_text=True)

    login_as("kanwil", kanwil=KanwilFactory(), client=other_client)
    assert "Tas Anyaman" not in other_client.get("/admin/reviews").get_data(as_text=True)
    assert other_client.post(f"/admin/reviews/{product.id}/decide").status_code == 404

    login_as("kanwil", kanwil=region)
    assert "Tas Anyaman Kupang" in client.get("/admin/reviews").get_data(as_text=True)
    assert decide(client, product.id).status_code == 302
    db.session.refresh(product)
    assert product.status is ProductStatus.PUBLISHED
    assert product.published_at is not None
    assert product.images[0].review_state is ImageReviewState.APPROVED
    assert "Tas Anyaman Kupang" in client.get("/").get_data(as_text=True)


def test_a_rejection_goes_back_to_the_staff_with_its_reason(app, client, db, login_as) -> None:
    product = _draft_with_photo(FacilityFactory())
    staff_client = app.test_client()
    login_as("staff", facility=product.facility, client=staff_client)
    staff_client.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    login_as("central")
    response = decide(client, product.id, text="reject")
    assert response.status_code == 422
    assert "alasan penolakan teks" in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.status is ProductStatus.PENDING_REVIEW
    decide(client, product.id, text="reject", text_reason="Deskripsi menyebut nama warga binaan.")
    db.session.refresh(product)
    assert product.status is ProductStatus.DRAFT
    page = staff_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "Deskripsi menyebut nama warga binaan." in page


def test_a_new_photo_of_a_published_product_waits_while_the_product_stays_on_sale(
    app, client, db, login_as
) -> None:
    product = ProductFactory(name="Sandal Kulit Mojokerto")
    ProductImageFactory(product=product)
    login_as("staff", facility=product.facility)
    _upload(client, product.id, ("baru.jpg", jpeg_bytes()))
    db.session.refresh(product)
    assert product.status is ProductStatus.PUBLISHED
    assert len(product.approved_images) == 1 and len(product.pending_images) == 1
    assert "Sandal Kulit Mojokerto" in client.get("/").get_data(as_text=True)
    client.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    reviewer = app.test_client()
    login_as("kanwil", kanwil=product.facility.kanwil, client=reviewer)
    assert "Sandal Kulit Mojokerto" in reviewer.get("/admin/reviews").get_data(as_text=True)
    decide(reviewer, product.id)
    db.session.expire_all()
    assert len(product.approved_images) == 2
    assert product.status is ProductStatus.PUBLISHED


def test_central_can_exempt_a_trusted_facility_from_review(app, client, db, login_as) -> None:
    product = _draft_with_photo(FacilityFactory())
    login_as("central")
    client.post(f"/admin/review-settings/{product.facility_id}/on")
    db.session.refresh(product.facility)
    assert product.facility.review_exempt is True
    staff = app.test_client()
    login_as("staff", facility=product.facility, client=staff)
    staff.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    db.session.refresh(product)
    assert product.status is ProductStatus.PUBLISHED
    assert product.images[0].review_state is ImageReviewState.APPROVED
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"facility.review_exempt", "product.submit", "product.approve"} <= actions

"""A decision covers exactly what the reviewer saw; unreviewed photos are never public."""

from __future__ import annotations

import io

from sqlalchemy import select

from shop.core.storage import private_key, storage_from_config
from shop.models import (
    AuditEvent,
    FacilityKind,
    ImageReviewState,
    ProductImage,
    ProductStatus,
    TextRevisionState,
)
from tests.admin.helpers import decide, jpeg_bytes, review_form
from tests.factories import FacilityFactory, ProductFactory

CHECKLIST = {
    "no_faces": "y", "no_names": "y", "no_identifying_details": "y", "photos_where_allowed": "y"
}  # fmt: skip


def _upload(client, product_id, color, alt="Tas anyaman tampak depan", size=(800, 600)):
    response = client.post(
        f"/admin/products/{product_id}/photos",
        data={"alt_text": alt, "photos": [(io.BytesIO(jpeg_bytes(size, color)), "foto.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _images(db, product) -> list[ProductImage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ProductImage)
            .where(ProductImage.product_id == product.id)
            .order_by(ProductImage.id)
        )
    )


def _public_urls(image: ProductImage) -> list[str]:
    return [f"/media/{r['key']}" for r in image.renditions]


def _draft(facility=None, name="Tas Anyaman Kupang"):
    return ProductFactory(
        facility=facility or FacilityFactory(), name=name, status=ProductStatus.DRAFT,
        published_at=None,
    )  # fmt: skip


def _submitted_draft(app, login_as, *colors, facility=None):
    """A draft with one uploaded photo per colour, submitted by its staff; returns the staff
    client too."""
    product = _draft(facility)
    staff = app.test_client()
    login_as("staff", facility=product.facility, client=staff)
    for color in colors:
        _upload(staff, product.id, color)
    staff.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    return product, staff


def test_a_photo_arriving_after_the_screen_opened_stays_pending_and_unpublished(
    app, client, db, login_as
) -> None:
    product, staff = _submitted_draft(app, login_as, (10, 20, 30))
    login_as("kanwil", kanwil=product.facility.kanwil)
    opened = review_form(client, product.id)
    assert len(opened["shown_photo"]) == 1
    # Meanwhile the staff add a second photo and submit it.
    _upload(staff, product.id, (200, 30, 30))
    staff.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)

    response = decide(client, product.id, opened)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 foto baru masuk setelah Anda membuka halaman ini" in page
    first, second = _images(db, product)
    assert first.review_state is ImageReviewState.APPROVED
    assert second.review_state is ImageReviewState.PENDING
    db.session.refresh(product)
    assert product.status is ProductStatus.PUBLISHED
    anonymous = app.test_client()
    assert all(anonymous.get(url).status_code == 200 for url in _public_urls(first))
    assert all(anonymous.get(url).status_code == 404 for url in _public_urls(second))
    product_page = anonymous.get(f"/products/{product.slug}").get_data(as_text=True)
    assert first.renditions[0]["key"] in product_page
    assert not any(r["key"] in product_page for r in second.renditions)
    # The new photo is still in the queue, on a screen of its own.
    assert len(review_form(client, product.id)["shown_photo"]) == 1
    assert "Tas Anyaman Kupang" in client.get("/admin/reviews").get_data(as_text=True)


def test_a_stale_list_publishes_nothing_unseen(app, client, db, login_as) -> None:
    product, staff = _submitted_draft(app, login_as, (10, 20, 30))
    login_as("central")
    opened = review_form(client, product.id)
    (image,) = _images(db, product)
    # The photo's alt text changes after the screen was opened: it is not what was seen.
    staff.post(f"/admin/photos/{image.id}/alt", data={"alt_text": "Nama pembuat: Budi"})
    response = decide(client, product.id, opened)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 foto berubah setelah Anda membuka halaman ini" in page
    (image,) = _images(db, product)
    assert image.review_state is ImageReviewState.PENDING
    db.session.refresh(product)
    assert product.status is ProductStatus.PENDING_REVIEW
    # Forged tokens for photos that are not shown decide nothing either.
    forged = {"shown_photo": [f"{image.id}:0000"], "shown_text": []}
    response = decide(client, product.id, forged)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Semua yang Anda lihat sudah berubah" in page
    assert _images(db, product)[0].review_state is ImageReviewState.PENDING


def test_each_photo_is_decided_and_a_rejected_one_is_gone_from_the_public_store(
    app, client, db, login_as
) -> None:
    product, staff = _submitted_draft(app, login_as, (10, 20, 30), (220, 200, 10))
    login_as("kanwil", kanwil=product.facility.kanwil)
    first, second = _images(db, product)
    response = decide(client, product.id, photos={second.id: "reject:Ada wajah di pantulan kaca."})
    assert response.status_code == 302
    first, second = _images(db, product)
    assert first.review_state is ImageReviewState.APPROVED
    assert second.review_state is ImageReviewState.REJECTED
    assert second.rejection_reason == "Ada wajah di pantulan kaca."
    storage = storage_from_config(app.config)
    anonymous = app.test_client()
    for rendition in second.renditions:
        assert not storage.exists(rendition["key"])
        assert anonymous.get(f"/media/{rendition['key']}").status_code == 404
        assert anonymous.get(f"/media/{private_key(rendition['key'])}").status_code == 404
    assert all(storage.exists(r["key"]) for r in first.renditions)
    # The staff see the reason under the photo, and can still look at it in the back office.
    page = staff.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "Ada wajah di pantulan kaca." in page
    private = staff.get(f"/admin/photos/{second.id}/file?w=320")
    assert private.status_code == 200 and private.mimetype == "image/jpeg"
    assert private.headers["Cache-Control"] == "private, no-store"
    assert anonymous.get(f"/admin/photos/{second.id}/file").status_code == 302
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "product.review" in actions


def test_approving_needs_the_checklist_of_each_photo_and_a_rejection_a_reason(
    app, client, db, login_as
) -> None:
    product, _staff = _submitted_draft(app, login_as, (10, 20, 30), (220, 200, 10))
    login_as("central")
    first, second = _images(db, product)
    response = decide(client, product.id, checklist=("no_faces",))
    assert response.status_code == 422
    assert "Centang daftar periksa privasi foto 1" in response.get_data(as_text=True)
    response = decide(client, product.id, photos={second.id: "reject"})
    assert response.status_code == 422
    assert "alasan penolakan foto 2" in response.get_data(as_text=True)
    # Nothing changed, and nothing became public.
    assert {i.review_state for i in _images(db, product)} == {ImageReviewState.PENDING}
    storage = storage_from_config(app.config)
    assert not any(storage.exists(r["key"]) for i in (first, second) for r in i.renditions)
    db.session.refresh(product)
    assert product.status is ProductStatus.PENDING_REVIEW


def test_pending_photos_are_stored_privately_and_never_served_publicly(
    app, client, db, login_as
) -> None:
    product = _draft()
    login_as("staff", facility=product.facility)
    _upload(client, product.id, (40, 50, 60))
    (image,) = _images(db, product)
    storage = storage_from_config(app.config)
    anonymous = app.test_client()
    for rendition in image.renditions:
        assert storage.exists(private_key(rendition["key"]))
        assert not storage.exists(rendition["key"])
        assert anonymous.get(f"/media/{rendition['key']}").status_code == 404
    page = client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "/media/" not in page
    assert f"/admin/photos/{image.id}/file" in page


def test_an_lpka_reviewer_confirms_that_no_person_appears(app, client, db, login_as) -> None:
    lpka = FacilityFactory(kind=FacilityKind.LPKA, facility_class="II", name="LPKA Kelas II Uji")
    product = _draft(lpka)
    staff = app.test_client()
    login_as("staff", facility=lpka, client=staff)
    _upload(staff, product.id, (10, 90, 30))
    staff.post(f"/admin/products/{product.id}/submit", data={**CHECKLIST, "no_people": "y"})
    login_as("central")
    page = client.get(f"/admin/reviews/{product.id}").get_data(as_text=True)
    assert "Tidak ada orang sama sekali" in page and 'value="no_people"' in page
    # The general "no faces" tick is not enough for a child's facility.
    assert decide(client, product.id).status_code == 422
    response = decide(
        client, product.id, checklist=("no_people", "no_names", "no_identifying_details")
    )
    assert response.status_code == 302
    assert _images(db, product)[0].review_state is ImageReviewState.APPROVED


def test_the_screen_shows_each_photo_whole_with_its_pixel_size(app, client, db, login_as) -> None:
    product = _draft()
    staff = app.test_client()
    login_as("staff", facility=product.facility, client=staff)
    _upload(staff, product.id, (10, 90, 30), size=(600, 1000))
    staff.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
    login_as("kanwil", kanwil=product.facility.kanwil)
    (image,) = _images(db, product)
    page = client.get(f"/admin/reviews/{product.id}").get_data(as_text=True)
    assert "600 \u00d7 1000 piksel" in page
    assert 'width="600" height="1000"' in page
    full = client.get(f"/admin/photos/{image.id}/full").get_data(as_text=True)
    assert f"/admin/photos/{image.id}/file?full=1" in full
    master = client.get(f"/admin/photos/{image.id}/file?full=1")
    assert master.status_code == 200 and master.headers["Cache-Control"] == "private, no-store"


def test_editing_a_published_products_text_waits_for_review(app, client, db, login_as) -> None:
    product, staff = _submitted_draft(app, login_as, (10, 20, 30))
    login_as("kanwil", kanwil=product.facility.kanwil)
    decide(client, product.id)
    (image,) = _images(db, product)
    variant = product.variants[0]
    staff.post(
        f"/admin/products/{product.id}/edit",
        data={
            "name": "Tas Anyaman Lontar", "category_id": product.category_id, "workshop_id": 0,
            "description": "Dianyam oleh Pak Budi, blok C.", "weight_grams": product.weight_grams,
            "variants-0-variant_id": variant.id, "variants-0-sku": variant.sku,
            "variants-0-price_idr": variant.price_idr, "variants-0-low_stock_threshold": 2,
            "save": "1",
        },
    )  # fmt: skip
    staff.post(f"/admin/photos/{image.id}/alt", data={"alt_text": "Tas lontar tampak samping"})
    anonymous = app.test_client()
    public = anonymous.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Tas Anyaman Kupang" in public and "Pak Budi" not in public
    assert "Tas lontar tampak samping" not in public
    # The staff's form goes on from the text that waits.
    edit = staff.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
    assert "Tas Anyaman Lontar" in edit

    page = client.get(f"/admin/reviews/{product.id}").get_data(as_text=True)
    assert "<del>Tas Anyaman Kupang</del>" in page and "<ins>Tas Anyaman Lontar</ins>" in page
    assert "<ins>Tas lontar tampak samping</ins>" in page
    decide(client, product.id, text="reject", text_reason="Deskripsi menyebut nama warga binaan.")
    db.session.refresh(product)
    assert product.name == "Tas Anyaman Kupang"
    assert "Deskripsi menyebut nama warga binaan." in staff.get(
        f"/admin/products/{product.id}"
    ).get_data(as_text=True)

    staff.post(
        f"/admin/products/{product.id}/edit",
        data={
            "name": "Tas Anyaman Lontar", "category_id": product.category_id, "workshop_id": 0,
            "description": "Dianyam di bengkel kriya.", "weight_grams": product.weight_grams,
            "variants-0-variant_id": variant.id, "variants-0-sku": variant.sku,
            "variants-0-price_idr": variant.price_idr, "variants-0-low_stock_threshold": 2,
            "save": "1",
        },
    )  # fmt: skip
    decide(client, product.id)
    db.session.refresh(product)
    assert product.name == "Tas Anyaman Lontar"
    assert product.description == "Dianyam di bengkel kriya."
    assert product.status is ProductStatus.PUBLISHED
    assert "Tas Anyaman Lontar" in anonymous.get(f"/products/{product.slug}").get_data(as_text=True)


def test_text_changed_after_the_screen_opened_is_not_approved(app, client, db, login_as) -> None:
    product, staff = _submitted_draft(app, login_as, (10, 20, 30))
    login_as("central")
    decide(client, product.id)
    _edit_name(staff, product, "Tas Anyaman Baru")
    opened = review_form(client, product.id)
    _edit_name(staff, product, "Tas Anyaman Nama Lain")
    response = decide(client, product.id, opened)
    assert "Teks produk berubah setelah Anda membuka halaman ini" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    db.session.refresh(product)
    assert product.name == "Tas Anyaman Kupang"
    assert product.pending_revision.name == "Tas Anyaman Nama Lain"
    assert product.pending_revision.state is TextRevisionState.PENDING


def _edit_name(staff, product, name: str) -> None:
    variant = product.variants[0]
    response = staff.post(
        f"/admin/products/{product.id}/edit",
        data={
            "name": name, "category_id": product.category_id, "workshop_id": 0,
            "description": product.description, "weight_grams": product.weight_grams,
            "variants-0-variant_id": variant.id, "variants-0-sku": variant.sku,
            "variants-0-price_idr": variant.price_idr, "variants-0-low_stock_threshold": 2,
            "save": "1",
        },
    )  # fmt: skip
    assert response.status_code == 302


def test_an_exempt_facility_changes_its_text_directly(app, client, db, login_as) -> None:
    facility = FacilityFactory(review_exempt=True)
    product = ProductFactory(facility=facility, name="Kursi Jati")
    login_as("staff", facility=facility)
    _edit_name(client, product, "Kursi Jati Ukir")
    db.session.refresh(product)
    assert product.name == "Kursi Jati Ukir"
    assert product.pending_revision is None


def test_archiving_takes_the_public_copies_down_and_restoring_brings_them_back(
    app, client, db, login_as
) -> None:
    product, staff = _submitted_draft(app, login_as, (10, 20, 30))
    login_as("central")
    decide(client, product.id)
    (image,) = _images(db, product)
    storage = storage_from_config(app.config)
    assert all(storage.exists(r["key"]) for r in image.renditions)
    staff.post(f"/admin/products/{product.id}/archive")
    assert not any(storage.exists(r["key"]) for r in image.renditions)
    assert all(storage.exists(private_key(r["key"])) for r in image.renditions)
    staff.post(f"/admin/products/{product.id}/restore")
    assert all(storage.exists(r["key"]) for r in image.renditions)
    staff.post(f"/admin/photos/{image.id}/delete")
    assert not any(storage.exists(r["key"]) for r in image.renditions)
    assert not any(storage.exists(private_key(r["key"])) for r in image.renditions)

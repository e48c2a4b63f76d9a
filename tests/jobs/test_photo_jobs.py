"""Photo renditions are made by a job: the upload answers at once, the photo shows as processing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from shop.models import ImageReviewState, PhotoProcessing, ProductImage
from tests.admin.helpers import decide, jpeg_bytes
from tests.factories import ProductFactory, ProductImageFactory
from tests.jobs.helpers import rq_config, run_queued_jobs

CHECKLIST = {
    "no_faces": "y", "no_names": "y", "no_identifying_details": "y", "photos_where_allowed": "y"
}  # fmt: skip


def _upload(client, product_id: int, name: str, data: bytes):
    return client.post(
        f"/admin/products/{product_id}/photos",
        data={"alt_text": "Tas anyaman tampak depan", "photos": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )


def _files(app, folder: str) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"]) / folder
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _new_photo(db) -> ProductImage:
    db.session.expire_all()
    return db.session.scalars(select(ProductImage).order_by(ProductImage.id.desc())).first()


def test_without_redis_the_renditions_exist_when_the_upload_answers(
    app, client, db, login_as
) -> None:
    product = ProductFactory()
    login_as("staff", facility=product.facility)
    assert _upload(client, product.id, "a.jpg", jpeg_bytes((1200, 900))).status_code == 302
    image = _new_photo(db)
    assert image.processing is PhotoProcessing.READY
    assert {r["width"] for r in image.renditions} == {320, 640, 1024, 1200}
    assert _files(app, "private/img") and not _files(app, "img")
    assert _files(app, "private/originals") == []


def test_a_damaged_photo_is_kept_as_failed_with_its_reason(app, client, db, login_as) -> None:
    product = ProductFactory()
    login_as("staff", facility=product.facility)
    damaged = jpeg_bytes((1600, 1200))[:3000]
    assert _upload(client, product.id, "terpotong.jpg", damaged).status_code == 302
    image = _new_photo(db)
    assert image.processing is PhotoProcessing.FAILED
    assert "rusak" in image.processing_error
    page = client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "gagal diproses" in page and "rusak atau terpotong" in page


class TestOnAWorker:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        return rq_config()

    def test_the_upload_answers_first_and_the_worker_makes_the_renditions(
        self, app, client, db, login_as
    ) -> None:
        product = ProductFactory(name="Tas Anyaman Kupang")
        ProductImageFactory(product=product)
        login_as("staff", facility=product.facility)
        assert _upload(client, product.id, "baru.jpg", jpeg_bytes((1200, 900))).status_code == 302
        image = _new_photo(db)
        assert image.processing is PhotoProcessing.PROCESSING and image.renditions == []
        assert _files(app, "private/originals")
        page = client.get(f"/admin/products/{product.id}").get_data(as_text=True)
        assert "diproses" in page
        # The original still has its metadata: not even the back office gets it.
        assert client.get(f"/admin/photos/{image.id}/file?full=1").status_code == 404
        client.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)

        reviewer = app.test_client()
        login_as("kanwil", kanwil=product.facility.kanwil, client=reviewer)
        screen = reviewer.get(f"/admin/reviews/{product.id}").get_data(as_text=True)
        assert "masih diproses" in screen
        refused = decide(reviewer, product.id)
        assert refused.status_code == 422
        assert "belum selesai diproses" in refused.get_data(as_text=True)
        assert _new_photo(db).review_state is ImageReviewState.PENDING

        assert run_queued_jobs() == 1
        image = _new_photo(db)
        assert image.processing is PhotoProcessing.READY
        assert _files(app, "private/originals") == []
        shown = client.get(f"/products/{product.slug}").get_data(as_text=True)
        assert image.renditions[0]["key"] not in shown

        assert decide(reviewer, product.id).status_code == 302
        shown = client.get(f"/products/{product.slug}").get_data(as_text=True)
        assert all(r["key"] in shown for r in _new_photo(db).renditions)
        public = {p.name for p in _files(app, "img")}
        assert {Path(r["key"]).name for r in image.renditions} <= public

    def test_the_same_file_twice_is_processed_twice(self, app, client, db, login_as) -> None:
        product = ProductFactory()
        login_as("staff", facility=product.facility)
        same = jpeg_bytes((900, 700))
        client.post(
            f"/admin/products/{product.id}/photos",
            data={
                "alt_text": "Tas anyaman",
                "photos": [(io.BytesIO(same), "a.jpg"), (io.BytesIO(same), "b.jpg")],
            },
            content_type="multipart/form-data",
        )
        assert run_queued_jobs() == 2
        db.session.expire_all()
        processed = db.session.scalars(select(ProductImage)).all()
        assert [i.processing for i in processed] == [PhotoProcessing.READY] * 2
        assert _files(app, "private/originals") == []

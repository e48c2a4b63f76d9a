"""A ZIP import runs as a job: the upload answers with a page that follows its progress."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.models import ImportRun, ImportState, Product
from tests.admin.helpers import jpeg_bytes
from tests.cli.test_import_and_rebuild import _csv
from tests.factories import CategoryFactory, FacilityFactory, StaffFactory, WorkshopFactory
from tests.jobs.helpers import rq_config, run_queued_jobs


@pytest.fixture
def world(db, tmp_path):
    """As for the command's tests: a facility, its workshop, a category and three photos."""
    facility = FacilityFactory(slug="lapas-kelas-iia-tarakan")
    workshop = WorkshopFactory(facility=facility, name="Bengkel Batik")
    category = CategoryFactory(slug="batik")
    photos = tmp_path / "foto"
    photos.mkdir()
    for name in ("depan.jpg", "belakang.jpg", "lemari.jpg"):
        (photos / name).write_bytes(jpeg_bytes((1000, 800)))
    return facility, workshop, category, photos


def _zip(photos: Path, *, leave_out: str = "") -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        for path in photos.iterdir():
            if path.name != leave_out:
                handle.writestr(f"foto/{path.name}", path.read_bytes())
    return archive.getvalue()


def _post(client, csv_text: str, zip_bytes: bytes):
    return client.post(
        "/admin/import",
        data={
            "csv_file": (io.BytesIO(csv_text.encode()), "produk.csv"),
            "photos_zip": (io.BytesIO(zip_bytes), "foto.zip"),
        },
        content_type="multipart/form-data",
    )


def _products(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Product))


def _imports_kept(app) -> list[Path]:
    return list((Path(app.config["UPLOAD_DIR"]) / "private" / "imports").glob("*"))


def test_without_redis_the_page_shows_the_result(app, client, db, world, login_as) -> None:
    facility, workshop, category, photos = world
    login_as("staff", facility=facility)
    response = _post(client, _csv(category.slug, workshop.name), _zip(photos))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Selesai. Diimpor: 2 produk, 3 varian, 3 foto, sebagai draf." in page
    assert 'http-equiv="refresh"' not in page
    assert _products(db) == 2
    assert _imports_kept(app) == []


def test_a_missing_photo_fails_the_run_with_its_line(app, client, db, world, login_as) -> None:
    facility, workshop, category, photos = world
    login_as("staff", facility=facility)
    response = _post(
        client, _csv(category.slug, workshop.name), _zip(photos, leave_out="lemari.jpg")
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Impor dibatalkan: 1 kesalahan. Tidak ada yang diubah." in page
    assert "Baris 4: foto lemari.jpg tidak ada." in page
    assert _products(db) == 0
    assert db.session.scalar(select(ImportRun.state)) is ImportState.FAILED


def test_a_running_import_shows_its_progress_and_reloads_itself(
    client, db, world, login_as
) -> None:
    facility = world[0]
    login_as("staff", facility=facility)
    run = ImportRun(
        facility=facility, requested_by=StaffFactory(facility=facility), csv_key="private/x.csv",
        state=ImportState.RUNNING, done=4, total=9, errors=[],
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    page = client.get(f"/admin/import/{run.id}").get_data(as_text=True)
    assert "Memeriksa produk dan fotonya: 4 dari 9." in page
    assert '<progress max="9" value="4">' in page
    assert '<meta http-equiv="refresh" content="2">' in page


def test_another_facility_cannot_see_the_run(client, db, world, login_as) -> None:
    facility = world[0]
    login_as("staff")
    run = ImportRun(
        facility=facility, requested_by=StaffFactory(facility=facility), csv_key="private/x.csv",
        errors=[],
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    assert client.get(f"/admin/import/{run.id}").status_code == 404


class TestOnAWorker:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        return rq_config()

    def test_the_upload_answers_before_the_import_and_the_worker_does_it(
        self,
        app,
        client,
        db,
        world,
        login_as,
    ) -> None:
        facility, workshop, category, photos = world
        login_as("staff", facility=facility)
        response = _post(client, _csv(category.slug, workshop.name), _zip(photos))
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Menunggu giliran diproses." in page
        assert 'http-equiv="refresh"' in page
        assert _products(db) == 0 and len(_imports_kept(app)) == 2

        assert run_queued_jobs() == 1
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Selesai. Diimpor: 2 produk, 3 varian, 3 foto, sebagai draf." in page
        db.session.expire_all()
        assert _products(db) == 2
        run = db.session.scalars(select(ImportRun)).one()
        assert (run.done, run.total) == (2, 2)
        assert _imports_kept(app) == []

"""`flask shop import-products` and `flask shop rebuild-images`, and the import from the web."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.core.storage import private_key
from shop.models import ImageReviewState, Product, ProductImage, ProductVariant, StockMovement
from tests.admin.helpers import jpeg_bytes
from tests.factories import CategoryFactory, FacilityFactory, WorkshopFactory

HEADER = (
    "name,category,weight_grams,description,workshop,made_to_order,lead_time_days,"
    "sku,option_label,price_idr,hpp_idr,stock,photos,alt_text\n"
)


def _csv(category: str, workshop: str) -> str:
    return HEADER + (
        f"Kemeja Batik Tarakan,{category},300,Batik tulis,{workshop},tidak,,BTK-M,M,250000,"
        "150000,3,depan.jpg;belakang.jpg,Kemeja batik cokelat\n"
        f'Kemeja Batik Tarakan,{category},,,,,,BTK-L,L,"Rp260.000",150000,2,,\n'
        f"Lemari Jati,{category},40000,Lemari dua pintu,,ya,30,LMR-1,,4500000,,0,lemari.jpg,\n"
    )


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(db, tmp_path):
    facility = FacilityFactory(slug="lapas-kelas-iia-tarakan")
    workshop = WorkshopFactory(facility=facility, name="Bengkel Batik")
    category = CategoryFactory(slug="batik")
    photos = tmp_path / "foto"
    photos.mkdir()
    for name in ("depan.jpg", "belakang.jpg", "lemari.jpg"):
        (photos / name).write_bytes(jpeg_bytes((1000, 800)))
    return facility, workshop, category, photos


def test_the_command_imports_products_with_variants_stock_and_photos(app, db, world, tmp_path):
    facility, workshop, category, photos = world
    csv_path = tmp_path / "produk.csv"
    csv_path.write_text(_csv(category.slug, workshop.name))
    result = app.test_cli_runner().invoke(
        args=["shop", "import-products", str(csv_path), "--images", str(photos),
              "--facility", facility.slug],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 produk, 3 varian, 3 foto" in result.output
    batik = db.session.scalar(select(Product).where(Product.name == "Kemeja Batik Tarakan"))
    assert [(v.sku, v.option_label, v.price_idr, v.stock) for v in batik.variants] == [
        ("BTK-M", "M", 250_000, 3), ("BTK-L", "L", 260_000, 2)
    ]  # fmt: skip
    assert batik.workshop_id == workshop.id and batik.status.value == "draft"
    assert [i.alt_text for i in batik.images] == ["Kemeja batik cokelat"] * 2
    assert {i.review_state for i in batik.images} == {ImageReviewState.PENDING}
    lemari = db.session.scalar(select(Product).where(Product.name == "Lemari Jati"))
    assert lemari.made_to_order and lemari.lead_time_days == 30
    reasons = {m.reason.value for m in db.session.scalars(select(StockMovement))}
    assert reasons == {"imported"}


def test_an_import_with_errors_changes_nothing_and_names_each_line(app, db, world, tmp_path):
    facility, workshop, category, photos = world
    bad = _csv(category.slug, workshop.name).replace("4500000", "empat juta")
    bad += "Meja,tidak-ada,1000,,,,,BTK-M,,1000,,1,hilang.jpg,\n"
    (photos / "lemari.jpg").write_bytes(b"bukan foto")
    csv_path = tmp_path / "produk.csv"
    csv_path.write_text(bad)
    result = app.test_cli_runner().invoke(
        args=["shop", "import-products", str(csv_path), "--images", str(photos),
              "--facility", facility.slug],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "Baris 4: harga 'empat juta' bukan angka." in result.output
    assert "Baris 5: SKU BTK-M juga di baris 2." in result.output
    assert "Baris 5: kategori 'tidak-ada' tidak dikenal." in result.output
    assert "Tidak ada yang diubah" in result.output
    assert _count(db, Product) == 0 and _count(db, ProductVariant) == 0
    assert _count(db, ProductImage) == 0


def test_a_photo_that_is_not_an_image_stops_the_import(app, db, world, tmp_path):
    facility, workshop, category, photos = world
    (photos / "lemari.jpg").write_bytes(b"bukan foto")
    csv_path = tmp_path / "produk.csv"
    csv_path.write_text(_csv(category.slug, workshop.name))
    result = app.test_cli_runner().invoke(
        args=["shop", "import-products", str(csv_path), "--images", str(photos),
              "--facility", facility.slug],
    )  # fmt: skip
    assert "Baris 4: lemari.jpg: Berkas ini bukan foto" in result.output
    assert _count(db, Product) == 0
    assert not list(Path(app.config["UPLOAD_DIR"]).rglob("*.webp"))


def test_the_web_import_takes_a_zip_of_photos(app, client, db, world, login_as):
    facility, workshop, category, photos = world
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        for path in photos.iterdir():
            handle.writestr(f"foto/{path.name}", path.read_bytes())
    login_as("staff", facility=facility)
    response = client.post(
        "/admin/import",
        data={
            "csv_file": (io.BytesIO(_csv(category.slug, workshop.name).encode()), "p.csv"),
            "photos_zip": (io.BytesIO(archive.getvalue()), "foto.zip"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _count(db, Product) == 2 and _count(db, ProductImage) == 3


def test_the_web_import_lists_errors_by_line(client, db, world, login_as):
    facility = world[0]
    login_as("staff", facility=facility)
    response = client.post(
        "/admin/import",
        data={"csv_file": (io.BytesIO(b"name,sku\nKursi,K-1\n"), "p.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Baris 1: kolom wajib tidak ada: category, weight_grams, price_idr" in (
        response.get_data(as_text=True)
    )
    assert _count(db, Product) == 0


def test_rebuild_images_makes_renditions_of_the_new_sizes(app, db, world, tmp_path):
    facility, workshop, category, photos = world
    csv_path = tmp_path / "produk.csv"
    csv_path.write_text(_csv(category.slug, workshop.name))
    runner = app.test_cli_runner()
    runner.invoke(
        args=["shop", "import-products", str(csv_path), "--images", str(photos),
              "--facility", facility.slug],
    )  # fmt: skip
    old_keys = {r["key"] for i in db.session.scalars(select(ProductImage)) for r in i.renditions}
    result = runner.invoke(args=["shop", "rebuild-images", "--widths", "200,480"])
    assert result.exit_code == 0, result.output
    assert "3 foto dibuat ulang, 0 gagal" in result.output
    db.session.expire_all()
    for image in db.session.scalars(select(ProductImage)):
        assert sorted({r["width"] for r in image.renditions}) == [200, 480]
        # Imported photos wait for review: their renditions are private.
        hidden = private_key(image.renditions[0]["key"])
        with Image.open(Path(app.config["UPLOAD_DIR"], hidden)) as opened:
            assert opened.width == 200
        assert not Path(app.config["UPLOAD_DIR"], image.renditions[0]["key"]).exists()
    # Renditions of the old sizes are removed.
    upload_dir = app.config["UPLOAD_DIR"]
    assert not any(Path(upload_dir, key).exists() for key in old_keys)
    assert not any(Path(upload_dir, private_key(key)).exists() for key in old_keys)


def test_sync_photos_puts_every_file_where_its_review_state_says(app, db, world, tmp_path):
    facility, workshop, category, photos = world
    for number, name in enumerate(("depan.jpg", "belakang.jpg", "lemari.jpg")):
        (photos / name).write_bytes(jpeg_bytes((1000, 800), color=(40 * number, 90, 120)))
    csv_path = tmp_path / "produk.csv"
    csv_path.write_text(_csv(category.slug, workshop.name))
    runner = app.test_cli_runner()
    runner.invoke(
        args=["shop", "import-products", str(csv_path), "--images", str(photos),
              "--facility", facility.slug],
    )  # fmt: skip
    first, *others = db.session.scalars(select(ProductImage).order_by(ProductImage.id))
    # As a crash between a commit and the file move would leave it: approved, not yet public.
    first.review_state = ImageReviewState.APPROVED
    db.session.commit()
    upload_dir = app.config["UPLOAD_DIR"]
    assert not Path(upload_dir, first.renditions[0]["key"]).exists()
    result = runner.invoke(args=["shop", "sync-photos"])
    assert result.exit_code == 0, result.output
    assert "3 foto ditempatkan" in result.output
    assert all(Path(upload_dir, r["key"]).exists() for r in first.renditions)
    assert not any(Path(upload_dir, r["key"]).exists() for i in others for r in i.renditions)

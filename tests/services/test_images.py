"""Photo processing: metadata never survives, orientation is applied, bad files are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shop.catalogue import images
from shop.core.storage import LocalStorage, StorageError, private_key

LIMIT = 15 * 1024 * 1024


def _photo(
    size=(1200, 800), color=(200, 120, 40), fmt="JPEG", exif: Image.Exif | None = None
) -> bytes:
    image = Image.new("RGB", size, color)
    # A marker in the top-left corner, to see where it ends up after rotation.
    image.paste((255, 0, 0), (0, 0, size[0] // 4, size[1] // 4))
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def _gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "PhoneModel X"
    gps = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 10.0)}
    exif[0x8825] = gps
    return exif


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_gps_and_other_exif_never_reach_a_rendition() -> None:
    source = _photo(exif=_gps_exif())
    assert _open(source).getexif().get_ifd(0x8825), "the test photo carries GPS"
    prepared = images.prepare_image(source, max_bytes=LIMIT)
    for blob in [prepared.master] + [r.data for r in prepared.renditions]:
        result = _open(blob)
        assert len(result.getexif()) == 0
        assert "exif" not in result.info and "xmp" not in result.info
        assert b"PhoneModel" not in blob


def test_a_rotated_phone_photo_comes_out_upright() -> None:
    # Stored landscape with orientation 6 ("rotate 90° clockwise to view"): shown portrait.
    prepared = images.prepare_image(_photo(exif=_gps_exif(orientation=6)), max_bytes=LIMIT)
    assert prepared.height > prepared.width
    master = _open(prepared.master).convert("RGB")
    # The red corner that was top-left is now top-right.
    assert master.getpixel((master.width - 5, 5))[0] > 200
    assert master.getpixel((5, 5))[0] < 230 or master.getpixel((5, 5))[1] > 100


def test_renditions_cover_the_widths_in_webp_and_jpeg_without_upscaling() -> None:
    prepared = images.prepare_image(_photo(size=(1200, 800)), max_bytes=LIMIT)
    widths = sorted({r.width for r in prepared.renditions})
    assert widths == [320, 640, 1024, 1200]
    assert {r.format for r in prepared.renditions} == {"webp", "jpeg"}
    for rendition in prepared.renditions:
        assert _open(rendition.data).format == rendition.format.upper()


def test_a_large_jpeg_is_decoded_at_a_reduced_size() -> None:
    prepared = images.prepare_image(_photo(size=(4000, 3000)), max_bytes=LIMIT)
    assert max(prepared.width, prepared.height) == images.MASTER_MAX_SIDE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "kosong"),
        (b"this is only text, renamed to photo.jpg\n", "bukan foto"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "bukan foto"),
        (_photo()[:2000], "rusak"),
    ],
)
def test_bad_files_are_refused_with_a_message(data: bytes, message: str) -> None:
    with pytest.raises(images.ImageRejected, match=message):
        images.prepare_image(data, max_bytes=LIMIT)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    with pytest.raises(images.ImageRejected, match="megapiksel"):
        images.prepare_image(buffer.getvalue(), max_bytes=LIMIT)


def test_files_over_the_size_limit_are_refused() -> None:
    with pytest.raises(images.ImageRejected, match="terlalu besar"):
        images.prepare_image(_photo(), max_bytes=1000)


def test_renditions_are_stored_under_their_content_hash(tmp_path) -> None:
    storage = LocalStorage(tmp_path)
    prepared = images.prepare_image(_photo(), max_bytes=LIMIT)
    master_key, stored = images.store_prepared(storage, prepared, public=True)
    assert master_key.startswith("masters/")
    for entry in stored:
        assert entry["key"].startswith("img/")
        assert storage.read(entry["key"]) in {r.data for r in prepared.renditions}
        assert storage.read(private_key(entry["key"])) == storage.read(entry["key"])
    again = images.store_prepared(storage, prepared, public=True)
    assert again == (master_key, stored)


def test_a_photo_awaiting_review_is_stored_privately_only(tmp_path) -> None:
    storage = LocalStorage(tmp_path)
    prepared = images.prepare_image(_photo(), max_bytes=LIMIT)
    _master_key, stored = images.store_prepared(storage, prepared, public=False)
    for entry in stored:
        assert not storage.exists(entry["key"])
        assert storage.exists(private_key(entry["key"]))


def test_storage_keys_cannot_escape_the_folder(tmp_path) -> None:
    storage = LocalStorage(tmp_path / "uploads")
    with pytest.raises(StorageError):
        storage.save("../outside.txt", b"x", "text/plain")
    assert not (tmp_path / "outside.txt").exists()


def test_metadata_of_png_and_webp_is_dropped_too() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Blok C, kamar 12")
    info.add_text("XML:com.adobe.xmp", "<x:xmpmeta>GPS 6.1S</x:xmpmeta>")
    png = io.BytesIO()
    Image.new("RGB", (700, 500), (10, 20, 30)).save(png, "PNG", pnginfo=info)
    webp = _photo(fmt="WEBP", exif=_gps_exif())
    for source in (png.getvalue(), webp):
        prepared = images.prepare_image(source, max_bytes=LIMIT)
        for blob in [prepared.master] + [r.data for r in prepared.renditions]:
            assert b"kamar 12" not in blob and b"xmpmeta" not in blob
            assert b"PhoneModel" not in blob
            assert len(_open(blob).getexif()) == 0


def test_an_iphone_heic_photo_is_accepted_and_cleaned() -> None:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1200, 900), (90, 140, 60))
    image.save(buffer, "HEIF", quality=80, exif=_gps_exif().tobytes())
    prepared = images.prepare_image(buffer.getvalue(), max_bytes=LIMIT)
    assert (prepared.width, prepared.height) == (1200, 900)
    for blob in [prepared.master] + [r.data for r in prepared.renditions]:
        assert b"PhoneModel" not in blob
        assert _open(blob).format in {"JPEG", "WEBP"}


def test_a_phone_jpeg_with_a_second_picture_inside_mpo_is_accepted() -> None:
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (800, 600), (200, 0, 0)), Image.new("RGB", (80, 60))
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=_gps_exif())
    assert _open(buffer.getvalue()).format == "MPO"
    prepared = images.prepare_image(buffer.getvalue(), max_bytes=LIMIT)
    assert (prepared.width, prepared.height) == (800, 600)
    assert len(_open(prepared.master).getexif()) == 0


def test_a_cmyk_jpeg_comes_out_as_rgb() -> None:
    buffer = io.BytesIO()
    Image.new("CMYK", (640, 480), (0, 80, 160, 10)).save(buffer, "JPEG")
    prepared = images.prepare_image(buffer.getvalue(), max_bytes=LIMIT)
    assert all(_open(r.data).mode == "RGB" for r in prepared.renditions)


def test_a_12_megapixel_jpeg_is_decoded_reduced_and_gives_every_width() -> None:
    prepared = images.prepare_image(_photo(size=(4000, 3000)), max_bytes=LIMIT)
    assert sorted({r.width for r in prepared.renditions}) == list(images.RENDITION_WIDTHS)
    assert all(r.width <= 1600 for r in prepared.renditions)


def test_a_12_megapixel_jpeg_is_never_decoded_at_full_size(monkeypatch) -> None:
    from PIL import JpegImagePlugin

    decoded_sizes = []
    original_load = JpegImagePlugin.JpegImageFile.load

    def recording_load(self):
        decoded_sizes.append(self.size)
        return original_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", recording_load)
    images.prepare_image(_photo(size=(4000, 3000)), max_bytes=LIMIT)
    assert decoded_sizes and max(decoded_sizes) == (2000, 1500)

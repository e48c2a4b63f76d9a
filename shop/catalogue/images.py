"""Turning an uploaded photo into safe, small renditions.

A phone photo taken inside a facility can carry its GPS position, the device and the time, and
may be rotated only by an EXIF tag. Everything here works on pixels alone: the format is read from
the content, the pixel count is bounded before decoding, the orientation is applied, the pixels
are copied into a fresh image (so no metadata can survive), converted to sRGB, and written as
WebP and JPEG renditions named by the hash of their bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.storage import Storage, private_key

RENDITION_WIDTHS: tuple[int, ...] = (320, 640, 1024, 1600)
RENDITION_FORMATS: tuple[str, ...] = ("webp", "jpeg")
MASTER_MAX_SIDE = 2000
MAX_PIXELS = 50_000_000
# Smaller photos look blurred on a product page (and a 1x1 "photo" shows nothing at all).
MIN_SHORT_SIDE = 300
# HEIF is the iPhone's own format, read through the pillow-heif plugin. Pillow's JPEG opener
# also reads MPO, how many phones save a JPEG with a second picture (depth, preview) inside.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}
_SRGB = ImageCms.createProfile("sRGB")
pillow_heif.register_heif_opener()


class ImageRejected(DomainError):
    """The upload is not an image we accept; the message says why."""


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str
    data: bytes


@dataclass(frozen=True)
class PreparedImage:
    width: int
    height: int
    master: bytes
    renditions: list[Rendition]


def check_upload(data: bytes, *, max_bytes: int) -> tuple[int, int]:
    """The quick checks an upload must pass before it is stored: size, format and pixel count
    read from the header alone (no decoding). Returns (width, height) as stored in the file.

    The full cleaning (`prepare_image`) takes a second or more per photo and runs in a job; a
    file that passes here but cannot be decoded fails there, with its reason on the photo.
    """
    _check_size(data, max_bytes=max_bytes)
    with _opened(data) as image:
        _check_pixels(*image.size)
        return image.size


def store_original(storage: Storage, data: bytes) -> str:
    """Keep an upload as it came, privately, until the job has cleaned it; returns its key.

    One key per upload (not per content, unlike the renditions): the job deletes the original
    when done, which must not take away the original of the same file uploaded twice.
    """
    token = uuid.uuid4().hex
    key = private_key(f"originals/{token[:2]}/{token}")
    storage.save(key, data, "application/octet-stream")
    return key


def prepare_image(
    data: bytes,
    *,
    max_bytes: int,
    widths: tuple[int, ...] = RENDITION_WIDTHS,
) -> PreparedImage:
    """Check, clean and resize an upload. Raises `ImageRejected` with a reason for the user."""
    _check_size(data, max_bytes=max_bytes)
    master = _clean_master(data)
    return PreparedImage(
        width=master.width,
        height=master.height,
        master=_encode(master, "jpeg", quality=90),
        renditions=list(_renditions(master, widths)),
    )


def rebuild_renditions(
    master_data: bytes, *, widths: tuple[int, ...] = RENDITION_WIDTHS
) -> list[Rendition]:
    """Renditions again from a stored master, after the sizes changed."""
    with Image.open(io.BytesIO(master_data), formats=["JPEG"]) as image:
        image.load()
        return list(_renditions(image.convert("RGB"), widths))


def store_prepared(
    storage: Storage, prepared: PreparedImage, *, public: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Save master and renditions under content-addressed keys; returns (master key, renditions).

    Renditions always get a private copy (what the back office shows); `public` adds the public
    one, for a photo that needs no review.
    """
    master_key = content_key(prepared.master, "jpeg", prefix="masters")
    storage.save(master_key, prepared.master, CONTENT_TYPES["jpeg"])
    return master_key, store_renditions(storage, prepared.renditions, public=public)


def store_renditions(
    storage: Storage, renditions: list[Rendition], *, public: bool
) -> list[dict[str, Any]]:
    """Each rendition under `private/img/...`, and under `img/...` too when `public`.

    The key recorded is the public one; `storage.private_key` gives the private copy's.
    """
    stored = []
    for rendition in renditions:
        key = content_key(rendition.data, rendition.format)
        content_type = CONTENT_TYPES[rendition.format]
        for target in (private_key(key), key) if public else (private_key(key),):
            if not storage.exists(target):
                storage.save(target, rendition.data, content_type)
        stored.append(
            {
                "width": rendition.width,
                "height": rendition.height,
                "format": rendition.format,
                "key": key,
            }
        )
    return stored


def content_key(data: bytes, image_format: str, *, prefix: str = "img") -> str:
    digest = hashlib.sha256(data).hexdigest()[:32]
    return f"{prefix}/{digest[:2]}/{digest}.{EXTENSIONS[image_format]}"


def _check_size(data: bytes, *, max_bytes: int) -> None:
    if not data:
        raise ImageRejected(_l("Berkas kosong. Pilih foto JPEG, PNG, WebP atau HEIC."))
    if len(data) > max_bytes:
        raise ImageRejected(
            _l(
                "Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB.",
                size=round(len(data) / 1_048_576, 1),
                limit=round(max_bytes / 1_048_576),
            )
        )


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise ImageRejected(
            _l(
                "Foto terlalu besar (%(w)s x %(h)s piksel). Batas: %(mp)s megapiksel.",
                w=width,
                h=height,
                mp=MAX_PIXELS // 1_000_000,
            )
        )
    if min(width, height) < MIN_SHORT_SIDE:
        raise ImageRejected(
            _l(
                "Foto terlalu kecil (%(w)s x %(h)s piksel). Sisi terpendeknya minimal"
                " %(min)s piksel.",
                w=width,
                h=height,
                min=MIN_SHORT_SIDE,
            )
        )


@contextmanager
def _opened(data: bytes) -> Iterator[Image.Image]:
    """The upload opened as an image; what Pillow cannot read becomes a clear `ImageRejected`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                yield image
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            _l("Foto terlalu besar. Batasnya %(mp)s megapiksel.", mp=MAX_PIXELS // 1_000_000)
        ) from None
    except UnidentifiedImageError:
        raise ImageRejected(
            _l("Berkas ini bukan foto JPEG, PNG, WebP atau HEIC yang utuh.")
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(
            _l("Foto tidak dapat dibaca (rusak atau terpotong). Coba unggah ulang.")
        ) from error


def _clean_master(data: bytes) -> Image.Image:
    with _opened(data) as image:
        width, height = image.size
        _check_pixels(width, height)
        if image.format in ("JPEG", "MPO"):
            scale = MASTER_MAX_SIDE / max(width, height)
            if scale < 1:
                # The smallest size the decoder may give that still covers the master:
                # a 4000x3000 photo decodes at 2000x1500, a quarter of the pixels.
                image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        image.load()
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        rgb = _to_srgb(upright, icc_profile)
    rgb.thumbnail((MASTER_MAX_SIDE, MASTER_MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: no EXIF, GPS, XMP, comments or profiles survive.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                image.convert("RGB"), source, _SRGB, outputMode="RGB"
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError):
            pass
    return image.convert("RGB")


def _renditions(master: Image.Image, widths: tuple[int, ...]):
    # Never upscale: a small photo gets its own width as the largest rendition.
    targets = sorted({min(w, master.width) for w in widths})
    for width in targets:
        height = max(1, round(master.height * width / master.width))
        resized = (
            master
            if width == master.width
            else master.resize((width, height), Image.Resampling.LANCZOS)
        )
        for image_format in RENDITION_FORMATS:
            yield Rendition(width, height, image_format, _encode(resized, image_format))


def _encode(image: Image.Image, image_format: str, *, quality: int = 82) -> bytes:
    buffer = io.BytesIO()
    if image_format == "webp":
        image.save(buffer, "WEBP", quality=quality, method=2)
    else:
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()

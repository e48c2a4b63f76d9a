"""Helpers shared by the back-office tests: photos made in memory."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_bytes(size: tuple[int, int] = (800, 600), color=(150, 90, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (20, 120, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()

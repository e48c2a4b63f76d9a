"""Uploaded proofs of payment (a PNBP deposit's, a bank transfer's): what kind of file they are.

The type is read from the bytes, never from the name, and only whole PDF, JPEG and PNG files
pass; a PDF is also checked for active content (`shop.core.pdf_safety`) by the caller, which
words the refusal for its own form.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

MAX_PROOF_BYTES = 5 * 1024 * 1024
PROOF_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def sniff(data: bytes) -> str | None:
    """The proof's extension (`pdf`, `jpg`, `png`) when `data` is a whole file of that kind."""
    if data.startswith(b"%PDF-"):
        return "pdf" if b"%%EOF" in data[-2048:] else None
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        try:
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as image:
                image.verify()
                found = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
        return {"JPEG": "jpg", "PNG": "png"}.get(found or "")
    return None

"""Product pictures drawn with Pillow for the demo: a pattern, a palette and the product's name."""

from __future__ import annotations

import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ((122, 62, 32), (224, 170, 110)),
    ((28, 74, 92), (120, 190, 200)),
    ((88, 40, 86), (214, 150, 200)),
    ((44, 90, 48), (170, 214, 140)),
    ((140, 40, 40), (240, 180, 120)),
    ((40, 50, 110), (150, 170, 230)),
    ((96, 80, 30), (230, 210, 120)),
    ((20, 20, 20), (200, 170, 90)),
]
PATTERNS = ("stripes", "dots", "checks", "diamonds", "waves", "rings")
SIZE = (800, 600)


def draw_product_picture(name: str, caption: str, index: int) -> bytes:
    """A distinct JPEG for photo `index` of product `name`."""
    digest = hashlib.sha256(f"{name}|{caption}|{index}".encode()).digest()
    dark, light = PALETTES[digest[0] % len(PALETTES)]
    pattern = PATTERNS[(digest[1] + index) % len(PATTERNS)]
    step = 48 + digest[2] % 64
    image = Image.new("RGB", SIZE, light)
    draw = ImageDraw.Draw(image)
    _draw_pattern(draw, pattern, step, dark, light)
    _draw_label(draw, name, caption, index, dark)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _draw_pattern(draw: ImageDraw.ImageDraw, pattern: str, step: int, dark, light) -> None:
    width, height = SIZE
    mid = tuple((a + b) // 2 for a, b in zip(dark, light, strict=True))
    if pattern == "stripes":
        for x in range(-height, width, step):
            draw.line([(x, 0), (x + height, height)], fill=mid, width=step // 3)
    elif pattern == "dots":
        for y in range(0, height, step):
            for x in range((y // step % 2) * step // 2, width, step):
                draw.ellipse([x, y, x + step // 3, y + step // 3], fill=mid)
    elif pattern == "checks":
        for y in range(0, height, step):
            for x in range(0, width, step):
                if (x // step + y // step) % 2:
                    draw.rectangle([x, y, x + step, y + step], fill=mid)
    elif pattern == "diamonds":
        for y in range(0, height + step, step):
            for x in range(0, width + step, step):
                half = step // 2
                draw.polygon(
                    [(x, y - half), (x + half, y), (x, y + half), (x - half, y)],
                    outline=mid,
                    width=4,
                )
    elif pattern == "waves":
        for y in range(0, height, step // 2):
            points = [
                (x, y + (step // 4) * ((x // step) % 2)) for x in range(0, width + step, step // 2)
            ]
            draw.line(points, fill=mid, width=6)
    else:
        for radius in range(step, max(width, height), step):
            draw.ellipse(
                [
                    width // 2 - radius,
                    height // 2 - radius,
                    width // 2 + radius,
                    height // 2 + radius,
                ],
                outline=mid,
                width=6,
            )


def _draw_label(draw: ImageDraw.ImageDraw, name: str, caption: str, index: int, dark) -> None:
    width, height = SIZE
    panel = (60, height // 2 - 130, width - 60, height // 2 + 130)
    draw.rounded_rectangle(panel, radius=28, fill=(255, 250, 240), outline=dark, width=6)
    title_font = ImageFont.load_default(size=44)
    small_font = ImageFont.load_default(size=24)
    lines = textwrap.wrap(name, width=24)[:3]
    y = panel[1] + 40
    for line in lines:
        draw.text((width // 2, y), line, font=title_font, fill=dark, anchor="ma")
        y += 52
    draw.text(
        (width // 2, panel[3] - 50),
        f"{caption} · foto {index + 1}",
        font=small_font,
        fill=dark,
        anchor="ma",
    )

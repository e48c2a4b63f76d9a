"""Product pictures drawn with Pillow for the demo: a pattern, a palette and the product's name."""

from __future__ import annotations

import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont, ImageOps

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


ILLUSTRATION_VARIANTS = 3  # distinct drawings per category; products of a category share them
BACKGROUNDS = [(246, 239, 226), (232, 240, 236), (240, 234, 244)]
WOOD = ((122, 78, 44), (160, 108, 62))
CLOTH = ((15, 92, 90), (168, 71, 28), (88, 40, 86))


def draw_illustration(category_slug: str, index: int, *, mirrored: bool = False) -> bytes:
    """A JPEG that shows the kind of product (a chair, a cloth, a cup of coffee, a fish...).

    Demo photos used to be the product's name on a pattern; a newcomer judges the shop by
    them. A few drawings per category, shared by its products, also keep the first start short:
    each is prepared (resized, encoded) once instead of once per product photo.
    """
    variant = index % ILLUSTRATION_VARIANTS
    image = Image.new("RGB", SIZE, BACKGROUNDS[variant])
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle([0, height * 3 // 4, width, height], fill=_shade(BACKGROUNDS[variant], -18))
    painter = _PAINTERS.get(category_slug, _draw_cloth)
    painter(draw, variant)
    if mirrored:
        image = ImageOps.mirror(image)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _shade(colour: tuple[int, int, int], delta: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + delta)) for c in colour)  # type: ignore[return-value]


def _draw_chair(draw: ImageDraw.ImageDraw, variant: int) -> None:
    dark, light = WOOD
    x = 240 + variant * 40
    draw.rectangle([x, 120, x + 30, 420], fill=dark)  # back post
    draw.rectangle([x + 220, 120, x + 250, 420], fill=dark)
    for y in (150, 200, 250):
        draw.rectangle([x + 30, y, x + 220, y + 22], fill=light)  # back slats
    draw.rectangle([x - 10, 300, x + 260, 330], fill=light)  # seat
    draw.rectangle([x, 330, x + 26, 500], fill=dark)
    draw.rectangle([x + 224, 330, x + 250, 500], fill=dark)
    draw.rectangle([x + 60, 330, x + 80, 470], fill=_shade(dark, -20))
    draw.rectangle([x + 170, 330, x + 190, 470], fill=_shade(dark, -20))


def _draw_cabinet(draw: ImageDraw.ImageDraw, variant: int) -> None:
    dark, light = WOOD
    draw.rectangle([260, 90, 540, 500], fill=light, outline=dark, width=10)
    for y in range(170, 500, 100 + variant * 10):
        draw.line([(260, y), (540, y)], fill=dark, width=8)
    draw.line([(400, 90), (400, 500)], fill=dark, width=6)
    for x in (380, 420):
        draw.ellipse([x - 8, 280, x + 8, 296], fill=(200, 170, 90))


def _draw_cloth(draw: ImageDraw.ImageDraw, variant: int) -> None:
    colour = CLOTH[variant]
    for layer in range(3):
        top = 180 + layer * 70
        box = [180 - layer * 20, top, 620 + layer * 20, top + 110]
        draw.rounded_rectangle(box, radius=16, fill=_shade(colour, layer * 25))
        for x in range(box[0] + 20, box[2] - 10, 36):
            draw.ellipse([x, top + 20, x + 16, top + 36], fill=(233, 185, 73))
            draw.line([(x, top + 70), (x + 18, top + 90)], fill=(250, 244, 232), width=4)


def _draw_shirt(draw: ImageDraw.ImageDraw, variant: int) -> None:
    colour = CLOTH[variant]
    body = [(300, 130), (360, 110), (440, 110), (500, 130), (600, 220), (550, 270), (510, 240),
            (510, 500), (290, 500), (290, 240), (250, 270), (200, 220)]  # fmt: skip
    draw.polygon(body, fill=colour)
    for y in range(160, 500, 40):
        for x in range(300, 510, 40):
            draw.ellipse([x, y, x + 12, y + 12], fill=(233, 185, 73))
    draw.polygon([(360, 110), (400, 170), (440, 110)], fill=(250, 244, 232))


def _draw_basket(draw: ImageDraw.ImageDraw, variant: int) -> None:
    straw, dark = (214, 172, 102), (150, 108, 52)
    draw.arc([280, 80, 520, 340], start=180, end=360, fill=dark, width=14)
    draw.polygon([(230, 210), (570, 210), (520, 480), (280, 480)], fill=straw)
    for y in range(220, 480, 26):
        draw.line([(230 + (y - 210) // 5, y), (570 - (y - 210) // 5, y)], fill=dark, width=3)
    for x in range(250, 560, 30 + variant * 4):
        draw.line([(x, 210), (x + (400 - x) // 6, 480)], fill=dark, width=3)


def _draw_sandals(draw: ImageDraw.ImageDraw, variant: int) -> None:
    sole, strap = (92, 58, 36), CLOTH[variant]
    for x in (230, 430):
        draw.ellipse([x, 140, x + 140, 500], fill=sole)
        draw.rounded_rectangle([x + 10, 250, x + 130, 300], radius=20, fill=strap)
        draw.line([(x + 70, 170), (x + 70, 250)], fill=strap, width=12)


def _draw_jewellery(draw: ImageDraw.ImageDraw, variant: int) -> None:
    silver = (200, 204, 210)
    for i, x in enumerate((250, 400, 550)):
        r = 70 - i * 8 + variant * 4
        draw.ellipse([x - r, 300 - r, x + r, 300 + r], outline=silver, width=14)
    for i in range(12):
        draw.ellipse([220 + i * 30, 420, 240 + i * 30, 440], fill=CLOTH[(i + variant) % 3])


def _draw_recycled_bag(draw: ImageDraw.ImageDraw, variant: int) -> None:
    colours = [(15, 92, 90), (233, 185, 73), (168, 71, 28), (43, 106, 47)]
    draw.arc([320, 80, 480, 260], start=180, end=360, fill=(60, 60, 60), width=12)
    for i, y in enumerate(range(170, 480, 30)):
        draw.rectangle([250, y, 550, y + 30], fill=colours[(i + variant) % len(colours)])


def _draw_bread(draw: ImageDraw.ImageDraw, variant: int) -> None:
    crust, crumb = (178, 112, 52), (226, 176, 110)
    draw.rounded_rectangle([200, 220, 600, 440], radius=90, fill=crust)
    draw.rounded_rectangle([230, 240, 570, 300], radius=30, fill=crumb)
    for x in range(270, 560, 70 - variant * 5):
        draw.arc([x, 250, x + 60, 330], start=200, end=340, fill=(120, 70, 30), width=6)


def _draw_snack_bag(draw: ImageDraw.ImageDraw, variant: int) -> None:
    colour = CLOTH[variant]
    draw.polygon([(270, 110), (530, 110), (550, 480), (250, 480)], fill=colour)
    draw.rectangle([270, 110, 530, 140], fill=_shade(colour, -30))
    draw.rounded_rectangle([300, 220, 500, 320], radius=12, fill=(250, 244, 232))
    for x, y in ((160, 470), (600, 460), (640, 500), (120, 500)):
        draw.ellipse([x, y, x + 60, y + 36], fill=(226, 176, 80))


def _draw_jar(draw: ImageDraw.ImageDraw, variant: int) -> None:
    fill = [(170, 30, 20), (120, 50, 20), (200, 90, 20)][variant]
    draw.rounded_rectangle([300, 170, 500, 480], radius=30, fill=fill)
    draw.rectangle([310, 120, 490, 175], fill=(60, 60, 60))
    draw.rounded_rectangle([330, 270, 470, 360], radius=10, fill=(250, 244, 232))


def _draw_coffee(draw: ImageDraw.ImageDraw, variant: int) -> None:
    cup, coffee = (250, 248, 242), (92, 52, 24)
    draw.ellipse([220, 400, 580, 470], fill=(220, 214, 204))  # saucer
    draw.rounded_rectangle([290, 250, 510, 440], radius=40, fill=cup)
    draw.ellipse([290, 230, 510, 280], fill=coffee)
    draw.arc([490, 290, 570, 380], start=270, end=90, fill=cup, width=16)
    for x in (340, 400, 460):
        steam = (150, 150, 150)
        draw.arc([x - 20, 120, x + 20, 220], start=90 + variant * 10, end=270, fill=steam, width=5)
    for x, y in ((140, 480), (180, 500), (640, 490)):
        draw.ellipse([x, y, x + 40, y + 26], fill=coffee)


def _draw_fish_and_greens(draw: ImageDraw.ImageDraw, variant: int) -> None:
    if variant == 1:
        for i, x in enumerate(range(220, 600, 90)):
            draw.ellipse([x, 180 + (i % 2) * 40, x + 90, 420], fill=(43, 106 + i * 15, 47))
            draw.line([(x + 45, 200 + (i % 2) * 40), (x + 45, 420)], fill=(200, 230, 180), width=4)
        return
    body = (120, 130, 140) if variant == 0 else (170, 150, 120)
    draw.ellipse([220, 220, 540, 400], fill=body)
    draw.polygon([(530, 310), (640, 230), (640, 390)], fill=body)
    draw.ellipse([270, 280, 296, 306], fill=(20, 20, 20))


def _draw_painting(draw: ImageDraw.ImageDraw, variant: int) -> None:
    draw.rectangle([190, 110, 610, 450], fill=(122, 78, 44))
    draw.rectangle([220, 140, 580, 420], fill=(200, 225, 235))
    draw.polygon([(220, 420), (330, 250 + variant * 20), (430, 420)], fill=(43, 106, 47))
    draw.polygon([(360, 420), (480, 230), (580, 420)], fill=(15, 92, 90))
    draw.ellipse([480, 160, 540, 220], fill=(233, 185, 73))


def _draw_paving(draw: ImageDraw.ImageDraw, variant: int) -> None:
    grey = [(150, 150, 150), (170, 120, 100), (130, 140, 150)][variant]
    for row, y in enumerate(range(150, 470, 60)):
        offset = 0 if row % 2 else 50
        for x in range(120 + offset, 680, 100):
            draw.rectangle([x, y, x + 92, y + 52], fill=_shade(grey, (x + y) % 30 - 15))


_PAINTERS = {
    "furnitur": _draw_chair,
    "meja-kursi": _draw_chair,
    "lemari-rak": _draw_cabinet,
    "batik-tenun": _draw_cloth,
    "kain": _draw_cloth,
    "busana": _draw_shirt,
    "kriya": _draw_basket,
    "anyaman": _draw_basket,
    "kulit": _draw_sandals,
    "perhiasan": _draw_jewellery,
    "daur-ulang": _draw_recycled_bag,
    "makanan-minuman": _draw_snack_bag,
    "kue-roti": _draw_bread,
    "camilan": _draw_snack_bag,
    "sambal-bumbu": _draw_jar,
    "kopi-teh": _draw_coffee,
    "pertanian-perikanan": _draw_fish_and_greens,
    "lukisan-seni": _draw_painting,
    "bahan-bangunan": _draw_paving,
}

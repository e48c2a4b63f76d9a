"""A reviewer on a phone (and a desktop) sees each photo whole, zooms into it, and decides per
photo: one rejected with a reason, the other approved."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from shop.catalogue import photos, review
from shop.core import clock, unit_of_work
from shop.core.storage import storage_from_config
from shop.models import ImageReviewState, ProductImage, ProductStatus
from tests.e2e.test_staff_flow import _fits_the_screen, _sign_in
from tests.factories import (
    FacilityFactory,
    KanwilFactory,
    KanwilUserFactory,
    ProductFactory,
    StaffFactory,
)


def _jpeg(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", size, color)
    # A band along the top edge: the part a cropping thumbnail would hide.
    image.paste((250, 250, 250), (0, 0, size[0], size[1] // 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _submitted_product(app):
    region = KanwilFactory()
    facility = FacilityFactory(kanwil=region)
    staff = StaffFactory(facility=facility)
    reviewer = KanwilUserFactory(kanwil=region)
    product = ProductFactory(
        facility=facility, name="Tas Anyaman Lontar", status=ProductStatus.DRAFT,
        published_at=None,
    )  # fmt: skip
    storage = storage_from_config(app.config)
    for name, size, color in (
        ("tegak.jpg", (900, 1600), (120, 72, 40)),
        ("lebar.jpg", (1200, 900), (40, 90, 120)),
    ):
        photos.add_photos(
            product=product, uploads=[photos.Upload(name, _jpeg(size, color))],
            alt_text=f"Tas anyaman, {name}", actor=staff, storage=storage, max_bytes=10_000_000,
        )  # fmt: skip
        unit_of_work.commit()  # without Redis, the renditions are made right after the commit
    checklist = review.Checklist(True, True, True, True)
    review.submit(
        product=product, checklist=checklist, actor=staff, now=clock.now(), storage=storage
    )
    unit_of_work.commit()
    return product, reviewer


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_reviewer_sees_photos_whole_zooms_and_decides_each(
    app, db, live_server: str, page: Page, screenshot, viewport_name: str
) -> None:
    product, reviewer = _submitted_product(app)
    _sign_in(page, live_server, reviewer.email)
    page.goto(f"{live_server}/admin/reviews/{product.id}")
    cards = page.locator(".review-photo")
    expect(cards).to_have_count(2)
    portrait = cards.nth(0).locator("img.review-image")
    expect(portrait).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.review-image')].every(i => i.complete)"
    )
    shown = portrait.evaluate(
        "img => { const r = img.getBoundingClientRect();"
        " return {w: r.width, h: r.height, nw: img.naturalWidth, nh: img.naturalHeight,"
        " fit: getComputedStyle(img).objectFit}; }"
    )
    # Whole, never cropped: the box keeps the photo's own (portrait) aspect ratio.
    assert shown["nh"] > shown["nw"]
    assert abs(shown["w"] / shown["h"] - shown["nw"] / shown["nh"]) < 0.01
    assert shown["fit"] == "contain"
    assert shown["w"] <= page.viewport_size["width"]
    expect(cards.nth(0)).to_contain_text("900 \u00d7 1600 piksel")
    screenshot("admin-review-photos")
    _fits_the_screen(page)

    with page.context.expect_page() as opened:
        cards.nth(0).get_by_role("link", name="Lihat ukuran penuh (zoom)").click()
    full = opened.value
    full.wait_for_load_state()
    image = full.locator("img.full-image")
    full.wait_for_function("() => document.querySelector('img.full-image').complete")
    natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [900, 1600]
    fitted = image.bounding_box()
    assert fitted["width"] <= full.viewport_size["width"]
    assert abs(fitted["width"] / fitted["height"] - 900 / 1600) < 0.01
    image.click()  # zoom to the real pixel size
    expect(image).to_have_js_property("clientWidth", 900)
    image.click()  # and back to the whole photo
    expect(image).not_to_have_js_property("clientWidth", 900)
    full.close()

    first, second = cards.nth(0), cards.nth(1)
    for box in first.get_by_role("checkbox").all():
        box.check()
    first.get_by_label("Setujui foto").check()
    second.get_by_label("Tolak foto").check()
    second.get_by_label("Alasan penolakan (dibaca staf UPT)").fill("Ada bayangan orang di kiri.")
    page.get_by_label("Setujui teks").check()
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text("Disetujui: Tas Anyaman Lontar kini tayang.")).to_be_visible()

    db.session.expire_all()
    portrait_row, landscape_row = db.session.scalars(
        select(ProductImage).where(ProductImage.product_id == product.id).order_by(ProductImage.id)
    )
    assert portrait_row.review_state is ImageReviewState.APPROVED
    assert landscape_row.review_state is ImageReviewState.REJECTED
    assert landscape_row.rejection_reason == "Ada bayangan orang di kiri."
    for rendition in landscape_row.renditions:
        assert _status(f"{live_server}/media/{rendition['key']}") == 404
    assert _status(f"{live_server}/media/{portrait_row.renditions[0]['key']}") == 200

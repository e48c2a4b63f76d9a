"""Helpers shared by the back-office tests: photos made in memory."""

from __future__ import annotations

import io
import re

from PIL import Image


def jpeg_bytes(size: tuple[int, int] = (800, 600), color=(150, 90, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (20, 120, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def review_form(client, product_id: int) -> dict[str, list[str]]:
    """The hidden fields of the review screen as it is now: what a reviewer's form would carry."""
    page = client.get(f"/admin/reviews/{product_id}").get_data(as_text=True)
    return {
        "shown_photo": re.findall(r'name="shown_photo" value="([^"]+)"', page),
        "shown_text": re.findall(r'name="shown_text" value="([^"]+)"', page),
    }


def decide(
    client,
    product_id: int,
    form: dict[str, list[str]] | None = None,
    *,
    photos: dict[int, str] | None = None,
    text: str | None = "approve",
    text_reason: str = "",
    checklist: tuple[str, ...] = ("no_faces", "no_names", "no_identifying_details"),
):
    """Post a decision for what `form` showed (the screen now, when not given).

    Every shown photo is approved with its checklist ticked unless `photos` says
    {id: "reject:reason"}; the text is approved unless `text` says otherwise.
    """
    form = form or review_form(client, product_id)
    data: dict[str, object] = {"shown_photo": form["shown_photo"], "text_reason": text_reason}
    if form["shown_text"]:
        data["shown_text"] = form["shown_text"][0]
        if text:
            data["text"] = text
    for shown in form["shown_photo"]:
        image_id = int(shown.split(":")[0])
        choice = (photos or {}).get(image_id, "approve")
        verdict, _sep, reason = choice.partition(":")
        data[f"photo-{image_id}"] = verdict
        data[f"reason-{image_id}"] = reason
        data[f"check-{image_id}"] = list(checklist)
    return client.post(f"/admin/reviews/{product_id}/decide", data=data)

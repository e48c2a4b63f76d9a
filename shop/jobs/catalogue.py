"""Catalogue jobs: a photo's renditions, made after its upload has answered."""

from __future__ import annotations

from flask import current_app

from shop.catalogue import photos
from shop.core.storage import storage_from_config
from shop.jobs import job


@job("catalogue.render_photo")
def render_photo(*, image_id: int) -> None:
    photos.render(image_id=image_id, storage=storage_from_config(current_app.config))

"""Catalogue jobs: a photo's renditions and bulk imports, run after the request has answered."""

from __future__ import annotations

from flask import current_app

from shop.catalogue import importing, photos
from shop.core import clock, unit_of_work
from shop.core.storage import storage_from_config
from shop.jobs import job


@job("catalogue.render_photo")
def render_photo(*, image_id: int) -> None:
    photos.render(image_id=image_id, storage=storage_from_config(current_app.config))


@job("catalogue.import_products")
def import_products(*, run_id: int) -> None:
    """Import a run's files; its progress is committed as it goes, for the progress page."""
    importing.run_import(
        run_id=run_id,
        storage=storage_from_config(current_app.config),
        max_image_bytes=current_app.config["MAX_IMAGE_BYTES"],
        now=clock.now(),
        save_progress=unit_of_work.commit,
    )

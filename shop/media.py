"""Serving stored files (product photos) with long-lived cache headers: their keys are hashes.

Only the `img/` renditions are served; the masters they are made from never are.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, send_file

from shop.core.storage import LocalStorage, StorageError, storage_from_config

bp = Blueprint("media", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/media/img/<path:key>")
def image(key: str) -> Response:
    storage = storage_from_config(current_app.config)
    if not isinstance(storage, LocalStorage):
        abort(404)
    try:
        path = storage.path_of(f"img/{key}")
    except StorageError:
        abort(404)
    if not path.is_relative_to(storage.path_of("img")) or not path.is_file():
        abort(404)
    response = send_file(path, max_age=ONE_YEAR, conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response

"""The API's errors: JSON `{"error": code, "message": text}` with the HTTP status, never HTML.

`error` is a stable code a partner's program can test; `message` says what to do, in the
language of Accept-Language (Indonesian by default, English on request).
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from shop.api import bp
from shop.database import db
from shop.extensions import limiter

# Why a request was refused, more precisely than its status (`abort(401, "revoked_key")`).
REASONS = {"invalid_key", "revoked_key", "invalid_cursor"}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameters",
    429: "rate_limited",
    500: "server_error",
}


def _message(code: str) -> str:
    messages = {
        "invalid_key": _(
            "Kunci API tidak dikenal. Periksa kuncinya, atau minta kunci baru ke kantor pusat."
        ),
        "revoked_key": _(
            "Kunci API ini sudah dicabut. Minta kunci baru ke kantor pusat, atau kirim "
            "permintaan tanpa kunci (dengan batas yang lebih rendah)."
        ),
        "invalid_cursor": _(
            "Kursor tidak dikenal: gunakan next_cursor dari halaman sebelumnya dengan filter "
            "dan urutan yang sama."
        ),
        "rate_limited": _("Terlalu banyak permintaan. Coba lagi setelah Retry-After detik."),
        "not_found": _("Tidak ditemukan."),
        "method_not_allowed": _("API ini hanya dapat dibaca (GET)."),
        "invalid_parameters": _("Parameter tidak valid."),
        "bad_request": _("Permintaan tidak dapat dibaca."),
        "server_error": _("Terjadi kesalahan di server. Coba lagi nanti."),
    }
    return messages.get(code, messages["bad_request"])


def error_response(status: int, code: str, **extra: Any) -> Response:
    response = jsonify({"error": code, "message": _message(code), **extra})
    response.status_code = status
    return response


def json_error(error: HTTPException) -> Response:
    """Any HTTP error of the API as JSON (also the routing errors the app-wide handler gets)."""
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    if isinstance(error, RateLimitExceeded):
        return _rate_limited()
    description = error.description if isinstance(error.description, str) else ""
    code = description if description in REASONS else CODES.get(status, "bad_request")
    extra: dict[str, Any] = {}
    data = getattr(error, "data", None)
    if status == 422 and isinstance(data, dict) and "messages" in data:
        # webargs' findings per location: {"query": {"limit": ["Must be ..."]}}
        extra["errors"] = data["messages"]
    response = error_response(status, code, **extra)
    if status == 405:
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _rate_limited() -> Response:
    current = limiter.current_limit
    retry = 1
    if current is not None:
        retry = max(1, math.ceil(current.reset_at - time.time()))
    response = error_response(429, "rate_limited", retry_after=retry)
    response.headers["Retry-After"] = str(retry)
    return response


@bp.errorhandler(HTTPException)
def api_error(error: HTTPException) -> Response:
    return json_error(error)

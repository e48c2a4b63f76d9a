"""The public read API under /api/v1: the catalogue as JSON for partners and marketplaces.

A web layer of its own beside the storefront and the back office (none imports another). Its
views are flask-smorest routes whose marshmallow schemas make the OpenAPI 3.1 document at
/api/v1/openapi.json; `shop.api.access` decides who asks (a partner key or an address), how
often they may, and counts each key's use; `shop.api.http` adds ETags and CORS.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api, Blueprint

PREFIX = "/api/v1"

bp = Blueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    description="Katalog publik Etalase Karya Pemasyarakatan.",
)


class _Api(Api):
    """flask-smorest's Api without its app-wide JSON error handler: the storefront and the back
    office keep their HTML error pages; the API blueprint answers its own errors. Its default
    error response is not added either: each operation documents ours (`schemas.ApiError`)."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        return None


SPEC = {
    "title": "Etalase Karya Pemasyarakatan API",
    "version": "1.0.0",
    "openapi_version": "3.1.0",
    "info": {
        "description": (
            "Read-only public catalogue of products made in Indonesian correctional "
            "facilities: products, facilities and categories. Anonymous use is allowed at a "
            "lower rate; partners send a key as `Authorization: Bearer <key>` or "
            "`X-Api-Key`. See /api/v1/docs."
        ),
    },
    "servers": [{"url": "/"}],
    # Every operation works without a key (anonymous, lower limit) or with one of the two.
    "security": [{}, {"bearerKey": []}, {"apiKeyHeader": []}],
}


def init_app(app: Flask) -> None:
    """Bind the API to the app: an Api (and its spec) per app, then the blueprint."""
    from shop.api import access, catalogue, docs, errors, http  # noqa: F401  (register views)

    api = _Api(app, spec_kwargs=dict(SPEC))
    access.document_security(api)
    api.register_blueprint(bp)


def spec_of(app: Flask) -> dict[str, object]:
    """The app's OpenAPI document as a dict."""
    api: Api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return api.spec.to_dict()

"""The OpenAPI document and a readable page made from it, both from the routes' own schemas.

The page is rendered on the server (no script, nothing from another site: the CSP allows
neither), so it always describes the running code.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import current_app, jsonify, render_template
from flask.typing import ResponseReturnValue

from shop.api import bp, spec_of


def openapi_document() -> ResponseReturnValue:
    return jsonify(spec_of(current_app))


def docs_page() -> ResponseReturnValue:
    spec = spec_of(current_app)
    return render_template("api/docs.html", spec=spec, operations=operations(spec))


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation with its parameters and answers, in the document's order."""
    found = []
    for path, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        *methods.get("parameters", []),
                        *operation.get("parameters", []),
                    ],
                    "responses": operation.get("responses", {}),
                }
            )
    return found


# Registered past flask-smorest's own `add_url_rule`, so the document does not describe itself.
FlaskBlueprint.add_url_rule(bp, "/openapi.json", "openapi", openapi_document)
FlaskBlueprint.add_url_rule(bp, "/docs", "docs", docs_page)

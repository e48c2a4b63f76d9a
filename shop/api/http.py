"""What every API answer carries: CORS for reading from any site, an ETag, no cookie.

The API is public and read-only, so any origin may read it (`Access-Control-Allow-Origin: *`,
no credentials) and a browser's preflight is answered for GET. Each 200 answer gets a strong
ETag of its body; a client sending it back in If-None-Match gets 304 and no body. Answers
depend on the key sent (rate-limit headers), so shared caches keep them apart by it.
"""

from __future__ import annotations

from flask import Response, current_app, request

from shop.api import bp
from shop.extensions import limiter

ALLOWED_HEADERS = "Authorization, X-Api-Key, If-None-Match, Accept-Language"
EXPOSED_HEADERS = "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"


@bp.after_request
def finish(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    _rate_limit_headers(response)
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.headers["Cache-Control"] = (
            f"public, max-age={current_app.config['API_CACHE_SECONDS']}"
        )
        response.vary.update(("Authorization", "X-Api-Key", "Accept-Language"))
        response.make_conditional(request)
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _rate_limit_headers(response: Response) -> None:
    current = limiter.current_limit
    if current is None:
        return
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(max(0, current.remaining))
    response.headers["X-RateLimit-Reset"] = str(int(current.reset_at))

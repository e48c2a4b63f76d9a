"""Who is asking the API, how often they may, and counting each partner key's use.

A request is a partner's when it carries a key (`Authorization: Bearer <key>` or `X-Api-Key`),
else anonymous. A key that is not ours or was revoked is refused with 401 rather than served
anonymously, so a partner notices at once. Partners are limited per key (API_RATE_LIMIT_KEY),
everyone else per address (API_RATE_LIMIT_ANONYMOUS, lower); both counted by Flask-Limiter in
its store (Redis when configured), so every worker sees the same counts.

A key's use is counted after the answer, in a transaction of its own (one upsert), so a
partner's read is never held up by, or lost to, the counting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Response, abort, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import Api

from shop.api import bp
from shop.core import clock
from shop.database import db
from shop.extensions import limiter
from shop.partners import keys, usage

log = logging.getLogger("etalase.api")

_UNSET = object()


@dataclass(frozen=True)
class Caller:
    """The partner key of a request (its id), or None for an anonymous one."""

    key_id: int | None
    refused: str = ""  # why a key that was sent is not accepted


def presented_key() -> str | None:
    """The key the request carries, if any (an empty header is no key)."""
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    sent = request.headers.get("X-Api-Key", "").strip()
    return sent or None


def caller() -> Caller:
    """Who is asking, looked up once per request (the limiter asks before the view does).

    Also marks the request stateless: nothing of a session belongs to an API answer, so no
    cookie is ever sent (see the app's session interface).
    """
    g.stateless = True
    found = g.get("api_caller", _UNSET)
    if isinstance(found, Caller):
        return found
    secret = presented_key()
    if secret is None:
        result = Caller(None)
    else:
        key = keys.key_for_secret(secret)
        if key is None:
            result = Caller(None, refused="invalid")
        elif not key.is_active:
            result = Caller(None, refused="revoked")
        else:
            result = Caller(key.id)
    g.api_caller = result
    return result


def _limit_key() -> str:
    found = caller()
    if found.key_id is not None:
        return f"api-key:{found.key_id}"
    return f"api-address:{get_remote_address()}"


def _limit_value() -> str:
    config = current_app.config
    if caller().key_id is not None:
        return config["API_RATE_LIMIT_KEY"]
    return config["API_RATE_LIMIT_ANONYMOUS"]


def _is_preflight() -> bool:
    return request.method == "OPTIONS"


# One shared budget for the whole API per key or address ("api" scope), preflights free.
limiter.shared_limit(_limit_value, scope="api", key_func=_limit_key, exempt_when=_is_preflight)(bp)


@bp.before_request
def refuse_bad_keys() -> None:
    """A key that was sent must work: 401 with the reason instead of anonymous service."""
    g.stateless = True
    if request.method == "OPTIONS":
        return
    refused = caller().refused
    if refused == "revoked":
        abort(401, "revoked_key")
    if refused:
        abort(401, "invalid_key")


@bp.after_request
def count_use(response: Response) -> Response:
    """Count a partner's request (a refusal for the limit too) once it has been answered."""
    found = g.get("api_caller")
    if isinstance(found, Caller) and found.key_id is not None and request.method != "OPTIONS":
        _count(found.key_id, limited=response.status_code == 429)
    return response


def _count(key_id: int, *, limited: bool) -> None:
    try:
        db.session.rollback()  # the read's transaction ends here; nothing of it was written
        usage.count_request(key_id=key_id, now=clock.now(), limited=limited)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Could not count a request of partner key %s", key_id)


def document_security(api: Api) -> None:
    """The two ways of sending a key, in the spec; every operation also works without one."""
    api.spec.components.security_scheme(
        "bearerKey",
        {"type": "http", "scheme": "bearer", "description": "A partner key: `Bearer etl_...`"},
    )
    api.spec.components.security_scheme(
        "apiKeyHeader", {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    )

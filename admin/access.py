"""The one access check of the back office, run before every /admin request.

Which roles may use a view is declared next to its route, with `@roles(...)` under the route
decorator (or `@public` for the sign-in pages). The guard reads that declaration; a view that
declares nothing is closed to everyone, so a forgotten declaration fails shut.
Which rows a user may see is the other half, decided by `shop.accounts.scoping`: an object
outside the scope raises `OutOfScope`, answered here with a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from admin import bp
from shop.accounts.scoping import OutOfScope
from shop.extensions import login_manager
from shop.models import Role

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])

EVERYONE = frozenset(Role)
REVIEWERS = frozenset({Role.KANWIL, Role.CENTRAL, Role.ADMIN})
CENTRAL_OFFICE = frozenset({Role.CENTRAL, Role.ADMIN})
# The attributes the decorators set on a view function.
ROLES_ATTRIBUTE = "admin_roles"
PUBLIC_ATTRIBUTE = "admin_public"


def roles(*allowed: Role | Iterable[Role]) -> Callable[[View], View]:
    """Let these roles (or groups of roles) use the view; put it under the route decorator."""
    chosen: set[Role] = set()
    for item in allowed:
        chosen.update([item] if isinstance(item, Role) else item)
    if not chosen:
        raise ValueError("a view needs at least one role; leave it undeclared to close it")

    def declare(view: View) -> View:
        setattr(view, ROLES_ATTRIBUTE, frozenset(chosen))
        return view

    return declare


def public(view: View) -> View:
    """Open to visitors who are not signed in (signing in, resetting a password)."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def roles_for(endpoint: str) -> frozenset[Role]:
    """The roles declared on the endpoint's view; none when it declares nothing."""
    view = current_app.view_functions.get(endpoint)
    return frozenset(getattr(view, ROLES_ATTRIBUTE, frozenset()))


def is_public(endpoint: str) -> bool:
    return bool(getattr(current_app.view_functions.get(endpoint), PUBLIC_ATTRIBUTE, False))


@bp.before_request
def guard() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None or is_public(endpoint):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles_for(endpoint):
        abort(403)
    return None


@bp.after_request
def no_store(response):  # type: ignore[no-untyped-def]
    """Back-office pages hold internal data: never kept by shared caches or the back button."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(OutOfScope)
def out_of_scope(_error: OutOfScope) -> ResponseReturnValue:
    return render_template("errors/404.html", code=404), 404

"""The one access check of the back office, run before every /admin request.

Which roles may use a view is declared next to its routes: each area module registers its
routes through one or more `Section`s, each naming its roles once. The guard reads that
declaration; a view that declares nothing is closed to everyone, so a forgotten declaration
fails shut.
Which rows a user may see is the other half, decided by `shop.accounts.scoping`: an object
outside the scope raises `OutOfScope`, answered here with a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

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
# The attributes a section sets on the view functions of its routes.
ROLES_ATTRIBUTE = "admin_roles"
PUBLIC_ATTRIBUTE = "admin_public"


def _role_set(allowed: tuple[Role | Iterable[Role], ...]) -> frozenset[Role]:
    chosen: set[Role] = set()
    for item in allowed:
        chosen.update([item] if isinstance(item, Role) else item)
    return frozenset(chosen)


class Section:
    """A group of back-office routes and the roles that may use them, declared once.

    `section = Section(Role.STAFF, CENTRAL_OFFICE)` next to the routes, then
    `@section.get("/orders")` instead of `@bp.get(...)`: the route is registered on the
    blueprint with the section's roles on its view, where the guard reads them. A module may
    hold several sections; `Section(public=True)` is for signing in and resetting a password.
    A view registered on `bp` directly declares nothing and is closed to everyone.
    """

    def __init__(self, *allowed: Role | Iterable[Role], public: bool = False) -> None:
        self.roles = _role_set(allowed)
        self.public = public
        if not self.roles and not public:
            raise ValueError("a section needs at least one role, or public=True")

    def route(self, rule: str, **options: Any) -> Callable[[View], View]:
        def register(view: View) -> View:
            setattr(view, ROLES_ATTRIBUTE, self.roles)
            setattr(view, PUBLIC_ATTRIBUTE, self.public)
            return bp.route(rule, **options)(view)

        return register

    def get(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["POST"], **options)


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

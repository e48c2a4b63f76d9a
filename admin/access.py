"""The one access check of the back office, run before every /admin request.

Which roles may use a view is decided by the module (area) the view lives in, so a new view is
covered the moment it is written, and an area missing from `AREA_ROLES` is closed to everyone.
Which rows a user may see is the other half, decided by `shop.accounts.scoping`: an object
outside the scope raises `OutOfScope`, answered here with a 404.
"""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from admin import bp
from shop.accounts.scoping import OutOfScope
from shop.extensions import login_manager
from shop.models import Role

EVERYONE = frozenset(Role)
REVIEWERS = frozenset({Role.KANWIL, Role.CENTRAL, Role.ADMIN})
AREA_ROLES: dict[str, frozenset[Role]] = {
    "admin.accounts.auth": EVERYONE,
    "admin.reporting.dashboard": EVERYONE,
    "admin.catalogue.products": EVERYONE,
    "admin.catalogue.photos": EVERYONE,
    "admin.catalogue.stock": EVERYONE,
    "admin.catalogue.imports": EVERYONE,
    "admin.catalogue.reviews": REVIEWERS,
    # Everyone sees the PNBP position and deposits of their scope; staff do not record them.
    "admin.finance.deposits": EVERYONE,
    "admin.finance.deposit_entry": REVIEWERS,
    "admin.reporting.reports": EVERYONE,
    "admin.facilities.profile": frozenset({Role.STAFF}),
    "admin.facilities.delivery": frozenset({Role.STAFF}),
    # Kanwil users do not handle orders (`orders.check_may_handle`), so they do not see them.
    "admin.ordering.fulfilment": frozenset({Role.STAFF, Role.CENTRAL, Role.ADMIN}),
    "admin.catalogue.trust": frozenset({Role.CENTRAL, Role.ADMIN}),
    "admin.reporting.audit": frozenset({Role.CENTRAL, Role.ADMIN}),
    "admin.finance.reconciliation": frozenset({Role.CENTRAL, Role.ADMIN}),
    # Mail to buyers and staff of every facility, and sending it again.
    "admin.operations.mail": frozenset({Role.CENTRAL, Role.ADMIN}),
    # Kanwil users read their region's split rules; only the central office adds rules.
    "admin.ledger.split_rules": REVIEWERS,
    "admin.ledger.split_rule_entry": frozenset({Role.CENTRAL, Role.ADMIN}),
    "admin.facilities.registry": frozenset({Role.ADMIN}),
    "admin.accounts.users": frozenset({Role.ADMIN}),
}
PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.reset_password"})


def roles_for(endpoint: str) -> frozenset[Role]:
    view = current_app.view_functions.get(endpoint)
    return AREA_ROLES.get(getattr(view, "__module__", ""), frozenset())


@bp.before_request
def guard() -> ResponseReturnValue | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
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

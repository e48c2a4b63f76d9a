"""The staff back office blueprint, under /admin: one module per area, one role guard for all."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from shop.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.record_once
def _configure_login(_state: object) -> None:
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman itu.")
    login_manager.login_message_category = "error"
    login_manager.session_protection = "strong"


from admin import (  # noqa: E402,F401  (the areas register their views on bp)
    access,
    audit,
    auth,
    dashboard,
    delivery,
    deposit_entry,
    deposits,
    facilities,
    fulfilment,
    imports,
    photos,
    products,
    profile,
    reconciliation,
    reports,
    reviews,
    split_rule_entry,
    split_rules,
    stock,
    trust,
    users,
)

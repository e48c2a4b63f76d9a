"""The staff back office under /admin: a folder per area mirroring the core, one role guard."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from admin.helpers import page_url
from shop.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.record_once
def _configure_login(_state: object) -> None:
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman itu.")
    login_manager.login_message_category = "error"
    login_manager.session_protection = "strong"


# The `pager` macro's links to the neighbouring pages of a list.
bp.add_app_template_global(page_url)

# The areas register their views on bp; each folder mirrors a domain package of the core.
from admin import access  # noqa: E402,F401
from admin.accounts import auth, users  # noqa: E402,F401
from admin.catalogue import imports, labels, photos, products, reviews, stock, trust  # noqa: E402,F401
from admin.facilities import delivery, profile, registry  # noqa: E402,F401
from admin.finance import deposits, reconciliation  # noqa: E402,F401
from admin.ledger import views  # noqa: E402,F401
from admin.operations import mail  # noqa: E402,F401
from admin.ordering import fulfilment  # noqa: E402,F401
from admin.partners import keys  # noqa: E402,F401
from admin.quotes import views as quote_views  # noqa: E402,F401
from admin.reporting import audit, dashboard, export_files, reports  # noqa: E402,F401
from admin.tills import events, till  # noqa: E402,F401

"""Flask extensions, created unbound and bound to an app in `create_app`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from shop.database import db

__all__ = ["babel", "cache", "csrf", "db", "limiter", "login_manager", "migrate"]

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Figures that are costly to compute and may be a few minutes old (the public impact page).
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

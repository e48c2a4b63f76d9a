"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import flask_babel
from flask import Flask, current_app, render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

from shop import assets, form_messages, jinja_gettext, mail_rendering, security
from shop.config import PROJECT_ROOT, Config
from shop.core import i18n, urls
from shop.core import settings as core_settings
from shop.database import end_read_only_transaction
from shop.extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from shop.forms import IdConverter
from shop.jobs import engine as jobs_engine
from shop.storefront import caching


def create_app(config: Config | None = None) -> Flask:
    """Build the site from `config`, or from the environment when none is given."""
    if config is None:
        _load_dotenv()
        config = Config.from_env()
    config.check_safe_for_production()

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    # The embedded defaults (SQLite file, uploads, outbox) live under instance/.
    Path(app.instance_path).mkdir(exist_ok=True)
    app.config.from_mapping(config.as_flask_config())
    app.config["ETALASE"] = config
    urls.configure(config.SITE_URL)
    _configure_logging(app)
    register_extensions(app)
    # Every `<int:...>` in a URL is an id: ASCII digits within the database's range, else 404.
    app.url_map.converters["int"] = IdConverter
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    security.init_app(app)
    jobs_engine.install(app)
    caching.init_app(app)
    app.teardown_request(_end_read_only_transaction)
    mail_rendering.install()
    if config.PROXY_HOPS:
        hops = config.PROXY_HOPS
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(PROJECT_ROOT / "static"),
        prefix="static/",
        max_age=3600,
        immutable_file_test=assets.is_immutable,
        add_headers_function=security.add_static_headers(security.header_pairs(app.config)),
    )
    return app


def _end_read_only_transaction(error: BaseException | None = None) -> None:
    """A request that wrote nothing keeps its connection's prepared statements (see
    `end_read_only_transaction`); one that failed is rolled back by the session, as before."""
    if error is None:
        end_read_only_transaction(db.session())


def _load_dotenv() -> None:
    from dotenv import load_dotenv

    load_dotenv(PROJECT_ROOT / ".env", override=False)


def _configure_logging(app: Flask) -> None:
    if not logging.getLogger("etalase").handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("etalase").addHandler(handler)
    logging.getLogger("etalase").setLevel(logging.WARNING if app.testing else logging.INFO)


def select_locale() -> str:
    """A storefront page's language is in its address (`shop.storefront.language`); the back
    office speaks the language chosen in the cookie, else the browser's, else Indonesian."""
    from flask import current_app, has_request_context

    from shop.storefront.language import language_of_path

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        # The API's messages follow Accept-Language alone (no cookie, no address prefix).
        return (
            request.accept_languages.best_match(languages)
            or current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    in_address = language_of_path(request.path)
    if in_address is not None:
        return in_address
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def register_extensions(app: Flask) -> None:
    from shop import models  # noqa: F401  (registers the tables)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
    limiter.init_app(app)
    cache.init_app(app)
    form_messages.install()
    jinja_gettext.install(app)
    core_settings.install(lambda: core_settings.CoreSettings.from_config(current_app.config))
    i18n.install(
        i18n.Translator(
            gettext=flask_babel.gettext,
            pgettext=flask_babel.pgettext,
            locale=lambda: str(flask_babel.get_locale() or i18n.DEFAULT_LOCALE),
        )
    )

    @login_manager.user_loader
    def load_user(identity: str) -> Any:
        from shop.accounts.users import user_for_session

        return user_for_session(identity)

    # Flask-Login's "strong" session protection binds a session to the client's address, which
    # it reads from X-Forwarded-For whatever sent it; ours reads the address ProxyFix settled.
    login_manager._session_identifier_generator = security.session_identifier


def register_blueprints(app: Flask) -> None:
    from admin import bp as admin_bp
    from shop import api
    from shop.health import bp as health_bp
    from shop.media import bp as media_bp
    from shop.storefront import bp as storefront_bp

    app.register_blueprint(storefront_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(health_bp)
    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from shop.api import PREFIX as API_PREFIX
    from shop.api.errors import json_error

    def render_error(error: Any) -> Any:
        if request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/"):
            # Also an address or method no API route takes: partners read JSON, not a page.
            return json_error(error)
        code = getattr(error, "code", 500) or 500
        if code >= 500:
            db.session.rollback()
        template = f"errors/{code}.html" if code in (403, 404, 413, 429) else "errors/error.html"
        return render_template(template, code=code), code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)


def register_template_helpers(app: Flask) -> None:
    from shop import formatting
    from shop.facilities import delivery

    app.jinja_env.filters["rupiah"] = formatting.rupiah
    app.jinja_env.filters["local_datetime"] = formatting.local_datetime
    app.jinja_env.filters["number"] = formatting.number
    app.jinja_env.filters["day"] = formatting.day
    app.jinja_env.filters["weight"] = formatting.weight
    app.jinja_env.filters["form_error"] = form_messages.localise
    app.jinja_env.globals["current_locale"] = formatting.current_locale_code
    app.jinja_env.globals["media_url"] = formatting.media_url
    app.jinja_env.globals["asset_url"] = assets.asset_url
    app.jinja_env.globals["courier_days"] = delivery.courier_days


def register_commands(app: Flask) -> None:
    from shop.cli import shop_cli

    app.cli.add_command(shop_cli)

"""Configuration from the environment, and refusing unsafe production settings."""

from __future__ import annotations

import pytest

from shop.app import create_app
from shop.config import Config, UnsafeConfiguration

STRONG = "x" * 48


def test_defaults_are_a_local_sqlite_site_with_the_demo_gateway() -> None:
    config = Config.from_env({})
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("instance/etalase.db")
    assert config.UPLOAD_DIR.endswith("instance/uploads")
    assert config.payment_gateway == "demo"
    assert config.SESSION_COOKIE_SECURE is False


def test_site_url_follows_the_port_when_not_set() -> None:
    assert Config.from_env({}).SITE_URL == "http://127.0.0.1:8000"
    assert Config.from_env({"PORT": "8080"}).SITE_URL == "http://127.0.0.1:8080"
    explicit = {"PORT": "8080", "SITE_URL": "https://etalase.example/"}
    assert Config.from_env(explicit).SITE_URL == "https://etalase.example"


def test_postgres_urls_use_psycopg_3() -> None:
    config = Config.from_env({"DATABASE_URL": "postgres://u:p@db:5432/etalase"})
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db:5432/etalase"


def test_stripe_key_selects_the_stripe_gateway() -> None:
    assert Config.from_env({"STRIPE_SECRET_KEY": "sk_test_123"}).payment_gateway == "stripe"


def test_production_refuses_the_development_secret_key() -> None:
    env = {
        "ETALASE_ENV": "production",
        "STRIPE_SECRET_KEY": "sk_live_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
    }
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app(Config.from_env(env))


def test_production_refuses_the_demo_gateway() -> None:
    env = {"ETALASE_ENV": "production", "SECRET_KEY": STRONG}
    with pytest.raises(UnsafeConfiguration, match="demo payment gateway"):
        Config.from_env(env).check_safe_for_production()


def test_production_with_real_settings_starts_with_secure_cookies() -> None:
    env = {
        "ETALASE_ENV": "production",
        "SECRET_KEY": STRONG,
        "STRIPE_SECRET_KEY": "sk_live_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "DATABASE_URL": "sqlite://",
    }
    app = create_app(Config.from_env(env))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PAYMENT_GATEWAY"] == "stripe"


def test_invalid_number_in_the_environment_is_reported() -> None:
    with pytest.raises(ValueError):
        Config.from_env({"MAIL_PORT": "dua lima"})


def test_the_login_brake_delay_is_read_from_the_environment() -> None:
    assert Config.from_env({}).LOGIN_SLOW_SECONDS == 2.0
    assert Config.from_env({"LOGIN_SLOW_SECONDS": "0.5"}).LOGIN_SLOW_SECONDS == 0.5
    for bad in ("dua", "-1", "nan", "86400"):
        with pytest.raises(ValueError):
            Config.from_env({"LOGIN_SLOW_SECONDS": bad})


def test_mail_retries_and_retention_are_read_from_the_environment() -> None:
    defaults = Config.from_env({})
    assert defaults.MAIL_RETRY_DELAYS == (60, 300, 1800, 7200, 21600)
    assert (defaults.CART_RETENTION_DAYS, defaults.WEBHOOK_PAYLOAD_RETENTION_DAYS) == (30, 90)
    config = Config.from_env(
        {"MAIL_RETRY_DELAYS": "10, 20", "CART_RETENTION_DAYS": "7",
         "WEBHOOK_PAYLOAD_RETENTION_DAYS": "365"}
    )  # fmt: skip
    assert config.MAIL_RETRY_DELAYS == (10, 20)
    assert (config.CART_RETENTION_DAYS, config.WEBHOOK_PAYLOAD_RETENTION_DAYS) == (7, 365)
    for name, bad in (
        ("MAIL_RETRY_DELAYS", "satu"),
        ("MAIL_RETRY_DELAYS", "60,-5"),
        ("CART_RETENTION_DAYS", "0"),
        ("WEBHOOK_PAYLOAD_RETENTION_DAYS", "-1"),
    ):
        with pytest.raises(ValueError):
            Config.from_env({name: bad})


def test_the_instance_folder_is_made_for_the_embedded_defaults(monkeypatch, tmp_path) -> None:
    from shop import app as app_module

    monkeypatch.setattr(app_module, "PROJECT_ROOT", tmp_path)
    (tmp_path / "static").mkdir()
    create_app(Config.from_env({"DATABASE_URL": "sqlite://"}))
    assert (tmp_path / "instance").is_dir()


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for() -> None:
    from flask import request

    for hops, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = create_app(Config.from_env({"DATABASE_URL": "sqlite://", "PROXY_HOPS": str(hops)}))

        @app.get("/whoami")
        def whoami() -> str:
            return request.remote_addr or ""

        response = app.test_client().get(
            "/whoami",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert response.get_data(as_text=True) == expected

"""One configuration object, read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEV_SECRET_KEY = "dev-only-secret-key-change-me"


def site_url(env: dict[str, str]) -> str:
    """The public address: `SITE_URL`, or else the local address on `PORT` (8000 by default).

    `PORT=8080 make run` serves on 8080, so every link in pages and mails must point there too;
    a SITE_URL left at another port would send the first buyer to a dead address after paying.
    """
    if env.get("SITE_URL"):
        return env["SITE_URL"].rstrip("/")
    return f"http://127.0.0.1:{_int(env.get('PORT'), 8000)}"


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when production settings would be unsafe."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    return int(value)


@dataclass
class Config:
    """Settings of one running site. `from_env` reads them; tests build one directly."""

    ETALASE_ENV: str = "development"
    SECRET_KEY: str = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str = f"sqlite:///{INSTANCE_DIR / 'etalase.db'}"
    UPLOAD_DIR: str = str(INSTANCE_DIR / "uploads")
    SITE_URL: str = "http://127.0.0.1:8000"
    STRIPE_SECRET_KEY: str = ""
    STRIPE_WEBHOOK_SECRET: str = ""
    MAIL_SERVER: str = ""
    MAIL_PORT: int = 25
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    MAIL_USE_TLS: bool = False
    MAIL_DEFAULT_SENDER: str = "Etalase Karya Pemasyarakatan <noreply@etalase.local>"
    MAIL_OUTBOX_DIR: str = str(INSTANCE_DIR / "outbox")
    RATELIMIT_STORAGE_URI: str = "memory://"
    # Failed logins allowed per account and per address (Flask-Limiter notation).
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none). The
    # per-address login limit and Secure cookies need the real client address and scheme.
    PROXY_HOPS: int = 0
    LOGIN_RATE_LIMIT_ACCOUNT: str = "5 per 15 minutes"
    LOGIN_RATE_LIMIT_ADDRESS: str = "20 per 15 minutes"
    # Photos in S3-compatible object storage when S3_BUCKET is set; a local folder otherwise.
    # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
    S3_BUCKET: str = ""
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = "ap-southeast-3"
    S3_PUBLIC_URL: str = ""
    MAX_IMAGE_BYTES: int = 15 * 1024 * 1024
    # Flask-Caching: one process's memory by default, Redis (shared by all workers) when
    # CACHE_REDIS_URL is set. IMPACT_CACHE_SECONDS: how old the public /impact figures may be.
    CACHE_TYPE: str = "SimpleCache"
    CACHE_REDIS_URL: str = ""
    CACHE_KEY_PREFIX: str = "etalase:"
    CACHE_DEFAULT_TIMEOUT: int = 300
    IMPACT_CACHE_SECONDS: int = 600
    TESTING: bool = False
    WTF_CSRF_ENABLED: bool = True
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SECURE: bool = False
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = field(default_factory=dict)
    BABEL_DEFAULT_LOCALE: str = "id"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Jakarta"
    LANGUAGES: tuple[str, ...] = ("id", "en")

    @property
    def is_production(self) -> bool:
        return self.ETALASE_ENV == "production"

    @property
    def payment_gateway(self) -> str:
        """`stripe` when a secret key is configured, otherwise the on-site demo gateway."""
        return "stripe" if self.STRIPE_SECRET_KEY else "demo"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if environ is None else environ)
        production = env.get("ETALASE_ENV", "development") == "production"
        config = cls(
            ETALASE_ENV=env.get("ETALASE_ENV", "development"),
            SECRET_KEY=env.get("SECRET_KEY", "") or DEV_SECRET_KEY,
            SQLALCHEMY_DATABASE_URI=normalise_database_url(
                env.get("DATABASE_URL") or cls.SQLALCHEMY_DATABASE_URI
            ),
            UPLOAD_DIR=env.get("UPLOAD_DIR") or cls.UPLOAD_DIR,
            SITE_URL=site_url(env),
            STRIPE_SECRET_KEY=env.get("STRIPE_SECRET_KEY", ""),
            STRIPE_WEBHOOK_SECRET=env.get("STRIPE_WEBHOOK_SECRET", ""),
            MAIL_SERVER=env.get("MAIL_SERVER", ""),
            MAIL_PORT=_int(env.get("MAIL_PORT"), 25),
            MAIL_USERNAME=env.get("MAIL_USERNAME", ""),
            MAIL_PASSWORD=env.get("MAIL_PASSWORD", ""),
            MAIL_USE_TLS=_bool(env.get("MAIL_USE_TLS")),
            MAIL_DEFAULT_SENDER=env.get("MAIL_DEFAULT_SENDER") or cls.MAIL_DEFAULT_SENDER,
            MAIL_OUTBOX_DIR=env.get("MAIL_OUTBOX_DIR") or cls.MAIL_OUTBOX_DIR,
            RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI") or "memory://",
            MAX_IMAGE_BYTES=_int(env.get("MAX_IMAGE_BYTES"), cls.MAX_IMAGE_BYTES),
            PROXY_HOPS=_int(env.get("PROXY_HOPS"), 0),
            LOGIN_RATE_LIMIT_ACCOUNT=env.get("LOGIN_RATE_LIMIT_ACCOUNT")
            or cls.LOGIN_RATE_LIMIT_ACCOUNT,
            LOGIN_RATE_LIMIT_ADDRESS=env.get("LOGIN_RATE_LIMIT_ADDRESS")
            or cls.LOGIN_RATE_LIMIT_ADDRESS,
            S3_BUCKET=env.get("S3_BUCKET", ""),
            S3_ENDPOINT_URL=env.get("S3_ENDPOINT_URL", ""),
            S3_REGION=env.get("S3_REGION") or cls.S3_REGION,
            S3_PUBLIC_URL=(env.get("S3_PUBLIC_URL") or "").rstrip("/"),
            CACHE_TYPE=env.get("CACHE_TYPE")
            or ("RedisCache" if env.get("CACHE_REDIS_URL") else cls.CACHE_TYPE),
            CACHE_REDIS_URL=env.get("CACHE_REDIS_URL", ""),
            CACHE_KEY_PREFIX=env.get("CACHE_KEY_PREFIX") or cls.CACHE_KEY_PREFIX,
            CACHE_DEFAULT_TIMEOUT=_int(env.get("CACHE_DEFAULT_TIMEOUT"), cls.CACHE_DEFAULT_TIMEOUT),
            IMPACT_CACHE_SECONDS=_int(env.get("IMPACT_CACHE_SECONDS"), cls.IMPACT_CACHE_SECONDS),
            SESSION_COOKIE_SECURE=production,
            REMEMBER_COOKIE_SECURE=production,
        )
        return config

    def check_safe_for_production(self) -> None:
        """Refuse settings that must never reach a public site, naming each one."""
        if not self.is_production:
            return
        problems = []
        if self.SECRET_KEY == DEV_SECRET_KEY or len(self.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if self.payment_gateway == "demo":
            problems.append(
                "STRIPE_SECRET_KEY is not set, so the demo payment gateway would take orders"
            )
        elif not self.STRIPE_WEBHOOK_SECRET:
            problems.append("STRIPE_WEBHOOK_SECRET must be set to verify Stripe's webhooks")
        if problems:
            raise UnsafeConfiguration(
                "Refusing to start with ETALASE_ENV=production: " + "; ".join(problems) + "."
            )

    def as_flask_config(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["PAYMENT_GATEWAY"] = self.payment_gateway
        values["MAX_CONTENT_LENGTH"] = self.MAX_IMAGE_BYTES * 12
        values["RATELIMIT_STORAGE_URI"] = self.RATELIMIT_STORAGE_URI
        return values


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for `postgres://` and `postgresql://` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url

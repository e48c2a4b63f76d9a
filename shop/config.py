"""One configuration object, read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from shop.core import clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
MIN_SECRET_KEY_LENGTH = 32


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


def _days(value: str | None, default: int) -> int:
    """A retention in whole days, at least one (0 would prune today's carts)."""
    days = _int(value, default)
    if days < 1:
        raise ValueError(f"not a number of days of at least 1: {value!r}")
    return days


def _int_list(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """Comma-separated whole numbers, none negative ("60,300,1800")."""
    if value is None or value.strip() == "":
        return default
    numbers = tuple(int(part) for part in value.split(",") if part.strip())
    if any(number < 0 for number in numbers):
        raise ValueError(f"negative numbers in {value!r}")
    return numbers


def _rate_limit(value: str | None, default: str) -> str:
    """A rate limit in Flask-Limiter's notation ("600 per minute"); a ValueError names a bad one."""
    if value is None or value.strip() == "":
        return default
    from limits import parse_many

    parse_many(value)  # raises ValueError for text that is not a limit
    return value.strip()


def _seconds(value: str | None, default: float) -> float:
    """A duration in seconds, not negative (a ValueError names a bad one)."""
    if value is None or value.strip() == "":
        return default
    seconds = float(value)
    if not 0 <= seconds < 3600:
        raise ValueError(f"not a duration from 0 up to an hour in seconds: {value!r}")
    return seconds


@dataclass
class Config:
    """Settings of one running site. `from_env` reads them; tests build one directly."""

    ETALASE_ENV: str = "development"
    # No default: `from_env` takes SECRET_KEY from the environment or, outside production, from
    # a random key made once in instance/secret_key; tests set their own.
    SECRET_KEY: str = ""
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
    # Where the login limits count: `memory://` is one process's memory, so it only holds with a
    # single worker (production refuses it with WEB_CONCURRENCY > 1); `redis://...` is shared.
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_KEY_PREFIX: str = "etalase"
    # Worker processes the server runs (gunicorn reads WEB_CONCURRENCY too).
    WEB_CONCURRENCY: int = 1
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none). The
    # per-address login limit and Secure cookies need the real client address and scheme.
    PROXY_HOPS: int = 0
    # Failed logins allowed per account from one address, and per address (Flask-Limiter
    # notation); beyond LOGIN_SLOW_AFTER failures of one account from all addresses in 15 minutes,
    # each further attempt on it waits LOGIN_SLOW_SECONDS (slowed, never refused: docs/security.md).
    LOGIN_RATE_LIMIT_ACCOUNT: str = "5 per 15 minutes"
    LOGIN_RATE_LIMIT_ADDRESS: str = "20 per 15 minutes"
    LOGIN_SLOW_AFTER: int = 10
    LOGIN_SLOW_SECONDS: float = 2.0
    # Photos in S3-compatible object storage when S3_BUCKET is set; a local folder otherwise.
    # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
    S3_BUCKET: str = ""
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = "ap-southeast-3"
    S3_PUBLIC_URL: str = ""
    MAX_IMAGE_BYTES: int = 15 * 1024 * 1024
    # Unpaid stock one buyer may hold (0: no limit): units of a variant in one order (larger
    # quantities are quoted by the facility), open unpaid orders per address and per email.
    CHECKOUT_MAX_UNITS_PER_VARIANT: int = 10
    CHECKOUT_MAX_OPEN_ORDERS_PER_ADDRESS: int = 3
    CHECKOUT_MAX_OPEN_ORDERS_PER_EMAIL: int = 3
    # REDIS_URL: the Redis that queues background jobs (RQ); empty runs jobs in-process after
    # the commit. It is also the default store of the login limits.
    REDIS_URL: str = ""
    JOBS_QUEUE: str = "etalase"
    # Seconds between failed attempts to deliver a mail; after the last one it is marked failed.
    MAIL_RETRY_DELAYS: tuple[int, ...] = (60, 300, 1800, 7200, 21600)
    # The daily pruning: carts untouched this long, and webhook payloads older (the event's
    # row stays, so a repeat is still recognised).
    CART_RETENTION_DAYS: int = 30
    WEBHOOK_PAYLOAD_RETENTION_DAYS: int = 90
    # Report exports: a selection of more rows than this is built by a job (a download link
    # when ready) instead of in the request; the files are kept this many days.
    EXPORT_SYNC_MAX_ROWS: int = 10_000
    EXPORT_RETENTION_DAYS: int = 3
    # Flask-Caching: one process's memory by default, Redis (shared by all workers) when
    # CACHE_REDIS_URL (or REDIS_URL) is set. IMPACT_CACHE_SECONDS: how old the public /impact
    # figures may be.
    CACHE_TYPE: str = "SimpleCache"
    CACHE_REDIS_URL: str = ""
    CACHE_KEY_PREFIX: str = "etalase:"
    CACHE_DEFAULT_TIMEOUT: int = 300
    IMPACT_CACHE_SECONDS: int = 600
    # How long shared caches may keep the product feeds (/feeds/...) before asking again.
    FEED_CACHE_SECONDS: int = 900
    # The public API (/api/v1, docs/api.md): requests a partner key may make, and an address
    # without a key (lower), in Flask-Limiter notation; how long clients may keep an answer.
    API_RATE_LIMIT_KEY: str = "600 per minute"
    API_RATE_LIMIT_ANONYMOUS: str = "60 per minute"
    API_CACHE_SECONDS: int = 60
    # Public pages for visitors without a session (docs/performance.md): how long browsers and
    # shared caches may keep one (max-age), how long after that they may serve it while they
    # revalidate (stale-while-revalidate), and how long the server's page cache keeps one at
    # most (0: no page cache; a change to what a page shows drops it at once anyway).
    PUBLIC_PAGE_MAX_AGE: int = 60
    PUBLIC_PAGE_STALE_SECONDS: int = 300
    PAGE_CACHE_SECONDS: int = 300
    # How long the app cache keeps a product card's HTML (shop/storefront/cards.py; 0: every
    # card drawn for each page). A change to the product or its facility's name drops it at once.
    CARD_CACHE_SECONDS: int = 86400
    # How long a worker takes the catalogue's token as read while the catalogue's page version
    # stays the same (shop/storefront/catalogue_token.py; 0: read for each page). The app's own
    # writes show at once; a write in plain SQL within this many seconds.
    CATALOGUE_TOKEN_SECONDS: int = 5
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
    BABEL_DEFAULT_TIMEZONE: str = clock.NATIONAL.key
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
        cache_redis_url = env.get("CACHE_REDIS_URL") or env.get("REDIS_URL") or ""
        config = cls(
            ETALASE_ENV=env.get("ETALASE_ENV", "development"),
            SECRET_KEY=env.get("SECRET_KEY", "") or ("" if production else instance_secret_key()),
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
            REDIS_URL=env.get("REDIS_URL", ""),
            JOBS_QUEUE=env.get("JOBS_QUEUE") or cls.JOBS_QUEUE,
            MAIL_RETRY_DELAYS=_int_list(env.get("MAIL_RETRY_DELAYS"), cls.MAIL_RETRY_DELAYS),
            CART_RETENTION_DAYS=_days(env.get("CART_RETENTION_DAYS"), cls.CART_RETENTION_DAYS),
            WEBHOOK_PAYLOAD_RETENTION_DAYS=_days(
                env.get("WEBHOOK_PAYLOAD_RETENTION_DAYS"), cls.WEBHOOK_PAYLOAD_RETENTION_DAYS
            ),
            EXPORT_SYNC_MAX_ROWS=_int(env.get("EXPORT_SYNC_MAX_ROWS"), cls.EXPORT_SYNC_MAX_ROWS),
            EXPORT_RETENTION_DAYS=_days(
                env.get("EXPORT_RETENTION_DAYS"), cls.EXPORT_RETENTION_DAYS
            ),
            RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI")
            or env.get("REDIS_URL")
            or "memory://",
            RATELIMIT_KEY_PREFIX=env.get("RATELIMIT_KEY_PREFIX") or cls.RATELIMIT_KEY_PREFIX,
            WEB_CONCURRENCY=_int(env.get("WEB_CONCURRENCY"), 1),
            MAX_IMAGE_BYTES=_int(env.get("MAX_IMAGE_BYTES"), cls.MAX_IMAGE_BYTES),
            PROXY_HOPS=_int(env.get("PROXY_HOPS"), 0),
            CHECKOUT_MAX_UNITS_PER_VARIANT=_int(
                env.get("CHECKOUT_MAX_UNITS_PER_VARIANT"), cls.CHECKOUT_MAX_UNITS_PER_VARIANT
            ),
            CHECKOUT_MAX_OPEN_ORDERS_PER_ADDRESS=_int(
                env.get("CHECKOUT_MAX_OPEN_ORDERS_PER_ADDRESS"),
                cls.CHECKOUT_MAX_OPEN_ORDERS_PER_ADDRESS,
            ),
            CHECKOUT_MAX_OPEN_ORDERS_PER_EMAIL=_int(
                env.get("CHECKOUT_MAX_OPEN_ORDERS_PER_EMAIL"),
                cls.CHECKOUT_MAX_OPEN_ORDERS_PER_EMAIL,
            ),
            LOGIN_RATE_LIMIT_ACCOUNT=env.get("LOGIN_RATE_LIMIT_ACCOUNT")
            or cls.LOGIN_RATE_LIMIT_ACCOUNT,
            LOGIN_RATE_LIMIT_ADDRESS=env.get("LOGIN_RATE_LIMIT_ADDRESS")
            or cls.LOGIN_RATE_LIMIT_ADDRESS,
            LOGIN_SLOW_AFTER=_int(env.get("LOGIN_SLOW_AFTER"), cls.LOGIN_SLOW_AFTER),
            LOGIN_SLOW_SECONDS=_seconds(env.get("LOGIN_SLOW_SECONDS"), cls.LOGIN_SLOW_SECONDS),
            S3_BUCKET=env.get("S3_BUCKET", ""),
            S3_ENDPOINT_URL=env.get("S3_ENDPOINT_URL", ""),
            S3_REGION=env.get("S3_REGION") or cls.S3_REGION,
            S3_PUBLIC_URL=(env.get("S3_PUBLIC_URL") or "").rstrip("/"),
            CACHE_TYPE=env.get("CACHE_TYPE")
            or ("RedisCache" if cache_redis_url else cls.CACHE_TYPE),
            CACHE_REDIS_URL=cache_redis_url,
            CACHE_KEY_PREFIX=env.get("CACHE_KEY_PREFIX") or cls.CACHE_KEY_PREFIX,
            CACHE_DEFAULT_TIMEOUT=_int(env.get("CACHE_DEFAULT_TIMEOUT"), cls.CACHE_DEFAULT_TIMEOUT),
            IMPACT_CACHE_SECONDS=_int(env.get("IMPACT_CACHE_SECONDS"), cls.IMPACT_CACHE_SECONDS),
            FEED_CACHE_SECONDS=_int(env.get("FEED_CACHE_SECONDS"), cls.FEED_CACHE_SECONDS),
            API_RATE_LIMIT_KEY=_rate_limit(env.get("API_RATE_LIMIT_KEY"), cls.API_RATE_LIMIT_KEY),
            API_RATE_LIMIT_ANONYMOUS=_rate_limit(
                env.get("API_RATE_LIMIT_ANONYMOUS"), cls.API_RATE_LIMIT_ANONYMOUS
            ),
            API_CACHE_SECONDS=_int(env.get("API_CACHE_SECONDS"), cls.API_CACHE_SECONDS),
            PUBLIC_PAGE_MAX_AGE=_int(env.get("PUBLIC_PAGE_MAX_AGE"), cls.PUBLIC_PAGE_MAX_AGE),
            PUBLIC_PAGE_STALE_SECONDS=_int(
                env.get("PUBLIC_PAGE_STALE_SECONDS"), cls.PUBLIC_PAGE_STALE_SECONDS
            ),
            PAGE_CACHE_SECONDS=_int(env.get("PAGE_CACHE_SECONDS"), cls.PAGE_CACHE_SECONDS),
            CARD_CACHE_SECONDS=_int(env.get("CARD_CACHE_SECONDS"), cls.CARD_CACHE_SECONDS),
            CATALOGUE_TOKEN_SECONDS=_int(
                env.get("CATALOGUE_TOKEN_SECONDS"), cls.CATALOGUE_TOKEN_SECONDS
            ),
            SESSION_COOKIE_SECURE=production,
            REMEMBER_COOKIE_SECURE=production,
        )
        return config

    def check_safe_for_production(self) -> None:
        """Refuse settings that must never reach a public site, naming each one."""
        if not self.is_production:
            return
        problems = []
        if len(self.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if self.RATELIMIT_STORAGE_URI.startswith("memory://") and self.WEB_CONCURRENCY > 1:
            problems.append(
                "RATELIMIT_STORAGE_URI is memory:// with WEB_CONCURRENCY > 1: each worker would"
                " count login attempts on its own; set it (or REDIS_URL) to a shared Redis"
            )
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
        if self.CACHE_TYPE == "SimpleCache" and self.WEB_CONCURRENCY > 1:
            # Each worker would keep its own pages and cards and hear only of its own changes.
            values["PAGE_CACHE_SECONDS"] = 0
            values["CARD_CACHE_SECONDS"] = 0
        return values


def instance_secret_key(directory: Path = INSTANCE_DIR) -> str:
    """The site's own random key in `directory/secret_key`, made on first use (never committed).

    Made with O_EXCL, so when several workers start at once one writes it and the others read it.
    """
    path = directory / "secret_key"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            key = path.read_text().strip()
            if len(key) >= MIN_SECRET_KEY_LENGTH:
                return key
            time.sleep(0.05)  # another process is writing it
        raise UnsafeConfiguration(
            f"{path} holds no usable key: delete it to make a new one"
        ) from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for `postgres://` and `postgresql://` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url

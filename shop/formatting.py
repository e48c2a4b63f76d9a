"""Formatting for people: rupiah, local times, media URLs. Used by both web layers."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, get_group_symbol
from flask import current_app, g
from flask_babel import get_locale

from shop.core import clock
from shop.core.money import rupiah as rupiah  # kept here too: templates and views format with it
from shop.core.storage import Storage, storage_from_config


def current_locale_code() -> str:
    """The request's language code ("id" outside a request). Asked for by every link and kept
    piece of a page: the locale Flask-Babel settled is read straight from where it keeps it."""
    settled = getattr(g.get("_flask_babel"), "babel_locale", None) if g else None
    locale = settled or get_locale()
    return locale.language if locale is not None else "id"


def number(value: int | None) -> str:
    """`1.234` in Indonesian, `1,234` in English."""
    if value is None:
        return ""
    return format_decimal(value, locale="en_GB" if current_locale_code() == "en" else "id_ID")


def weight(grams: int | None) -> str:
    """`350 g` below a kilogram (not "0,3 kg"), `1,2 kg` from there on (`1.2 kg` in English)."""
    if grams is None:
        return ""
    if grams < 1000:
        return f"{grams} g"
    locale = "en_GB" if current_locale_code() == "en" else "id_ID"
    return f"{format_decimal(round(grams / 1000, 1), locale=locale)} kg"


def whole_number(value: int, locale: str) -> str:
    """An integer as Babel's `format_decimal(value, locale=locale)` writes it (`1.234` in
    Indonesian, `1,234` in English), without Babel's pattern machinery (see `rupiah`)."""
    grouped = f"{abs(value):,}".replace(",", get_group_symbol(locale))
    return f"-{grouped}" if value < 0 else grouped


def local_datetime(value: datetime | None, timezone: str | None = None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    locale = "en_GB" if current_locale_code() == "en" else "id_ID"
    return format_datetime(value.astimezone(clock.zone(timezone)), fmt, locale=locale)


def day(value: date | None, fmt: str = "long") -> str:
    """A calendar day: `31 Desember 2026`, `31 December 2026`."""
    if value is None:
        return ""
    return format_date(value, fmt, locale="en_GB" if current_locale_code() == "en" else "id_ID")


def request_storage() -> Storage:
    """The configured storage, made once per request (a page draws many pictures)."""
    storage = g.get("request_storage")
    if storage is None:
        storage = g.request_storage = storage_from_config(current_app.config)
    return storage


def media_url(key: str) -> str:
    return request_storage().url(key)

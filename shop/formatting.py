"""Formatting for people: rupiah, local times, media URLs. Used by both web layers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from flask import current_app
from flask_babel import get_locale

from shop.services.storage import storage_from_config


def current_locale_code() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "id"


def rupiah(amount_idr: int | None) -> str:
    """`Rp150.000`: integer rupiah, no decimals, Indonesian grouping in both languages."""
    if amount_idr is None:
        return ""
    return format_currency(
        amount_idr, "IDR", locale="id_ID", format="¤#,##0", currency_digits=False
    )


def number(value: int | None) -> str:
    """`1.234` in Indonesian, `1,234` in English."""
    if value is None:
        return ""
    return format_decimal(value, locale="en_GB" if current_locale_code() == "en" else "id_ID")


def local_datetime(
    value: datetime | None, timezone: str = "Asia/Jakarta", fmt: str = "medium"
) -> str:
    if value is None:
        return ""
    locale = "en_GB" if current_locale_code() == "en" else "id_ID"
    return format_datetime(value.astimezone(ZoneInfo(timezone)), fmt, locale=locale)


def media_url(key: str) -> str:
    return storage_from_config(current_app.config).url(key)

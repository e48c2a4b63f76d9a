"""The core's texts follow the reader's language through the translator the app installs."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from shop.core import i18n
from shop.core.i18n import _l, format_date, pgettext
from shop.ordering.checkout import CheckoutError


@pytest.mark.parametrize(
    ("locale", "message", "total", "day"),
    [
        ("id", "Keranjang Anda kosong.", "Jumlah", "17 Agustus 2026"),
        ("en", "Your cart is empty.", "Total", "August 17, 2026"),
    ],
)
def test_core_texts_are_translated_when_shown(app, locale, message, total, day) -> None:
    error = CheckoutError(_l("Keranjang Anda kosong."))
    with app.test_request_context(), force_locale(locale):
        assert str(error) == message
        assert pgettext("totals row of a report", "Jumlah") == total
        assert format_date(date(2026, 8, 17), "long") == day


def test_placeholders_are_filled_after_translation(app) -> None:
    with app.test_request_context(), force_locale("en"):
        text = str(_l("Pilih cara pengiriman untuk %(facility)s.", facility="Lapas Tangerang"))
    assert text == "Choose a delivery method for Lapas Tangerang."


def test_without_the_app_texts_stay_indonesian() -> None:
    previous = i18n.install(i18n.UNTRANSLATED)
    try:
        assert str(_l("Stok %(n)s.", n=3)) == "Stok 3."
    finally:
        i18n.install(previous)

"""The fast rupiah and whole-number formatters write exactly what Babel writes."""

import pytest
from babel.numbers import format_currency, format_decimal

from shop.formatting import rupiah, whole_number

VALUES = [0, 1, -1, 7, 999, 1000, -1000, 12_345, 150_000, -1_234_567, 99_999_999, 10**12,
          -(10**15)]  # fmt: skip


@pytest.mark.parametrize("value", VALUES)
def test_rupiah_is_babels_indonesian_currency_format(value):
    expected = format_currency(value, "IDR", locale="id_ID", format="¤#,##0", currency_digits=False)
    assert rupiah(value) == expected


def test_rupiah_of_nothing_is_empty():
    assert rupiah(None) == ""


@pytest.mark.parametrize("locale", ["id", "id_ID", "en", "en_GB"])
@pytest.mark.parametrize("value", VALUES)
def test_whole_number_is_babels_decimal_format(value, locale):
    assert whole_number(value, locale) == format_decimal(value, locale=locale)

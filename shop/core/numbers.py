"""The one parser for integers that come from people: URL ids, query parameters, form fields,
CSV cells.

`str.isdigit()` and `int()` accept far more than a person means: superscripts ("²"), circled
("①") and Arabic-Indic digits, and numbers with hundreds of digits that overflow the database's
columns. Here only ASCII digits pass, and only within a range the columns can hold.
"""

from __future__ import annotations

import re

# PostgreSQL `integer`, the type of every id and of quantities and counts.
MAX_ID = 2_147_483_647
MAX_QUANTITY = 2_147_483_647
# Rupiah amounts: Stripe takes at most 12 digits of minor units (two decimals), so 10 of rupiah.
MAX_AMOUNT_IDR = 9_999_999_999
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,19}")
_RUPIAH_NOISE = re.compile(r"(?i)^\s*rp\.?|[\s.]")


def is_ascii_integer(text: str) -> bool:
    return _ASCII_INTEGER.fullmatch(text) is not None


def parse_int(text: object, *, minimum: int = 0, maximum: int = MAX_QUANTITY) -> int | None:
    """`text` as an int within [minimum, maximum], or None for anything else."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not is_ascii_integer(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(text: object) -> int | None:
    """A database id (a positive `integer`), or None."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 1 <= text <= MAX_ID else None
    return parse_int(text, minimum=1, maximum=MAX_ID)


def parse_amount_idr(text: object, *, maximum: int = MAX_AMOUNT_IDR) -> int | None:
    """Rupiah as people type them (`Rp150.000`, `150 000`, `150000`), or None."""
    if not isinstance(text, str):
        return None
    return parse_int(_RUPIAH_NOISE.sub("", text), minimum=0, maximum=maximum)

"""Integer rupiah: split in proportion so the parts add up to the whole, and written out."""

from __future__ import annotations

from collections.abc import Sequence


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` by the largest-remainder method.

    Every part is rounded down, then the rupiah left over go one each to the parts with the
    largest remainders (the earlier part first on a tie). The sign of `total` is kept, so a
    refund or a fee is split the same way as a sale.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts = [magnitude * w // weight_sum for w in weights]
    remainders = [magnitude * w % weight_sum for w in weights]
    left = magnitude - sum(parts)
    for index in sorted(range(len(parts)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return [sign * part for part in parts]


def rupiah(amount_idr: int | None) -> str:
    """`Rp150.000`: integer rupiah, no decimals, Indonesian grouping in both languages.

    The same text as Babel's `format_currency(amount, "IDR", locale="id_ID", format="¤#,##0",
    currency_digits=False)` (tests/test_formatting_rupiah.py checks it), built directly: a
    report page formats thousands of amounts and Babel's pattern machinery dominated it.
    """
    if amount_idr is None:
        return ""
    grouped = f"{abs(int(amount_idr)):,}".replace(",", ".")
    return f"-Rp{grouped}" if amount_idr < 0 else f"Rp{grouped}"

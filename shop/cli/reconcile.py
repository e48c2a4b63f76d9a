"""`flask shop reconcile`: the ledger against Stripe's balance transactions for a period."""

from __future__ import annotations

from datetime import datetime

import click

from shop.cli import shop_cli
from shop.finance import reconciliation
from shop.finance.reconciliation import CATEGORY_LABELS, Difference, Reconciliation
from shop.formatting import rupiah

# Exit codes: 0 everything matches, 1 differences found, 2 bad input or Stripe unreachable.
DIFFERENCES_FOUND = 1
CANNOT_RECONCILE = 2


@shop_cli.command("reconcile")
@click.option(
    "--from",
    "first_day",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day (YYYY-MM-DD, Asia/Jakarta).",
)
@click.option(
    "--to", "last_day", required=True, type=click.DateTime(["%Y-%m-%d"]),
    help="Last day, included (YYYY-MM-DD, Asia/Jakarta).",
)  # fmt: skip
def reconcile_command(first_day: datetime, last_day: datetime) -> None:
    """Match Stripe's balance transactions of the period with the ledger, payment by payment.

    Exits 0 when everything matches, 1 when there are differences, 2 when it cannot run.
    """
    try:
        result = reconciliation.reconcile(first_day=first_day.date(), last_day=last_day.date())
    except reconciliation.ReconciliationError as error:
        click.echo(f"Rekonsiliasi tidak dapat dijalankan: {error}", err=True)
        raise SystemExit(CANNOT_RECONCILE) from None
    for line in summary_lines(result):
        click.echo(line)
    if not result.ok:
        raise SystemExit(DIFFERENCES_FOUND)


def summary_lines(result: Reconciliation) -> list[str]:
    chosen = result.period
    lines = [
        f"Rekonsiliasi Stripe {chosen.start} s.d. {chosen.end} (WIB; UTC "
        f"{chosen.starts_at():%Y-%m-%d %H:%M} sampai sebelum {chosen.ends_at():%Y-%m-%d %H:%M})",
        f"Transaksi saldo Stripe: {result.stripe_transactions}, di antaranya "
        f"{len(result.other_transactions)} tanpa pesanan (payout, biaya Stripe, penyesuaian).",
        f"Cocok: {result.matched}; selisih: {len(result.differences)}.",
        "",
        f"{'':<22}{'Stripe':>18}{'Buku besar':>18}{'Cocok':>18}",
    ]
    sides = (result.stripe_totals, result.ledger_totals, result.matched_totals)
    for label, value in (
        ("Pembayaran", lambda t: t.payments_idr),
        ("Biaya Stripe", lambda t: t.fees_idr),
        ("Pengembalian dana", lambda t: t.refunds_idr),
        ("Neto", lambda t: t.net_idr),
    ):
        lines.append(f"{label:<22}" + "".join(f"{rupiah(value(t)):>18}" for t in sides))
    lines.append(f"{'Jumlah transaksi':<22}" + "".join(f"{t.count:>18}" for t in sides))
    lines.append(
        f"Entri buku besar gateway demo tidak dihitung (tidak melalui Stripe): "
        f"{result.demo_entries_excluded}."
    )
    if result.ok:
        lines += ["", "Semua transaksi cocok."]
        return lines
    lines += ["", "Selisih:"]
    lines += [difference_line(difference) for difference in result.differences]
    return lines


def difference_line(difference: Difference) -> str:
    item = difference.item
    line, group = item.stripe, item.ledger
    parts = [f"- {difference.label}: {CATEGORY_LABELS[item.category]} {item.source_id or '?'}"]
    if line is not None:
        parts.append(f"transaksi {line.transaction_id}")
        parts.append(f"Stripe {rupiah(line.amount_idr)} (biaya {rupiah(line.fee_idr)})")
    if group is not None:
        parts.append(f"buku besar {rupiah(group.amount_idr)} (biaya {rupiah(group.fee_idr)})")
    if item.order_number:
        parts.append(f"pesanan {item.order_number}")
    parts += [f"{ref.facility_name} (#{ref.facility_order_id})" for ref in item.facility_orders]
    return ", ".join(parts)

"""`flask shop reconcile`: exit 0 when Stripe and the ledger agree, 1 on differences, 2 if it
cannot run."""

from __future__ import annotations

import pytest
import responses

from shop.cli import shop_cli
from tests.checkout import stripe_fixtures as sf
from tests.services import stripe_balance as sb


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def _run(app, *args: str):
    return app.test_cli_runner().invoke(shop_cli, ["reconcile", *args])


def _today_args() -> list[str]:
    today = sb.today_in_jakarta().isoformat()
    return ["--from", today, "--to", today]


def _charge(order, fee: int = sb.FIRST_FEE):
    return sb.charge_transaction(
        order_number=order.number, amount=sf.TWO_FACILITIES_TOTAL_IDR * 100, fee=fee
    )


def test_everything_matching_exits_0_with_the_totals(app, paid, rsps) -> None:
    _shop, order = paid
    sb.mock_balance(rsps, [[_charge(order)]])
    result = _run(app, *_today_args())
    assert result.exit_code == 0, result.output
    assert "Cocok: 1; selisih: 0." in result.output
    assert "Semua transaksi cocok." in result.output
    payments = next(line for line in result.output.splitlines() if line.startswith("Pembayaran"))
    assert payments.split()[1:] == ["Rp765.000"] * 3
    fees = next(line for line in result.output.splitlines() if line.startswith("Biaya Stripe"))
    assert fees.split()[2:] == ["Rp26.011"] * 3


def test_a_dashboard_refund_exits_1_and_is_listed(app, paid, rsps) -> None:
    shop, order = paid
    coffee_part = sb.part_of(order, shop.coffee_rutan.id)
    dashboard = sb.refund_transaction(
        txn_id="txn_3QeTestDashboard", refund_id="re_3QeTestDashboard",
        order_number=order.number, amount=-255_000 * 100,
    )  # fmt: skip
    sb.mock_balance(rsps, [[dashboard], [_charge(order)]])
    result = _run(app, *_today_args())
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("- ")]
    assert "Ada di Stripe, tidak ada di buku besar" in line
    assert "re_3QeTestDashboard" in line
    assert order.number in line
    assert f"Rutan Kelas IIA Kupang (#{coffee_part.id})" in line
    assert "starting_after=txn_3QeTestDashboard" in sb.balance_calls(rsps)[1]


def test_a_fee_that_differs_exits_1(app, paid, rsps) -> None:
    _shop, order = paid
    sb.mock_balance(rsps, [[_charge(order, fee=2_700_000)]])
    result = _run(app, *_today_args())
    assert result.exit_code == 1
    assert "Biaya Stripe berbeda" in result.output
    assert "Stripe Rp765.000 (biaya Rp27.000)" in result.output
    assert "buku besar Rp765.000 (biaya Rp26.011)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-31"], "'2026-13-01' does not match"),
        (["--from", "2026-12-31", "--to", "2026-12-01"], "Tanggal awal harus sebelum"),
        (["--to", "2026-12-31"], "Missing option '--from'"),
    ],
)
def test_bad_dates_exit_2_with_a_message(app, db, rsps, args, message) -> None:
    result = _run(app, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert sb.balance_calls(rsps) == []


def test_a_stripe_error_exits_2_without_a_traceback(app, db, rsps) -> None:
    rsps.add(
        responses.GET,
        sb.BALANCE_URL,
        status=500,
        json={"error": {"message": "An unknown error occurred", "type": "api_error"}},
    )
    result = _run(app, *_today_args())
    assert result.exit_code == 2
    assert "Rekonsiliasi tidak dapat dijalankan" in result.output
    assert "An unknown error occurred" in result.output
    assert "Traceback" not in result.output


def test_without_stripe_it_says_reconciliation_needs_it(app, db) -> None:
    app.config["STRIPE_SECRET_KEY"] = ""
    result = _run(app, *_today_args())
    assert result.exit_code == 2
    assert "Rekonsiliasi memerlukan Stripe" in result.output

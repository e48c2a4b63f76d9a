"""/admin/reconciliation: central picks a period and sees Stripe against the ledger."""

from __future__ import annotations

import re

import pytest
import responses

from tests.checkout import stripe_fixtures as sf
from tests.services import stripe_balance as sb


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def _url() -> str:
    today = sb.today_in_jakarta().isoformat()
    return f"/admin/reconciliation?from={today}&to={today}"


def _charge(order):
    return sb.charge_transaction(
        order_number=order.number, amount=sf.TWO_FACILITIES_TOTAL_IDR * 100, fee=sb.FIRST_FEE
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_form_comes_first_with_this_month_and_asks_stripe_nothing(client, login_as, rsps):
    login_as("central")
    response = client.get("/admin/reconciliation")
    assert response.status_code == 200
    today = sb.today_in_jakarta()
    page = response.get_data(as_text=True)
    assert f'value="{today.replace(day=1).isoformat()}"' in page
    assert f'value="{today.isoformat()}"' in page
    assert 'href="/admin/reconciliation"' in page  # the nav link
    assert sb.balance_calls(rsps) == []


def test_everything_matching_says_so_with_stripes_totals(client, login_as, paid, rsps) -> None:
    _shop, order = paid
    sb.mock_balance(rsps, [[_charge(order)]])
    login_as("central")
    response = client.get(_url())
    assert response.status_code == 200
    text = _text(response)
    assert "Semua transaksi cocok: 1 pembayaran dan pengembalian." in text
    assert "Pembayaran Rp765.000 Rp765.000 Rp765.000" in text
    assert "Biaya Stripe Rp26.011 Rp26.011 Rp26.011" in text


def test_a_dashboard_refund_links_to_its_facility_order(client, login_as, paid, rsps) -> None:
    shop, order = paid
    coffee_part = sb.part_of(order, shop.coffee_rutan.id)
    dashboard = sb.refund_transaction(
        txn_id="txn_3QeTestDashboard", refund_id="re_3QeTestDashboard",
        order_number=order.number, amount=-255_000 * 100,
    )  # fmt: skip
    sb.mock_balance(rsps, [[dashboard], [_charge(order)]])
    login_as("admin")
    response = client.get(_url())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(response)
    assert "1 selisih; 1 cocok." in text
    assert "Ada di Stripe, tidak ada di buku besar (1)" in text
    assert f'href="/admin/orders/{coffee_part.id}"' in page
    assert "https://dashboard.stripe.com/test/payments/pi_3QeTestEtalase0001" in page
    assert "txn_3QeTestDashboard" in page
    assert "-Rp255.000" in text
    # The link leads to the part, which central may open.
    assert client.get(f"/admin/orders/{coffee_part.id}").status_code == 200


def test_a_stripe_error_is_a_message_not_a_500(client, login_as, db, rsps) -> None:
    rsps.add(
        responses.GET,
        sb.BALANCE_URL,
        status=401,
        json={"error": {"message": "Invalid API Key provided", "type": "invalid_request_error"}},
    )
    login_as("central")
    response = client.get(_url())
    assert response.status_code == 200
    assert "Transaksi saldo Stripe tidak dapat dibaca: Invalid API Key provided" in _text(response)


def test_a_period_backwards_is_refused_inline(client, login_as, db, rsps) -> None:
    login_as("central")
    response = client.get("/admin/reconciliation?from=2026-12-31&to=2026-12-01")
    assert response.status_code == 422
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in _text(response)
    response = client.get("/admin/reconciliation?from=kemarin&to=2026-12-01")
    assert response.status_code == 422
    assert sb.balance_calls(rsps) == []


def test_with_the_demo_gateway_it_says_reconciliation_needs_stripe(app, client, login_as, db):
    app.config["STRIPE_SECRET_KEY"] = ""
    login_as("central")
    response = client.get(_url())
    assert response.status_code == 200
    assert "Rekonsiliasi memerlukan Stripe" in _text(response)


@pytest.mark.parametrize("role", ["staff", "kanwil"])
def test_staff_and_kanwil_users_are_refused(client, login_as, db, role) -> None:
    login_as(role)
    assert client.get("/admin/reconciliation").status_code == 403
    assert 'href="/admin/reconciliation"' not in client.get("/admin/").get_data(as_text=True)

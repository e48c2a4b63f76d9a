"""/admin/reconciliation: central picks a period; a job compares Stripe with the ledger and the
run's page shows the result, kept in the database, or why it could not run."""

from __future__ import annotations

import re

import pytest
import requests
import responses
from sqlalchemy import select

from shop.models import JobState, ReconciliationRun
from tests.checkout import stripe_fixtures as sf
from tests.jobs.helpers import rq_config, run_queued_jobs
from tests.services import stripe_balance as sb

INVALID_KEY = {"error": {"message": "Invalid API Key provided", "type": "invalid_request_error"}}


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(sf.STRIPE_CONFIG)


def _period() -> dict[str, str]:
    today = sb.today_in_jakarta().isoformat()
    return {"from": today, "to": today}


def _start(client, data: dict[str, str] | None = None):
    """Post the period; the answer sends the user to the run's page."""
    response = client.post("/admin/reconciliation", data=data or _period())
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def _run(client, data: dict[str, str] | None = None):
    """Start a run and open its page (without Redis the job ran before the redirect)."""
    return client.get(_start(client, data))


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
    assert 'method="post"' in page
    assert 'href="/admin/reconciliation"' in page  # the nav link
    assert sb.balance_calls(rsps) == []


def test_everything_matching_says_so_with_stripes_totals(client, login_as, paid, rsps) -> None:
    _shop, order = paid
    sb.mock_balance(rsps, [[_charge(order)]])
    login_as("central")
    response = _run(client)
    assert response.status_code == 200
    text = _text(response)
    assert "Semua transaksi cocok: 1 pembayaran dan pengembalian." in text
    assert "Pembayaran Rp765.000 Rp765.000 Rp765.000" in text
    assert "Biaya Stripe Rp26.011 Rp26.011 Rp26.011" in text
    assert 'http-equiv="refresh"' not in response.get_data(as_text=True)


def test_the_result_is_kept_and_read_again_without_asking_stripe(
    client, login_as, paid, rsps
) -> None:
    _shop, order = paid
    sb.mock_balance(rsps, [[_charge(order)]])
    login_as("central")
    location = _start(client)
    first = _text(client.get(location))
    calls = len(sb.balance_calls(rsps))
    again = client.get(location)
    assert _text(again) == first
    assert len(sb.balance_calls(rsps)) == calls == 1
    # The form's page lists the run with its outcome.
    index = client.get("/admin/reconciliation")
    assert f'href="{location}"' in index.get_data(as_text=True)
    assert "Semua cocok" in _text(index)


def test_a_dashboard_refund_links_to_its_facility_order(client, login_as, paid, rsps) -> None:
    shop, order = paid
    coffee_part = sb.part_of(order, shop.coffee_rutan.id)
    dashboard = sb.refund_transaction(
        txn_id="txn_3QeTestDashboard", refund_id="re_3QeTestDashboard",
        order_number=order.number, amount=-255_000 * 100,
    )  # fmt: skip
    sb.mock_balance(rsps, [[dashboard], [_charge(order)]])
    login_as("admin")
    response = _run(client)
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
    assert "1 selisih" in _text(client.get("/admin/reconciliation"))


def test_a_stripe_error_is_a_failed_run_that_says_why(client, login_as, db, rsps) -> None:
    rsps.add(responses.GET, sb.BALANCE_URL, status=401, json=INVALID_KEY)
    login_as("central")
    response = _run(client)
    assert response.status_code == 200
    assert (
        "Rekonsiliasi tidak dapat dijalankan: Transaksi saldo Stripe tidak dapat dibaca: "
        "Invalid API Key provided" in _text(response)
    )
    run = db.session.scalars(select(ReconciliationRun)).one()
    assert run.state is JobState.FAILED and run.result is None


def test_stripe_out_of_reach_is_a_failed_run_that_says_so(client, login_as, db, rsps) -> None:
    rsps.add(responses.GET, sb.BALANCE_URL, body=requests.ConnectionError("Connection refused"))
    login_as("central")
    text = _text(_run(client))
    assert "Rekonsiliasi tidak dapat dijalankan: Transaksi saldo Stripe tidak dapat dibaca" in text
    assert "Gagal" in _text(client.get("/admin/reconciliation"))


def test_a_period_backwards_is_refused_inline_and_nothing_runs(client, login_as, db, rsps) -> None:
    login_as("central")
    response = client.post("/admin/reconciliation", data={"from": "2026-12-31", "to": "2026-12-01"})
    assert response.status_code == 422
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in _text(response)
    response = client.post("/admin/reconciliation", data={"from": "kemarin", "to": "2026-12-01"})
    assert response.status_code == 422
    response = client.post("/admin/reconciliation", data={"from": "2024-01-01", "to": "2026-12-01"})
    assert response.status_code == 422
    assert "Periode rekonsiliasi paling panjang 366 hari." in _text(response)
    assert sb.balance_calls(rsps) == []
    assert db.session.scalars(select(ReconciliationRun)).all() == []


def test_with_the_demo_gateway_it_says_reconciliation_needs_stripe(app, client, login_as, db):
    app.config["STRIPE_SECRET_KEY"] = ""
    login_as("central")
    response = client.get("/admin/reconciliation")
    assert response.status_code == 200
    assert "Rekonsiliasi memerlukan Stripe" in _text(response)
    response = client.post("/admin/reconciliation", data=_period())
    assert response.status_code == 422
    assert "Rekonsiliasi memerlukan Stripe" in _text(response)
    assert db.session.scalars(select(ReconciliationRun)).all() == []


def test_an_unknown_run_is_not_found(client, login_as, db) -> None:
    login_as("central")
    assert client.get("/admin/reconciliation/999999").status_code == 404


@pytest.mark.parametrize("role", ["staff", "kanwil"])
def test_staff_and_kanwil_users_are_refused(client, login_as, db, role) -> None:
    login_as(role)
    assert client.get("/admin/reconciliation").status_code == 403
    assert client.post("/admin/reconciliation", data=_period()).status_code == 403
    assert 'href="/admin/reconciliation"' not in client.get("/admin/").get_data(as_text=True)


class TestOnAWorker:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        return {**sf.STRIPE_CONFIG, **rq_config()}

    def test_the_page_waits_for_the_worker_then_shows_the_result(
        self, client, login_as, paid, rsps
    ) -> None:
        _shop, order = paid
        run_queued_jobs()  # the buyer's mails of the payment
        sb.mock_balance(rsps, [[_charge(order)]])
        login_as("central")
        location = _start(client)
        waiting = client.get(location)
        assert "Menunggu giliran diproses." in _text(waiting)
        assert '<meta http-equiv="refresh" content="2">' in waiting.get_data(as_text=True)
        assert sb.balance_calls(rsps) == []

        assert run_queued_jobs() == 1
        done = client.get(location)
        assert "Semua transaksi cocok: 1 pembayaran dan pengembalian." in _text(done)
        assert 'http-equiv="refresh"' not in done.get_data(as_text=True)
        assert len(sb.balance_calls(rsps)) == 1

    def test_stripe_refusing_fails_the_run_on_the_worker(self, client, login_as, db, rsps) -> None:
        rsps.add(responses.GET, sb.BALANCE_URL, status=401, json=INVALID_KEY)
        login_as("central")
        location = _start(client)
        assert run_queued_jobs() == 1
        assert "Invalid API Key provided" in _text(client.get(location))
        db.session.expire_all()
        assert db.session.scalars(select(ReconciliationRun.state)).one() is JobState.FAILED

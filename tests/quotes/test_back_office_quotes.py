"""Quotes in the back office: answering and declining through the screens, scope, bank
transfers with their proof, the figures page; bad input changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from shop.core import clock
from shop.models import (
    AttemptStatus,
    LedgerEntry,
    Order,
    OrderStatus,
    PaymentAttempt,
    QuoteStatus,
    QuoteTransfer,
    Refund,
    SalesChannel,
)
from shop.quotes import acceptance
from tests.admin.helpers import png_bytes
from tests.quotes.helpers import answer, ask, part_of, stocked_shop


def _answer_data(part, price: str = "175.000", **overrides) -> dict[str, str]:
    valid = (clock.today(part.facility.timezone) + timedelta(days=14)).isoformat()
    data = {"lead_time_days": "12", "delivery_idr": "Rp250.000", "valid_until": valid,
            "notes": "Dikirim dengan truk UPT."}  # fmt: skip
    data.update({f"price-{line.id}": price for line in part.lines})
    data.update(overrides)
    return data


def test_staff_answer_their_part_with_prices_prefilled_and_errors_inline(
    app, db, client, login_as
) -> None:
    shop = stocked_shop()
    request = ask(shop)
    batik = part_of(request, shop.batik_lapas.id)
    login_as("staff", facility=shop.batik_lapas)
    listed = client.get("/admin/quotes")
    assert request.number in listed.text and "Rutan Kelas IIA Kupang" not in listed.text
    page = client.get(f"/admin/quotes/{batik.id}")
    assert f'name="price-{batik.lines[0].id}"' in page.text and 'value="250000"' in page.text
    bad = client.post(
        f"/admin/quotes/{batik.id}/answer",
        data=_answer_data(batik, price="0", valid_until="2001-01-01"),
    )
    assert bad.status_code == 422
    assert "Isi harga satuan lebih dari Rp0" in bad.text and "Berlaku sampai" in bad.text
    db.session.expire_all()
    assert batik.status is QuoteStatus.REQUESTED and batik.lines[0].unit_price_idr is None
    done = client.post(f"/admin/quotes/{batik.id}/answer", data=_answer_data(batik))
    assert done.status_code == 303
    db.session.expire_all()
    assert batik.status is QuoteStatus.ANSWERED
    assert (batik.lines[0].unit_price_idr, batik.delivery_idr, batik.lead_time_days) == (
        175_000, 250_000, 12,
    )  # fmt: skip
    again = client.post(f"/admin/quotes/{batik.id}/answer", data=_answer_data(batik, price="1"))
    assert again.status_code == 422 and batik.lines[0].unit_price_idr == 175_000


def test_other_facilities_kanwil_and_central_cannot_answer(app, db, client, login_as) -> None:
    shop = stocked_shop()
    request = ask(shop)
    batik = part_of(request, shop.batik_lapas.id)
    login_as("staff", facility=shop.coffee_rutan)
    assert client.get(f"/admin/quotes/{batik.id}").status_code == 404
    assert (
        client.post(f"/admin/quotes/{batik.id}/answer", data=_answer_data(batik)).status_code == 404
    )
    central = app.test_client()
    login_as("central", client=central)
    assert central.get(f"/admin/quotes/{batik.id}").status_code == 200
    assert (
        central.post(f"/admin/quotes/{batik.id}/decline", data={"reason": "x"}).status_code == 403
    )
    kanwil = app.test_client()
    login_as("kanwil", kanwil=shop.batik_lapas.kanwil, client=kanwil)
    assert request.number in kanwil.get("/admin/quotes").text
    assert (
        kanwil.get(f"/admin/quotes/{part_of(request, shop.coffee_rutan.id).id}").status_code == 404
    )
    db.session.expire_all()
    assert batik.status is QuoteStatus.REQUESTED


def test_decline_needs_a_reason(app, db, client, login_as) -> None:
    shop = stocked_shop()
    coffee = part_of(ask(shop), shop.coffee_rutan.id)
    login_as("staff", facility=shop.coffee_rutan)
    assert (
        client.post(f"/admin/quotes/{coffee.id}/decline", data={"reason": " "}).status_code == 422
    )
    db.session.expire_all()
    assert coffee.status is QuoteStatus.REQUESTED
    response = client.post(
        f"/admin/quotes/{coffee.id}/decline", data={"reason": "Stok kopi habis musim ini."}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert coffee.status is QuoteStatus.DECLINED
    assert "Stok kopi habis musim ini." in client.get(f"/admin/quotes/{coffee.id}").text


def _accepted_by_transfer(shop, request):
    for part in request.parts:
        answer(part, price=100_000, delivery=50_000)
    from shop import payments
    from shop.core import unit_of_work

    result = acceptance.accept(
        request_id=request.id, part_ids=[p.id for p in request.parts],
        payment=acceptance.PaymentChoice.BANK_TRANSFER, gateway="demo",
        check_amount=payments.gateway_named("demo").check_amount, now=clock.now(),
    )  # fmt: skip
    unit_of_work.commit()
    return result.order


def _transfer(client, part_id: int, order: Order, **overrides):
    data = {"reference": "BRI-20261203-0001", "transferred_on": clock.today().isoformat(),
            "amount_idr": str(order.total_idr),
            "proof": (io.BytesIO(png_bytes()), "bukti.png")}  # fmt: skip
    data.update(overrides)
    return client.post(
        f"/admin/quotes/{part_id}/transfer", data=data, content_type="multipart/form-data"
    )


def test_central_records_a_bank_transfer_that_reaches_the_ledger_as_b2b(
    app, db, client, login_as
) -> None:
    shop = stocked_shop()
    request = ask(shop, batik=200, coffee=40)
    order = _accepted_by_transfer(shop, request)
    assert order.gateway == "bank_transfer" and order.status is OrderStatus.PENDING_PAYMENT
    batik = part_of(request, shop.batik_lapas.id)
    staff = app.test_client()
    login_as("staff", facility=shop.batik_lapas, client=staff)
    refused = _transfer(staff, batik.id, order)
    assert refused.status_code == 422 and "kantor pusat" in refused.text
    login_as("central")
    wrong = _transfer(client, batik.id, order, amount_idr="1000")
    assert wrong.status_code == 422 and "total pesanan" in wrong.text
    renamed = _transfer(client, batik.id, order, proof=(io.BytesIO(b"%PDF-1.4 no end"), "a.pdf"))
    assert renamed.status_code == 422 and "PDF, JPEG atau PNG" in renamed.text
    db.session.expire_all()
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0

    assert _transfer(client, batik.id, order).status_code == 303
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id)).all()
    assert {(e.channel, e.gateway) for e in entries} == {(SalesChannel.B2B, "bank_transfer")}
    assert (
        sum(e.amount_idr for e in entries)
        == order.total_idr
        == 200 * 100_000 + 40 * 100_000 + 100_000
    )
    attempt = db.session.scalars(select(PaymentAttempt)).one()
    assert attempt.status is AttemptStatus.COMPLETED and attempt.gateway == "bank_transfer"
    proof = client.get(f"/admin/quotes/{batik.id}/transfer-proof")
    assert proof.status_code == 200 and proof.data == png_bytes()
    assert proof.headers["Content-Disposition"].startswith("attachment")
    assert _transfer(client, batik.id, order).status_code in (303, 422)
    assert db.session.scalar(select(func.count()).select_from(QuoteTransfer)) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == len(entries)

    refund = client.post(
        f"/admin/orders/{order.parts[0].id}/refund",
        data={"idempotency_key": "refund-transfer-1", "whole": "y", "reason": "batal"},
    )
    assert refund.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0, (
        "no gateway can give a transfer back: refused, nothing written"
    )
    figures = client.get("/admin/quotes/figures")
    assert "Lapas Kelas I Medan" in figures.text and "Rp20.000.000" in figures.text
    assert "100%" in figures.text


def test_staff_record_the_transfer_of_an_order_that_is_theirs_alone(
    app, db, client, login_as
) -> None:
    shop = stocked_shop()
    request = ask(shop)
    answer(part_of(request, shop.batik_lapas.id), price=100_000)
    from shop import payments
    from shop.core import unit_of_work

    batik = part_of(request, shop.batik_lapas.id)
    order = acceptance.accept(
        request_id=request.id, part_ids=[batik.id], payment=acceptance.PaymentChoice.ONLINE,
        gateway="demo", check_amount=payments.gateway_named("demo").check_amount,
        now=clock.now(),
    ).order  # fmt: skip
    unit_of_work.commit()
    login_as("staff", facility=shop.batik_lapas)
    assert "Catat pembayaran transfer bank" in client.get(f"/admin/quotes/{batik.id}").text
    assert _transfer(client, batik.id, order).status_code == 303
    db.session.expire_all()
    assert order.status is OrderStatus.PAID and order.gateway == "bank_transfer"


def test_figures_read_bad_periods_without_failing(app, db, client, login_as) -> None:
    login_as("kanwil")
    for query in ("from=kemarin", "from=2026-12-31&to=2026-01-01", "from=1000-01-01"):
        assert client.get(f"/admin/quotes/figures?{query}").status_code == 200
    assert client.get("/admin/quotes?status=bogus").status_code == 200

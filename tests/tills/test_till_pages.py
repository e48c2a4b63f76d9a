"""The till's pages and its JSON endpoint, as staff, another facility's staff, and the public."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from shop.core import clock
from shop.database import db
from shop.models import LedgerEntry, SalesChannel, Stand, StandSale, StandSaleStatus
from tests.factories import StaffFactory
from tests.tills.helpers import facility_with_rule, open_showroom, payload, sell, variant


def _open_through_the_page(client, login_as):
    facility = facility_with_rule()
    chair = variant(facility, sku="KRS-JATI-01")
    staff = login_as("staff", facility=facility)
    response = client.post("/admin/pos", data={"where": "showroom", "opening_cash": "Rp50.000"})
    assert response.status_code == 302
    stand = db.session.scalar(select(Stand).where(Stand.facility_id == facility.id))
    return facility, chair, staff, stand


def test_staff_open_a_stand_sell_through_json_and_see_the_receipt(client, login_as) -> None:
    _facility, chair, _staff, stand = _open_through_the_page(client, login_as)
    assert stand.opening_cash_idr == 50_000 and stand.channel is SalesChannel.SHOWROOM
    page = client.get(f"/admin/pos/stands/{stand.id}")
    assert page.status_code == 200
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    items = client.get(f"/admin/pos/stands/{stand.id}/catalogue.json").get_json()["items"]
    assert [i["sku"] for i in items] == ["KRS-JATI-01"]

    sent = payload((chair, 2))
    answers = [client.post(f"/admin/pos/stands/{stand.id}/sales", json=sent) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert answers[0].get_json() == answers[2].get_json()
    assert answers[0].get_json()["status"] == "recorded"
    assert db.session.scalar(select(func.count()).select_from(StandSale)) == 1

    receipt = client.get(answers[0].get_json()["receipt_url"])
    assert receipt.status_code == 200
    text = receipt.get_data(as_text=True)
    assert "Rp300.000" in text and "/receipts/" in text


def test_the_buyers_receipt_link_is_public_shows_no_cookie_and_follows_a_void(app, db) -> None:
    facility = facility_with_rule()
    chair = variant(facility)
    stand, staff = open_showroom(facility)
    sale = sell(stand, staff, (chair, 1))
    public = app.test_client()
    response = public.get(f"/receipts/{sale.receipt_token}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Rp150.000" in response.get_data(as_text=True)
    assert public.get(f"/en/receipts/{sale.receipt_token}").status_code == 200
    assert public.get("/receipts/not-the-token").status_code == 404
    from shop.tills import returns

    returns.void_sale(sale=sale, reason="Batal", actor=staff, now=clock.now())
    db.session.commit()
    assert "DIBATALKAN" in public.get(f"/receipts/{sale.receipt_token}").get_data(as_text=True)


def test_staff_of_another_facility_can_neither_see_nor_sell_at_the_stand(app, login_as) -> None:
    facility = facility_with_rule()
    chair = variant(facility)
    stand, staff = open_showroom(facility)
    sale = sell(stand, staff, (chair, 1))
    other = app.test_client()
    login_as("staff", client=other)
    for url in (f"/admin/pos/stands/{stand.id}", f"/admin/pos/stands/{stand.id}/catalogue.json",
                f"/admin/pos/sales/{sale.id}", f"/admin/pos/stands/{stand.id}/close"):  # fmt: skip
        assert other.get(url).status_code == 404, url
    assert (
        other.post(f"/admin/pos/stands/{stand.id}/sales", json=payload((chair, 1))).status_code
        == 404
    )
    assert other.post(f"/admin/pos/sales/{sale.id}/void", data={"reason": "x"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(StandSale)) == 1


def test_a_sale_that_cannot_be_honoured_is_answered_rejected_and_listed(client, login_as) -> None:
    _facility, chair, _staff, stand = _open_through_the_page(client, login_as)
    chair.stock = 1
    db.session.commit()
    first = client.post(f"/admin/pos/stands/{stand.id}/sales", json=payload((chair, 1)))
    late = client.post(f"/admin/pos/stands/{stand.id}/sales", json=payload((chair, 1)))
    assert first.get_json()["status"] == "recorded"
    assert late.get_json()["status"] == "rejected"
    page = client.get(f"/admin/pos/stands/{stand.id}").get_data(as_text=True)
    assert late.get_json()["number"] in page and "tinggal 0" in page


def test_malformed_json_is_refused_with_a_message_and_writes_nothing(client, login_as) -> None:
    _facility, _chair, _staff, stand = _open_through_the_page(client, login_as)
    url = f"/admin/pos/stands/{stand.id}/sales"
    bad = client.post(url, json={"id": "x", "lines": []})
    assert bad.status_code == 422 and bad.get_json()["error"]
    assert client.post(url, data="lines=1").status_code == 415
    assert db.session.scalar(select(func.count()).select_from(StandSale)) == 0


def test_void_and_close_through_the_pages(client, login_as) -> None:
    _facility, chair, _staff, stand = _open_through_the_page(client, login_as)
    sale_id = client.post(
        f"/admin/pos/stands/{stand.id}/sales", json=payload((chair, 1))
    ).get_json()["sale_id"]
    assert client.post(f"/admin/pos/sales/{sale_id}/void", data={"reason": ""}).status_code == 302
    assert db.session.get(StandSale, sale_id).status is StandSaleStatus.RECORDED
    client.post(f"/admin/pos/sales/{sale_id}/void", data={"reason": "Salah barang"})
    db.session.expire_all()
    assert db.session.get(StandSale, sale_id).status is StandSaleStatus.VOIDED
    amounts = db.session.scalar(
        select(func.sum(LedgerEntry.amount_idr)).where(LedgerEntry.stand_sale_id == sale_id)
    )
    assert amounts == 0
    missing_note = client.post(
        f"/admin/pos/stands/{stand.id}/close", data={"counted_cash": "45.000"}
    )
    assert missing_note.status_code == 422
    closed = client.post(
        f"/admin/pos/stands/{stand.id}/close", data={"counted_cash": "45.000", "note": "Kurang"}
    )
    assert closed.status_code == 302
    db.session.expire_all()
    stand = db.session.get(Stand, stand.id)
    assert (stand.expected_cash_idr, stand.cash_difference_idr) == (50_000, -5_000)


def url_for_report(page: str, path: str) -> str | None:
    """The first link of `page` to `path`, its query unescaped."""
    found = re.search(rf'href="({re.escape(path)}\?[^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def test_central_sees_an_events_sales_across_facilities(app, client, login_as) -> None:
    from shop.tills import stands

    today = clock.local_date(clock.now(), "Asia/Jakarta")
    fair = stands.NewEvent("Pameran Produk WBP", "Lapangan Banteng", today, today)
    names = []
    for price in (100_000, 250_000):
        facility = facility_with_rule()
        staff = StaffFactory(facility=facility)
        stand = stands.open_stand(actor=staff, now=clock.now(), new_event=fair)
        db.session.commit()
        sell(stand, staff, (variant(facility, price=price), 1))
        names.append(facility.name)
    login_as("central")
    listing = client.get("/admin/pos/events").get_data(as_text=True)
    assert "Pameran Produk WBP" in listing
    event_id = db.session.scalar(select(Stand.event_id).where(Stand.event_id.is_not(None)))
    page = client.get(f"/admin/pos/events/{event_id}").get_data(as_text=True)
    assert all(name in page for name in names) and "Rp350.000" in page
    entries = db.session.scalars(select(LedgerEntry.channel)).all()
    assert set(entries) == {SalesChannel.EVENT}
    # The event in the reports: per facility, its entries and their export.
    showroom = facility_with_rule()
    showroom_staff = StaffFactory(facility=showroom)
    stand = stands.open_stand(actor=showroom_staff, now=clock.now())
    db.session.commit()
    sell(stand, showroom_staff, (variant(showroom, price=90_000), 1))
    report_args = {"event": str(event_id), "from": today.isoformat(), "to": today.isoformat()}
    link = url_for_report(page, "/admin/reports/facilities")
    assert link is not None and f"event={event_id}" in link
    per_facility = client.get("/admin/reports/facilities", query_string=report_args)
    text = per_facility.get_data(as_text=True)
    assert "Saringan: Pameran Produk WBP" in text and "Rp350.000" in text
    assert "Rp90.000" not in text, "the showroom sale is not part of the event"
    assert f'name="event" value="{event_id}"' in text, "a new period keeps the event"
    export = client.get("/admin/reports/export/entries.csv", query_string=report_args)
    rows = [line for line in export.get_data(as_text=True).splitlines() if "Pameran," in line]
    assert len(rows) == 2 and all(SalesChannel.EVENT.label in line for line in rows)


def test_a_sale_from_another_site_is_refused(app, client, login_as) -> None:
    """The JSON endpoint has no form token: the same-site check stands in for it."""
    facility = facility_with_rule()
    chair = variant(facility)
    stand, _staff = open_showroom(facility, login_as("staff", facility=facility))
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/admin/pos/stands/{stand.id}/sales"
    for origin in ("https://evil.example", "null", "http://localhost.evil.example"):
        refused = client.post(url, json=payload((chair, 1)), headers={"Origin": origin})
        assert refused.status_code == 403 and refused.get_json()["error"]
    assert client.post(url, json=payload((chair, 1))).status_code == 403  # neither header
    assert db.session.scalar(select(func.count()).select_from(StandSale)) == 0
    ours = client.post(url, json=payload((chair, 1)), headers={"Origin": "http://localhost"})
    assert ours.status_code == 200

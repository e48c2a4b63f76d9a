"""Fulfilment screens: each facility sees and moves only its own part; the buyer is mailed."""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from shop import payments
from shop.core import clock
from shop.models import DeliveryRateTable, FacilityOrderStatus
from shop.ordering import orders
from shop.payments import events
from tests.checkout.helpers import place, two_facilities
from tests.factories import TEST_PASSWORD, FacilityOrderFactory, StaffFactory


def _paid_order(shop):
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    return orders.find_order(order.number)


def _part_of(order, facility):
    return next(p for p in order.parts if p.facility_id == facility.id)


def _outbox(app) -> dict[str, email.message.Message]:
    """The mails written so far, by file name (names are random, so compare sets)."""
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    return {f.name: email.message_from_bytes(f.read_bytes()) for f in folder.glob("*.eml")}


def _body(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text part")


def test_staff_see_only_their_facilitys_part_central_sees_both(app, db, client, login_as) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    lapas_part = _part_of(order, shop.batik_lapas)
    rutan_part = _part_of(order, shop.coffee_rutan)
    login_as("staff", facility=shop.batik_lapas)
    page = client.get("/admin/orders").get_data(as_text=True)
    assert order.number in page and "Kemeja Batik Tulis" in page
    assert "Kopi Arabika Flores" not in page
    detail = client.get(f"/admin/orders/{lapas_part.id}").get_data(as_text=True)
    assert "Siti Aminah" in detail and "Jl. Merdeka No. 10" in detail and "BTK-L" in detail
    slip = client.get(f"/admin/orders/{lapas_part.id}/slip").get_data(as_text=True)
    assert "@media print" in slip and "Jl. Merdeka No. 10" in slip and "BTK-L" in slip
    for url in (f"/admin/orders/{rutan_part.id}", f"/admin/orders/{rutan_part.id}/slip"):
        assert client.get(url).status_code == 404
    for url in (f"/admin/orders/{rutan_part.id}/move", f"/admin/orders/{rutan_part.id}/refund"):
        assert client.post(url, data={"to": "packed", "idempotency_key": "k"}).status_code == 404
    assert client.get("/admin/orders/999999").status_code == 404
    db.session.refresh(rutan_part)
    assert rutan_part.status is FacilityOrderStatus.PAID

    central = app.test_client()
    login_as("central", client=central)
    page = central.get("/admin/orders").get_data(as_text=True)
    assert "Kemeja Batik Tulis" in page and "Kopi Arabika Flores" in page
    assert central.get(f"/admin/orders/{rutan_part.id}").status_code == 200


def test_unpaid_parts_are_not_shown_and_the_status_filter_works(db, client, login_as) -> None:
    shop = two_facilities()
    unpaid = place(shop)
    paid = _paid_order(shop)
    login_as("staff", facility=shop.batik_lapas)
    page = client.get("/admin/orders").get_data(as_text=True)
    assert paid.number in page and unpaid.number not in page
    assert client.get(f"/admin/orders/{_part_of(unpaid, shop.batik_lapas).id}").status_code == 404
    assert paid.number not in client.get("/admin/orders?status=shipped").get_data(as_text=True)
    assert paid.number in client.get("/admin/orders?status=paid").get_data(as_text=True)


def test_pack_then_ship_with_tracking_then_deliver_mails_the_buyer(
    app, db, client, login_as
) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    part = _part_of(order, shop.batik_lapas)
    login_as("staff", facility=shop.batik_lapas)
    before = _outbox(app)
    url = f"/admin/orders/{part.id}/move"
    assert client.post(url, data={"to": "packed"}).status_code == 303
    refused = client.post(url, data={"to": "shipped", "courier": "JNE"}, follow_redirects=True)
    assert "Isi nama kurir dan nomor resi." in refused.get_data(as_text=True)
    db.session.refresh(part)
    assert part.status is FacilityOrderStatus.PACKED
    client.post(url, data={"to": "shipped", "courier": "JNE", "tracking_number": "CGK1234567890"})
    db.session.refresh(part)
    assert part.status is FacilityOrderStatus.SHIPPED
    assert part.tracking_number == "CGK1234567890" and part.shipped_at is not None
    (mail,) = [m for name, m in _outbox(app).items() if name not in before]
    assert mail["To"] == "siti.aminah@contoh.id"
    assert order.number in mail["Subject"]
    assert "CGK1234567890" in _body(mail)
    client.post(url, data={"to": "delivered"})
    db.session.refresh(part)
    assert part.status is FacilityOrderStatus.DELIVERED
    page = client.get(f"/admin/orders/{part.id}").get_data(as_text=True)
    assert "Diterima" in page


def test_a_pickup_part_becomes_ready_then_picked_up(app, db, client, login_as) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    part = _part_of(order, shop.coffee_rutan)
    login_as("staff", facility=shop.coffee_rutan)
    url = f"/admin/orders/{part.id}/move"
    client.post(url, data={"to": "packed"})
    wrong = client.post(url, data={"to": "shipped", "courier": "JNE", "tracking_number": "X1"})
    assert wrong.status_code == 303
    db.session.refresh(part)
    assert part.status is FacilityOrderStatus.PACKED
    before = len(_outbox(app))
    client.post(url, data={"to": "ready_for_pickup"})
    assert len(_outbox(app)) == before + 1
    client.post(url, data={"to": "picked_up"})
    db.session.refresh(part)
    assert part.status is FacilityOrderStatus.PICKED_UP and part.picked_up_at is not None


def test_staff_set_their_courier_rates(db, client, login_as) -> None:
    staff = login_as("staff")
    assert client.get("/admin/delivery").status_code == 200
    response = client.post(
        "/admin/delivery",
        data={
            "pickup_enabled": "y", "courier_enabled": "y", "same_city_per_kg_idr": "Rp8.000",
            "same_province_per_kg_idr": "15000", "other_province_per_kg_idr": "40 000",
            "minimum_charge_idr": "10000",
        },
    )  # fmt: skip
    assert response.status_code == 302
    table = db.session.query(DeliveryRateTable).filter_by(facility_id=staff.facility_id).one()
    assert (table.same_city_per_kg_idr, table.other_province_per_kg_idr) == (8_000, 40_000)
    assert table.courier_enabled and table.pickup_enabled
    refused = client.post(
        "/admin/delivery",
        data={
            "courier_enabled": "y", "same_city_per_kg_idr": "0", "same_province_per_kg_idr": "0",
            "other_province_per_kg_idr": "0", "minimum_charge_idr": "0",
        },
    )  # fmt: skip
    assert refused.status_code == 422
    assert "Isi tarif per kilogram" in refused.get_data(as_text=True)
    db.session.refresh(table)
    assert table.same_city_per_kg_idr == 8_000 and table.pickup_enabled


class TestCsrf:
    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_move_without_token_is_refused(self, client, db) -> None:
        part = FacilityOrderFactory()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        staff = StaffFactory(facility=part.facility)
        client.post(
            "/admin/login",
            data={"email": staff.email, "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert (
            client.post(f"/admin/orders/{part.id}/move", data={"to": "packed"}).status_code == 400
        )
        refund = client.post(
            f"/admin/orders/{part.id}/refund", data={"whole": "y", "idempotency_key": "k"}
        )
        assert refund.status_code == 400
        db.session.refresh(part)
        assert part.status is FacilityOrderStatus.PAID and part.refunded_idr == 0

"""A facility fulfils its part; buyer and staff get mail through a real SMTP server on loopback."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from shop import payments
from shop.core import clock, unit_of_work
from shop.models import FacilityOrder, FacilityOrderStatus, OrderStatus
from shop.ordering import fulfilment, order_mail, orders
from shop.payments import events, refunds
from tests.checkout.helpers import place, two_facilities
from tests.factories import KanwilUserFactory, StaffFactory
from tests.servers import free_port


class Inbox:
    """Collects what the SMTP server on loopback receives."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def config_overrides(inbox: Inbox) -> dict[str, object]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


def _body(message: Message) -> str:
    for sub in message.walk():
        if sub.get_content_type() == "text/plain":
            return sub.get_payload(decode=True).decode()
    raise AssertionError("no text part")


def _paid_order(shop):
    order = place(shop)
    attempt = payments.start_payment(order=order, now=clock.now())
    events.simulate_demo_payment(attempt=attempt, outcome="pay", now=clock.now())
    return orders.find_order(order.number)


def test_paying_mails_the_buyer_and_each_facilitys_staff(db, inbox) -> None:
    shop = two_facilities()
    StaffFactory(facility=shop.batik_lapas, email="kasi.giatja@lapasmedan.id")
    StaffFactory(facility=shop.coffee_rutan, email="petugas@rutankupang.id")
    StaffFactory(facility=shop.coffee_rutan, email="nonaktif@rutankupang.id", is_active=False)
    order = _paid_order(shop)
    assert order.status is OrderStatus.PAID
    (confirmation,) = inbox.to("siti.aminah@contoh.id")
    assert order.number in confirmation["Subject"]
    body = _body(confirmation)
    assert f"/orders/{order.number}?t=" in body
    assert "Lapas Kelas I Medan" in body and "Rutan Kelas IIA Kupang" in body
    link = body[body.index("http://localhost/orders/") :].split()[0]
    token = link.split("?t=")[1]
    assert orders.order_for_token(number=order.number, token=token) == order
    (lapas_mail,) = inbox.to("kasi.giatja@lapasmedan.id")
    assert "Kemeja Batik Tulis" in _body(lapas_mail)
    assert "Kopi" not in _body(lapas_mail)  # each facility sees only its own part
    (rutan_mail,) = inbox.to("petugas@rutankupang.id")
    assert "Kopi Arabika Flores" in _body(rutan_mail)
    assert not inbox.to("nonaktif@rutankupang.id")


def test_courier_part_moves_packed_shipped_delivered_and_mails_the_buyer(db, inbox) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    part = next(p for p in order.parts if p.facility_id == shop.batik_lapas.id)
    staff = StaffFactory(facility=shop.batik_lapas)
    inbox.messages.clear()
    for outsider in (StaffFactory(facility=shop.coffee_rutan), KanwilUserFactory()):
        with pytest.raises(orders.NotYourFacility):
            fulfilment.advance(
                facility_order=part, to=FacilityOrderStatus.PACKED, actor=outsider, now=clock.now()
            )
    assert part.status is FacilityOrderStatus.PAID
    with pytest.raises(fulfilment.FulfilmentError, match="tidak dapat diubah"):
        fulfilment.advance(
            facility_order=part,
            to=FacilityOrderStatus.SHIPPED,
            actor=staff,
            now=clock.now(),
            courier="JNE",
            tracking_number="JNE123",
        )
    fulfilment.advance(
        facility_order=part, to=FacilityOrderStatus.PACKED, actor=staff, now=clock.now()
    )
    unit_of_work.commit()
    with pytest.raises(fulfilment.FulfilmentError, match="resi"):
        fulfilment.advance(
            facility_order=part,
            to=FacilityOrderStatus.SHIPPED,
            actor=staff,
            now=clock.now(),
            courier="JNE",
        )
    with pytest.raises(fulfilment.FulfilmentError, match="kurir, bukan"):
        fulfilment.advance(
            facility_order=part,
            to=FacilityOrderStatus.READY_FOR_PICKUP,
            actor=staff,
            now=clock.now(),
        )
    fulfilment.advance(
        facility_order=part,
        to=FacilityOrderStatus.SHIPPED,
        actor=staff,
        now=clock.now(),
        courier="JNE",
        tracking_number="CGK1234567890",
    )
    unit_of_work.commit()
    (shipped,) = inbox.messages
    assert "CGK1234567890" in _body(shipped) and "JNE" in _body(shipped)
    fulfilment.advance(
        facility_order=part, to=FacilityOrderStatus.DELIVERED, actor=staff, now=clock.now()
    )
    unit_of_work.commit()
    assert part.status is FacilityOrderStatus.DELIVERED
    assert part.delivered_at is not None
    slip = fulfilment.packing_slip(part)
    assert slip.address_lines[0].startswith("Jl. Merdeka")
    assert [line.sku for line in slip.lines] == ["BTK-L"]


def test_pickup_part_is_ready_then_picked_up(db, inbox) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    part = next(p for p in order.parts if p.facility_id == shop.coffee_rutan.id)
    inbox.messages.clear()
    fulfilment.advance(
        facility_order=part, to=FacilityOrderStatus.PACKED, actor=None, now=clock.now()
    )
    unit_of_work.commit()
    fulfilment.advance(
        facility_order=part, to=FacilityOrderStatus.READY_FOR_PICKUP, actor=None, now=clock.now()
    )
    unit_of_work.commit()
    (ready,) = inbox.messages
    assert "siap diambil" in _body(ready)
    fulfilment.advance(
        facility_order=part, to=FacilityOrderStatus.PICKED_UP, actor=None, now=clock.now()
    )
    unit_of_work.commit()
    assert fulfilment.packing_slip(part).address_lines == []
    listed = fulfilment.parts_where(scope=FacilityOrder.facility_id == shop.coffee_rutan.id)
    assert [p.id for p in db.session.scalars(listed)] == [part.id]  # picked up, still listed


def test_without_a_mail_server_mails_land_in_the_outbox_dir(app, db, tmp_path: Path) -> None:
    app.config["MAIL_SERVER"] = ""
    order = place(two_facilities())
    order_mail.send_part_progress(facility_order=order.parts[1])
    assert not Path(app.config["MAIL_OUTBOX_DIR"]).exists()  # not before the commit
    unit_of_work.commit()
    (written,) = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    text = written.read_text()
    assert "To: siti.aminah@contoh.id" in text
    assert order.number in text


def test_the_confirmation_says_where_and_when_to_pick_up_and_when_the_courier_comes(
    db, inbox
) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    body = _body(inbox.to("siti.aminah@contoh.id")[0])
    medan, kupang = body.index("Lapas Kelas I Medan:"), body.index("Rutan Kelas IIA Kupang:")
    assert "Dikirim kurir" in body[medan:kupang]
    assert "1\u20132 hari kerja" in body[medan:kupang]  # same city
    pickup = body[kupang:]
    assert shop.coffee_rutan.address in pickup and "Sen 08:00\u201315:00" in pickup
    assert "siap diambil" in pickup and "Langkah berikutnya" in body
    assert order.number in body


def test_a_refund_mails_the_buyer_what_came_back(db, inbox) -> None:
    shop = two_facilities()
    order = _paid_order(shop)
    part = next(p for p in order.parts if p.facility_id == shop.batik_lapas.id)
    inbox.messages.clear()
    refunds.refund_facility_order(
        facility_order=part,
        quantities={part.lines[0].id: 1},
        include_shipping=False,
        restock=True,
        reason="Ukuran tidak tersedia",
        idempotency_key="refund-mail-1",
        actor=StaffFactory(facility=shop.batik_lapas),
        now=clock.now(),
    )
    (refund_mail,) = inbox.to("siti.aminah@contoh.id")
    assert "Rp250.000" in refund_mail["Subject"] and order.number in refund_mail["Subject"]
    body = _body(refund_mail)
    assert "Kemeja Batik Tulis (L) x 1: Rp250.000" in body
    assert "Ukuran tidak tersedia" in body and "hari kerja" in body

"""Reviewers hear of a submission, staff of a decision (real SMTP on loopback); the audit names
the user behind every action."""

from __future__ import annotations

from sqlalchemy import select

from shop.models import AuditEvent, FacilityOrderStatus, Role
from tests.admin.helpers import decide
from tests.admin.test_review_decisions import _images, _submitted_draft
from tests.checkout import test_fulfilment_and_mail as with_smtp
from tests.checkout.test_fulfilment_and_mail import _body
from tests.factories import (
    FacilityFactory,
    FacilityOrderFactory,
    KanwilFactory,
    KanwilUserFactory,
    StaffFactory,
    UserFactory,
)

# The SMTP server on loopback and the app configured to send through it.
inbox = with_smtp.inbox
config_overrides = with_smtp.config_overrides


def test_a_submission_mails_one_digest_to_the_regions_reviewers(
    app, client, db, login_as, inbox
) -> None:
    region = KanwilFactory()
    KanwilUserFactory(kanwil=region, email="pemeriksa.satu@kanwil.id")
    KanwilUserFactory(kanwil=region, email="pemeriksa.dua@kanwil.id")
    KanwilUserFactory(kanwil=KanwilFactory(), email="wilayah.lain@kanwil.id")
    UserFactory(role=Role.CENTRAL, email="pusat@ditjenpas.id")
    facility = FacilityFactory(kanwil=region)
    product, _staff = _submitted_draft(app, login_as, (1, 2, 3), (4, 5, 6), facility=facility)
    (digest,) = inbox.messages
    assert "pemeriksa.satu@kanwil.id" in digest["To"] and "pemeriksa.dua@kanwil.id" in digest["To"]
    assert "wilayah.lain" not in digest["To"] and "pusat" not in digest["To"]
    assert "Tas Anyaman Kupang" in digest["Subject"]
    body = _body(digest)
    assert "2 foto baru diajukan" in body
    assert f"http://localhost/admin/reviews/{product.id}" in body


def test_a_region_without_reviewers_sends_to_central(app, client, db, login_as, inbox) -> None:
    UserFactory(role=Role.CENTRAL, email="pusat@ditjenpas.id")
    _submitted_draft(app, login_as, (1, 2, 3))
    (digest,) = inbox.messages
    assert digest["To"] == "pusat@ditjenpas.id"


def test_staff_are_told_of_the_decision_with_the_reason(app, client, db, login_as, inbox) -> None:
    facility = FacilityFactory()
    StaffFactory(facility=facility, email="kasi.giatja@lapas.id")
    product, _staff = _submitted_draft(app, login_as, (1, 2, 3), (4, 5, 6), facility=facility)
    _first, second = _images(db, product)
    login_as("central")
    inbox.messages.clear()
    decide(client, product.id, photos={second.id: "reject:Tato terlihat di lengan."})
    (mail,) = inbox.to("kasi.giatja@lapas.id")
    body = _body(mail)
    assert "Tato terlihat di lengan." in body
    assert "1 foto disetujui" in body and "kini tayang" in body


def test_text_waiting_for_review_is_announced_once(app, client, db, login_as, inbox) -> None:
    KanwilUserFactory(email="pemeriksa@kanwil.id")
    product, staff = _submitted_draft(app, login_as, (1, 2, 3))
    login_as("central")
    decide(client, product.id)
    inbox.messages.clear()
    (image,) = _images(db, product)
    staff.post(f"/admin/photos/{image.id}/alt", data={"alt_text": "Tas dari samping"})
    staff.post(f"/admin/photos/{image.id}/alt", data={"alt_text": "Tas dari atas"})
    # The second change joins the revision already waiting: one mail, not two.
    assert len(inbox.messages) == 1
    assert "Teks produk" in _body(inbox.messages[0])


def test_the_audit_names_the_staff_member_who_moved_an_order(app, client, db, login_as) -> None:
    part = FacilityOrderFactory(status=FacilityOrderStatus.PAID)
    user = login_as("staff", facility=part.facility)
    response = client.post(f"/admin/orders/{part.id}/move", data={"to": "packed"})
    assert response.status_code == 303
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "facility_order.status")
    )
    assert event.actor_label == user.email and event.actor_id == user.id


def test_the_audit_names_the_staff_member_of_an_exempt_facility(app, client, db, login_as) -> None:
    facility = FacilityFactory(review_exempt=True)
    _submitted_draft(app, login_as, (1, 2, 3), facility=facility)
    submit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "product.submit"))
    approval = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "product.approve"))
    assert submit.actor_id is not None
    assert (approval.actor_id, approval.actor_label) == (submit.actor_id, submit.actor_label)
    assert approval.changes["review_exempt"] == [None, True]

"""Every /admin endpoint, tried by every kind of user with GET and POST: who gets in.

Objects belong to facility A (region KA). Staff of facility B, and a kanwil user of another
region, must get a 404 for them whatever the id; roles outside an area get a 403; anonymous
visitors are sent to the login page. Each request gets fresh objects, so a POST that deletes or
changes something cannot affect the next one.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from flask import current_app
from sqlalchemy import select

from admin import access
from shop.core import clock
from shop.core.storage import private_key, storage_from_config
from shop.database import db
from shop.models import (
    ImageReviewState,
    ImportRun,
    JobState,
    ProductImage,
    ProductStatus,
    ReconciliationRun,
    ReportExport,
    Role,
)
from shop.tills import selling, stands
from tests import pnbp_helpers
from tests.admin.helpers import decide
from tests.admin.test_review_decisions import CHECKLIST, _upload
from tests.factories import (
    FacilityFactory,
    FacilityOrderFactory,
    KanwilFactory,
    OutboxMailFactory,
    PartnerKeyFactory,
    ProductFactory,
    ProductImageFactory,
    StaffFactory,
)
from tests.quotes.helpers import quote_part_for

ALL = {"staff", "kanwil", "central", "admin"}
REVIEWERS = {"kanwil", "central", "admin"}
CENTRAL = {"central", "admin"}
ADMIN = {"admin"}
FULFILMENT = {"staff", "central", "admin"}  # kanwil users do not handle orders
# Who may use each endpoint. A new endpoint fails the test until it is listed here.
ALLOWED: dict[str, set[str]] = {
    "admin.dashboard": ALL, "admin.products": ALL, "admin.product_new": ALL,
    "admin.product_detail": ALL, "admin.product_edit": ALL, "admin.product_submit": ALL,
    "admin.product_archive": ALL, "admin.product_restore": ALL, "admin.product_delete": ALL,
    "admin.photo_upload": ALL, "admin.photo_alt_text": ALL, "admin.photo_move": ALL,
    "admin.photo_delete": ALL, "admin.photo_file": ALL, "admin.photo_full": ALL,
    "admin.variant_stock": ALL, "admin.import_products": ALL, "admin.import_run": ALL,
    "admin.password_change": ALL, "admin.sign_out_everywhere": ALL,
    "admin.review_queue": REVIEWERS, "admin.review_detail": REVIEWERS,
    "admin.review_decide": REVIEWERS,
    "admin.facility_profile": {"staff"}, "admin.delivery_rates": {"staff"},
    "admin.fulfilment_list": FULFILMENT, "admin.fulfilment_detail": FULFILMENT,
    "admin.fulfilment_slip": FULFILMENT, "admin.fulfilment_move": FULFILMENT,
    "admin.fulfilment_refund": FULFILMENT,
    "admin.review_settings": CENTRAL, "admin.review_exempt_set": CENTRAL,
    "admin.audit_log": CENTRAL, "admin.reconciliation": CENTRAL,
    "admin.reconciliation_run": CENTRAL,
    "admin.mail_list": CENTRAL, "admin.mail_detail": CENTRAL, "admin.mail_send_again": CENTRAL,
    "admin.partner_keys": CENTRAL, "admin.partner_key_create": CENTRAL,
    "admin.partner_key_detail": CENTRAL, "admin.partner_key_revoke": CENTRAL,
    "admin.reports_overview": ALL, "admin.reports_facilities": ALL, "admin.reports_facility": ALL,
    "admin.reports_categories": ALL, "admin.reports_kinds": ALL, "admin.reports_entries": ALL,
    "admin.reports_export": ALL, "admin.reports_export_status": ALL,
    "admin.reports_export_file": ALL,
    "admin.facility_list": ADMIN, "admin.facility_edit": ADMIN, "admin.kanwil_create": ADMIN,
    "admin.user_list": ADMIN, "admin.user_new": ADMIN, "admin.user_edit": ADMIN,
    "admin.user_set_active": ADMIN, "admin.user_reset": ADMIN,
    "admin.pnbp_position": ALL, "admin.pnbp_deposits": ALL, "admin.pnbp_deposit": ALL,
    "admin.pnbp_proof": ALL, "admin.pnbp_deposit_new": REVIEWERS,
    "admin.pnbp_deposit_correct": REVIEWERS, "admin.pnbp_deposit_void": REVIEWERS,
    "admin.split_rules": REVIEWERS, "admin.split_rule_new": CENTRAL,
    "admin.product_labels": ALL, "admin.label_batch": ALL, "admin.label_scans": ALL,
    "admin.till_home": {"staff"}, "admin.till_stand": {"staff"}, "admin.till_catalogue": {"staff"},
    "admin.till_sync": {"staff"}, "admin.till_sale": {"staff"}, "admin.till_void": {"staff"},
    "admin.till_return": {"staff"}, "admin.till_close": {"staff"},
    "admin.till_events": REVIEWERS, "admin.till_event": REVIEWERS,
    "admin.quote_list": ALL, "admin.quote_detail": ALL, "admin.quote_figures": ALL,
    "admin.quote_answer": {"staff"}, "admin.quote_decline": {"staff"},
    "admin.quote_transfer": FULFILMENT, "admin.quote_transfer_proof": FULFILMENT,
}  # fmt: skip
# The till's service worker script holds no data; a browser fetches it on its own schedule.
PUBLIC = {"admin.login", "admin.reset_password", "admin.till_worker"}
# Signing out is tested on its own (it would end the session of the walk).
SKIPPED = {"admin.logout"}
# Parameters naming an object of facility A: users who cannot see A get a 404.
SCOPED_PARAMS = {
    "product_id", "image_id", "variant_id", "facility_order_id", "report_facility_id",
    "deposit_id", "run_id", "stand_id", "sale_id", "part_id",
}  # fmt: skip
# Parameters naming an object of one user (an export someone asked for): everyone else gets a
# 404, whatever their role (the walk's users never asked for it; its owner's test is apart).
OWN_PARAMS = {"export_id"}


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]


def test_every_admin_endpoint_is_classified(app) -> None:
    endpoints = {r.endpoint for r in _admin_rules(app)}
    assert endpoints - set(ALLOWED) - PUBLIC - SKIPPED == set()
    assert set(ALLOWED) - endpoints == set(), "the table lists endpoints that do not exist"


def _url(rule, facility_a) -> str:
    image = ProductImageFactory(product=ProductFactory(facility=facility_a))
    if rule.endpoint == "admin.photo_file":
        # The back office serves the photo's private copy: give it one.
        storage = storage_from_config(current_app.config)
        storage.save(private_key(image.renditions[0]["key"]), b"RIFF....WEBP", "image/webp")
    target_user = StaffFactory(facility=facility_a)
    part = FacilityOrderFactory(facility=facility_a)
    # Recording a deposit stores a file: only for the routes that need one.
    deposit = pnbp_helpers.record(facility_a) if "deposit_id" in rule.arguments else None
    mail = OutboxMailFactory() if "mail_id" in rule.arguments else None
    partner_key = PartnerKeyFactory() if "key_id" in rule.arguments else None
    quote_part = quote_part_for(facility_a) if "part_id" in rule.arguments else None
    run = ImportRun(
        facility=facility_a, requested_by=target_user, csv_key="private/imports/x.csv", errors=[]
    )
    export = ReportExport(
        requested_by=target_user, report="entries", fmt="csv", args={}, locale="id",
        state=JobState.DONE, file_key="private/exports/x.csv", filename="x.csv",
    )  # fmt: skip
    reconciliation = ReconciliationRun(
        requested_by=target_user, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1),
        state=JobState.FAILED, error="Stripe tidak dapat dihubungi.",
    )  # fmt: skip
    db.session.add_all([run, export, reconciliation])
    db.session.commit()
    stand, sale = (
        _stand_and_sale(target_user)
        if {"stand_id", "sale_id", "event_id"} & set(rule.arguments)
        else (None, None)
    )
    values = {
        "product_id": image.product_id, "image_id": image.id,
        "variant_id": image.product.variants[0].id, "facility_id": facility_a.id,
        "user_id": target_user.id, "token": "not-a-token", "direction": "up", "state": "on",
        "facility_order_id": part.id, "deposit_id": deposit and deposit.id,
        "report_facility_id": facility_a.id, "report": "facilities", "fmt": "csv",
        "mail_id": mail and mail.id, "run_id": run.id, "export_id": export.id,
        "reconciliation_id": reconciliation.id, "key_id": partner_key and partner_key.id,
        "stand_id": stand and stand.id,
        "sale_id": sale and sale.id, "event_id": stand and stand.event_id,
        "part_id": quote_part and quote_part.id,
    }  # fmt: skip
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _stand_and_sale(staff):
    """A stand of facility A at a new event (one open stand per event), with one sale."""
    today = clock.local_date(clock.now(), staff.facility.timezone)
    stand = stands.open_stand(
        actor=staff, now=clock.now(),
        new_event=stands.NewEvent(f"Pameran {uuid.uuid4().hex[:8]}", "Jakarta", today, today),
    )  # fmt: skip
    variant = ProductFactory(facility=staff.facility).variants[0]
    sale = selling.record_sale(
        stand=stand, actor=staff, now=clock.now(),
        request=selling.parse({"id": str(uuid.uuid4()), "payment": "cash", "lines": [
            {"variant_id": variant.id, "quantity": 1, "unit_price": variant.price_idr}]}),
    )  # fmt: skip
    db.session.commit()
    return stand, sale


@pytest.fixture
def world(app, login_as):
    region_a, region_b = KanwilFactory(), KanwilFactory()
    facility_a = FacilityFactory(kanwil=region_a)
    facility_b = FacilityFactory(kanwil=region_b)
    clients = {"anonymous": app.test_client()}
    people = {
        "staff A": ("staff", {"facility": facility_a}),
        "staff B": ("staff", {"facility": facility_b}),
        "kanwil A": ("kanwil", {"kanwil": region_a}),
        "kanwil B": ("kanwil", {"kanwil": region_b}),
        "central": ("central", {}),
        "admin": ("admin", {}),
    }
    for name, (role, scope) in people.items():
        clients[name] = app.test_client()
        login_as(role, client=clients[name], **scope)
    sees_a = {"staff A", "kanwil A", "central", "admin"}
    return facility_a, clients, people, sees_a


@pytest.mark.parametrize("endpoint", sorted((set(ALLOWED) | PUBLIC) - SKIPPED))
def test_who_gets_in(app, world, endpoint: str) -> None:
    facility_a, clients, people, sees_a = world
    rules = [r for r in _admin_rules(app) if r.endpoint == endpoint]
    assert rules, f"{endpoint} is listed but has no route"
    wrong = []
    for rule in rules:
        for method in sorted(rule.methods & {"GET", "POST"}):
            for who, client in clients.items():
                url = _url(rule, facility_a)
                response = client.open(url, method=method, data={})
                if not _answer_is_right(rule, who, people, sees_a, response):
                    wrong.append(f"{method} {endpoint} as {who}: {response.status_code}")
    assert wrong == []


def _answer_is_right(rule, who, people, sees_a, response) -> bool:
    """Let in, sent to login, refused (403) or not found (404), as the tables say."""
    code = response.status_code
    if rule.endpoint in PUBLIC:
        return code not in (403, 404) and code < 500
    if who == "anonymous":
        return code == 302 and "/admin/login" in response.headers["Location"]
    if Role(people[who][0]).value not in ALLOWED[rule.endpoint]:
        return code == 403
    if set(rule.arguments) & SCOPED_PARAMS and who not in sees_a:
        return code == 404
    if set(rule.arguments) & OWN_PARAMS:
        return code == 404
    return code < 500 and code not in (403, 404)


def test_ids_of_other_facilities_and_unknown_ids_answer_alike(client, login_as) -> None:
    login_as("staff")
    other = ProductFactory()
    for url in (f"/admin/products/{other.id}", "/admin/products/999999"):
        assert client.get(url).status_code == 404
    assert client.post(f"/admin/products/{other.id}/archive").status_code == 404
    assert client.get(f"/admin/variants/{other.variants[0].id}/stock").status_code == 404


def test_sign_out_ends_the_session(client, login_as) -> None:
    login_as("central")
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/logout")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302


def test_no_media_url_of_a_photo_not_approved_is_reachable_anonymously(
    app, client, db, login_as
) -> None:
    """Photos in every state, made through the screens; then every /media/ URL any of them has."""
    staff = app.test_client()
    facility = FacilityFactory()
    login_as("staff", facility=facility, client=staff)
    login_as("central")
    published = ProductFactory(facility=facility, status=ProductStatus.DRAFT, published_at=None)
    archived = ProductFactory(facility=facility, status=ProductStatus.DRAFT, published_at=None)
    for number, product in enumerate((published, archived)):
        _upload(staff, product.id, (number * 90, 10, 10))
        _upload(staff, product.id, (number * 90, 200, 10))
        staff.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
        rejected = max(i.id for i in product.images)
        decide(client, product.id, photos={rejected: "reject:Ada wajah di latar."})
    _upload(staff, published.id, (5, 5, 250))  # pending, never submitted
    _upload(staff, published.id, (5, 250, 250))
    staff.post(f"/admin/products/{published.id}/submit", data=CHECKLIST)  # pending, submitted
    staff.post(f"/admin/products/{archived.id}/archive")
    db.session.expire_all()
    anonymous = app.test_client()
    states = set()
    for image in db.session.scalars(select(ProductImage)):
        public = (
            image.review_state is ImageReviewState.APPROVED
            and image.product.status is not ProductStatus.ARCHIVED
        )
        states.add((image.review_state, image.product.status, image.submitted_at is not None))
        for rendition in image.renditions:
            for url in (f"/media/{rendition['key']}", f"/media/private/{rendition['key']}"):
                code = anonymous.get(url).status_code
                assert code == (200 if public and not url.startswith("/media/private") else 404)
        assert anonymous.get(f"/admin/photos/{image.id}/file").status_code == 302
    assert len(states) >= 5, states


def test_an_endpoint_that_declares_no_roles_is_closed_to_everyone(app, login_as) -> None:
    """A view registered outside a `Section` fails shut: 403 for every role, the login page for
    visitors."""

    def undeclared() -> str:
        return "inside"

    app.add_url_rule("/admin/undeclared", endpoint="admin.undeclared", view_func=undeclared)
    assert app.test_client().get("/admin/undeclared").status_code == 302
    for role in ("staff", "kanwil", "central", "admin"):
        client = app.test_client()
        login_as(role, client=client)
        response = client.get("/admin/undeclared")
        assert response.status_code == 403, role
        assert "inside" not in response.get_data(as_text=True)


def test_roles_are_declared_by_the_route_not_by_the_module(app) -> None:
    """Views in one module may declare different roles (no module is split for its roles)."""
    views = app.view_functions
    assert views["admin.pnbp_deposits"].__module__ == views["admin.pnbp_deposit_new"].__module__
    assert views["admin.split_rules"].__module__ == views["admin.split_rule_new"].__module__
    with app.test_request_context():
        assert access.roles_for("admin.pnbp_deposits") == frozenset(Role)
        assert Role.STAFF not in access.roles_for("admin.pnbp_deposit_new")
        assert access.roles_for("admin.split_rule_new") == {Role.CENTRAL, Role.ADMIN}
    with pytest.raises(ValueError, match="at least one role"):
        access.Section()

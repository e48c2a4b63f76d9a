"""Every /admin endpoint, tried by every kind of user with GET and POST: who gets in.

Objects belong to facility A (region KA). Staff of facility B, and a kanwil user of another
region, must get a 404 for them whatever the id; roles outside an area get a 403; anonymous
visitors are sent to the login page. Each request gets fresh objects, so a POST that deletes or
changes something cannot affect the next one.
"""

from __future__ import annotations

import re

import pytest

from shop.models import Role
from tests import pnbp_helpers
from tests.factories import (
    FacilityFactory,
    FacilityOrderFactory,
    KanwilFactory,
    ProductFactory,
    ProductImageFactory,
    StaffFactory,
)

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
    "admin.photo_delete": ALL, "admin.variant_stock": ALL, "admin.import_products": ALL,
    "admin.password_change": ALL, "admin.sign_out_everywhere": ALL,
    "admin.review_queue": REVIEWERS, "admin.review_detail": REVIEWERS,
    "admin.review_approve": REVIEWERS, "admin.review_reject": REVIEWERS,
    "admin.facility_profile": {"staff"}, "admin.delivery_rates": {"staff"},
    "admin.fulfilment_list": FULFILMENT, "admin.fulfilment_detail": FULFILMENT,
    "admin.fulfilment_slip": FULFILMENT, "admin.fulfilment_move": FULFILMENT,
    "admin.fulfilment_refund": FULFILMENT,
    "admin.review_settings": CENTRAL, "admin.review_exempt_set": CENTRAL,
    "admin.audit_log": CENTRAL, "admin.reconciliation": CENTRAL,
    "admin.reports_overview": ALL, "admin.reports_facilities": ALL, "admin.reports_facility": ALL,
    "admin.reports_categories": ALL, "admin.reports_kinds": ALL, "admin.reports_entries": ALL,
    "admin.reports_export": ALL,
    "admin.facility_list": ADMIN, "admin.facility_edit": ADMIN, "admin.kanwil_create": ADMIN,
    "admin.user_list": ADMIN, "admin.user_new": ADMIN, "admin.user_edit": ADMIN,
    "admin.user_set_active": ADMIN, "admin.user_reset": ADMIN,
    "admin.pnbp_position": ALL, "admin.pnbp_deposits": ALL, "admin.pnbp_deposit": ALL,
    "admin.pnbp_proof": ALL, "admin.pnbp_deposit_new": REVIEWERS,
    "admin.pnbp_deposit_correct": REVIEWERS, "admin.pnbp_deposit_void": REVIEWERS,
}  # fmt: skip
PUBLIC = {"admin.login", "admin.reset_password"}
# Signing out is tested on its own (it would end the session of the walk).
SKIPPED = {"admin.logout"}
# Parameters naming an object of facility A: users who cannot see A get a 404.
SCOPED_PARAMS = {
    "product_id", "image_id", "variant_id", "facility_order_id", "report_facility_id",
    "deposit_id",
}  # fmt: skip


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]


def test_every_admin_endpoint_is_classified(app) -> None:
    endpoints = {r.endpoint for r in _admin_rules(app)}
    assert endpoints - set(ALLOWED) - PUBLIC - SKIPPED == set()
    assert set(ALLOWED) - endpoints == set(), "the table lists endpoints that do not exist"


def _url(rule, facility_a) -> str:
    image = ProductImageFactory(product=ProductFactory(facility=facility_a))
    target_user = StaffFactory(facility=facility_a)
    part = FacilityOrderFactory(facility=facility_a)
    # Recording a deposit stores a file: only for the routes that need one.
    deposit = pnbp_helpers.record(facility_a) if "deposit_id" in rule.arguments else None
    values = {
        "product_id": image.product_id, "image_id": image.id,
        "variant_id": image.product.variants[0].id, "facility_id": facility_a.id,
        "user_id": target_user.id, "token": "not-a-token", "direction": "up", "state": "on",
        "facility_order_id": part.id, "deposit_id": deposit and deposit.id,
        "report_facility_id": facility_a.id, "report": "facilities", "fmt": "csv",
    }  # fmt: skip
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


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


def test_who_gets_in_everywhere(app, world) -> None:
    facility_a, clients, people, sees_a = world
    wrong, seen = [], set()
    for rule in _admin_rules(app):
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            for who, client in clients.items():
                url = _url(rule, facility_a)
                response = client.open(url, method=method, data={})
                code = response.status_code
                if rule.endpoint in PUBLIC:
                    ok = code not in (403, 404) and code < 500
                elif who == "anonymous":
                    ok = code == 302 and "/admin/login" in response.headers["Location"]
                elif Role(people[who][0]).value not in ALLOWED[rule.endpoint]:
                    ok = code == 403
                elif set(rule.arguments) & SCOPED_PARAMS and who not in sees_a:
                    ok = code == 404
                else:
                    ok = code < 500 and code not in (403, 404)
                seen.add(code)
                if not ok:
                    wrong.append(f"{method} {rule.endpoint} as {who}: {code}")
    assert wrong == []
    # The walk met every kind of answer: let in, sent to login, refused, not found.
    assert {200, 302, 403, 404} <= seen


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

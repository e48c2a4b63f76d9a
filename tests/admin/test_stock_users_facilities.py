"""Stock movements, accounts and their reset links, facility profiles, the audit view."""

from __future__ import annotations

from sqlalchemy import select

from shop.models import AuditEvent, Facility, Kanwil, Role, StockMovement, User
from tests.factories import (
    TEST_PASSWORD,
    FacilityFactory,
    KanwilFactory,
    ProductFactory,
    StaffFactory,
)


def test_stock_changes_with_a_reason_and_is_explained_line_by_line(client, db, login_as) -> None:
    product = ProductFactory()
    variant = product.variants[0]
    login_as("staff", facility=product.facility)
    url = f"/admin/variants/{variant.id}/stock"
    assert client.post(url, data={"reason": "produced", "quantity": 6}).status_code == 302
    assert client.post(url, data={"reason": "sold_fair", "quantity": -3}).status_code == 302
    assert client.post(url, data={"reason": "damaged", "quantity": -1}).status_code == 302
    refused = client.post(url, data={"reason": "sold_showroom", "quantity": -50})
    assert refused.status_code == 422
    assert "hanya 12" in refused.get_data(as_text=True)
    assert client.post(url, data={"reason": "correction", "quantity": 2}).status_code == 422
    assert client.post(url, data={"reason": "sold_fair", "quantity": 2}).status_code == 422
    db.session.refresh(variant)
    assert variant.stock == 12
    movements = db.session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [(m.quantity, m.stock_after) for m in movements] == [(6, 16), (-3, 13), (-1, 12)]
    assert 10 + sum(m.quantity for m in movements) == variant.stock
    page = client.get(url).get_data(as_text=True)
    assert "Terjual di pameran" in page and "Rusak" in page


def test_low_stock_is_marked(client, db, login_as) -> None:
    product = ProductFactory(variants__stock=1)
    login_as("staff", facility=product.facility)
    assert "menipis" in client.get("/admin/products").get_data(as_text=True)
    assert "Stok menipis" in client.get("/admin/").get_data(as_text=True)


def test_admin_creates_an_account_that_sets_its_password_with_a_one_time_link(
    app, client, db, login_as
) -> None:
    facility = FacilityFactory()
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={"email": "Kasi.Giatja@Lapas.example", "name": "Kasi Giatja", "role": "staff",
              "facility_slug": facility.slug, "kanwil_code": ""},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    link = page.split("<code>")[1].split("</code>")[0].replace("http://localhost", "")
    user = db.session.scalar(select(User).where(User.email == "kasi.giatja@lapas.example"))
    assert user.role is Role.STAFF and user.facility_id == facility.id
    fresh = app.test_client()
    assert fresh.get(link).status_code == 200
    new_password = "Tenun-Ikat-2026"
    data = {"new_password": new_password, "confirm": new_password}
    assert fresh.post(link, data=data).status_code == 302
    assert fresh.post(link, data=data).status_code == 410, "the link works once"
    login = fresh.post("/admin/login", data={"email": user.email, "password": new_password})
    assert login.status_code == 302


def test_a_reset_voids_the_old_password(app, client, db, login_as) -> None:
    target = StaffFactory()
    login_as("admin")
    page = client.post(f"/admin/users/{target.id}/reset").get_data(as_text=True)
    assert "/admin/reset/" in page
    assert TEST_PASSWORD not in page
    other = app.test_client()
    refused = other.post("/admin/login", data={"email": target.email, "password": TEST_PASSWORD})
    assert refused.status_code == 401


def test_admin_deactivates_an_account_and_changes_its_scope(client, db, login_as) -> None:
    target = StaffFactory()
    region = KanwilFactory()
    login_as("admin")
    client.post(f"/admin/users/{target.id}/active/off")
    db.session.refresh(target)
    assert target.is_active is False
    client.post(
        f"/admin/users/{target.id}",
        data={"email": target.email, "name": "Petugas Kanwil", "role": "kanwil",
              "facility_slug": "", "kanwil_code": region.code},
    )  # fmt: skip
    db.session.refresh(target)
    assert (target.role, target.kanwil_id, target.facility_id) == (Role.KANWIL, region.id, None)


def test_staff_change_their_own_password(client, db, login_as) -> None:
    login_as("staff")
    wrong = client.post(
        "/admin/password",
        data={"current_password": "bukan-ini-1", "new_password": "Batik-Tulis-99",
              "confirm": "Batik-Tulis-99"},
    )  # fmt: skip
    assert "Kata sandi saat ini salah" in wrong.get_data(as_text=True)
    ok = client.post(
        "/admin/password",
        data={"current_password": TEST_PASSWORD, "new_password": "Batik-Tulis-99",
              "confirm": "Batik-Tulis-99"},
    )  # fmt: skip
    assert ok.status_code == 302


def test_staff_edit_their_facility_profile_with_showroom_hours(client, db, login_as) -> None:
    staff = login_as("staff")
    hours = ["08:00-15:00", "08:00-15:00", "", "", "08:00-11:00", "", ""]
    data = {"description": "Bengkel tenun.", "address": "Jl. Merdeka 1", "phone": "0812",
            "email": "", **{f"hours-{i}": h for i, h in enumerate(hours)}}  # fmt: skip
    assert client.post("/admin/facility", data=data).status_code == 302
    facility = db.session.get(Facility, staff.facility_id)
    assert facility.showroom_hours == {
        "mon": ["08:00", "15:00"], "tue": ["08:00", "15:00"], "fri": ["08:00", "11:00"]
    }  # fmt: skip
    bad = client.post("/admin/facility", data={**data, "hours-0": "pagi"})
    assert bad.status_code == 422 and "pagi" in bad.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "facility.profile"))


def test_admin_adds_a_kanwil_and_a_facility(client, db, login_as) -> None:
    login_as("admin")
    client.post(
        "/admin/kanwil",
        data={"code": "ntt", "name": "Kanwil Ditjenpas NTT", "province": "Nusa Tenggara Timur",
              "timezone": "Asia/Makassar"},
    )  # fmt: skip
    page = client.get("/admin/facilities").get_data(as_text=True)
    assert "Kanwil Ditjenpas NTT" in page
    kanwil = db.session.scalar(select(Kanwil).where(Kanwil.code == "NTT"))
    response = client.post(
        "/admin/facilities/new",
        data={"name": "Rutan Kelas IIB Kupang", "kanwil_id": kanwil.id, "kind": "rutan",
              "facility_class": "IIB", "city": "Kupang", "is_active": "y",
              **{f"hours-{i}": "" for i in range(7)}},
    )  # fmt: skip
    assert response.status_code == 302
    lpka = client.post(
        "/admin/facilities/new",
        data={"name": "LPKA Kelas IIA Kupang", "kanwil_id": kanwil.id, "kind": "lpka",
              "facility_class": "IIA", "city": "Kupang", **{f"hours-{i}": "" for i in range(7)}},
    )  # fmt: skip
    assert lpka.status_code == 422
    assert (
        db.session.scalar(select(Facility).where(Facility.city == "Kupang")).kind.value == "rutan"
    )


def test_the_audit_log_filters_by_action(client, db, login_as) -> None:
    product = ProductFactory()
    staff_client = client.application.test_client()
    login_as("staff", facility=product.facility, client=staff_client)
    staff_client.post(f"/admin/products/{product.id}/archive")
    login_as("central")
    page = client.get("/admin/audit?action=product.archive").get_data(as_text=True)
    assert "product.archive" in page and "archived" in page
    assert "user.create" not in client.get("/admin/audit?action=product.").get_data(as_text=True)


def test_the_audit_log_filters_by_date(client, db, login_as) -> None:
    from datetime import UTC, datetime

    from tests.factories import AuditEventFactory

    AuditEventFactory(action="product.old", created_at=datetime(2025, 1, 5, tzinfo=UTC))
    AuditEventFactory(action="product.recent", created_at=datetime(2026, 6, 1, tzinfo=UTC))
    login_as("admin")
    page = client.get("/admin/audit?since=2026-01-01").get_data(as_text=True)
    assert "product.recent" in page and "product.old" not in page
    assert client.get("/admin/audit?since=kemarin").status_code == 200

"""Creating accounts: scope fits role, passwords are strong and hashed, emails are unique."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.accounts import users
from shop.models import AuditEvent, Role, User
from tests.factories import FacilityFactory, KanwilFactory, UserFactory

GOOD = "Batik-Tarakan-2026"


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_account_is_created_for_its_facility_and_audited(db) -> None:
    facility = FacilityFactory(slug="lapas-kelas-iia-binjai")
    user = users.create_user(
        email=" Petugas@Binjai.GO.id ",
        name="Petugas Binjai",
        role="staff",
        password=GOOD,
        facility_slug="lapas-kelas-iia-binjai",
        actor_label="cli",
    )
    assert user.email == "petugas@binjai.go.id"
    assert user.facility == facility
    assert GOOD not in user.password_hash and user.password_hash.startswith("scrypt:")
    assert users.password_matches(user, GOOD)
    assert not users.password_matches(user, GOOD + "x")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.actor_label == "cli"
    assert event.changes["role"] == [None, "staff"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("pendek1!", "minimal 10"),
        ("password123", "mudah ditebak"),
        ("aaaaaaaaaaaa1", "mudah ditebak"),
        ("12345678901234", "huruf dan angka"),
        ("hanyahurufsaja", "huruf dan angka"),
        ("budi.santoso-2026", "nama email"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_written(db, password, reason) -> None:
    with pytest.raises(users.WeakPassword, match=reason):
        users.create_user(
            email="budi.santoso@pusat.go.id", name="Budi", role="central", password=password
        )
    assert _count(db, User) == 0
    assert _count(db, AuditEvent) == 0


def test_duplicate_email_is_refused_whatever_its_case(db) -> None:
    UserFactory(email="pusat@ditjenpas.go.id")
    with pytest.raises(users.DuplicateEmail, match="sudah dipakai"):
        users.create_user(email="PUSAT@ditjenpas.go.id", name="X", role="admin", password=GOOD)
    assert _count(db, User) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"role": "staff"}, users.UnknownScope, "membutuhkan UPT"),
        ({"role": "staff", "facility_slug": "tidak-ada"}, users.UnknownScope, "tidak ditemukan"),
        ({"role": "kanwil"}, users.UnknownScope, "kode Kanwil"),
        ({"role": "kanwil", "kanwil_code": "ZZZ"}, users.UnknownScope, "tidak ditemukan"),
        ({"role": "central", "facility_slug": "x"}, users.AccountError, "Hanya akun staff"),
        ({"role": "juru-masak"}, users.AccountError, "Peran tidak dikenal"),
    ],
)
def test_scope_must_fit_the_role(db, kwargs, error, message) -> None:
    with pytest.raises(error, match=message):
        users.create_user(email="x@pusat.go.id", name="X", password=GOOD, **kwargs)
    assert _count(db, User) == 0


def test_kanwil_account_is_bound_to_its_region(db) -> None:
    kanwil = KanwilFactory(code="RIAU")
    user = users.create_user(
        email="k@riau.go.id", name="K", role=Role.KANWIL, password=GOOD, kanwil_code="riau"
    )
    assert user.kanwil == kanwil


def test_invalid_email_is_refused(db) -> None:
    with pytest.raises(users.InvalidEmail):
        users.create_user(email="bukan-email", name="X", role="admin", password=GOOD)

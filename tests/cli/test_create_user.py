"""`flask shop create-user`: the password never on the command line, bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.models import Role, User
from tests.factories import FacilityFactory, UserFactory

GOOD = "Tenun-Kupang-2026"


@pytest.fixture
def run(app):
    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
        return app.test_cli_runner().invoke(
            args=["shop", "create-user", *args], env=env, input=input
        )

    return invoke


def _users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_password_from_the_environment(db, run) -> None:
    FacilityFactory(slug="lapas-kelas-iia-binjai")
    result = run(
        "--email",
        "staf@binjai.go.id",
        "--name",
        "Staf",
        "--role",
        "staff",
        "--facility",
        "lapas-kelas-iia-binjai",
        env={"ETALASE_PASSWORD": GOOD},
    )
    assert result.exit_code == 0, result.output
    assert "dibuat" in result.output
    user = db.session.scalar(select(User))
    assert user.role is Role.STAFF and user.facility.slug == "lapas-kelas-iia-binjai"


def test_password_is_prompted_twice_when_not_in_the_environment(db, run, monkeypatch) -> None:
    monkeypatch.delenv("ETALASE_PASSWORD", raising=False)
    result = run(
        "--email",
        "pusat@ditjenpas.go.id",
        "--name",
        "Pusat",
        "--role",
        "central",
        input=f"{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert _users(db) == 1


def test_there_is_no_password_option(db, run) -> None:
    result = run("--email", "a@b.id", "--name", "A", "--role", "admin", "--password", GOOD)
    assert result.exit_code != 0
    assert _users(db) == 0


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "staff", "--facility", "tidak-ada"], GOOD, "tidak ditemukan"),
        (["--role", "admin"], "lemah", "minimal 10"),
        (["--role", "kanwil", "--kanwil", "XX"], GOOD, "tidak ditemukan"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(db, run, args, password, message) -> None:
    result = run(
        "--email", "baru@pusat.go.id", "--name", "Baru", *args, env={"ETALASE_PASSWORD": password}
    )
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert _users(db) == 0


def test_duplicate_email_gets_a_message(db, run) -> None:
    UserFactory(email="ada@pusat.go.id")
    result = run(
        "--email",
        "ADA@pusat.go.id",
        "--name",
        "Lagi",
        "--role",
        "admin",
        env={"ETALASE_PASSWORD": GOOD},
    )
    assert result.exit_code == 1
    assert "sudah dipakai" in result.output
    assert _users(db) == 1

"""Password hashes made without Werkzeug; every hash Werkzeug stored still signs its owner in."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from shop.accounts import passwords
from tests.factories import UserFactory

PASSWORD = "Kopi-Toraja-2026"


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2", "pbkdf2:sha512:1000"])
def test_hashes_werkzeug_made_still_verify(method: str) -> None:
    stored = generate_password_hash(PASSWORD, method=method)
    assert passwords.password_matches(stored, PASSWORD)
    assert not passwords.password_matches(stored, PASSWORD + "x")


def test_new_hashes_keep_werkzeugs_form_and_scrypt() -> None:
    stored = passwords.hash_password(PASSWORD)
    method, salt, digest = stored.split("$")
    assert method == "scrypt:32768:8:1" and len(salt) == 16 and len(digest) == 128
    assert check_password_hash(stored, PASSWORD)
    assert passwords.password_matches(stored, PASSWORD)
    assert passwords.hash_password(PASSWORD) != stored  # a new salt each time


@pytest.mark.parametrize("stored", ["", "no-dollars", "md5$salt$abc", "scrypt:x:8:1$salt$ab"])
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert not passwords.password_matches(stored, PASSWORD)


def test_an_account_with_a_werkzeug_hash_signs_in(db, client) -> None:
    user = UserFactory(
        role="admin", password_hash=generate_password_hash(PASSWORD, method="pbkdf2")
    )
    db.session.commit()
    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    refused = client.post("/admin/login", data={"email": user.email, "password": "Salah-123456"})
    assert refused.status_code == 401

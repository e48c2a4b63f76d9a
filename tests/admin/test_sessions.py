"""Sessions that end: a copied cookie stops working after logout, a password change or reset,
and "sign out everywhere"; the session's address binding ignores a client's X-Forwarded-For."""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD, UserFactory

NEW_PASSWORD = "kopi-tubruk-2026!"


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/admin/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    return client


def _copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/admin/").status_code == 200
    return thief


def test_logout_ends_every_copy_of_the_session(app, db) -> None:
    user = UserFactory()
    client = _signed_in(app, user)
    thief = _copy_of(app, client)
    other_browser = _signed_in(app, user)
    client.post("/admin/logout")
    assert thief.get("/admin/").status_code == 302
    assert other_browser.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 302
    # Signing in again works as before.
    assert _signed_in(app, user).get("/admin/").status_code == 200


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, db) -> None:
    user = UserFactory()
    client = _signed_in(app, user)
    thief = _copy_of(app, client)
    other_browser = _signed_in(app, user)
    response = client.post(
        "/admin/password",
        data={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
              "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )  # fmt: skip
    assert "Sesi di perangkat lain sudah berakhir" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    assert thief.get("/admin/").status_code == 302
    assert other_browser.get("/admin/").status_code == 302


def test_an_admin_reset_ends_the_users_sessions_and_so_does_setting_the_password(app, db) -> None:
    user = UserFactory()
    admin = UserFactory(role="admin")
    victim = _signed_in(app, user)
    stolen = _copy_of(app, victim)
    admin_client = _signed_in(app, admin)
    response = admin_client.post(f"/admin/users/{user.id}/reset", follow_redirects=True)
    assert response.status_code == 200
    assert victim.get("/admin/").status_code == 302
    assert stolen.get("/admin/").status_code == 302
    db.session.expire_all()
    link = next(
        line for line in response.get_data(as_text=True).split('"') if "/admin/reset/" in line
    )
    path = link[link.index("/admin/reset/") :]
    # A session signed in between the reset and the new password ends when it is set.
    app.test_client().post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert stolen.get("/admin/").status_code == 302


def test_sign_out_everywhere_keeps_only_this_browser(app, db) -> None:
    user = UserFactory()
    client = _signed_in(app, user)
    thief = _copy_of(app, client)
    laptop = _signed_in(app, user)
    page = client.get("/admin/password").get_data(as_text=True)
    assert "Akhiri semua sesi lain" in page
    response = client.post("/admin/sessions/end", follow_redirects=True)
    assert "Semua sesi lain sudah berakhir" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    assert thief.get("/admin/").status_code == 302
    assert laptop.get("/admin/").status_code == 302


@pytest.mark.parametrize("forwarded", ["198.51.100.20", "10.9.9.9, 127.0.0.1"])
def test_the_session_binding_ignores_a_client_sent_x_forwarded_for(app, db, forwarded) -> None:
    """Without a proxy (PROXY_HOPS=0) the header is the client's own claim: ignored both ways."""
    user = UserFactory()
    client = app.test_client()
    client.post(
        "/admin/login", data={"email": user.email, "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.1"}, headers={"X-Forwarded-For": forwarded},
    )  # fmt: skip
    # The same client without the header is still the same client...
    assert client.get("/admin/", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
    # ...and a thief at another address cannot pass by claiming the victim's address.
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    response = thief.get(
        "/admin/", environ_base={"REMOTE_ADDR": "203.0.113.66"},
        headers={"X-Forwarded-For": "192.0.2.1"},
    )  # fmt: skip
    assert response.status_code == 302

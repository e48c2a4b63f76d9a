"""Signing in: passwords, session protection, rate limits per account and address, CSRF."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.factories import TEST_PASSWORD, ProductFactory, StaffFactory, UserFactory


def _login(client, email, password=TEST_PASSWORD, address="127.0.0.1"):
    return client.post(
        "/admin/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_login_with_the_right_password_only(client, db) -> None:
    user = UserFactory()
    response = _login(client, user.email, "salah-sandi-123")
    assert response.status_code == 401
    assert "Email atau kata sandi salah" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert _login(client, user.email.upper()).status_code == 302
    assert client.get("/admin/").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_a_deactivated_account_cannot_sign_in_and_loses_its_session(app, client, db) -> None:
    user = UserFactory()
    assert _login(client, user.email).status_code == 302
    user.is_active = False
    db.session.commit()
    assert client.get("/admin/").status_code == 302
    assert _login(client, user.email).status_code == 401


def test_a_session_cookie_taken_to_another_browser_is_refused(client, db) -> None:
    user = UserFactory()
    client.post(
        "/admin/login", data={"email": user.email, "password": TEST_PASSWORD},
        headers={"User-Agent": "Chrome di HP petugas"},
    )  # fmt: skip
    assert client.get("/admin/", headers={"User-Agent": "Chrome di HP petugas"}).status_code == 200
    assert client.get("/admin/", headers={"User-Agent": "Browser lain"}).status_code == 302


def test_only_local_paths_are_followed_after_login(client, db) -> None:
    user = UserFactory()
    response = client.post(
        "/admin/login",
        data={"email": user.email, "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == "/admin/"


def _limits_hold(client, address: str) -> None:
    user = StaffFactory(email=f"{uuid.uuid4().hex[:12]}@etalase.demo")
    for _ in range(5):
        assert _login(client, user.email, "salah-sandi-123", address).status_code == 401
    # The sixth attempt is refused even with the right password, with a clear message.
    locked = _login(client, user.email, TEST_PASSWORD, address)
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.get_data(as_text=True)
    # Another account from another address is not affected.
    other = StaffFactory(email=f"{uuid.uuid4().hex[:12]}@etalase.demo")
    assert _login(client, other.email, TEST_PASSWORD, f"{address}9").status_code == 302
    # Per address: 20 failures with 20 different emails lock the address.
    for n in range(20):
        _login(client, f"nobody{n}-{uuid.uuid4().hex[:6]}@etalase.demo", "x-salah-1234", address)
    assert _login(client, other.email, TEST_PASSWORD, address).status_code == 429


def test_failed_logins_are_limited_per_account_and_per_address(client, db) -> None:
    _limits_hold(client, "10.0.0.1")


def test_successful_logins_do_not_count_towards_the_limit(client, db) -> None:
    user = UserFactory()
    for _ in range(8):
        assert _login(client, user.email).status_code == 302
        client.post("/admin/logout")


class TestWithRedis:
    @pytest.fixture
    def config_overrides(self, redis_url):
        return {"RATELIMIT_STORAGE_URI": redis_url}

    def test_the_limits_hold_in_redis_too(self, app, client, db, redis_url) -> None:
        address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
        _limits_hold(client, address)
        keys = redis.Redis.from_url(redis_url).keys("*login-account*")
        assert keys, "the limiter wrote its counters to Redis"


class TestCsrf:
    @pytest.fixture
    def config_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_post_without_token_is_refused(self, app, client, db) -> None:
        user = UserFactory()
        assert _login(client, user.email).status_code == 400
        page = client.get("/admin/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/admin/login",
            data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302

    def test_a_signed_in_action_without_token_changes_nothing(self, app, client, db) -> None:
        product = ProductFactory()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        staff = StaffFactory(facility=product.facility)
        client.post(
            "/admin/login",
            data={"email": staff.email, "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert client.post(f"/admin/products/{product.id}/archive").status_code == 400
        db.session.refresh(product)
        assert product.status.value == "published"


def test_the_back_office_speaks_english_too(client, db) -> None:
    client.get("/lang/en?next=/admin/login")
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Sign in to the Etalase back office" in page
    assert "Masuk ke kantor" not in page

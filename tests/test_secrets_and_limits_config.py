"""No secret is a constant: a development site makes its own key once; production refuses
login limits that each worker would count on its own."""

from __future__ import annotations

import pytest

from shop.config import Config, UnsafeConfiguration, instance_secret_key

PRODUCTION = {
    "ETALASE_ENV": "production", "SECRET_KEY": "k" * 48, "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x", "DATABASE_URL": "sqlite://",
}  # fmt: skip


def test_a_random_key_is_made_on_first_start_and_kept(tmp_path) -> None:
    first = instance_secret_key(tmp_path)
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert instance_secret_key(tmp_path) == first
    assert instance_secret_key(tmp_path / "other-site") != first


def test_development_uses_the_instance_key_and_the_environment_wins(monkeypatch, tmp_path):
    from shop import config as config_module

    monkeypatch.setattr(config_module, "instance_secret_key", lambda: instance_secret_key(tmp_path))
    made = Config.from_env({}).SECRET_KEY
    assert made == (tmp_path / "secret_key").read_text().strip()
    assert made == Config.from_env({}).SECRET_KEY
    assert Config.from_env({"SECRET_KEY": "y" * 40}).SECRET_KEY == "y" * 40


def test_production_never_makes_a_key_of_its_own() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        Config.from_env(env).check_safe_for_production()


def test_production_refuses_memory_limits_with_several_workers() -> None:
    with pytest.raises(UnsafeConfiguration, match="WEB_CONCURRENCY"):
        Config.from_env({**PRODUCTION, "WEB_CONCURRENCY": "2"}).check_safe_for_production()
    Config.from_env({**PRODUCTION, "WEB_CONCURRENCY": "1"}).check_safe_for_production()
    shared = {**PRODUCTION, "WEB_CONCURRENCY": "4", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    config = Config.from_env(shared)
    config.check_safe_for_production()
    assert config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"

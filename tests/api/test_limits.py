"""Rate limits of the public API: a lower one per address without a key, one per partner key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.database import db
from shop.models import PartnerKeyUsage
from tests.factories import PartnerKeyFactory


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return {"API_RATE_LIMIT_ANONYMOUS": "4 per minute", "API_RATE_LIMIT_KEY": "6 per minute"}


def test_anonymous_and_per_key_limits(app, client):
    key = PartnerKeyFactory(secret="etl_mitra-cepat")
    db.session.commit()
    for _ in range(4):
        assert client.get("/api/v1/categories").status_code == 200
    limited = client.get("/api/v1/facilities")  # one budget for the whole API
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.get_json()["error"] == "rate_limited"
    # A partner's key has its own, higher budget.
    headers = {"X-Api-Key": "etl_mitra-cepat"}
    statuses = [client.get("/api/v1/categories", headers=headers).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]
    db.session.expire_all()
    row = db.session.scalar(sa.select(PartnerKeyUsage).where(PartnerKeyUsage.key_id == key.id))
    assert (row.requests, row.limited) == (7, 1)


def test_limits_are_read_from_the_environment_and_checked():
    from shop.config import Config

    config = Config.from_env({"API_RATE_LIMIT_KEY": "1000 per hour", "SECRET_KEY": "x" * 40})
    assert config.API_RATE_LIMIT_KEY == "1000 per hour"
    assert config.API_RATE_LIMIT_ANONYMOUS == "60 per minute"
    with pytest.raises(ValueError):
        Config.from_env({"API_RATE_LIMIT_ANONYMOUS": "a lot", "SECRET_KEY": "x" * 40})

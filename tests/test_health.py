"""`/healthz` tells a load balancer whether the database answers and is migrated."""

from __future__ import annotations

from shop.app import create_app
from shop.health import migration_head
from tests.conftest import make_config


def test_healthy_database_reports_the_migration_head(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migration"]["current"] == body["migration"]["head"] == migration_head()


def test_unreachable_database_is_503(tmp_path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=1"
    app = create_app(make_config(url, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_unmigrated_database_is_503(tmp_path) -> None:
    app = create_app(make_config(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"

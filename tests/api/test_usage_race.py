"""Concurrent requests with one key on real PostgreSQL: every one is counted (one upsert each,
no lost update), and none waits on another's counting for long."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from shop.database import db
from shop.models import PartnerKeyUsage
from tests.conftest import ON_POSTGRES
from tests.factories import PartnerKeyFactory

THREADS = 6
REQUESTS = 5


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL")
def test_concurrent_requests_with_one_key_all_count(app) -> None:
    key = PartnerKeyFactory(secret="etl_mitra-ramai")
    key_id = key.id
    db.session.commit()
    db.session.remove()
    start = threading.Barrier(THREADS)
    statuses: list[int] = []

    def partner() -> None:
        client = app.test_client()
        start.wait(10)
        for _ in range(REQUESTS):
            response = client.get("/api/v1/categories", headers={"X-Api-Key": "etl_mitra-ramai"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=partner) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * (THREADS * REQUESTS)
    row = db.session.scalar(sa.select(PartnerKeyUsage).where(PartnerKeyUsage.key_id == key_id))
    assert row.requests == THREADS * REQUESTS

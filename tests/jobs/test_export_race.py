"""An export job delivered twice at once, on real PostgreSQL row locks: the second delivery waits
for the first one's lock, then finds the export taken and builds nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from shop.core import clock, unit_of_work
from shop.core.clock import Period
from shop.core.storage import storage_from_config
from shop.database import db
from shop.exporting import runs
from shop.models import JobState, ReportExport, Role
from shop.reporting.periods import ReportFilters, ReportQuery
from tests.conftest import ON_POSTGRES
from tests.factories import UserFactory


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set TEST_DATABASE_URL (row locks)")
def test_a_second_delivery_waits_for_the_lock_and_builds_nothing(app) -> None:
    query = ReportQuery(period=Period.this_month(clock.now()), filters=ReportFilters())
    export = ReportExport(
        requested_by=UserFactory(role=Role.CENTRAL), report="overview", fmt="csv",
        args=query.args(), locale="id", state=JobState.QUEUED,
    )  # fmt: skip
    db.session.add(export)
    db.session.commit()
    export_id = export.id
    db.session.remove()
    storage = storage_from_config(app.config)
    taken, release = threading.Event(), threading.Event()
    second_done = threading.Event()

    def build(first: bool) -> None:
        with app.app_context():
            if not first:
                taken.wait(10)

            def save_progress() -> None:
                if first:
                    taken.set()
                    release.wait(10)
                unit_of_work.commit()

            runs.build_export(
                export_id=export_id, storage=storage, retention_days=3,
                save_progress=save_progress,
            )  # fmt: skip
            unit_of_work.commit()
            db.session.remove()
            if not first:
                second_done.set()

    threads = [threading.Thread(target=build, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    taken.wait(10)
    assert not second_done.wait(0.5), "the second delivery did not wait for the first one's lock"
    release.set()
    for thread in threads:
        thread.join(20)
    assert second_done.is_set()
    built = db.session.scalars(select(ReportExport)).one()
    assert built.state is JobState.DONE
    stored = list((Path(app.config["UPLOAD_DIR"]) / "private" / "exports").glob("*"))
    assert [path.name for path in stored] == [Path(built.file_key).name]

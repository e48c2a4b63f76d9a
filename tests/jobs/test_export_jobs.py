"""Large report exports run as a job: the link answers with a page that waits, then offers the
file, built with the asker's scope and downloadable by the asker alone."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
import requests
from openpyxl import load_workbook
from sqlalchemy import select

from shop.core import clock
from shop.jobs import schedule
from shop.models import JobState, ReportExport
from shop.reporting import exports, reports
from shop.reporting.periods import ReportFilters
from tests.checkout import stripe_fixtures as sf
from tests.conftest import copy_of, seeded_database
from tests.jobs.helpers import rq_config, run_queued_jobs
from tests.services import report_world
from tests.services.test_storage_s3 import BUCKET, s3_endpoint, s3_env  # noqa: F401 (fixtures)

# Every selection of entries with a row is built by a job in these tests.
JOB_CONFIG = {**sf.STRIPE_CONFIG, "EXPORT_SYNC_MAX_ROWS": 0}

world_database = seeded_database(report_world.build_ids, **sf.STRIPE_CONFIG)
database_url = copy_of("world_database")


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return dict(JOB_CONFIG)


@pytest.fixture
def world(db, world_database):
    return report_world.load(world_database.value)


def _ask(client, world, fmt: str = "xlsx", **params: str) -> str:
    """Click an export link of the entries; the answer sends the user to the export's page."""
    response = client.get(
        f"/admin/reports/export/entries.{fmt}", query_string={**world.period.args(), **params}
    )
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def _download(client, status_url: str):
    page = client.get(status_url).get_data(as_text=True)
    assert f'href="{status_url}/file"' in page  # "Berkas siap." and its link
    assert 'http-equiv="refresh"' not in page
    response = client.get(f"{status_url}/file")
    assert response.status_code == 200
    return response


def _sheet_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def _stored_exports(app) -> list[Path]:
    return list((Path(app.config["UPLOAD_DIR"]) / "private" / "exports").glob("*"))


def test_a_large_xlsx_is_built_by_the_job_and_offered_on_its_page(
    app, client, login_as, world
) -> None:
    central = login_as("central")
    status_url = _ask(client, world)
    assert "Berkas siap." in client.get(status_url).get_data(as_text=True)
    response = _download(client, status_url)
    assert response.mimetype == exports.XLSX_MIMETYPE
    assert response.headers["Cache-Control"] == "private, no-store"
    period = world.period
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="etalase-catatan-buku-besar-{period.start}-sd-{period.end}.xlsx"'
    )
    expected = reports.entries_table(user=central, period=period, filters=ReportFilters())
    rows = _sheet_rows(response.get_data())
    header = [column.label for column in expected.columns]
    start = rows.index(header) + 1
    written = rows[start:-1]
    assert len(written) == len(list(expected.rows)) > 1
    assert rows[-1][0] == "Jumlah"
    order_column = header.index("Nomor pesanan")
    assert [row[order_column] for row in written].count(world.stripe_order.number) >= 2
    export = app.extensions["sqlalchemy"].session.scalars(select(ReportExport)).one()
    assert export.rows == len(written)
    # Private: the file is in storage, but the public media route never serves it.
    (stored,) = _stored_exports(app)
    assert client.get(f"/media/private/exports/{stored.name}").status_code == 404


def test_a_large_csv_goes_the_same_way(client, login_as, world) -> None:
    login_as("central")
    response = _download(client, _ask(client, world, fmt="csv"))
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response.get_data(as_text=True))
    assert rows[-1][0] == "Jumlah"
    assert any(world.weaving_order.number in row for row in rows)


def test_a_small_export_still_answers_at_once(app, client, login_as, world) -> None:
    login_as("central")
    # The Kanwil table has no unbounded length: never a job.
    response = client.get("/admin/reports/export/overview.xlsx", query_string=world.period.args())
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    app.config["EXPORT_SYNC_MAX_ROWS"] = 10_000
    response = client.get("/admin/reports/export/entries.csv", query_string=world.period.args())
    assert response.status_code == 200
    assert world.bread_order.number in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["staff", "kanwil"])
def test_the_job_writes_what_the_asker_may_see_only(client, login_as, world, who) -> None:
    if who == "staff":
        login_as("staff", facility=world.binjai)
        shown, hidden = [world.bread_order.number], [world.stripe_order.number,
                                                     world.weaving_order.number]  # fmt: skip
    else:
        login_as("kanwil", kanwil=world.ntt)
        shown, hidden = [world.weaving_order.number], [world.bread_order.number]
    content = _download(client, _ask(client, world, fmt="csv")).get_data(as_text=True)
    assert all(number in content for number in shown)
    assert [number for number in hidden if number in content] == []
    # Naming a facility out of scope selects nothing (so small it is answered at once).
    response = client.get(
        "/admin/reports/export/entries.csv",
        query_string={**world.period.args(), "facility": str(world.medan.id)},
    )
    assert response.status_code == 200
    content = response.get_data(as_text=True)
    assert [number for number in [*shown, *hidden] if number in content] == []


def test_only_the_asker_can_see_or_download_it(app, client, login_as, world) -> None:
    login_as("staff", facility=world.binjai)
    status_url = _ask(client, world, fmt="csv")
    assert client.get(f"{status_url}/file").status_code == 200
    others = {
        "same facility": ("staff", {"facility": world.binjai}),
        "other facility": ("staff", {"facility": world.lpka}),
        "kanwil": ("kanwil", {"kanwil": world.sumut}),
        "central": ("central", {}),
        "admin": ("admin", {}),
    }
    for name, (role, scope) in others.items():
        other = app.test_client()
        login_as(role, client=other, **scope)
        for url in (status_url, f"{status_url}/file"):
            assert other.get(url).status_code == 404, (name, url)
    assert app.test_client().get(f"{status_url}/file").status_code == 302  # to the login


def test_a_failure_says_why_and_keeps_nothing(app, client, db, login_as, world, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
    login_as("central")
    status_url = _ask(client, world)
    page = client.get(status_url).get_data(as_text=True)
    assert "Ekspor gagal: Lebih dari 2 baris tidak muat dalam satu lembar XLSX" in page
    assert 'http-equiv="refresh"' not in page
    assert client.get(f"{status_url}/file").status_code == 404
    export = db.session.scalars(select(ReportExport)).one()
    assert export.state is JobState.FAILED and export.file_key is None
    assert _stored_exports(app) == []


def test_an_export_expires_and_the_daily_pruning_removes_it(app, client, db, login_as, world):
    login_as("central")
    status_url = _ask(client, world)
    export = db.session.scalars(select(ReportExport)).one()
    days = app.config["EXPORT_RETENTION_DAYS"]
    assert export.expires_at - export.finished_at == timedelta(days=days)
    export.expires_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"{status_url}/file")
    assert response.status_code == 410
    assert "sudah kedaluwarsa" in response.get_data(as_text=True)
    assert len(_stored_exports(app)) == 1

    schedule.run_task(schedule.TASKS["prune"], now=clock.now())
    from shop.core import unit_of_work

    unit_of_work.commit()
    assert db.session.scalars(select(ReportExport)).all() == []
    assert _stored_exports(app) == []
    assert client.get(status_url).status_code == 404


def test_the_file_speaks_the_askers_language(client, login_as, world) -> None:
    login_as("central")
    client.set_cookie("lang", "en")
    rows = _csv_rows(_download(client, _ask(client, world, fmt="csv")).get_data(as_text=True))
    assert rows[0] == ["Ledger entries"]
    assert rows[-1][0] == "Total"


class TestInTheBucket:
    @pytest.fixture
    def config_overrides(self, s3_env) -> dict[str, object]:  # noqa: F811
        return {**JOB_CONFIG, "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_env,
                "S3_REGION": "us-east-1"}  # fmt: skip

    def test_the_file_is_private_in_the_bucket(self, client, login_as, world, s3_env) -> None:  # noqa: F811
        login_as("central")
        content = _download(client, _ask(client, world, fmt="csv")).get_data()
        bucket = boto3.client("s3", endpoint_url=s3_env, region_name="us-east-1")
        (item,) = bucket.list_objects_v2(Bucket=BUCKET, Prefix="private/exports/")["Contents"]
        stored = bucket.get_object(Bucket=BUCKET, Key=item["Key"])
        assert stored["CacheControl"] == "private, no-store"
        assert stored["Body"].read() == content
        assert requests.get(f"{s3_env}/{BUCKET}/{item['Key']}", timeout=5).status_code == 403


class TestOnAWorker:
    @pytest.fixture
    def config_overrides(self) -> dict[str, object]:
        return {**JOB_CONFIG, **rq_config()}

    def test_the_page_says_it_is_being_prepared_until_the_worker_has_built_it(
        self, app, client, db, login_as, world
    ) -> None:
        login_as("staff", facility=world.binjai)
        status_url = _ask(client, world)
        page = client.get(status_url).get_data(as_text=True)
        assert "Berkas sedang disiapkan: menunggu giliran." in page
        assert '<meta http-equiv="refresh" content="3">' in page
        assert client.get(f"{status_url}/file").status_code == 404
        # A second click while it waits finds the same export, not a second job.
        assert _ask(client, world) == status_url
        assert _stored_exports(app) == []

        assert run_queued_jobs() == 1
        content = _download(client, status_url).get_data()
        assert world.bread_order.number in str(_sheet_rows(content))
        db.session.expire_all()
        export = db.session.scalars(select(ReportExport)).one()
        assert export.state is JobState.DONE and export.size_bytes == len(content)

    def test_the_worker_writes_in_the_askers_language(self, client, login_as, world) -> None:
        login_as("central")
        client.set_cookie("lang", "en")
        status_url = _ask(client, world, fmt="csv")
        assert run_queued_jobs() == 1
        rows = _csv_rows(_download(client, status_url).get_data(as_text=True))
        assert rows[0] == ["Ledger entries"]
        assert rows[-1][0] == "Total"

    def test_a_failure_on_the_worker_is_shown(
        self, client, db, login_as, world, monkeypatch
    ) -> None:
        monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)
        login_as("central")
        status_url = _ask(client, world)
        assert run_queued_jobs() == 1
        assert "Ekspor gagal" in client.get(status_url).get_data(as_text=True)

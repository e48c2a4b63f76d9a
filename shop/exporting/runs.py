"""Large report exports: asked for in a request, built by a job, downloaded by the one who asked.

A selection of more rows than the site answers at once (`EXPORT_SYNC_MAX_ROWS`) becomes a
`ReportExport` row and the `exports.build` job. The job builds the table as the user who asked
sees it (the same scoping as the page), writes it with the same exporters as the direct download
(XlsxWriter in constant-memory mode for XLSX), stores the file privately and records where; the
status page then offers it. Files and rows go after `EXPORT_RETENTION_DAYS` (the daily pruning).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from tempfile import SpooledTemporaryFile
from typing import Literal

from sqlalchemy import or_, select

from shop.core import clock, jobs, locks
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.storage import Storage, StorageError, private_key
from shop.core.unit_of_work import after_commit
from shop.database import db
from shop.exporting import tables
from shop.models import JobState, ReportExport, User
from shop.reporting import exports
from shop.reporting.periods import ReportQuery, query_from_args
from shop.reporting.tables import CellValue, ReportTable

log = logging.getLogger("etalase.exports")

BUILD_JOB = "exports.build"
Format = Literal["csv", "xlsx"]
CONTENT_TYPES = {"csv": exports.CSV_MIMETYPE, "xlsx": exports.XLSX_MIMETYPE}
WRITERS: dict[str, Callable[[ReportTable], Iterable[str | bytes]]] = {
    "csv": exports.csv_stream,
    "xlsx": exports.xlsx_stream,
}
# The file is built in memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024


class ExportExpired(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("Berkas ekspor ini sudah kedaluwarsa dan dihapus; minta lagi."))


def start_export(
    *, user: User, report: str, fmt: Format, query: ReportQuery, locale: str, rows: int
) -> ReportExport:
    """Queue the export of `report` for `user` (the caller commits), or give back the same one
    already waiting or running, so a second click does not build the file twice."""
    args = query.args()
    for waiting in db.session.scalars(
        select(ReportExport).where(
            ReportExport.requested_by_id == user.id,
            ReportExport.report == report,
            ReportExport.fmt == fmt,
            ReportExport.state.in_([JobState.QUEUED, JobState.RUNNING]),
        )
    ):
        if waiting.args == args:
            return waiting
    export = ReportExport(
        requested_by=user, report=report, fmt=fmt, args=args, locale=locale, rows=rows,
        state=JobState.QUEUED,
    )  # fmt: skip
    db.session.add(export)
    db.session.flush()
    jobs.defer(BUILD_JOB, export_id=export.id)
    return export


def build_export(
    *, export_id: int, storage: Storage, retention_days: int, save_progress: Callable[[], None]
) -> None:
    """The job's work: build the file, store it privately, record it (or why it failed).

    `save_progress` commits the "running" state before the slow part, for the status page.
    Only a queued export is taken, under its row lock: a job delivered twice builds once.
    """
    export = next(iter(locks.lock_rows(ReportExport, [export_id])), None)
    if export is None or export.state is not JobState.QUEUED:
        return
    export.state = JobState.RUNNING
    save_progress()
    key = private_key(f"exports/{uuid.uuid4().hex}.{export.fmt}")
    counter = _Counter(())
    try:
        query = query_from_args(export.args)
        table = tables.REPORTS[export.report].build(export.requested_by, query)
        counter = _Counter(table.rows)
        table = replace(table, rows=counter)
        size = _store(WRITERS[export.fmt](table), storage, key, CONTENT_TYPES[export.fmt])
    except Exception as error:
        counter.close()
        db.session.rollback()
        if not isinstance(error, exports.TooManyRows | StorageError):
            log.exception("Export %s failed", export_id)
        _finish(export_id, retention_days, error=_reason(error))
        return
    export.filename = exports.export_filename(
        table, export.fmt,  # type: ignore[arg-type]
        first=query.period.start, last=query.period.end,
    )  # fmt: skip
    export.file_key, export.size_bytes, export.rows = key, size, counter.count
    _finish(export_id, retention_days)


class _Counter(Iterator[list[CellValue]]):
    """The table's rows, counted as the writer reads them."""

    def __init__(self, rows: Iterable[list[CellValue]]) -> None:
        self.rows = iter(rows)
        self.count = 0

    def __next__(self) -> list[CellValue]:
        row = next(self.rows)
        self.count += 1
        return row

    def close(self) -> None:
        """Stop the rows where they are (a generator over a query closes its cursor)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


def _store(chunks: Iterable[str | bytes], storage: Storage, key: str, content_type: str) -> int:
    with SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
        for chunk in chunks:
            file.write(chunk.encode() if isinstance(chunk, str) else chunk)
        size = file.tell()
        file.seek(0)
        storage.save(key, file.read(), content_type)
    return size


def _reason(error: Exception) -> str:
    """What the status page says of a failure."""
    if isinstance(error, exports.TooManyRows):
        return str(
            _l(
                "Lebih dari %(rows)s baris tidak muat dalam satu lembar XLSX: pilih periode yang "
                "lebih pendek, atau unduh CSV.",
                rows=f"{exports.XLSX_MAX_ROWS:,}".replace(",", "."),
            )
        )
    if isinstance(error, StorageError):
        return str(_l("Berkas tidak dapat disimpan: %(error)s", error=error))
    return str(_l("Ekspor gagal (%(error)s).", error=f"{type(error).__name__}: {error}"[:500]))


def _finish(export_id: int, retention_days: int, *, error: str | None = None) -> None:
    export = db.session.get(ReportExport, export_id)
    if export is None:
        return
    finished = clock.now()
    export.state = JobState.FAILED if error is not None else JobState.DONE
    export.error = error
    export.finished_at = finished
    export.expires_at = finished + timedelta(days=retention_days)


def own_export(user: User, export_id: int) -> ReportExport | None:
    """The export if `user` asked for it: nobody else sees it, whatever their role."""
    export = db.session.get(ReportExport, export_id)
    if export is None or export.requested_by_id != user.id:
        return None
    return export


def file_of(export: ReportExport, *, storage: Storage, now: datetime) -> bytes:
    """The stored file of a finished export; `ExportExpired` once its time is up."""
    if export.file_key is None or export.state is not JobState.DONE:
        raise ValueError("the export has no file yet")
    if export.expires_at is not None and export.expires_at <= now:
        raise ExportExpired()
    try:
        return storage.read(export.file_key)
    except StorageError:
        raise ExportExpired() from None


def prune_exports(*, now: datetime, storage: Storage, retention_days: int) -> int:
    """Delete the exports whose time is up, and those never finished after as long (a worker
    that died); their files go once the deletion is committed. The caller commits."""
    stale = db.session.scalars(
        select(ReportExport).where(
            or_(
                ReportExport.expires_at <= now,
                ReportExport.created_at <= now - timedelta(days=retention_days),
            )
        )
    ).all()
    keys = [export.file_key for export in stale if export.file_key]
    for export in stale:
        db.session.delete(export)
    if keys:
        after_commit(lambda: [storage.delete(key) for key in keys])
    return len(stale)

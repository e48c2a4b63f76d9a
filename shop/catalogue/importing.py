"""Bulk import of products from a CSV (one row per variant) with their photos.

Every row is checked, and every photo cleaned, before anything is written: an import with an
error changes nothing, and each error names its line. The columns are documented in
docs/import-format.md.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from shop.catalogue import images, stock
from shop.catalogue import products as catalogue
from shop.catalogue.products import ProductInput, VariantInput
from shop.core import audit, jobs, numbers, text
from shop.core.errors import DomainError
from shop.core.i18n import lazy_gettext as _l
from shop.core.storage import Storage, private_key
from shop.core.unit_of_work import after_commit
from shop.database import db
from shop.models import (
    Category,
    Facility,
    ImageReviewState,
    ImportRun,
    ImportState,
    ProductImage,
    StockReason,
    User,
)

REQUIRED_COLUMNS = ("name", "category", "weight_grams", "sku", "price_idr")
MAX_ROWS = 2000
# The longest text a product takes is its description (5,000 characters).
MAX_CELL_CHARS = 5000
MAX_ZIP_ENTRIES = 500
# What all photos of one ZIP may unpack to, counted from the bytes read, not the header.
MAX_ZIP_TOTAL_BYTES = 1024 * 1024 * 1024
_TRUE = {"1", "ya", "yes", "true", "y"}
_FALSE = {"", "0", "tidak", "no", "false", "n"}

PhotoSource = Callable[[str], bytes | None]


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return str(_l("Baris %(line)s: %(message)s", line=self.line, message=self.message))


class ImportFailed(DomainError):
    """The import was refused; `errors` lists each problem with its line. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            _l("Impor dibatalkan: %(n)s kesalahan. Tidak ada yang diubah.", n=len(errors))
        )


@dataclass
class _Product:
    line: int
    data: dict[str, Any]
    variants: list[VariantInput] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    alt_text: str = ""


@dataclass(frozen=True)
class ImportReport:
    products: int
    variants: int
    photos: int


def import_products(
    *,
    facility: Facility,
    csv_bytes: bytes,
    photo_source: PhotoSource,
    actor: User | None,
    storage: Storage,
    max_image_bytes: int,
    now: datetime,
    actor_label: str | None = None,
    on_step: Callable[[], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check everything, then create draft products with stock and pending photos, or nothing.

    `on_total` learns how many products the CSV holds; `on_step` is called after each one's
    photos are checked (the slow part).
    """
    errors: list[RowError] = []
    products = _parse(facility, csv_bytes, errors)
    if on_total:
        on_total(len(products))
    prepared: dict[str, images.PreparedImage] = {}
    for product in products:
        for name in product.photos:
            if name in prepared:
                continue
            data = photo_source(name)
            if data is None:
                errors.append(RowError(product.line, str(_l("foto %(f)s tidak ada.", f=name))))
                continue
            try:
                prepared[name] = images.prepare_image(data, max_bytes=max_image_bytes)
            except images.ImageRejected as error:
                errors.append(RowError(product.line, f"{name}: {error}"))
        if on_step:
            on_step()
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    photo_count = 0
    for product in products:
        created = catalogue.create_product(
            facility=facility, data=_product_input(product, with_stock=False), actor=actor,
            actor_label=actor_label,
        )  # fmt: skip
        for variant, wanted in zip(created.variants, product.variants, strict=True):
            if wanted.stock:
                stock.record_movement(
                    variant=variant, quantity=wanted.stock, reason=StockReason.IMPORTED,
                    actor=actor, actor_label=actor_label, now=now,
                )  # fmt: skip
        state = ImageReviewState.APPROVED if facility.review_exempt else ImageReviewState.PENDING
        for position, name in enumerate(product.photos):
            ready = prepared[name]
            master_key, renditions = images.store_prepared(
                storage, ready, public=state is ImageReviewState.APPROVED
            )
            db.session.add(
                _image_row(created.id, position, product.alt_text, ready, master_key,
                                renditions, state)
            )  # fmt: skip
            photo_count += 1
    db.session.flush()
    audit.record(
        actor=actor, actor_label=actor_label, action="product.import", obj=facility,
        changes={"products": [None, len(products)], "photos": [None, photo_count]},
    )  # fmt: skip
    return ImportReport(
        products=len(products),
        variants=sum(len(p.variants) for p in products),
        photos=photo_count,
    )


def _image_row(
    product_id: int, position: int, alt_text: str, ready: images.PreparedImage,
    master_key: str, renditions: list[dict[str, Any]], state: ImageReviewState,
) -> ProductImage:  # fmt: skip
    return ProductImage(
        product_id=product_id, position=position, alt_text=alt_text[:300], width=ready.width,
        height=ready.height, master_key=master_key, renditions=renditions, review_state=state,
    )  # fmt: skip


def _parse(facility: Facility, csv_bytes: bytes, errors: list[RowError]) -> list[_Product]:
    try:
        text = csv_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([RowError(1, str(_l("berkas bukan teks UTF-8.")))]) from None
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ImportFailed(
            [RowError(1, str(_l("kolom wajib tidak ada: %(cols)s", cols=", ".join(missing))))]
        )
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    workshops = {w.name.lower(): w for w in facility.workshops}
    products: dict[str, _Product] = {}
    seen_skus: dict[str, int] = {}
    for line, raw in _rows(reader, errors):
        if line - 1 > MAX_ROWS:
            errors.append(RowError(line, str(_l("maksimal %(n)s baris.", n=MAX_ROWS))))
            break
        row = {(k or "").strip(): _cell(v) for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        problems = _cell_problems(row)
        if problems:
            errors.extend(RowError(line, message) for message in problems)
            continue
        name = row.get("name", "")
        if not name:
            problems.append(str(_l("nama produk kosong.")))
        sku = row.get("sku", "").upper()
        if not sku:
            problems.append(str(_l("SKU kosong.")))
        elif sku in seen_skus:
            problems.append(str(_l("SKU %(sku)s juga di baris %(n)s.", sku=sku, n=seen_skus[sku])))
        else:
            seen_skus[sku] = line
        price = _int(row.get("price_idr", ""), _l("harga"), problems, required=True)
        hpp = _int(row.get("hpp_idr", ""), _l("HPP"), problems)
        quantity = _int(row.get("stock", ""), _l("stok"), problems) or 0
        key = name.lower()
        if key and key not in products:
            category = categories.get(row.get("category", ""))
            if category is None:
                problems.append(
                    str(_l("kategori '%(c)s' tidak dikenal.", c=row.get("category", "")))
                )
            workshop = None
            if row.get("workshop"):
                workshop = workshops.get(row["workshop"].lower())
                if workshop is None:
                    problems.append(
                        str(_l("bengkel '%(w)s' bukan milik UPT ini.", w=row["workshop"]))
                    )
            made_to_order = _bool(row.get("made_to_order", ""), problems)
            products[key] = _Product(
                line=line,
                data={
                    "name": name, "category": category, "workshop": workshop,
                    "description": row.get("description", ""),
                    "weight_grams": _int(row.get("weight_grams", ""), _l("berat"), problems,
                                         required=True) or 0,
                    "made_to_order": made_to_order,
                    "lead_time_days": _int(row.get("lead_time_days", ""), _l("lama pengerjaan"),
                                           problems),
                    "pirt_number": row.get("pirt_number") or None,
                    "halal_certificate": row.get("halal_certificate") or None,
                    "shelf_life_days": _int(row.get("shelf_life_days", ""), _l("masa simpan"),
                                            problems),
                },
                alt_text=row.get("alt_text") or name,
            )  # fmt: skip
        product = products.get(key)
        if product is not None:
            for photo in filter(None, (p.strip() for p in row.get("photos", "").split(";"))):
                if "/" in photo or "\\" in photo or photo.startswith("."):
                    problems.append(str(_l("nama foto '%(f)s' tidak sah.", f=photo)))
                elif photo not in product.photos:
                    product.photos.append(photo)
            product.variants.append(
                VariantInput(
                    sku=sku, price_idr=price or 0, stock=quantity,
                    option_label=row.get("option_label", ""), hpp_idr=hpp,
                )
            )  # fmt: skip
        errors.extend(RowError(line, message) for message in problems)
    if not products and not errors:
        errors.append(RowError(1, str(_l("tidak ada baris produk."))))
    if not errors:
        for product in products.values():
            try:
                catalogue.check_new_product(facility, _product_input(product))
            except DomainError as error:
                errors.append(RowError(product.line, str(error)))
    return list(products.values())


def _rows(reader: csv.DictReader[str], errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    """The reader's rows with their line numbers; a row the csv module cannot read (a cell over
    its 128 KB limit, say) ends the import with that line named."""
    line = 1
    while True:
        line += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error:
            errors.append(RowError(line, str(_l("baris tidak terbaca (sel terlalu panjang?)."))))
            return
        yield line, raw


def _cell(value: Any) -> str:
    # Extra cells beyond the header arrive as a list under the key None, dropped above.
    return value.strip() if isinstance(value, str) else ""


def _cell_problems(row: dict[str, str]) -> list[str]:
    problems = []
    for column, value in row.items():
        if len(value) > MAX_CELL_CHARS:
            problems.append(
                str(_l("kolom %(c)s lebih dari %(n)s karakter.", c=column[:40], n=MAX_CELL_CHARS))
            )
        elif text.has_control_characters(value) or text.has_control_characters(column):
            problems.append(
                str(_l("kolom %(c)s memuat karakter kendali (misalnya NUL).", c=column[:40]))
            )
    return problems


def _product_input(product: _Product, *, with_stock: bool = True) -> ProductInput:
    """The product as the catalogue takes it; without stock, which arrives as movements."""
    variants = product.variants if with_stock else [replace(v, stock=0) for v in product.variants]
    return ProductInput(**product.data, variants=variants)


def _int(text: str, label: Any, problems: list[str], *, required: bool = False) -> int | None:
    if not text.strip():
        if required:
            problems.append(str(_l("%(field)s kosong.", field=label)))
        return None
    value = numbers.parse_amount_idr(text)
    if value is None:
        problems.append(str(_l("%(field)s '%(text)s' bukan angka.", field=label, text=text[:40])))
    return value


def _bool(text: str, problems: list[str]) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered not in _FALSE:
        problems.append(str(_l("made_to_order harus ya atau tidak, bukan '%(t)s'.", t=text)))
    return False


def folder_source(folder: str | Path) -> PhotoSource:
    root = Path(folder).resolve()

    def read(name: str) -> bytes | None:
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path.read_bytes()

    return read


def zip_source(data: bytes, *, max_bytes: int) -> PhotoSource:
    """Photos from a ZIP, looked up by file name; entries bigger than a photo may be are skipped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFailed([RowError(1, str(_l("berkas ZIP foto rusak.")))]) from None
    entries = [i for i in archive.infolist() if not i.is_dir()][:MAX_ZIP_ENTRIES]
    by_name = {Path(i.filename).name: i for i in entries}
    unpacked = 0

    def read(name: str) -> bytes | None:
        """At most max_bytes + 1 bytes of the entry, however small its header says it is."""
        nonlocal unpacked
        info = by_name.get(name)
        if info is None:
            return None
        try:
            with archive.open(info) as handle:
                data = handle.read(max_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            # A CRC or size that does not match the data, an unknown method, a password.
            raise ImportFailed(
                [RowError(1, str(_l("foto %(f)s di ZIP rusak atau terkunci.", f=name)))]
            ) from None
        unpacked += len(data)
        if unpacked > MAX_ZIP_TOTAL_BYTES:
            raise ImportFailed([RowError(1, str(_l("isi ZIP foto terlalu besar.")))])
        return data

    return read


def start_import(
    *,
    facility: Facility,
    requested_by: User,
    csv_bytes: bytes,
    zip_bytes: bytes | None,
    storage: Storage,
) -> ImportRun:
    """Check the rows, keep the files privately and queue the import (the
    `catalogue.import_products` job runs it). A CSV with errors raises `ImportFailed` at once;
    the photos, the slow part, are checked by the job.
    """
    errors: list[RowError] = []
    _parse(facility, csv_bytes, errors)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    token = uuid.uuid4().hex
    csv_key = private_key(f"imports/{token}.csv")
    storage.save(csv_key, csv_bytes, "text/csv")
    zip_key = None
    if zip_bytes is not None:
        zip_key = private_key(f"imports/{token}.zip")
        storage.save(zip_key, zip_bytes, "application/zip")
    run = ImportRun(
        facility=facility, requested_by=requested_by, csv_key=csv_key, zip_key=zip_key,
        state=ImportState.QUEUED, errors=[],
    )  # fmt: skip
    db.session.add(run)
    db.session.flush()
    jobs.defer("catalogue.import_products", run_id=run.id)
    return run


def run_import(
    *,
    run_id: int,
    storage: Storage,
    max_image_bytes: int,
    now: datetime,
    save_progress: Callable[[], None],
) -> None:
    """The job's work: import the run's files and record the result on the run.

    `save_progress` commits the run's counters while the photos are checked, so the progress page
    sees them; nothing else is written until every row and photo passed. A run already finished
    is left alone (a job delivered twice imports once).
    """
    run = db.session.get(ImportRun, run_id)
    if run is None or run.finished:
        return
    run.state, run.done, run.total = ImportState.RUNNING, 0, 0
    save_progress()

    def total(count: int) -> None:
        run.total = count
        save_progress()

    def step() -> None:
        run.done = min(run.done + 1, run.total)
        save_progress()

    try:
        zip_bytes = storage.read(run.zip_key) if run.zip_key else None
        source = (
            zip_source(zip_bytes, max_bytes=max_image_bytes)
            if zip_bytes is not None
            else (lambda _name: None)
        )
        report = import_products(
            facility=run.facility, csv_bytes=storage.read(run.csv_key), photo_source=source,
            actor=run.requested_by, storage=storage, max_image_bytes=max_image_bytes, now=now,
            on_step=step, on_total=total,
        )  # fmt: skip
    except ImportFailed as failure:
        db.session.rollback()
        _finish(run_id, ImportState.FAILED, now, errors=failure.errors)
    except DomainError as error:
        db.session.rollback()
        _finish(run_id, ImportState.FAILED, now, errors=[RowError(0, str(error))])
    else:
        _finish(run_id, ImportState.DONE, now, report=report)
    keys = [key for key in (run.csv_key, run.zip_key) if key]
    after_commit(lambda: [storage.delete(key) for key in keys])


def _finish(
    run_id: int,
    state: ImportState,
    now: datetime,
    *,
    errors: list[RowError] | None = None,
    report: ImportReport | None = None,
) -> None:
    run = db.session.get(ImportRun, run_id)
    run.state, run.finished_at = state, now
    run.done = run.total
    run.errors = [{"line": e.line, "message": e.message} for e in errors or []]
    if report is not None:
        run.products, run.variants, run.photos = report.products, report.variants, report.photos

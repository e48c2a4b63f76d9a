"""Storefront under load, the truth in one run: every public page against a bare baseline.

For SQLite, and for PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names a server (a
database of its own is created and dropped there), the catalogue is bulk-inserted at 2,000,
20,000 and 100,000 products over 600 facilities, and gunicorn (2 sync workers, as in
production) serves it: at every size **cold** (no page cache: `PAGE_CACHE_SECONDS=0`, the
cards' HTML and the filter lists kept in the app cache, as the uncached path of a site with
Redis has them); at 20,000 products also **warm** (the page cache on), **token read** (cold,
with the catalogue's token read from the database for each page: `CATALOGUE_TOKEN_SECONDS=0`)
and **no cache** (`CACHE_TYPE=NullCache`: every card drawn, for each request). A load generator
(bench/load.py: wrk if installed, else threads) then loads, in the same run:

- the bare-template baseline (`/_bench/baseline`, bench/serve.py: a 24-card grid of the same
  byte size as `/products`, rendered from memory) and `/robots.txt`;
- at 20,000 products every public page: `/`, `/products`, a search, a product, `/facilities`,
  a facility, `/impact`; at 2,000 and 100,000 products `/products`, for its growth.

Requests per second, p50 and p99 are printed and written to docs/performance.md as ratios to the
baseline (cold) and to `/robots.txt` (warm), each with the load average measured right after it.

    python -m bench.bench_storefront             # or `make bench`
    BENCH_QUICK=1 python -m bench.bench_storefront   # 2 s per URL, for a quick look

Environment: BENCH_SECONDS per URL (8; quick 2), BENCH_CONNECTIONS (4), BENCH_FACILITIES (600),
BENCH_SIZES (2000,20000,100000).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from PIL import Image
from slugify import slugify
from sqlalchemy import insert, make_url, select, text

from bench.load import measure
from bench.report import write_section
from shop.app import create_app
from shop.catalogue import images
from shop.config import Config, normalise_database_url
from shop.core import clock
from shop.core.storage import LocalStorage
from shop.demo.hierarchy import CATEGORIES
from shop.demo.products import TEMPLATES
from shop.extensions import db
from shop.models import (
    Category,
    Facility,
    FacilityClass,
    FacilityKind,
    ImageReviewState,
    Kanwil,
    Product,
    ProductImage,
    ProductStatus,
    ProductVariant,
    TimeZone,
    Workshop,
    WorkshopKind,
)

ROOT = Path(__file__).resolve().parent.parent
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SECONDS = float(os.environ.get("BENCH_SECONDS", "2" if QUICK else "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
FACILITIES = int(os.environ.get("BENCH_FACILITIES", "600"))
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "2000,20000,100000").split(","))
EVERY_PAGE_AT = 20_000 if 20_000 in SIZES else SIZES[len(SIZES) // 2]
WORKERS = 2
KANWIL = 33
BATCH = 5000
SEARCH = "batik tulis"
MODES = {
    "cold": {"CACHE_TYPE": "SimpleCache", "PAGE_CACHE_SECONDS": "0"},
    # Cold, with the catalogue's token read from the database for each page.
    "read": {
        "CACHE_TYPE": "SimpleCache",
        "PAGE_CACHE_SECONDS": "0",
        "CATALOGUE_TOKEN_SECONDS": "0",
    },
    "warm": {"CACHE_TYPE": "SimpleCache"},
    "none": {"CACHE_TYPE": "NullCache"},
}


def _shared_renditions(upload_dir: Path) -> list[dict]:
    """One small photo's renditions, shared by every product (the pages, not images, are timed)."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (168, 71, 28)).save(buffer, "JPEG")
    prepared = images.prepare_image(buffer.getvalue(), max_bytes=10**7, widths=(320, 640))
    _master, renditions = images.store_prepared(LocalStorage(upload_dir), prepared, public=True)
    return renditions


def insert_categories() -> dict[str, int]:
    """The demo category tree, ids by slug (parents before their children)."""
    slugs: dict[str, int] = {}
    for position, (slug, name, name_en, parent, is_food) in enumerate(CATEGORIES, start=1):
        slugs[slug] = position
        db.session.execute(
            insert(Category),
            {"id": position, "slug": slug, "name": name, "name_en": name_en,
             "parent_id": slugs[parent] if parent else None, "position": position,
             "is_food": is_food},
        )  # fmt: skip
    return slugs


@dataclass
class Catalogue:
    """What seeding more products needs to know about the rows already there."""

    categories: dict[str, int]
    kinds: list[WorkshopKind]
    renditions: list[dict]
    products: int = 0


def seed_facilities(upload_dir: Path) -> Catalogue:
    zones = list(TimeZone)
    db.session.execute(
        insert(Kanwil),
        [
            {"id": k + 1, "code": f"KW{k + 1:02d}", "name": f"Kanwil Ditjenpas Provinsi {k + 1}",
             "province": f"Provinsi {k + 1}", "timezone": zones[k % 3]}
            for k in range(KANWIL)
        ],
    )  # fmt: skip
    categories = insert_categories()
    hours = {d: ["08:00", "15:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    db.session.execute(
        insert(Facility),
        [
            {"id": f + 1, "kanwil_id": f % KANWIL + 1, "name": f"Lapas Kelas IIA Kota {f + 1}",
             "slug": f"lapas-kelas-iia-kota-{f + 1}", "kind": FacilityKind.LAPAS,
             "facility_class": FacilityClass.IIA, "city": f"Kota {f + 1}",
             "address": f"Jl. Pemasyarakatan No. {f + 1}", "showroom_hours": hours,
             "description": "Bengkel kerja kayu, tenun dan dapur.", "is_active": f % 50 != 49}
            for f in range(FACILITIES)
        ],
    )  # fmt: skip
    kinds = [k for k in WorkshopKind if TEMPLATES.get(k)]
    db.session.execute(
        insert(Workshop),
        [
            {"id": f + 1, "facility_id": f + 1, "name": f"Bengkel {kinds[f % len(kinds)].value}",
             "kind": kinds[f % len(kinds)]}
            for f in range(FACILITIES)
        ],
    )  # fmt: skip
    db.session.commit()
    return Catalogue(categories, kinds, _shared_renditions(upload_dir))


@contextmanager
def triggers_off() -> Iterator[None]:
    """Bulk inserts without the row triggers; the caller rebuilds what they maintain."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET session_replication_role = replica"))
        yield
        db.session.execute(text("SET session_replication_role = DEFAULT"))
        return
    saved = db.session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    ).all()
    for name, _sql in saved:
        db.session.execute(text(f"DROP TRIGGER {name}"))
    yield
    for _name, sql in saved:
        db.session.execute(text(sql))


def seed_products(catalogue: Catalogue, upto: int) -> float:
    """Add products until there are `upto`; returns the seconds it took."""
    started = time.monotonic()
    now = clock.now()
    first = catalogue.products
    kinds = catalogue.kinds
    with triggers_off():
        for start in range(first, upto, BATCH):
            products, variants, photos = [], [], []
            for n in range(start, min(start + BATCH, upto)):
                facility = n % FACILITIES + 1
                kind = kinds[(facility - 1) % len(kinds)]
                template = TEMPLATES[kind][n // FACILITIES % len(TEMPLATES[kind])]
                products.append(
                    {"id": n + 1, "facility_id": facility, "workshop_id": facility,
                     "category_id": catalogue.categories[template.category],
                     "name": f"{template.name} {n + 1}",
                     "slug": f"{slugify(template.name)}-{n + 1}", "description": template.blurb,
                     "status": ProductStatus.PUBLISHED if n % 20 else ProductStatus.DRAFT,
                     "is_flagship": n < FACILITIES,
                     "made_to_order": template.lead_time_days is not None,
                     "lead_time_days": template.lead_time_days,
                     "weight_grams": template.weight_grams,
                     "published_at": now - timedelta(minutes=n)}
                )  # fmt: skip
                for v, option in enumerate(template.options[:3] or ("",)):
                    variants.append(
                        {"product_id": n + 1, "sku": f"B-{n + 1}-{v}", "option_label": option,
                         "price_idr": template.price[0] + 500 * (n % 400) + 1000 * v,
                         "stock": (n + v) % 9, "position": v}
                    )  # fmt: skip
                photos.append(
                    {"product_id": n + 1, "alt_text": f"{template.name}, foto", "width": 640,
                     "height": 480, "master_key": "masters/bench.jpg",
                     "renditions": catalogue.renditions,
                     "review_state": ImageReviewState.APPROVED}
                )  # fmt: skip
            db.session.execute(insert(Product), products)
            db.session.execute(insert(ProductVariant), variants)
            db.session.execute(insert(ProductImage), photos)
        _rebuild_derived(first)
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    catalogue.products = upto
    return time.monotonic() - started


def _rebuild_derived(after_id: int) -> None:
    """What the triggers keep, for the products inserted without them: prices, search, version."""
    db.session.execute(
        text(
            "UPDATE product SET "
            "min_price_idr = (SELECT min(price_idr) FROM product_variant v "
            "WHERE v.product_id = product.id), "
            "max_price_idr = (SELECT max(price_idr) FROM product_variant v "
            "WHERE v.product_id = product.id) WHERE id > :after"
        ),
        {"after": after_id},
    )
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT product_search_refresh(ARRAY(SELECT id FROM product WHERE id > :after))"),
            {"after": after_id},
        )
        db.session.execute(text("UPDATE catalogue_version SET token = md5(random()::text)"))
        return
    db.session.execute(
        text(
            "INSERT INTO product_search (rowid, name, tags, description) "
            "SELECT p.id, p.name, c.name || ' ' || c.name_en || ' ' || COALESCE(w.name, '') "
            "|| ' ' || f.name || ' ' || f.city || ' ' || COALESCE((SELECT "
            "group_concat(v.option_label || ' ' || v.sku, ' ') FROM product_variant v "
            "WHERE v.product_id = p.id), ''), p.description FROM product p "
            "JOIN category c ON c.id = p.category_id JOIN facility f ON f.id = p.facility_id "
            "LEFT JOIN workshop w ON w.id = p.workshop_id WHERE p.id > :after"
        ),
        {"after": after_id},
    )
    db.session.execute(text("UPDATE catalogue_version SET token = lower(hex(randomblob(8)))"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, upload_dir: Path, mode: str) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "UPLOAD_DIR": str(upload_dir),
           "SECRET_KEY": "bench-secret-key-" + "x" * 32, "ETALASE_ENV": "development",
           "SITE_URL": f"http://127.0.0.1:{port}", **MODES[mode]}  # fmt: skip
    # Each worker keeps its own SimpleCache; nothing changes during the run, so no worker
    # misses a change (a real site with several workers shares Redis: config.py).
    for name in ("STRIPE_SECRET_KEY", "CACHE_REDIS_URL", "WEB_CONCURRENCY"):
        env.pop(name, None)
    # `--config /dev/null`: not the project's gunicorn.conf.py (threads and an access log, for
    # `make run`), which gunicorn reads from the working folder by default; plain sync workers.
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", os.devnull,
         "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "bench.serve:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def database(server: str) -> Iterator[str]:
    """A fresh database: a SQLite file when `server` is empty, else one made on that server."""
    if not server:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    url = make_url(normalise_database_url(server))
    name = f"etalase_bench_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Figure:
    rps: float
    p50: float
    p99: float
    errors: float
    load: float


def _measure(url: str) -> Figure:
    result = measure(url, seconds=SECONDS, connections=CONNECTIONS)
    return Figure(result["rps"], result["p50"], result["p99"], result["errors"],
                  os.getloadavg()[0])  # fmt: skip


def _targets(product: str) -> list[tuple[str, str]]:
    return [
        ("`/`", "/"),
        ("`/products`", "/products"),
        (f"`/products?q={SEARCH}`", "/products?q=" + SEARCH.replace(" ", "+")),
        ("`/products/<slug>`", f"/products/{product}"),
        ("`/facilities`", "/facilities"),
        ("`/facilities/<slug>`", "/facilities/lapas-kelas-iia-kota-7"),
        ("`/impact`", "/impact"),
    ]


Results = dict[tuple[int, str, str], Figure]


def run_engine(server: str) -> tuple[str, Results, dict[int, float]]:
    """Seed and load one database engine at every size; (engine name, figures, seed seconds)."""
    results: Results = {}
    seeded: dict[int, float] = {}
    with database(server) as database_url, tempfile.TemporaryDirectory() as uploads:
        upload_dir = Path(uploads)
        engine = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
        app = create_app(Config(SQLALCHEMY_DATABASE_URI=normalise_database_url(database_url),
                                UPLOAD_DIR=str(upload_dir)))  # fmt: skip
        with app.app_context():
            upgrade()
            catalogue = seed_facilities(upload_dir)
        for size in SIZES:
            with app.app_context():
                seeded[size] = seed_products(catalogue, size)
                product = db.session.scalar(
                    select(Product.slug)
                    .where(Product.status == ProductStatus.PUBLISHED, Product.id > size // 2)
                    .order_by(Product.id)
                    .limit(1)
                )
                db.engine.dispose()
            print(f"{engine}: {size:,} products seeded in {seeded[size]:.1f} s", flush=True)
            every = size == EVERY_PAGE_AT
            targets = _targets(product) if every else _targets(product)[1:2]
            for mode in MODES if every else ("cold",):
                with gunicorn(database_url, upload_dir, mode) as base:
                    with urllib.request.urlopen(base + "/products", timeout=60) as response:
                        weight = len(response.read())
                    fixed = [("baseline", f"/_bench/baseline?bytes={weight}"),
                             ("`/robots.txt`", "/robots.txt")]  # fmt: skip
                    for label, path in fixed + targets:
                        figure = results[(size, mode, label)] = _measure(base + path)
                        print(f"  {engine} {size:>7,} {mode} {label:<28} {figure.rps:7.1f} rps "
                              f"p50 {figure.p50:6.1f} ms p99 {figure.p99:6.1f} ms "
                              f"load {figure.load:.1f}", flush=True)  # fmt: skip
    return engine, results, seeded


def main() -> None:
    servers = [""]
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL", "")
    if postgres.startswith(("postgres://", "postgresql")):
        servers.append(postgres)
    else:
        print("PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL to include it")
    started = time.monotonic()
    runs = [run_engine(server) for server in servers]
    body = _report(runs, time.monotonic() - started)
    print(body)
    write_section("storefront", "Storefront pages under load", body)


def _report(runs: list[tuple[str, Results, dict[int, float]]], elapsed: float) -> str:
    client = "wrk" if _has_wrk() else "a Python client of threads (bench/load.py; wrk not found)"
    lines = [
        f"{', '.join(f'{size:,}' for size in SIZES)} products over {FACILITIES} facilities, "
        f"gunicorn with {WORKERS} sync workers, {client} with {CONNECTIONS} connections for "
        f"{SECONDS:g} s per URL on loopback{' (quick mode)' if QUICK else ''}; everything below "
        f"in one run of {elapsed / 60:.0f} min, on {os.cpu_count()} CPUs. **cold**: no page "
        "cache (`PAGE_CACHE_SECONDS=0`): each page rendered for each request, from its "
        "listing's rows and counts kept in the worker per catalogue token (shop/catalogue/"
        "browse.py), the token taken as read while the catalogue's page version stays the same "
        "(shop/storefront/catalogue_token.py, at most `CATALOGUE_TOKEN_SECONDS`), the product "
        "cards' HTML kept per product version and language in the app cache "
        "(`CACHE_TYPE=SimpleCache`, one per worker here) and in the worker's memory, and the "
        "header, footer, filter forms, facility cards and the parts of a product's or "
        "facility's page drawn from it kept in the worker's memory by their versions "
        "(shop/storefront/fragments.py): the issue's uncached path. **warm**: "
        "the page cache on as well. **no cache**: `CACHE_TYPE=NullCache`, so no version is "
        "ever found again: every card and filter form drawn and the token read per request "
        "(listings and counts stay kept per catalogue token in the worker's memory, and the "
        "header and footer per language: they hold "
        "no data of their own). **token read**: cold, with `CATALOGUE_TOKEN_SECONDS=0`, the "
        "catalogue's token read from the database for each page (one statement). "
        "The server is gunicorn's plain sync workers (`--config "
        "/dev/null`: not the threads and access log of the project's gunicorn.conf.py). "
        "`x base` is the "
        "page's rps over the bare-template baseline measured on the same server (each mode "
        "starts its own); `x robots` the warm page's rps over `/robots.txt`. `load` is the "
        "1-minute load average right after that figure: the machine is shared, read the "
        "ratios, not the absolutes.",
    ]
    for engine, results, seeded in runs:
        lines += ["", f"### {engine}: every page at {EVERY_PAGE_AT:,} products", "",
                  "| page | cold rps | x base | p50 ms | p99 ms | load | warm rps | x robots "
                  "| p50 ms | p99 ms | load | token read rps | x base | load "
                  "| no cache rps | x base | p50 ms | load |",
                  "|---" + "|---:" * 17 + "|"]  # fmt: skip
        labels = [label for (size, mode, label) in results if size == EVERY_PAGE_AT
                  and mode == "cold"]  # fmt: skip
        below = []
        slow_warm = []
        for label in labels:
            cold = results[(EVERY_PAGE_AT, "cold", label)]
            warm = results[(EVERY_PAGE_AT, "warm", label)]
            read = results[(EVERY_PAGE_AT, "read", label)]
            read_base = results[(EVERY_PAGE_AT, "read", "baseline")]
            bare = results[(EVERY_PAGE_AT, "none", label)]
            bare_base = results[(EVERY_PAGE_AT, "none", "baseline")]
            base = results[(EVERY_PAGE_AT, "cold", "baseline")]
            robots = results[(EVERY_PAGE_AT, "warm", "`/robots.txt`")]
            ratio = cold.rps / base.rps
            if label not in ("baseline", "`/robots.txt`") and ratio < 0.5:
                below.append(f"{label} {ratio:.2f}")
            if label not in ("baseline", "`/robots.txt`") and warm.rps / robots.rps < 0.8:
                slow_warm.append(f"{label} {warm.rps / robots.rps:.2f}")
            lines.append(
                f"| {label} | {cold.rps:.0f} | {ratio:.2f} | {cold.p50:.1f} | {cold.p99:.1f} | "
                f"{cold.load:.1f} | {warm.rps:.0f} | {warm.rps / robots.rps:.2f} | "
                f"{warm.p50:.1f} | {warm.p99:.1f} | {warm.load:.1f} | {read.rps:.0f} | "
                f"{read.rps / read_base.rps:.2f} | {read.load:.1f} | {bare.rps:.0f} | "
                f"{bare.rps / bare_base.rps:.2f} | {bare.p50:.1f} | {bare.load:.1f} |"
            )
        lines += ["", f"### {engine}: `/products` as the catalogue grows (cold)", "",
                  "| products | seeded in s | rps | x base | p50 ms | p99 ms | load |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
        for size in SIZES:
            page = results[(size, "cold", "`/products`")]
            base = results[(size, "cold", "baseline")]
            lines.append(
                f"| {size:,} | {seeded[size]:.0f} | {page.rps:.0f} | {page.rps / base.rps:.2f} | "
                f"{page.p50:.1f} | {page.p99:.1f} | {page.load:.1f} |"
            )
        small = results[(SIZES[0], "cold", "`/products`")]
        large = results[(SIZES[-1], "cold", "`/products`")]
        small_base = results[(SIZES[0], "cold", "baseline")]
        large_base = results[(SIZES[-1], "cold", "baseline")]
        # Time per request relative to the baseline of the same server, so load drifts cancel.
        growth = (large_base.rps / large.rps) / (small_base.rps / small.rps)
        lines += [
            "",
            f"Growth of `/products` from {SIZES[0]:,} to {SIZES[-1]:,} products: "
            f"{growth:.2f}x the time per request (relative to the baseline; raw p50 "
            f"{small.p50:.1f} → {large.p50:.1f} ms). Target within 1.5x: "
            f"**{'met' if growth <= 1.5 else 'not met'}**.",
            "",
            "Every page at ≥ 0.5 of the baseline uncached (cold): "
            + ("**met**." if not below else f"**not met** ({', '.join(below)})."),
            "",
            "Every page cached (warm) at ≥ 0.8 of `/robots.txt`: "
            + ("**met**." if not slow_warm else f"**not met** ({', '.join(slow_warm)})."),
        ]
    return "\n".join(lines)


def _has_wrk() -> bool:
    return shutil.which("wrk") is not None


if __name__ == "__main__":
    main()

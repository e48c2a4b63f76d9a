"""Storefront under load: a large catalogue, gunicorn as in production, wrk on loopback.

Seeds 20,000 products over 600 facilities with bulk inserts (the search triggers index them as
they go), starts gunicorn with the production worker count, and loads the catalogue, a search,
a product page and a facility page, plus `/robots.txt` as the trivial baseline (no database),
each for a bounded time. Writes requests per second and latency percentiles, each as a ratio to
the baseline, to docs/performance.md.

    python -m bench.bench_storefront            # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python -m bench...
      (creates and drops a database of its own on that server)

Environment: BENCH_PRODUCTS (20000), BENCH_FACILITIES (600), BENCH_SECONDS per URL (8),
BENCH_CONNECTIONS (8).
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from PIL import Image
from slugify import slugify
from sqlalchemy import insert, make_url, select, text

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
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "20000"))
FACILITIES = int(os.environ.get("BENCH_FACILITIES", "600"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = 2
KANWIL = 33
BATCH = 2000


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


def seed(upload_dir: Path) -> tuple[str, str]:
    """Bulk-insert the catalogue; returns (a product slug, a facility slug) to load."""
    now = clock.now()
    zones = list(TimeZone)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Row triggers would index each product once per variant; index all at the end instead.
        db.session.execute(text("SET session_replication_role = replica"))
    db.session.execute(
        insert(Kanwil),
        [
            {"id": k + 1, "code": f"KW{k + 1:02d}", "name": f"Kanwil Ditjenpas Provinsi {k + 1}",
             "province": f"Provinsi {k + 1}", "timezone": zones[k % 3]}
            for k in range(KANWIL)
        ],
    )  # fmt: skip
    slugs = insert_categories()
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
    renditions = _shared_renditions(upload_dir)
    for start in range(0, PRODUCTS, BATCH):
        products, variants, photos = [], [], []
        for n in range(start, min(start + BATCH, PRODUCTS)):
            facility = n % FACILITIES + 1
            kind = kinds[(facility - 1) % len(kinds)]
            template = TEMPLATES[kind][n // FACILITIES % len(TEMPLATES[kind])]
            products.append(
                {"id": n + 1, "facility_id": facility, "workshop_id": facility,
                 "category_id": slugs[template.category], "name": f"{template.name} {n + 1}",
                 "slug": f"{slugify(template.name)}-{n + 1}", "description": template.blurb,
                 "status": ProductStatus.PUBLISHED if n % 20 else ProductStatus.DRAFT,
                 "is_flagship": n < FACILITIES,
                 "made_to_order": template.lead_time_days is not None,
                 "lead_time_days": template.lead_time_days, "weight_grams": template.weight_grams,
                 "published_at": now - timedelta(minutes=n)}
            )  # fmt: skip
            for v, option in enumerate(template.options[:3] or ("",)):
                variants.append(
                    {"product_id": n + 1, "sku": f"B-{n + 1}-{v}", "option_label": option,
                     "price_idr": template.price[0] + 500 * (n % 400), "stock": (n + v) % 9,
                     "position": v}
                )  # fmt: skip
            photos.append(
                {"product_id": n + 1, "alt_text": f"{template.name}, foto", "width": 640,
                 "height": 480, "master_key": "masters/bench.jpg", "renditions": renditions,
                 "review_state": ImageReviewState.APPROVED}
            )  # fmt: skip
        db.session.execute(insert(Product), products)
        db.session.execute(insert(ProductVariant), variants)
        db.session.execute(insert(ProductImage), photos)
        db.session.commit()
    if postgres:
        db.session.execute(text("SET session_replication_role = DEFAULT"))
        db.session.execute(text("SELECT product_search_refresh(ARRAY(SELECT id FROM product))"))
    # Planner statistics, as PostgreSQL's autovacuum keeps them (and operators run on SQLite).
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    product = db.session.scalar(
        select(Product.slug)
        .where(Product.status == ProductStatus.PUBLISHED, Product.id > PRODUCTS // 2)
        .order_by(Product.id)
        .limit(1)
    )
    return product, "lapas-kelas-iia-kota-7"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, upload_dir: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "UPLOAD_DIR": str(upload_dir),
           "SECRET_KEY": "bench-secret-key-" + "x" * 32, "ETALASE_ENV": "development",
           "SITE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    env.pop("STRIPE_SECRET_KEY", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
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
        process.wait(timeout=20)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str) -> dict[str, float]:
    """Requests per second and latency percentiles (ms) of `url` under wrk."""
    with urllib.request.urlopen(url, timeout=30) as response:  # warm-up, and a check
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s", url],
        capture_output=True, text=True, check=True, timeout=SECONDS + 60,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        result[f"p{pct}"] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] = float(errors.group(1)) if errors else 0.0
    return result


@contextmanager
def database() -> Iterator[str]:
    server = os.environ.get("BENCH_DATABASE_URL", "")
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


def main() -> None:
    with database() as database_url, tempfile.TemporaryDirectory() as uploads:
        upload_dir = Path(uploads)
        app = create_app(Config(SQLALCHEMY_DATABASE_URI=normalise_database_url(database_url),
                                UPLOAD_DIR=str(upload_dir)))  # fmt: skip
        started = time.monotonic()
        with app.app_context():
            upgrade()
            product, facility = seed(upload_dir)
            db.engine.dispose()
        seeded = time.monotonic() - started
        print(f"seeded {PRODUCTS} products over {FACILITIES} facilities in {seeded:.1f} s")
        targets = [
            ("trivial: `/robots.txt`", "/robots.txt"),
            ("catalogue: `/products`", "/products"),
            ("search: `/products?q=batik tulis`", "/products?q=batik+tulis"),
            ("product: `/products/<slug>`", f"/products/{product}"),
            ("facility: `/facilities/<slug>`", f"/facilities/{facility}"),
        ]
        results = {}
        with gunicorn(database_url, upload_dir) as base:
            for label, path in targets:
                results[label] = wrk(base + path)
                print(label, {k: round(v, 2) for k, v in results[label].items()})
    write_section("storefront", "Storefront pages under load", _report(results, database_url,
                                                                        seeded))  # fmt: skip


def _report(results: dict[str, dict[str, float]], database_url: str, seeded: float) -> str:
    base = next(iter(results.values()))
    engine = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    lines = [
        f"{PRODUCTS:,} products over {FACILITIES} facilities on {engine} (seeded in "
        f"{seeded:.0f} s), gunicorn with {WORKERS} sync workers, `wrk -t2 -c{CONNECTIONS} "
        f"-d{SECONDS}s` per URL on loopback, all in one run. The trivial route answers without "
        "the database; ratios are page / trivial (rps: higher is better, latency: lower is "
        "better). Absolute numbers are given for context only: the machine is shared (load "
        f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs when the report was written).",
        "",
        "| URL | rps | rps ratio | p50 ms | p50 ratio | p90 ms | p90 ratio | p99 ms | p99 ratio "
        "| non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in results.items():
        cells = [label, f"{r['rps']:.0f}", f"{r['rps'] / base['rps']:.3f}"]
        for pct in ("p50", "p90", "p99"):
            cells += [f"{r[pct]:.1f}", f"{r[pct] / base[pct]:.1f}"]
        cells.append(f"{r['errors']:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Report pages at scale: 100,000 ledger entries over 600 facilities and 12 months.

Bulk-inserts (SQLAlchemy Core) the Kanwil, 600 facilities, their products, and orders with
their facility orders, lines, refunds and ledger entries (sales, shipping, Stripe fees, some
refunds), each entry dated by its facility's local day. Then, on SQLite and on PostgreSQL,
starts gunicorn and times every report page as a signed-in central user and a kanwil user,
plus /impact, each next to a trivial route (`/robots.txt`) measured in the same run. On
PostgreSQL it also captures the SQL of the overview and per-facility reports (and of /impact)
while they are requested, and writes EXPLAIN (ANALYZE, BUFFERS) of the aggregates.

    python -m bench.bench_reports

Environment: BENCH_POSTGRES_URL (postgresql://postgres@127.0.0.1:5432/postgres: the server;
a database of its own is created and dropped there; "" skips PostgreSQL), BENCH_ENTRIES
(100000), BENCH_FACILITIES (600), BENCH_REPEAT requests per page (5).
"""

from __future__ import annotations

import logging
import os
import random
import re
import statistics
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, insert, make_url, select, text

from bench.bench_storefront import gunicorn, insert_categories
from bench.report import write_section
from shop.accounts import users as accounts
from shop.app import create_app
from shop.config import Config, normalise_database_url
from shop.core import clock, unit_of_work
from shop.core.money import allocate
from shop.demo.hierarchy import CATEGORIES
from shop.extensions import db
from shop.ledger.posting import NATIONAL_DEFAULT, Split, split_cost, split_sale
from shop.models import (
    DeliveryMethod,
    DeliveryZone,
    Facility,
    FacilityClass,
    FacilityKind,
    FacilityOrder,
    FacilityOrderStatus,
    Kanwil,
    LedgerEntry,
    LedgerEntryKind,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductStatus,
    ProductVariant,
    Refund,
    RefundLine,
    RefundStatus,
    Role,
    SplitBasis,
    TimeZone,
    Workshop,
    WorkshopKind,
)
from shop.reporting import impact

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
FACILITIES = int(os.environ.get("BENCH_FACILITIES", "600"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
KANWIL = 33
PRODUCTS_PER_FACILITY = 5
PASSWORD = "Bench-Reports-2026!"
BATCH = 5000
KINDS = [FacilityKind.LAPAS] * 6 + [FacilityKind.RUTAN] * 2 + [
    FacilityKind.LPP, FacilityKind.LPKA, FacilityKind.BAPAS,
]  # fmt: skip
INDEXES = (
    "ix_ledger_entry_local_date",
    "ix_ledger_entry_facility_local_date",
    "ix_ledger_entry_kanwil_local_date",
    "ix_ledger_entry_report_local_date",
    "ix_ledger_entry_report_kanwil",
    "ix_ledger_entry_report_facility",
    "ix_ledger_entry_kind_local_date_facility",
)
EXPLAINED = {
    "overview, this month", "overview, 12 months", "overview, one Kanwil", "per facility",
    "one facility", "categories", "facility kinds", "PNBP position",
}  # fmt: skip


@dataclass(frozen=True)
class World:
    """What the pages are asked for: a facility and a Kanwil with sales, the period."""

    facility_id: int
    kanwil_id: int
    start: date
    end: date
    entries: int
    orders: int


class Rows:
    """Rows per table, inserted in batches as they fill."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict]] = {
            m: [] for m in (Order, FacilityOrder, OrderLine, Refund, RefundLine, LedgerEntry)
        }

    def add(self, model: type, row: dict) -> None:
        self.tables[model].append(row)
        if len(self.tables[LedgerEntry]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.tables.items():
            if rows:
                db.session.execute(insert(model.__table__), rows)
                rows.clear()
        db.session.commit()


def seed(*, now: datetime) -> World:
    """Bulk-insert the regions, facilities, products and a year of orders and ledger entries."""
    rng = random.Random(6)
    zones = list(TimeZone)
    db.session.execute(
        insert(Kanwil),
        [{"id": k + 1, "code": f"KW{k + 1:02d}", "name": f"Kanwil Ditjenpas Provinsi {k + 1}",
          "province": f"Provinsi {k + 1}", "timezone": zones[k % 3]} for k in range(KANWIL)],
    )  # fmt: skip
    leaves = _categories()
    hours = {d: ["08:00", "15:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    facilities = []
    for f in range(FACILITIES):
        kind = KINDS[f % len(KINDS)]
        klass = (
            FacilityClass.II
            if kind is FacilityKind.LPKA
            else (FacilityClass.IIA if f % 3 else FacilityClass.IIB)
        )
        facilities.append(
            {"id": f + 1, "kanwil_id": f % KANWIL + 1,
             "name": f"{kind.label} Kelas {klass.value} Kota {f + 1}", "slug": f"upt-kota-{f + 1}",
             "kind": kind, "facility_class": klass, "city": f"Kota {f + 1}",
             "address": f"Jl. Pemasyarakatan No. {f + 1}", "showroom_hours": hours,
             "description": "Bengkel kerja.", "is_active": f % 40 != 39}
        )  # fmt: skip
    db.session.execute(insert(Facility), facilities)
    db.session.execute(
        insert(Workshop),
        [{"id": f + 1, "facility_id": f + 1, "name": "Bengkel Kerja", "kind": WorkshopKind.CRAFT}
         for f in range(FACILITIES)],
    )  # fmt: skip
    products, variants = [], []
    for n in range(FACILITIES * PRODUCTS_PER_FACILITY):
        facility = n // PRODUCTS_PER_FACILITY + 1
        price = rng.choice([25_000, 45_000, 85_000, 150_000, 350_000, 900_000, 2_500_000])
        products.append(
            {"id": n + 1, "facility_id": facility, "workshop_id": facility,
             "category_id": leaves[n % len(leaves)], "name": f"Produk {n + 1}",
             "slug": f"produk-{n + 1}", "description": "Buatan warga binaan.",
             "status": ProductStatus.PUBLISHED, "weight_grams": 500, "published_at": now}
        )  # fmt: skip
        variants.append(
            {"id": n + 1, "product_id": n + 1, "sku": f"B-{n + 1}", "option_label": "",
             "price_idr": price, "hpp_idr": price * 6 // 10, "stock": 10, "position": 0}
        )  # fmt: skip
    db.session.execute(insert(Product), products)
    db.session.execute(insert(ProductVariant), variants)
    db.session.commit()
    world = _orders(rng, facilities, variants, products, now=now)
    _accounts(world.kanwil_id)
    db.session.commit()
    # What autovacuum does after a bulk insert: statistics and, on PostgreSQL, the visibility
    # map that lets the covering report indexes be read without visiting the table.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        vacuum = "VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"
        connection.exec_driver_sql(vacuum)
    return world


def _categories() -> list[int]:
    ids = insert_categories()
    parents = {parent for *_rest, parent, _food in CATEGORIES if parent}
    return [ids[slug] for slug, *_rest in CATEGORIES if slug not in parents]


def _orders(rng: random.Random, facilities, variants, products, *, now: datetime) -> World:
    """Orders over the last 365 days until the ledger holds ENTRIES entries."""
    zone_of = {f["id"]: str(TimeZone(_kanwil_zone(f["kanwil_id"]))) for f in facilities}
    kanwil_of = {f["id"]: f["kanwil_id"] for f in facilities}
    weights = [rng.choice([1, 1, 2, 3, 5, 8]) for _ in facilities]
    ids = {"order": 0, "part": 0, "line": 0, "refund": 0, "entry": 0}
    rows = Rows()
    terms = NATIONAL_DEFAULT

    def entry(part: dict, occurred: datetime, **values) -> dict:
        ids["entry"] += 1
        row = {
            "id": ids["entry"],
            "occurred_at": occurred,
            "local_date": clock.local_date(occurred, zone_of[part["facility_id"]]),
            "facility_id": part["facility_id"],
            "kanwil_id": kanwil_of[part["facility_id"]],
            "order_id": part["order_id"],
            "facility_order_id": part["id"],
            "split_basis": SplitBasis.MARGIN,
            "pnbp_bp": terms.pnbp_bp,
            "premi_bp": terms.premi_bp,
            "capital_bp": terms.capital_bp,
            "gateway": "stripe",
            "payment_intent_id": f"pi_bench_{part['order_id']}",
            # The same keys in every row, so each batch is one executemany.
            "quantity": 0,
            "order_line_id": None,
            "product_id": None,
            "category_id": None,
            "refund_id": None,
            **values,
        }
        split = row.pop("split")
        row.update(
            cost_idr=split.cost_idr,
            pnbp_idr=split.pnbp_idr,
            premi_idr=split.premi_idr,
            capital_idr=split.capital_idr,
        )
        rows.add(LedgerEntry, row)
        return row

    while ids["entry"] < ENTRIES:
        ids["order"] += 1
        order_id = ids["order"]
        days_ago = int(364 * (1 - rng.random() ** 0.7))
        placed = now - timedelta(days=days_ago, hours=rng.randint(0, 12), minutes=rng.randrange(60))
        chosen = set(
            rng.choices(range(len(facilities)), weights=weights, k=rng.choice([1] * 6 + [2, 3]))
        )
        parts, total = [], 0
        for index in sorted(chosen):
            ids["part"] += 1
            facility_id = facilities[index]["id"]
            courier = rng.random() < 0.6
            part = {
                "id": ids["part"],
                "order_id": order_id,
                "facility_id": facility_id,
                "status": FacilityOrderStatus.DELIVERED
                if courier
                else FacilityOrderStatus.PICKED_UP,
                "delivery_method": DeliveryMethod.COURIER if courier else DeliveryMethod.PICKUP,
                "delivery_zone": DeliveryZone.OTHER_PROVINCE if courier else None,
                "weight_grams": 0,
                "subtotal_idr": 0,
                "shipping_idr": rng.choice([12_000, 18_000, 35_000]) if courier else 0,
                "refunded_idr": 0,
            }
            lines = []
            first = (facility_id - 1) * PRODUCTS_PER_FACILITY
            for v in rng.sample(
                range(first, first + PRODUCTS_PER_FACILITY), rng.choice([1, 1, 2, 3])
            ):
                ids["line"] += 1
                variant, product = variants[v], products[v]
                quantity = 1 if variant["price_idr"] > 300_000 else rng.randint(1, 4)
                lines.append(
                    {
                        "id": ids["line"],
                        "facility_order_id": part["id"],
                        "variant_id": variant["id"],
                        "product_id": product["id"],
                        "category_id": product["category_id"],
                        "product_name": product["name"],
                        "sku": variant["sku"],
                        "unit_price_idr": variant["price_idr"],
                        "unit_hpp_idr": variant["hpp_idr"],
                        "unit_weight_grams": 500,
                        "quantity": quantity,
                        "refunded_quantity": 0,
                    }
                )
            part["subtotal_idr"] = sum(li["unit_price_idr"] * li["quantity"] for li in lines)
            part["weight_grams"] = 500 * sum(li["quantity"] for li in lines)
            total += part["subtotal_idr"] + part["shipping_idr"]
            parts.append((part, lines))
        shipping = sum(p["shipping_idr"] for p, _ in parts)
        rows.add(
            Order,
            {
                "id": order_id,
                "number": f"ETL-{placed.year}-B{order_id:07d}",
                "status": OrderStatus.PAID,
                "buyer_name": f"Pembeli Bench {order_id % 997}",
                "buyer_email": f"b{order_id % 997}@example.com",
                "buyer_phone": "+6281200000000",
                "address_line": "Jl. Contoh No. 1",
                "city": "Kota Contoh",
                "province": "DKI Jakarta",
                "locale": "id",
                "gateway": "stripe",
                "subtotal_idr": total - shipping,
                "shipping_idr": shipping,
                "total_idr": total,
                "placed_at": placed,
                "expires_at": placed + timedelta(minutes=30),
                "paid_at": placed,
            },
        )
        fee = total * 29 // 1000 + 2_000
        paid = placed + timedelta(minutes=3)
        for (part, lines), fee_share in zip(
            parts,
            allocate(fee, [p["subtotal_idr"] + p["shipping_idr"] for p, _ in parts]),
            strict=True,
        ):
            refund_lines = lines if rng.random() < 0.03 else []
            if refund_lines:
                part["status"] = FacilityOrderStatus.REFUNDED
                part["refunded_idr"] = part["subtotal_idr"] + part["shipping_idr"]
            rows.add(FacilityOrder, part)
            for line in lines:
                line["refunded_quantity"] = line["quantity"] if refund_lines else 0
                rows.add(OrderLine, line)
                amount = line["unit_price_idr"] * line["quantity"]
                sale = split_sale(
                    amount_idr=amount, hpp_idr=line["unit_hpp_idr"] * line["quantity"], terms=terms
                )
                entry(
                    part,
                    paid,
                    kind=LedgerEntryKind.SALE,
                    order_line_id=line["id"],
                    product_id=line["product_id"],
                    category_id=line["category_id"],
                    quantity=line["quantity"],
                    amount_idr=amount,
                    split=sale,
                )
            if part["shipping_idr"]:
                entry(
                    part,
                    paid,
                    kind=LedgerEntryKind.SHIPPING,
                    amount_idr=part["shipping_idr"],
                    split=Split(part["shipping_idr"], 0, 0, 0),
                )
            entry(
                part,
                paid,
                kind=LedgerEntryKind.STRIPE_FEE,
                amount_idr=-fee_share,
                split=split_cost(amount_idr=-fee_share, terms=terms),
            )
            if refund_lines:
                _refund(
                    rows,
                    ids,
                    entry,
                    part,
                    refund_lines,
                    paid + timedelta(days=rng.randint(2, 9)),
                    now,
                )
    rows.flush()
    busiest = db.session.execute(
        select(LedgerEntry.facility_id, LedgerEntry.kanwil_id)
        .group_by(LedgerEntry.facility_id, LedgerEntry.kanwil_id)
        .order_by(text("count(*) DESC"))
        .limit(1)
    ).one()
    today = clock.local_date(now)
    return World(
        busiest[0], busiest[1], today - timedelta(days=364), today, ids["entry"], ids["order"]
    )


def _refund(
    rows: Rows,
    ids: dict,
    entry: Callable,
    part: dict,
    lines: list[dict],
    at: datetime,
    now: datetime,
) -> None:
    """A whole part refunded: its lines and shipping back, as `ledger.record_refund` writes."""
    at = min(at, now - timedelta(hours=1))
    ids["refund"] += 1
    refund_id = ids["refund"]
    rows.add(
        Refund,
        {
            "id": refund_id,
            "facility_order_id": part["id"],
            "amount_idr": part["refunded_idr"],
            "includes_shipping": bool(part["shipping_idr"]),
            "reason": "Barang rusak",
            "status": RefundStatus.SUCCEEDED,
            "idempotency_key": f"bench-{refund_id}",
            "gateway_refund_id": f"re_bench_{refund_id}",
        },
    )
    for line in lines:
        amount = line["unit_price_idr"] * line["quantity"]
        rows.add(
            RefundLine,
            {
                "refund_id": refund_id,
                "order_line_id": line["id"],
                "quantity": line["quantity"],
                "amount_idr": amount,
            },
        )
        sale = split_sale(
            amount_idr=amount,
            hpp_idr=line["unit_hpp_idr"] * line["quantity"],
            terms=NATIONAL_DEFAULT,
        )
        entry(
            part,
            at,
            kind=LedgerEntryKind.REFUND,
            order_line_id=line["id"],
            refund_id=refund_id,
            product_id=line["product_id"],
            category_id=line["category_id"],
            quantity=-line["quantity"],
            amount_idr=-amount,
            split=Split(-sale.cost_idr, -sale.pnbp_idr, -sale.premi_idr, -sale.capital_idr),
        )
    if part["shipping_idr"]:
        entry(
            part,
            at,
            kind=LedgerEntryKind.REFUND,
            refund_id=refund_id,
            amount_idr=-part["shipping_idr"],
            split=Split(-part["shipping_idr"], 0, 0, 0),
        )


def _kanwil_zone(kanwil_id: int) -> TimeZone:
    return list(TimeZone)[(kanwil_id - 1) % 3]


def _accounts(kanwil_id: int) -> None:
    accounts.create_user(email="pusat@bench.example.com", name="Pusat", role=Role.CENTRAL,
                         password=PASSWORD, actor_label="bench")  # fmt: skip
    code = db.session.get(Kanwil, kanwil_id).code
    accounts.create_user(email="kanwil@bench.example.com", name="Kanwil", role=Role.KANWIL,
                         password=PASSWORD, kanwil_code=code, actor_label="bench")  # fmt: skip
    unit_of_work.commit()


def pages(world: World) -> list[tuple[str, str, str]]:
    """(label, endpoint that must exist, path) of every page timed, for a year of data."""
    period = f"from={world.start.isoformat()}&to={world.end.isoformat()}"
    facility = world.facility_id
    return [
        ("impact (cached)", "shop.impact_page", "/impact"),
        ("overview, this month", "admin.reports_overview", "/admin/reports"),
        ("overview, 12 months", "admin.reports_overview", f"/admin/reports?{period}"),
        ("overview, one Kanwil", "admin.reports_overview",
         f"/admin/reports?{period}&kanwil={world.kanwil_id}"),
        ("per facility", "admin.reports_facilities", f"/admin/reports/facilities?{period}"),
        ("one facility", "admin.reports_facility",
         f"/admin/reports/facilities/{facility}?{period}"),
        ("categories", "admin.reports_categories", f"/admin/reports/categories?{period}"),
        ("facility kinds", "admin.reports_kinds", f"/admin/reports/kinds?{period}"),
        ("entries (drill-down)", "admin.reports_entries",
         f"/admin/reports/entries?{period}&facility={facility}"),
        ("export overview .csv", "admin.reports_export",
         f"/admin/reports/export/overview.csv?{period}"),
        ("export facilities .xlsx", "admin.reports_export",
         f"/admin/reports/export/facilities.xlsx?{period}"),
        ("export entries .csv", "admin.reports_export",
         f"/admin/reports/export/entries.csv?{period}&facility={facility}"),
        ("PNBP position", "admin.pnbp_position", f"/admin/pnbp?{period}"),
    ]  # fmt: skip


Browser = urllib.request.OpenerDirector


def signed_in(base: str, email: str) -> Browser:
    """A browser with a cookie jar, signed in through the login form (with its CSRF token)."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with browser.open(f"{base}/admin/login", timeout=30) as response:
        form = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    body = urllib.parse.urlencode(data).encode()
    with browser.open(f"{base}/admin/login", data=body, timeout=30) as response:
        if "/admin/login" in response.url:
            raise RuntimeError(f"signing in as {email} failed")
    return browser


def _get(browser: Browser, url: str) -> int:
    """The status of a GET, its whole body read (exports are streamed); 401 when the page
    sent the browser to the login form."""
    try:
        with browser.open(url, timeout=120) as response:
            response.read()
            return 401 if "/admin/login" in response.url else response.status
    except urllib.error.HTTPError as error:
        return error.code


def timed(browser: Browser, url: str, repeat: int) -> dict[str, float] | None:
    """Median and p95 (ms) of `repeat` requests after one warm-up; None when not 200."""
    if _get(browser, url) != 200:
        return None
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        status = _get(browser, url)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            return None
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(samples), "p95": p95}


def measure(app: Flask, base: str, world: World) -> tuple[dict, list[str]]:
    """Times per (user, page), and notes on pages skipped."""
    results: dict[tuple[str, str], dict[str, float]] = {}
    notes: list[str] = []
    failed: list[str] = []
    users = {"central": "pusat@bench.example.com", "kanwil": "kanwil@bench.example.com"}
    for role, email in users.items():
        browser = signed_in(base, email)
        results[(role, "trivial: /robots.txt")] = timed(browser, f"{base}/robots.txt", REPEAT * 3)
        for label, endpoint, path in pages(world):
            if endpoint not in app.view_functions:
                missing = f"`{endpoint}`"
                if missing not in notes:
                    notes.append(missing)
                continue
            # A kanwil user asks for their own region's Kanwil and busiest facility.
            result = timed(browser, base + path, REPEAT)
            if result is None:
                failed.append(f"{label} as {role}")
                continue
            results[(role, label)] = result
            print(f"{role:8} {label:28} median {result['median']:8.1f} ms  p95 "
                  f"{result['p95']:8.1f} ms")  # fmt: skip
    if notes:
        print("not in this build, skipped:", ", ".join(notes))
    if failed:
        print("did not answer 200, skipped:", ", ".join(failed))
    return results, [
        *(["pages not in this build (the reports branch): " + ", ".join(notes)] if notes else []),
        *(["did not answer 200: " + ", ".join(failed)] if failed else []),
    ]


def uncached_impact(app: Flask) -> float:
    """Median ms of computing the /impact figures (what a cache miss costs)."""
    with app.app_context():
        samples = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            impact.impact_figures(since=None, now=clock.now())
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A database of its own on the PostgreSQL server, dropped afterwards; None without one."""
    if not POSTGRES:
        yield None
        return
    url = make_url(normalise_database_url(POSTGRES))
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"etalase_bench_reports_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {POSTGRES} is not reachable ({error}); skipped")
        yield None
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def explain(app: Flask, world: World, engine: str) -> str:
    """The plans of the aggregates over ledger_entry behind the main pages: EXPLAIN (ANALYZE,
    BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    captured: list[tuple[str, str, object]] = []
    label = ""

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "ledger_entry" in statement and "sum(" in statement.lower():
            captured.append((label, statement, parameters))

    targets = [
        (name, path) for name, endpoint, path in pages(world)
        if name in EXPLAINED and endpoint in app.view_functions
    ]  # fmt: skip
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            client = app.test_client()
            form = client.get("/admin/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
            client.post("/admin/login", data={
                "email": "pusat@bench.example.com", "password": PASSWORD,
                "csrf_token": token.group(1) if token else ""})  # fmt: skip
            for name, path in targets:
                label = name
                client.get(path)
            label = "impact figures, all time"
            impact.impact_figures(since=None, now=clock.now())
            label = "impact figures, this year"
            impact.impact_figures(since=date(world.end.year, 1, 1), now=clock.now())
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        sections: list[str] = []
        summary: list[str] = []
        seen: set[tuple[str, str]] = set()
        per_page: dict[str, int] = {}
        for name, statement, parameters in captured:
            # The first two distinct aggregates of each page are its main ones.
            if (name, statement) in seen or per_page.get(name, 0) >= 2:
                continue
            seen.add((name, statement))
            per_page[name] = per_page.get(name, 0) + 1
            with db.engine.connect() as connection:
                if engine == "PostgreSQL":
                    lines = list(
                        connection.exec_driver_sql(
                            f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
                        ).scalars()
                    )
                else:
                    lines = [row[-1] for row in connection.exec_driver_sql(
                        f"EXPLAIN QUERY PLAN {statement}", parameters)]  # fmt: skip
                    started = time.perf_counter()
                    connection.exec_driver_sql(statement, parameters).all()
                    lines.append(f"Execution Time: {(time.perf_counter() - started) * 1000:.1f} ms")
            used = sorted(set(re.findall(r"(ix_ledger_entry_\w+)", "\n".join(lines))))
            local = [index for index in used if index in INDEXES]
            scans = (
                f"local-date index used: {', '.join(f'`{i}`' for i in local)}"
                if local
                else "no local-date index used"
            ) + (f"; all ledger_entry indexes used: {', '.join(used)}" if used else "")
            took = re.search(r"Execution Time: ([\d.]+) ms", "\n".join(lines))
            summary.append(
                f"| {name} | {took.group(1) if took else '?'} | "
                f"{', '.join(f'`{i}`' for i in used) or 'sequential scan'} |"
            )
            sections.append(
                f"**{name}** ({scans}):\n\n```sql\n{statement.strip()}\n```\n\n```\n"
                + "\n".join(lines) + "\n```"
            )  # fmt: skip
    table = ["| page | execution ms | ledger_entry index |", "|---|---:|---|", *summary]
    return "\n".join(table) + "\n\n" + "\n\n".join(sections)


def run(database_url: str, engine: str) -> tuple[str, str]:
    """Seed, time the pages under gunicorn, and on PostgreSQL explain; returns report parts."""
    with tempfile.TemporaryDirectory() as uploads:
        upload_dir = Path(uploads)
        app = create_app(Config(SQLALCHEMY_DATABASE_URI=normalise_database_url(database_url),
                                UPLOAD_DIR=str(upload_dir)))  # fmt: skip
        logging.getLogger("etalase").setLevel(logging.WARNING)
        started = time.monotonic()
        with app.app_context():
            upgrade()
            world = seed(now=datetime.now(UTC))
            db.engine.dispose()
        seeded = time.monotonic() - started
        print(f"{engine}: {world.entries:,} ledger entries, {world.orders:,} orders over "
              f"{FACILITIES} facilities seeded in {seeded:.1f} s")  # fmt: skip
        with gunicorn(database_url, upload_dir) as base:
            results, notes = measure(app, base, world)
        cold = uncached_impact(app)
        plans = explain(app, world, engine)
        with app.app_context():
            db.engine.dispose()
    return _table(engine, world, seeded, results, notes, cold), plans


def _table(engine: str, world: World, seeded: float, results: dict, notes: list[str],
           cold: float) -> str:  # fmt: skip
    lines = [
        f"### {engine}",
        "",
        f"{world.entries:,} ledger entries of {world.orders:,} orders over {FACILITIES} "
        f"facilities and {KANWIL} Kanwil, {world.start} to {world.end} (seeded in {seeded:.0f} s). "
        f"{REPEAT} sequential requests per page after a warm-up, gunicorn with 2 sync workers; "
        "ratio = median / median of the trivial route for the same user. /impact is served from "
        "each worker's own memory cache, so its p95 may include a worker's first computation.",
        "",
        "| user | page | median ms | p95 ms | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for (role, label), r in results.items():
        base = results[(role, "trivial: /robots.txt")]["median"]
        lines.append(f"| {role} | {label} | {r['median']:.1f} | {r['p95']:.1f} | "
                     f"{r['median'] / base:.1f} |")  # fmt: skip
    lines += ["", f"Computing the /impact figures without the cache: {cold:.1f} ms (median)."]
    if notes:
        lines += ["", "Skipped: " + "; ".join(notes) + "."]
    return "\n".join(lines)


def main() -> None:
    parts, plans = [], {}
    with tempfile.TemporaryDirectory() as folder:
        table, plans["SQLite"] = run(f"sqlite:///{folder}/bench.db", "SQLite")
        parts.append(table)
    with postgres_database() as url:
        if url is not None:
            table, plans["PostgreSQL"] = run(url, "PostgreSQL")
            parts.append(table)
    body = (
        "Every report page with a year of ledger entries, as a central user (all 600 "
        "facilities) and a kanwil user (their region only). Absolute numbers are for context "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs); compare ratios.\n\n"
        + "\n\n".join(parts)
    )
    for engine, engine_plans in plans.items():
        body += (
            f"\n\n### Query plans on {engine}\n\nThe main aggregates behind the report pages, "
            "the PNBP position and /impact, captured while the pages were requested (central "
            "user), with the ledger_entry indexes each plan uses (the covering "
            "`ix_ledger_entry_report_*` ones of migration 0008 let a year of entries be read "
            "from the index alone). SQLite: EXPLAIN QUERY PLAN and the statement timed once; "
            f"PostgreSQL: EXPLAIN (ANALYZE, BUFFERS).\n\n{engine_plans}"
        )
    write_section("reports", "Report pages at scale", body)


if __name__ == "__main__":
    main()

"""The scale check: two app servers and one job worker share PostgreSQL, Redis and S3.

Everything a second machine needs is in those three stores, never in one process: a cart filled
on one server is checked out on the other, a photo uploaded through one is processed by the worker
and shown (after approval) through the other, and the login limit, the cache and the job queue
hold across servers. Run it with `make scale-check`; CI runs it with the PostgreSQL suite (and
fails it, rather than skipping, when Redis is missing there).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import boto3
import psycopg
import pytest
import redis
import requests
from flask import Flask
from flask_migrate import upgrade
from moto.server import ThreadedMotoServer
from sqlalchemy import make_url, select

from shop.app import create_app
from shop.config import normalise_database_url
from shop.extensions import db
from shop.models import Order, OrderStatus, PhotoProcessing, ProductImage, Role
from tests.admin.helpers import jpeg_bytes
from tests.checkout.helpers import two_facilities
from tests.conftest import make_config
from tests.factories import TEST_PASSWORD, StaffFactory, UserFactory
from tests.servers import REDIS_URL, free_port, require_redis, stop, wait_until_up

pytestmark = pytest.mark.scale

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

BUCKET = "etalase-scale"
CHECKLIST = ("no_faces", "no_names", "no_identifying_details")
# As in docs/deploy.md: anyone may read public renditions (img/...), nobody the private copies.
PUBLIC_PHOTOS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/img/*",
        }
    ],
}


def _postgres_server() -> str:
    url = os.environ.get("SCALE_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return normalise_database_url(url)
    pytest.skip(
        "the scale check needs PostgreSQL: it runs with the PostgreSQL suite (TEST_DATABASE_URL,"
        " as in CI) and in `make scale-check`"
    )


def _redis() -> redis.Redis:
    return redis.Redis.from_url(require_redis())


@dataclass
class Site:
    """The shared stores, the data arranged in them, and the processes serving them."""

    database_url: str
    env: dict[str, str]
    prefix: str
    s3_endpoint: str
    logs: Path
    running: ExitStack

    def start(self, name: str, command: list[str], *, site_url: str = "") -> subprocess.Popen:
        """Start a process of the site, stopped (for sure) when the test ends."""
        env = {**self.env, **({"SITE_URL": site_url} if site_url else {})}
        log = self.running.enter_context((self.logs / f"{name}.log").open("w"))
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.running.callback(stop, process)
        return process

    def session(self) -> requests.Session:
        return self.running.enter_context(requests.Session())

    def log_of(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    server = make_url(_postgres_server())
    connection = _redis()
    prefix = f"scale-{uuid.uuid4().hex[:8]}"
    name = f"etalase_{prefix.replace('-', '_')}"
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database_url = server.set(database=name).render_as_string(hide_password=False)
    moto_port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    s3_endpoint = f"http://127.0.0.1:{moto_port}"
    try:
        s3 = boto3.client(
            "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_PHOTOS))
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("STRIPE_", "RATELIMIT_", "CACHE_", "S3_", "MAIL_", "PORT"))
        }
        env.update(
            FLASK_APP="wsgi", ETALASE_ENV="development", DATABASE_URL=database_url,
            SECRET_KEY="scale-check-secret-key-0123456789abcdef",
            REDIS_URL=REDIS_URL, JOBS_QUEUE=prefix, RATELIMIT_KEY_PREFIX=prefix,
            CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"{prefix}:",
            S3_BUCKET=BUCKET, S3_ENDPOINT_URL=s3_endpoint, S3_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
            MAIL_OUTBOX_DIR=str(tmp_path / "outbox"), UPLOAD_DIR=str(tmp_path / "unused"),
            WEB_CONCURRENCY="1", GUNICORN_THREADS="2",
        )  # fmt: skip
        app = create_app(make_config(database_url, tmp_path))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        with ExitStack() as running:
            yield Site(database_url, env, prefix, s3_endpoint, tmp_path, running)
    finally:
        moto.stop()
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _log_in(session: requests.Session, base: str, email: str, password: str) -> int:
    token = _token(session.get(f"{base}/admin/login").text)
    response = session.post(
        f"{base}/admin/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
    )
    return response.status_code


def _units_sold(page: str) -> str:
    return re.search(r"Produk terjual</dt><dd>([^<]+)</dd>", page).group(1)


def _let_go_of_the_database(app: Flask) -> None:
    """Close the test's own connections before the database is dropped under them."""
    with app.app_context():
        db.engine.dispose()


def test_two_servers_and_a_worker_share_everything(
    site: Site, request: pytest.FixtureRequest
) -> None:
    app = create_app(make_config(site.database_url, site.logs))
    request.addfinalizer(lambda: _let_go_of_the_database(app))
    with app.app_context():
        shop = two_facilities()
        staff = StaffFactory(facility=shop.batik_lapas)
        reviewer = UserFactory(role=Role.CENTRAL)
        victim = StaffFactory(facility=shop.coffee_rutan)
        product = shop.batik.product
        ids = {"product": product.id, "slug": product.slug, "batik": shop.batik.id}
        ids.update(lapas=shop.batik_lapas.id, rutan=shop.coffee_rutan.id)
        emails = {"staff": staff.email, "reviewer": reviewer.email, "victim": victim.email}
        db.session.commit()

    gunicorn = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind"]
    ports = free_port(), free_port()
    one, two = (f"http://127.0.0.1:{port}" for port in ports)
    for name, port, base in (("one", ports[0], one), ("two", ports[1], two)):
        process = site.start(name, [*gunicorn, f"127.0.0.1:{port}", "wsgi:app"], site_url=base)
        wait_until_up(base, process, site.logs / f"{name}.log")

    # The cache: figures computed on one server are what the other shows.
    before = _units_sold(requests.get(f"{one}/impact", timeout=10).text)

    # A cart filled on one server is checked out and paid on the other.
    buyer = site.session()
    product_page = f"{one}/products/{ids['slug']}"
    buyer.get(product_page)
    # The cart form carries no token (a public page sets no cookie): the same-site check is it.
    added = buyer.post(
        f"{one}/cart/items",
        data={"variant_id": ids["batik"], "quantity": 2},
        headers={"Origin": one, "Referer": product_page},
    )
    assert added.ok, added.text
    form = {
        "name": "Siti Aminah", "email": "siti@contoh.id", "phone": "0812 3456 7890",
        "address_line": "Jl. Merdeka 10", "city": "Medan", "province": "Sumatera Utara",
        "postal_code": "20112", f"delivery-{ids['lapas']}": "courier",
    }  # fmt: skip
    page = buyer.get(f"{two}/checkout").text
    assert "Kemeja Batik Tulis" in page, "the cart filled on server one is on server two"
    page = buyer.post(
        f"{two}/checkout", data={**form, "action": "review", "csrf_token": _token(page)}
    ).text
    total = re.search(r'name="quoted_total_idr" type="hidden" value="(\d+)"', page).group(1)
    placed = buyer.post(
        f"{two}/checkout",
        data={**form, "action": "place", "quoted_total_idr": total,
              "csrf_token": _token(page)},
        allow_redirects=False,
    )  # fmt: skip
    assert placed.status_code == 302, placed.text
    pay_url = placed.headers["Location"]
    assert pay_url.startswith(f"{two}/demo-pay/")
    page = buyer.get(pay_url).text
    buyer.post(pay_url, data={"pay": "1", "csrf_token": _token(page)})
    with app.app_context():
        assert db.session.scalar(select(Order.status)) is OrderStatus.PAID

    cached = requests.get(f"{two}/impact", timeout=10).text
    assert _units_sold(cached) == before, "server two shows the figures server one cached"
    year = date.today().year
    redis.Redis.from_url(REDIS_URL).delete(f"{site.prefix}:impact:all:{year}")
    # Another address than the page cache keeps (it holds whole pages, shared through Redis too).
    fresh = requests.get(f"{two}/impact?period=all", timeout=10).text
    assert _units_sold(fresh) != before

    # The login limit counts on both servers together.
    attacker = site.session()
    statuses = [
        _log_in(attacker, base, emails["victim"], "salah-sekali")
        for base in (one, two, one, two, one)
    ]
    assert statuses == [401] * 5
    assert _log_in(attacker, two, emails["victim"], TEST_PASSWORD) == 429

    # A photo uploaded through server one waits for the worker; nobody else makes it.
    staff_session = site.session()
    assert _log_in(staff_session, one, emails["staff"], TEST_PASSWORD) == 302
    page = staff_session.get(f"{one}/admin/products/{ids['product']}").text
    uploaded = staff_session.post(
        f"{one}/admin/products/{ids['product']}/photos",
        data={"alt_text": "Kemeja batik tampak depan", "csrf_token": _token(page)},
        files={"photos": ("batik.jpg", jpeg_bytes((1200, 900)), "image/jpeg")},
        allow_redirects=False,
    )
    assert uploaded.status_code == 302, uploaded.text
    page = staff_session.get(f"{two}/admin/products/{ids['product']}").text
    assert "diproses" in page
    with app.app_context():
        image = db.session.scalars(select(ProductImage)).one()
        assert image.processing is PhotoProcessing.PROCESSING
        image_id = image.id

    site.start("worker", [str(BIN / "flask"), "shop", "worker"])
    deadline = time.monotonic() + 30
    with app.app_context():
        while time.monotonic() < deadline:
            db.session.expire_all()
            image = db.session.get(ProductImage, image_id)
            if image.processing is not PhotoProcessing.PROCESSING:
                break
            time.sleep(0.3)
        assert image.processing is PhotoProcessing.READY, site.log_of("worker")
        renditions = [r["key"] for r in image.renditions]
    assert "catalogue.render_photo" in site.log_of("worker")

    page = staff_session.get(f"{one}/admin/products/{ids['product']}").text
    staff_session.post(
        f"{one}/admin/products/{ids['product']}/submit",
        data={**dict.fromkeys([*CHECKLIST, "photos_where_allowed"], "y"),
              "csrf_token": _token(page)},
    )  # fmt: skip
    checker = site.session()
    assert _log_in(checker, two, emails["reviewer"], TEST_PASSWORD) == 302
    page = checker.get(f"{two}/admin/reviews/{ids['product']}").text
    shown = re.findall(r'name="shown_photo" value="([^"]+)"', page)
    assert [s.split(":")[0] for s in shown] == [str(image_id)]
    decided = checker.post(
        f"{two}/admin/reviews/{ids['product']}/decide",
        data={"shown_photo": shown, f"photo-{image_id}": "approve",
              f"check-{image_id}": list(CHECKLIST), "csrf_token": _token(page)},
        allow_redirects=False,
    )  # fmt: skip
    assert decided.status_code == 302, decided.text

    page = requests.get(f"{two}/products/{ids['slug']}", timeout=10).text
    served = f"{site.s3_endpoint}/{BUCKET}/{renditions[0]}"
    assert served in page
    photo = requests.get(served, timeout=10)
    assert photo.status_code == 200
    assert photo.headers["Content-Type"] in ("image/webp", "image/jpeg")
    hidden = requests.get(f"{site.s3_endpoint}/{BUCKET}/private/{renditions[0]}", timeout=10)
    assert hidden.status_code == 403

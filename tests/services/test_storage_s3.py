"""The S3 storage against a real S3 API: moto's server on loopback, reached over HTTP by boto3."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import select

from shop.catalogue import images
from shop.core.storage import S3Storage, StorageError, private_key, storage_from_config
from shop.models import ProductImage, ProductStatus
from tests.admin.helpers import decide, jpeg_bytes
from tests.admin.test_photos_and_review import CHECKLIST
from tests.factories import ProductFactory

BUCKET = "etalase-foto"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_env(monkeypatch, s3_endpoint) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield s3_endpoint
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _storage(endpoint: str) -> S3Storage:
    return S3Storage(bucket=BUCKET, endpoint_url=endpoint, region="us-east-1")


def test_files_round_trip_with_long_cache_headers(s3_env) -> None:
    storage = _storage(s3_env)
    assert not storage.exists("img/ab/abc.webp")
    storage.save("img/ab/abc.webp", b"RIFF-data", "image/webp")
    assert storage.exists("img/ab/abc.webp")
    assert storage.read("img/ab/abc.webp") == b"RIFF-data"
    head = storage.client.head_object(Bucket=BUCKET, Key="img/ab/abc.webp")
    assert head["ContentType"] == "image/webp"
    assert "immutable" in head["CacheControl"]
    # Public reads go through a bucket policy or a CDN in front (S3_PUBLIC_URL), not ACLs.
    assert storage.url("img/ab/abc.webp") == f"{s3_env}/{BUCKET}/img/ab/abc.webp"
    cdn = S3Storage(bucket=BUCKET, endpoint_url=s3_env, public_url="https://foto.example.id/")
    assert cdn.url("img/ab/abc.webp") == "https://foto.example.id/img/ab/abc.webp"
    storage.delete("img/ab/abc.webp")
    assert not storage.exists("img/ab/abc.webp")
    with pytest.raises(StorageError):
        storage.read("img/ab/abc.webp")


def test_keys_that_could_escape_are_refused(s3_env) -> None:
    with pytest.raises(StorageError):
        _storage(s3_env).save("../secret", b"x", "text/plain")


def test_prepared_photos_are_stored_in_the_bucket(s3_env) -> None:
    storage = _storage(s3_env)
    prepared = images.prepare_image(jpeg_bytes((1200, 900)), max_bytes=10_000_000)
    master_key, renditions = images.store_prepared(storage, prepared, public=True)
    assert storage.exists(master_key)
    assert all(storage.exists(r["key"]) for r in renditions)


class TestUploadsThroughTheBackOffice:
    @pytest.fixture
    def config_overrides(self, s3_env):
        return {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_env, "S3_REGION": "us-east-1"}

    def test_an_upload_lands_in_the_bucket(self, app, client, db, login_as, s3_env) -> None:
        assert isinstance(storage_from_config(app.config), S3Storage)
        product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
        login_as("staff", facility=product.facility)
        response = client.post(
            f"/admin/products/{product.id}/photos",
            data={"alt_text": "Tas rotan", "photos": [(io.BytesIO(jpeg_bytes()), "tas.jpg")]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        image = db.session.scalar(select(ProductImage))
        listed = boto3.client("s3", endpoint_url=s3_env, region_name="us-east-1")
        keys = {o["Key"] for o in listed.list_objects_v2(Bucket=BUCKET)["Contents"]}
        assert image.master_key in keys
        # Waiting for review: only the private copies, never cached by anyone.
        assert {private_key(r["key"]) for r in image.renditions} <= keys
        assert not {r["key"] for r in image.renditions} & keys
        head = listed.head_object(Bucket=BUCKET, Key=private_key(image.renditions[0]["key"]))
        assert head["CacheControl"] == "private, no-store"
        page = client.get(f"/admin/products/{product.id}").get_data(as_text=True)
        assert f"{s3_env}/{BUCKET}/" not in page
        served = client.get(f"/admin/photos/{image.id}/file?w=320")
        assert served.status_code == 200 and served.headers["Cache-Control"] == "private, no-store"

    def test_approval_copies_to_the_public_prefix_and_rejection_removes_it(
        self, app, client, db, login_as, s3_env
    ) -> None:
        product = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
        staff = app.test_client()
        login_as("staff", facility=product.facility, client=staff)
        for color in ((1, 2, 3), (200, 100, 0)):
            staff.post(
                f"/admin/products/{product.id}/photos",
                data={
                    "alt_text": "Tas rotan",
                    "photos": [(io.BytesIO(jpeg_bytes(color=color)), "tas.jpg")],
                },
                content_type="multipart/form-data",
            )
        staff.post(f"/admin/products/{product.id}/submit", data=CHECKLIST)
        login_as("central")
        first, second = db.session.scalars(select(ProductImage).order_by(ProductImage.id))
        decide(client, product.id, photos={second.id: "reject:Ada wajah di latar."})
        listed = boto3.client("s3", endpoint_url=s3_env, region_name="us-east-1")
        keys = {o["Key"] for o in listed.list_objects_v2(Bucket=BUCKET)["Contents"]}
        assert {r["key"] for r in first.renditions} <= keys
        assert not {r["key"] for r in second.renditions} & keys
        head = listed.head_object(Bucket=BUCKET, Key=first.renditions[0]["key"])
        assert "immutable" in head["CacheControl"]
        page = client.get(f"/products/{product.slug}").get_data(as_text=True)
        assert f"{s3_env}/{BUCKET}/{first.renditions[0]['key']}" in page
        # Link previews get the photo's own address on S3, not one glued to SITE_URL.
        assert f'<meta property="og:image" content="{s3_env}/{BUCKET}/' in page

"""Where uploaded and generated files live, behind one small interface."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from shop.core import urls

# Keys under this prefix are never served publicly: not by the app's /media route, and on S3
# the bucket policy (or CDN) exposes `img/` only. Unreviewed photos and PNBP proofs live here.
PRIVATE_PREFIX = "private/"


class StorageError(Exception):
    """A file could not be stored or read."""


def private_key(key: str) -> str:
    """Where the private copy of a (public) key lives."""
    return PRIVATE_PREFIX + key


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def read(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...


class LocalStorage:
    """Files in a local folder, served by the app under `base_url` with long cache headers."""

    def __init__(self, root: str | os.PathLike[str], base_url: str = urls.MEDIA_PREFIX) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    def path_of(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not key or not path.is_relative_to(self.root.resolve()):
            raise StorageError(f"invalid storage key: {key!r}")
        return path

    def save(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)

    def read(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except FileNotFoundError as error:
            raise StorageError(f"no stored file {key!r}") from error

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"


class S3Storage:
    """Files in an S3-compatible bucket, served from `public_url` (a CDN or the bucket itself).

    Keys are content hashes, so every public object is stored with a one-year immutable cache
    header; objects under the private prefix are marked for no cache at all.
    """

    CACHE_CONTROL = "public, max-age=31536000, immutable"
    PRIVATE_CACHE_CONTROL = "private, no-store"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        public_url: str = "",
        client: Any = None,
    ) -> None:
        import boto3

        self.bucket = bucket
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None
        )
        base = public_url or (
            f"{endpoint_url.rstrip('/')}/{bucket}"
            if endpoint_url
            else f"https://{bucket}.s3.amazonaws.com"
        )
        self.base_url = base.rstrip("/")

    def save(self, key: str, data: bytes, content_type: str) -> None:
        _check_key(key)
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type,
                CacheControl=(
                    self.PRIVATE_CACHE_CONTROL
                    if key.startswith(PRIVATE_PREFIX)
                    else self.CACHE_CONTROL
                ),
            )  # fmt: skip
        except Exception as error:
            raise StorageError(f"could not store {key!r}: {error}") from error

    def read(self, key: str) -> bytes:
        _check_key(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            raise StorageError(f"no stored file {key!r}") from error
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        _check_key(key)
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(f"could not check {key!r}: {error}") from error
        return True

    def delete(self, key: str) -> None:
        _check_key(key)
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"


def _check_key(key: str) -> None:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"invalid storage key: {key!r}")


def storage_from_config(config: Mapping[str, Any]) -> Storage:
    """The storage the configuration names: an S3 bucket when S3_BUCKET is set, else UPLOAD_DIR."""
    bucket = str(config.get("S3_BUCKET") or "")
    if bucket:
        return _s3_storage(
            bucket,
            str(config.get("S3_ENDPOINT_URL") or ""),
            str(config.get("S3_REGION") or ""),
            str(config.get("S3_PUBLIC_URL") or ""),
        )
    return LocalStorage(str(config["UPLOAD_DIR"]))


@functools.lru_cache(maxsize=8)
def _s3_storage(bucket: str, endpoint_url: str, region: str, public_url: str) -> S3Storage:
    """One client per configuration: boto3 clients are slow to make and safe to share."""
    return S3Storage(bucket=bucket, endpoint_url=endpoint_url, region=region, public_url=public_url)

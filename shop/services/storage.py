"""Where uploaded and generated files live, behind one small interface."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol


class StorageError(Exception):
    """A file could not be stored or read."""


class Storage(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None: ...

    def read(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...


class LocalStorage:
    """Files in a local folder, served by the app under `base_url` with long cache headers."""

    def __init__(self, root: str | os.PathLike[str], base_url: str = "/media") -> None:
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


def storage_from_config(config: dict[str, object]) -> Storage:
    """The storage the configuration names: a local folder under UPLOAD_DIR for now."""
    return LocalStorage(str(config["UPLOAD_DIR"]))

"""Static assets fingerprinted and pre-compressed at build, then served forever from cache.

`python -m shop.assets` (run by `make run`, `make test` and `make bench`) copies every file of
`static/` to `static/dist/` under a name holding a hash of its content (`etalase.3f2a….css`),
writes gzip and Brotli versions next to it, and a manifest from the original names. WhiteNoise
serves `static/dist/` with `Cache-Control: immutable` and picks the compressed file the browser
accepts. `asset_url("css/etalase.css")` gives the fingerprinted URL; without a build it falls
back to `url_for("static", ...)`, which keeps working for every file as before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import sys
from functools import cache
from pathlib import Path

import brotli
from flask import current_app, has_request_context, request, url_for

from shop.config import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "static"
DIST_NAME = "dist"
MANIFEST = "manifest.json"
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".xml", ".ico", ".map"}
FINGERPRINTED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


def build(source: Path = SOURCE) -> dict[str, str]:
    """Write `source/dist/` afresh and return the manifest {original: fingerprinted}."""
    dist = source / DIST_NAME
    staging = source / f".{DIST_NAME}-building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    manifest: dict[str, str] = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or relative.parts[0].startswith((DIST_NAME, ".")):
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:12]
        name = relative.with_name(f"{relative.stem}.{digest}{relative.suffix}").as_posix()
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest[relative.as_posix()] = name
        if relative.suffix in COMPRESSIBLE:
            _compress(target, data)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    old = source / f".{DIST_NAME}-old-{os.getpid()}"
    if dist.exists():
        dist.rename(old)
    staging.rename(dist)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def _compress(target: Path, data: bytes) -> None:
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
    target.with_name(target.name + ".br").write_bytes(brotli.compress(data, quality=11))


@cache
def _manifest(source: Path) -> dict[str, str]:
    path = source / DIST_NAME / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else {}


def asset_url(filename: str) -> str:
    """The fingerprinted URL of a static file when built, else its plain static URL; worked
    out once per application root (every page asks for the same few)."""
    if not has_request_context():
        return _asset_url(filename)
    known: dict[tuple[str, str], str] = current_app.extensions.setdefault("etalase_assets", {})
    key = (request.script_root, filename)
    url = known.get(key)
    if url is None:
        url = known[key] = _asset_url(filename)
    return url


def _asset_url(filename: str) -> str:
    fingerprinted = _manifest(SOURCE).get(filename)
    if fingerprinted is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=f"{DIST_NAME}/{fingerprinted}")


def is_immutable(_path: str, url: str) -> bool:
    """WhiteNoise's test: fingerprinted files never change, so browsers may keep them."""
    return f"/{DIST_NAME}/" in url and bool(FINGERPRINTED.search(url))


if __name__ == "__main__":
    written = build()
    print(f"static/{DIST_NAME}: {len(written)} files fingerprinted and compressed", file=sys.stderr)

"""Static assets: fingerprinted, pre-compressed, cached forever; plain static URLs still work."""

from __future__ import annotations

import re
from pathlib import Path

from flask import url_for

from shop import assets
from shop.app import create_app
from shop.extensions import db
from tests.conftest import make_config


def test_build_fingerprints_and_compresses(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: teal; }" * 50)
    (source / "img.png").write_bytes(b"\x89PNG not really")
    manifest = assets.build(source)
    css = manifest["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", css)
    dist = source / "dist"
    assert (dist / css).read_text() == (source / "css" / "site.css").read_text()
    assert (dist / f"{css}.gz").is_file() and (dist / f"{css}.br").is_file()
    assert not (dist / f"{manifest['img.png']}.gz").exists()
    (source / "css" / "site.css").write_text("body { color: red; }")
    assert assets.build(source)["css/site.css"] != css
    assert not (dist / css).exists(), "a rebuild leaves no stale files behind"


def test_fingerprinted_assets_are_immutable_and_compressed(database_url, tmp_path) -> None:
    # The build `make test` ran before the suite (`make assets`): rebuilding static/dist here
    # would swap the folder under the other workers' WhiteNoise while they scan it.
    assets._manifest.cache_clear()
    app = create_app(make_config(database_url, tmp_path))
    client = app.test_client()
    with app.test_request_context():
        css_url = assets.asset_url("css/etalase.css")
        plain_url = url_for("static", filename="css/etalase.css")
    assert re.fullmatch(r"/static/dist/css/etalase\.[0-9a-f]{12}\.css", css_url)
    page = client.get("/").get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
    assert f'href="{css_url}"' in page
    with client.get(css_url, headers={"Accept-Encoding": "br, gzip"}) as response:
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "br"
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=315360000" in response.headers["Cache-Control"]
    with client.get(css_url, headers={"Accept-Encoding": "gzip"}) as gzipped:
        assert gzipped.headers["Content-Encoding"] == "gzip"
    with client.get(plain_url) as plain:
        assert plain.status_code == 200
        assert "immutable" not in plain.headers["Cache-Control"]

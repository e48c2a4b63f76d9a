"""Stored renditions are served with long-lived cache headers; masters never are."""

from __future__ import annotations

from shop.core.storage import private_key, storage_from_config


def test_renditions_are_served_immutable(app, client) -> None:
    storage = storage_from_config(app.config)
    storage.save("img/ab/abcdef.webp", b"RIFF....WEBP", "image/webp")
    response = client.get("/media/img/ab/abcdef.webp")
    response.close()
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_masters_and_missing_files_are_not_served(app, client) -> None:
    storage_from_config(app.config).save("masters/ab/abc.jpg", b"\xff\xd8", "image/jpeg")
    assert client.get("/media/masters/ab/abc.jpg").status_code == 404
    assert client.get("/media/img/ab/missing.webp").status_code == 404
    assert client.get("/media/img/../masters/ab/abc.jpg").status_code == 404


def test_private_copies_are_never_served_publicly(app, client) -> None:
    storage = storage_from_config(app.config)
    storage.save(private_key("img/cd/cdef.webp"), b"RIFF....WEBP", "image/webp")
    assert client.get("/media/img/cd/cdef.webp").status_code == 404
    assert client.get("/media/private/img/cd/cdef.webp").status_code == 404
    assert client.get("/media/img/../private/img/cd/cdef.webp").status_code == 404

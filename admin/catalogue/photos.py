"""A product's photos: upload several at once, alt text, order, delete."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import EVERYONE, Section
from admin.catalogue.forms import AltTextForm, PhotoUploadForm
from admin.catalogue.products import render_detail
from admin.helpers import me, now, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.catalogue import photo_files, photos
from shop.core import unit_of_work
from shop.core.storage import StorageError, private_key
from shop.models import PhotoProcessing, Product, ProductImage, ProductStatus

section = Section(EVERYONE)


def _back_to_photos(product_id: int) -> ResponseReturnValue:
    return redirect(url_for("admin.product_detail", product_id=product_id) + "#photo-section")


@section.post("/products/<int:product_id>/photos")
def photo_upload(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    form = PhotoUploadForm()
    uploads = [
        photos.Upload(filename=f.filename or "", data=f.read())
        for f in (form.photos.data or [])
        if f and f.filename
    ]
    if product.status is ProductStatus.ARCHIVED:
        form.photos.errors = [_l("Produk yang diarsipkan tidak dapat diberi foto.")]
    elif form.validate_on_submit():
        with attempt(error_to=form.photos) as outcome:
            added = photos.add_photos(
                product=product, uploads=uploads, alt_text=form.alt_text.data, actor=me(),
                storage=storage(), max_bytes=current_app.config["MAX_IMAGE_BYTES"],
            )  # fmt: skip
        if outcome.ok:
            flash(_l("%(n)s foto ditambahkan dan sedang diproses.", n=len(added)), "success")
            return _back_to_photos(product.id)
    return render_detail(product, upload_form=form), 422


@section.post("/photos/<int:image_id>/alt")
def photo_alt_text(image_id: int) -> ResponseReturnValue:
    image = scoping.get_in_scope(me(), ProductImage, image_id)
    form = AltTextForm()
    if form.validate_on_submit():
        queued = photos.set_alt_text(
            image=image, alt_text=form.alt_text.data, actor=me(), now=now()
        )
        unit_of_work.commit()
        if queued:
            flash(_l("Teks alternatif baru tayang setelah diperiksa."), "success")
        else:
            flash(_l("Teks alternatif disimpan."), "success")
    else:
        flash(_l("Teks alternatif wajib diisi."), "error")
    return _back_to_photos(image.product_id)


@section.post("/photos/<int:image_id>/move/<direction>")
def photo_move(image_id: int, direction: str) -> ResponseReturnValue:
    image = scoping.get_in_scope(me(), ProductImage, image_id)
    photos.move(image=image, direction=-1 if direction == "up" else 1, actor=me())
    unit_of_work.commit()
    return _back_to_photos(image.product_id)


@section.post("/photos/<int:image_id>/delete")
def photo_delete(image_id: int) -> ResponseReturnValue:
    image = scoping.get_in_scope(me(), ProductImage, image_id)
    product_id = image.product_id
    with attempt() as outcome:
        photos.delete(image=image, actor=me(), storage=storage())
    if outcome.ok:
        flash(_l("Foto dihapus."), "success")
    return _back_to_photos(product_id)


@section.get("/photos/<int:image_id>/file")
def photo_file(image_id: int) -> ResponseReturnValue:
    """A photo's private copy, for the back office only: `w` picks the rendition closest to that
    width and `f` its format; `full=1` gives the cleaned master at its full pixel size.

    Never cached by a browser or proxy, whatever the photo's review state.
    """
    image = scoping.get_in_scope(me(), ProductImage, image_id)
    if image.processing is not PhotoProcessing.READY:
        abort(404)  # its master_key is still the original as uploaded, metadata and all
    if request.args.get("full") == "1":
        key, mimetype = image.master_key, "image/jpeg"
    else:
        candidates = image.renditions_of(request.args.get("f", "jpeg")) or image.renditions
        if not candidates:
            abort(404)
        width = request.args.get("w", "")
        wanted = int(width) if width.isdigit() else 640
        best = min(candidates, key=lambda r: abs(r["width"] - wanted))
        key = private_key(best["key"])
        mimetype = photo_files.CONTENT_TYPES[best["format"]]
    try:
        data = storage().read(key)
    except StorageError:
        abort(404)
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@section.get("/photos/<int:image_id>/full")
def photo_full(image_id: int) -> ResponseReturnValue:
    """The whole photo at full size, to zoom into (pinch on a phone, a click on a desktop)."""
    image = scoping.get_in_scope(me(), ProductImage, image_id)
    return render_template("admin/photos/full.html", image=image)

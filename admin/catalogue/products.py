"""Products of the user's scope: list, create, edit, submit for review, archive, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin.access import EVERYONE, Section
from admin.catalogue.forms import (
    PhotoUploadForm,
    ProductFilterForm,
    ProductForm,
    SubmitForReviewForm,
)
from admin.forms import options
from admin.helpers import me, now, page_number, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.catalogue import editing as product_editing
from shop.catalogue import labels, review, text_revisions
from shop.catalogue.editing import VariantEdit
from shop.catalogue.products import ProductInput, VariantInput
from shop.core import unit_of_work
from shop.core.errors import DomainError
from shop.core.numbers import parse_id
from shop.database import db
from shop.models import Category, Facility, Product, ProductStatus, Role, Workshop

section = Section(EVERYONE)

PER_PAGE = 25


@section.get("/products")
def products() -> ResponseReturnValue:
    form = ProductFilterForm(formdata=request.args)
    form.validate()
    found = product_editing.list_products(
        user=me(), search=form.q.data or "", status=form.chosen_status(), page=page_number(),
        per_page=PER_PAGE,
    )  # fmt: skip
    return render_template(
        "admin/products/list.html",
        products=found.items,
        pages=found,
        form=form,
        statuses=list(ProductStatus),
    )


def _fill_choices(form: ProductForm, facility: Facility | None) -> None:
    user = me()
    form.facility_id.choices = options(
        (f.id, f.name) for f in db.session.scalars(scoping.facilities(user))
    )
    form.category_id.choices = options((c.id, c.name) for c in product_editing.categories())
    workshops = facility.workshops if facility is not None else []
    form.workshop_id.choices = options(
        [(0, _l("(tanpa bengkel)"))] + [(w.id, w.name) for w in workshops]
    )


def _chosen_facility(form: ProductForm) -> Facility:
    user = me()
    if user.role is Role.STAFF:
        return user.facility  # type: ignore[return-value]
    return scoping.get_in_scope(user, Facility, form.facility_id.data)


def _product_input(form: ProductForm, facility: Facility) -> ProductInput:
    category = db.session.get(Category, form.category_id.data)
    if category is None:
        raise DomainError(_l("Pilih kategori."))
    workshop = db.session.get(Workshop, form.workshop_id.data) if form.workshop_id.data else None
    return ProductInput(
        name=form.name.data or "",
        category=category,
        weight_grams=form.weight_grams.data or 0,
        variants=[
            VariantInput(
                sku=v.sku.data or "", price_idr=v.price_idr.data or 0, stock=v.stock.data or 0,
                option_label=v.option_label.data or "", hpp_idr=v.hpp_idr.data,
            )
            for v in form.variants
        ],
        description=form.description.data or "",
        workshop=workshop,
        made_to_order=bool(form.made_to_order.data),
        lead_time_days=form.lead_time_days.data,
        pirt_number=(form.pirt_number.data or "").strip() or None,
        halal_certificate=(form.halal_certificate.data or "").strip() or None,
        shelf_life_days=form.shelf_life_days.data,
        is_flagship=bool(form.is_flagship.data),
    )  # fmt: skip


def _wants_another_variant(form: ProductForm) -> bool:
    if form.add_variant.data and len(form.variants) < form.variants.max_entries:
        form.variants.append_entry()
        return True
    return False


@section.route("/products/new", methods=["GET", "POST"])
def product_new() -> ResponseReturnValue:
    user = me()
    form = ProductForm()
    facility = user.facility
    if user.role is not Role.STAFF:
        facility = db.session.scalar(
            scoping.facilities(user).where(Facility.id == (form.facility_id.data or 0))
        ) or db.session.scalar(scoping.facilities(user).limit(1))
    _fill_choices(form, facility)
    if request.method == "POST" and not _wants_another_variant(form) and form.validate():
        with attempt() as outcome:
            facility = _chosen_facility(form)
            product = product_editing.create(
                facility=facility, data=_product_input(form, facility), actor=user, now=now()
            )
        if outcome.ok:
            flash(_l("Produk disimpan sebagai draf. Tambahkan foto, lalu ajukan."), "success")
            return redirect(url_for("admin.product_detail", product_id=product.id))
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template("admin/products/form.html", form=form, product=None), status


@section.get("/products/<int:product_id>")
def product_detail(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    return render_detail(product, upload_form=PhotoUploadForm())


def render_detail(product: Product, *, upload_form: PhotoUploadForm) -> str:
    """The product's page: its state, variants, photos, labels and what review said."""
    return render_template(
        "admin/products/detail.html", product=product, upload_form=upload_form,
        submit_form=SubmitForReviewForm(), submission=review.latest_submission(product),
        rejected_text=text_revisions.last_rejected(product), scans=labels.scans_of(product),
    )  # fmt: skip


@section.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def product_edit(product_id: int) -> ResponseReturnValue:
    user = me()
    product = scoping.get_in_scope(user, Product, product_id)
    if product.status is ProductStatus.ARCHIVED:
        abort(409)
    form = ProductForm(obj=product if request.method == "GET" else None)
    if request.method == "GET":
        pending = text_revisions.pending_of(product)
        if pending is not None:
            # Staff go on from the text that waits for review, not from the live one.
            form.name.data, form.description.data = pending.name, pending.description
        form.workshop_id.data = product.workshop_id or 0
        form.facility_id.data = product.facility_id
        for entry, variant in zip(form.variants, product.variants, strict=True):
            entry.variant_id.data = str(variant.id)
    _fill_choices(form, product.facility)
    if request.method == "POST" and not _wants_another_variant(form) and form.validate():
        with attempt() as outcome:
            data = _product_input(form, product.facility)
            edits = [
                VariantEdit(
                    id=parse_id(v.variant_id.data),
                    sku=v.sku.data or "", price_idr=v.price_idr.data or 0,
                    option_label=v.option_label.data or "", hpp_idr=v.hpp_idr.data,
                    low_stock_threshold=v.low_stock_threshold.data or 0,
                    initial_stock=v.stock.data or 0,
                )
                for v in form.variants
            ]  # fmt: skip
            product_editing.update(
                product=product, data=data, variants=edits, actor=user, now=now()
            )
        if outcome.ok:
            if text_revisions.pending_of(product) is not None:
                flash(
                    _l("Perubahan disimpan. Nama dan deskripsi baru tayang setelah diperiksa."),
                    "success",
                )
            else:
                flash(_l("Perubahan disimpan."), "success")
            return redirect(url_for("admin.product_detail", product_id=product.id))
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template("admin/products/form.html", form=form, product=product), status


@section.post("/products/<int:product_id>/submit")
def product_submit(product_id: int) -> ResponseReturnValue:
    user = me()
    product = scoping.get_in_scope(user, Product, product_id)
    form = SubmitForReviewForm()
    if form.validate_on_submit():
        checklist = review.Checklist(
            no_faces=form.no_faces.data, no_names=form.no_names.data,
            no_identifying_details=form.no_identifying_details.data,
            photos_where_allowed=form.photos_where_allowed.data, no_people=form.no_people.data,
        )  # fmt: skip
        with attempt() as outcome:
            review.submit(
                product=product, checklist=checklist, actor=user, now=now(), storage=storage()
            )
        if outcome.ok:
            if product.facility.review_exempt:
                flash(_l("UPT ini bebas pemeriksaan: produk langsung tayang."), "success")
            else:
                flash(_l("Diajukan. Pemeriksa Kanwil akan meninjaunya."), "success")
    return redirect(url_for("admin.product_detail", product_id=product.id))


@section.post("/products/<int:product_id>/archive")
def product_archive(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    product_editing.archive(product=product, actor=me(), storage=storage())
    unit_of_work.commit()
    flash(_l("Produk diarsipkan dan tidak lagi dijual."), "success")
    return redirect(url_for("admin.product_detail", product_id=product.id))


@section.post("/products/<int:product_id>/restore")
def product_restore(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    with attempt() as outcome:
        product_editing.restore(product=product, actor=me(), storage=storage())
    if outcome.ok:
        flash(_l("Produk dipulihkan sebagai draf."), "success")
    return redirect(url_for("admin.product_detail", product_id=product.id))


@section.post("/products/<int:product_id>/delete")
def product_delete(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    with attempt() as outcome:
        product_editing.delete(product=product, actor=me(), storage=storage())
    if not outcome.ok:
        return redirect(url_for("admin.product_detail", product_id=product_id))
    flash(_l("Draf dihapus."), "success")
    return redirect(url_for("admin.products"))

"""Printing labels with a provenance QR code, and how often they are scanned."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin.access import EVERYONE, Section
from admin.catalogue.forms import MAX_COPIES, LabelBatchForm
from admin.forms import options
from admin.helpers import me
from shop.accounts import scoping
from shop.catalogue import label_sheets, labels
from shop.catalogue.label_sheets import LabelContent, Layout
from shop.core import unit_of_work, urls
from shop.core.numbers import parse_int
from shop.database import db
from shop.formatting import rupiah
from shop.models import Facility, Product, ProductStatus, ProductVariant

# Staff print their facility's labels; Kanwil and central theirs (scoped by facility).
section = Section(EVERYONE)


@section.get("/products/<int:product_id>/labels.pdf")
def product_labels(product_id: int) -> ResponseReturnValue:
    """One product's labels: every variant, or `?variant=<id>`; `?layout=a4|thermal`, `?copies=`."""
    product = scoping.get_in_scope(me(), Product, product_id)
    variants = list(product.variants)
    if "variant" in request.args:
        wanted = parse_int(request.args["variant"], minimum=1)
        variants = [variant for variant in variants if variant.id == wanted]
        if not variants:
            return _back_to(product, _l("Varian itu bukan milik produk ini."))
    layout = _layout(request.args.get("layout", Layout.A4.value))
    copies = parse_int(request.args.get("copies", "1"), minimum=1, maximum=MAX_COPIES)
    if layout is None or copies is None:
        return _back_to(product, _l("Tata letak harus a4 atau thermal; salinan antara 1 dan 240."))
    return _pdf(variants, layout=layout, copies=copies, filename=f"label-{product.slug}")


@section.route("/labels", methods=["GET", "POST"])
def label_batch() -> ResponseReturnValue:
    user = me()
    form = LabelBatchForm()
    facilities = list(db.session.scalars(scoping.facilities(user)))
    form.facility.choices = options((facility.id, facility.name) for facility in facilities)
    in_scope = {facility.id for facility in facilities}
    asked = (
        form.facility.data
        if request.method == "POST"
        else parse_int(request.args.get("facility", ""))
    )
    chosen = asked if asked in in_scope else (facilities[0].id if len(facilities) == 1 else None)
    form.facility.data = chosen
    products = _printable_products(chosen) if chosen else []
    form.products.choices = options((product.id, product.name) for product in products)
    if form.validate_on_submit():
        facility = scoping.get_in_scope(user, Facility, form.facility.data)
        picked = set(form.products.data or [])
        products = [p for p in _printable_products(facility.id) if not picked or p.id in picked]
        variants = [variant for product in products for variant in product.variants]
        if variants:
            return _pdf(
                variants,
                layout=Layout(form.layout.data),
                copies=form.copies.data or 1,
                filename=f"label-{facility.slug}",
            )
        flash(_l("UPT ini belum punya produk untuk diberi label."), "error")
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/labels/batch.html", form=form, facilities=facilities, chosen=chosen
    ), status


@section.get("/labels/scans")
def label_scans() -> ResponseReturnValue:
    rows = labels.scans_per_product(scoping.facility_filter(me(), Product.facility_id))
    return render_template("admin/labels/scans.html", rows=rows)


def _printable_products(facility_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.facility_id == facility_id, Product.status != ProductStatus.ARCHIVED)
            .options(selectinload(Product.variants), selectinload(Product.workshop))
            .order_by(Product.name)
        )
    )


def _layout(value: str) -> Layout | None:
    try:
        return Layout(value)
    except ValueError:
        return None


def _pdf(variants: list[ProductVariant], *, layout: Layout, copies: int, filename: str) -> Response:
    codes = labels.codes_for(variants)
    unit_of_work.commit()
    contents = [
        LabelContent(
            product_name=variant.product.name,
            variant_label=variant.option_label,
            price_text=rupiah(variant.price_idr),
            facility_name=variant.product.facility.name,
            workshop_name=variant.product.workshop.name if variant.product.workshop else "",
            sku=variant.sku,
            code=codes[variant.id],
            url=urls.absolute(urls.provenance_path(codes[variant.id])),
        )
        for variant in variants
        for _copy in range(copies)
    ]
    pdf = label_sheets.render(contents, layout=layout, title=_("Label produk Etalase"))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}-{layout.value}.pdf"'
    return response


def _back_to(product: Product, message: object) -> ResponseReturnValue:
    flash(message, "error")
    return redirect(url_for("admin.product_detail", product_id=product.id))

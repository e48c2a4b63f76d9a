"""The reviewers' queue: kanwil for their region, central and admin for all."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from admin import bp
from admin.forms import RejectForm
from admin.helpers import me, now, storage
from shop.database import db
from shop.models import Product
from shop.services import review, scoping
from shop.services.errors import DomainError


@bp.get("/reviews")
def review_queue() -> ResponseReturnValue:
    return render_template("admin/reviews/queue.html", products=review.queue(user=me()))


@bp.get("/reviews/<int:product_id>")
def review_detail(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    return render_template(
        "admin/reviews/detail.html", product=product, reject_form=RejectForm(),
        submission=review.latest_submission(product), storage=storage(),
    )  # fmt: skip


@bp.post("/reviews/<int:product_id>/approve")
def review_approve(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    try:
        review.approve(product=product, reviewer=me(), now=now())
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.review_detail", product_id=product.id))
    flash(_l("Disetujui: %(name)s kini tayang.", name=product.name), "success")
    return redirect(url_for("admin.review_queue"))


@bp.post("/reviews/<int:product_id>/reject")
def review_reject(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            review.reject(product=product, reviewer=me(), reason=form.reason.data, now=now())
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [str(error)]
        else:
            flash(_l("Dikembalikan ke UPT dengan alasan."), "success")
            return redirect(url_for("admin.review_queue"))
    return render_template(
        "admin/reviews/detail.html", product=product, reject_form=form,
        submission=review.latest_submission(product), storage=storage(),
    ), 422  # fmt: skip

"""The reviewers' queue and screen: kanwil for their region, central and admin for all.

The screen's form carries a token for each photo and for the text it shows, so the decision
applies to what the reviewer saw (`shop.catalogue.review.decide`).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from admin.access import REVIEWERS, Section
from admin.helpers import me, now, storage
from shop.accounts import scoping
from shop.actions import attempt
from shop.catalogue import review, text_revisions
from shop.core.numbers import parse_id
from shop.models import Product

section = Section(REVIEWERS)


@section.get("/reviews")
def review_queue() -> ResponseReturnValue:
    return render_template("admin/reviews/queue.html", products=review.queue(user=me()))


def _render_detail(product: Product, status: int = 200) -> ResponseReturnValue:
    revision = text_revisions.pending_of(product)
    return render_template(
        "admin/reviews/detail.html", product=product, revision=revision,
        photos=product.submitted_images, photo_token=review.photo_token,
        text_token=review.text_token(product), submission=review.latest_submission(product),
        checklist=review.photo_checklist(product.facility),
        live_alts={str(i.id): i.alt_text for i in product.images},
    ), status  # fmt: skip


@section.get("/reviews/<int:product_id>")
def review_detail(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    return _render_detail(product)


def _decision_from_form() -> review.Decision:
    form = request.form
    shown: dict[int, str] = {}
    for value in form.getlist("shown_photo"):
        image_id, _sep, token = value.partition(":")
        if (number := parse_id(image_id)) is not None:
            shown[number] = token
    choices: dict[int, review.PhotoDecision] = {}
    for image_id in shown:
        choice = form.get(f"photo-{image_id}", "")
        if choice in ("approve", "reject"):
            choices[image_id] = review.PhotoDecision(
                approve=choice == "approve",
                reason=form.get(f"reason-{image_id}", "")[:2000],
                checked=frozenset(form.getlist(f"check-{image_id}")),
            )
    text_choice = form.get("text", "")
    return review.Decision(
        shown_photos=shown,
        photos=choices,
        shown_text=form.get("shown_text") or None,
        approve_text={"approve": True, "reject": False}.get(text_choice),
        text_reason=form.get("text_reason", "")[:2000],
    )


@section.post("/reviews/<int:product_id>/decide")
def review_decide(product_id: int) -> ResponseReturnValue:
    product = scoping.get_in_scope(me(), Product, product_id)
    with attempt() as change:
        outcome = review.decide(
            product=product, reviewer=me(), decision=_decision_from_form(), now=now(),
            storage=storage(),
        )  # fmt: skip
    if not change.ok:
        return _render_detail(product, 422)
    if not outcome.decided:
        flash(
            _l("Semua yang Anda lihat sudah berubah. Periksa lagi apa yang kini ditampilkan."),
            "error",
        )
    elif outcome.published:
        flash(_l("Disetujui: %(name)s kini tayang.", name=product.name), "success")
    else:
        flash(_l("Keputusan disimpan untuk %(name)s.", name=product.name), "success")
    if outcome.arrived:
        flash(
            ngettext(
                "%(num)d foto baru masuk setelah Anda membuka halaman ini; masih menunggu.",
                "%(num)d foto baru masuk setelah Anda membuka halaman ini; masih menunggu.",
                outcome.arrived,
            ),
            "warning",
        )
    if outcome.changed:
        flash(
            ngettext(
                "%(num)d foto berubah setelah Anda membuka halaman ini; masih menunggu.",
                "%(num)d foto berubah setelah Anda membuka halaman ini; masih menunggu.",
                outcome.changed,
            ),
            "warning",
        )
    if outcome.text == "stale":
        flash(
            _l("Teks produk berubah setelah Anda membuka halaman ini; teks itu tetap menunggu."),
            "warning",
        )
    if not outcome.decided or outcome.arrived or outcome.changed or outcome.text == "stale":
        return redirect(url_for("admin.review_detail", product_id=product.id))
    return redirect(url_for("admin.review_queue"))

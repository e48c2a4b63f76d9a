"""Admins create, change, deactivate and reset accounts. A reset gives a one-time link."""

from __future__ import annotations

import secrets

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from admin.access import Section
from admin.accounts.forms import UserForm
from admin.forms import options
from admin.helpers import me
from shop.accounts import users as accounts
from shop.actions import attempt
from shop.core import unit_of_work, urls
from shop.database import db
from shop.models import Facility, Kanwil, Role, User

section = Section(Role.ADMIN)


def _fill_choices(form: UserForm) -> None:
    facilities = db.session.scalars(select(Facility).order_by(Facility.name))
    form.facility_slug.choices = options([("", "-")] + [(f.slug, f.name) for f in facilities])
    regions = db.session.scalars(select(Kanwil).order_by(Kanwil.name))
    form.kanwil_code.choices = options([("", "-")] + [(k.code, k.name) for k in regions])


def _reset_link(user: User) -> str:
    token = accounts.start_password_reset(
        user=user, actor=me(), secret_key=current_app.config["SECRET_KEY"]
    )
    return urls.absolute(url_for("admin.reset_password", token=token))


@section.get("/users")
def user_list() -> ResponseReturnValue:
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users/list.html", users=users)


@section.route("/users/new", methods=["GET", "POST"])
def user_new() -> ResponseReturnValue:
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        with attempt(error_to=form.email) as outcome:
            user = accounts.create_user(
                email=form.email.data, name=form.name.data, role=form.role.data,
                # Never used: the account gets a reset link to choose its own password.
                password=secrets.token_urlsafe(24) + "-9a",
                facility_slug=form.facility_slug.data or None,
                kanwil_code=form.kanwil_code.data or None, actor=me(),
            )  # fmt: skip
            link = _reset_link(user)
        if outcome.ok:
            return render_template("admin/users/link.html", user=user, link=link)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/users/form.html", form=form, user=None), status


@section.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    if user is None:
        return render_template("errors/404.html", code=404), 404
    form = UserForm(obj=user if request.method == "GET" else None)
    _fill_choices(form)
    form.email.data = user.email
    if request.method == "GET":
        form.role.data = user.role.value
        form.facility_slug.data = user.facility.slug if user.facility else ""
        form.kanwil_code.data = user.kanwil.code if user.kanwil else ""
    if form.validate_on_submit():
        with attempt(error_to=form.role) as outcome:
            accounts.update_user(
                user=user, name=form.name.data, role=form.role.data,
                facility_slug=form.facility_slug.data or None,
                kanwil_code=form.kanwil_code.data or None, actor=me(),
            )  # fmt: skip
        if outcome.ok:
            flash(_l("Akun %(email)s disimpan.", email=user.email), "success")
            return redirect(url_for("admin.user_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/users/form.html", form=form, user=user), status


@section.post("/users/<int:user_id>/active/<state>")
def user_set_active(user_id: int, state: str) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    if user is None:
        return render_template("errors/404.html", code=404), 404
    with attempt() as outcome:
        accounts.set_active(user=user, active=state == "on", actor=me())
    if outcome.ok:
        flash(_l("Akun %(email)s diperbarui.", email=user.email), "success")
    return redirect(url_for("admin.user_list"))


@section.post("/users/<int:user_id>/reset")
def user_reset(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    if user is None:
        return render_template("errors/404.html", code=404), 404
    link = _reset_link(user)
    unit_of_work.commit()
    return render_template("admin/users/link.html", user=user, link=link)

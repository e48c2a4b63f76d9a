"""Signing in and out, changing one's password, and setting one from a reset link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user

from admin import bp
from admin.forms import LoginForm, PasswordChangeForm, PasswordSetForm
from admin.helpers import me, now
from shop.extensions import limiter
from shop.services import accounts
from shop.services.errors import DomainError


def _account_key() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()[:254]


def _address_key() -> str:
    return "login-address:" + get_remote_address()


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    """Only refused attempts count towards the limits; a successful login redirects."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"],
    key_func=_address_key, methods=["POST"], deduct_when=_failed, scope="login-address",
)  # fmt: skip
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(email=form.email.data, password=form.password.data, now=now())
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(form.next.data))
        form.password.errors.append(_l("Email atau kata sandi salah, atau akun tidak aktif."))
    return render_template("admin/login.html", form=form), 200 if request.method == "GET" else 401


@bp.errorhandler(429)
def too_many_attempts(_error: object) -> ResponseReturnValue:
    form = LoginForm()
    flash(
        _l("Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit, lalu coba lagi."), "error"
    )
    return render_template("admin/login.html", form=form, locked=True), 429


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not urlsplit(target).netloc:
        return target
    return url_for("admin.dashboard")


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash(_l("Anda sudah keluar."), "success")
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
def password_change() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                user=me(),
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except accounts.WrongPassword as error:
            form.current_password.errors.append(str(error))
        except DomainError as error:
            form.new_password.errors.append(str(error))
        else:
            flash(_l("Kata sandi diganti."), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    secret = current_app.config["SECRET_KEY"]
    try:
        user = accounts.user_for_reset_token(token=token, secret_key=secret)
    except DomainError as error:
        return render_template("admin/reset.html", form=None, error=str(error)), 410
    form = PasswordSetForm()
    if form.validate_on_submit():
        try:
            accounts.complete_password_reset(
                token=token, new_password=form.new_password.data, secret_key=secret
            )
        except DomainError as error:
            form.new_password.errors.append(str(error))
        else:
            flash(_l("Kata sandi tersimpan. Silakan masuk."), "success")
            return redirect(url_for("admin.login"))
    return render_template("admin/reset.html", form=form, user=user, error=None)

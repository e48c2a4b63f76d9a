"""Signing in and out, changing one's password, and setting one from a reset link."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from limits import RateLimitItem, parse

from admin import bp
from admin.access import EVERYONE, Section
from admin.accounts.forms import LoginForm, PasswordChangeForm, PasswordSetForm
from admin.helpers import me, now
from shop.accounts import users
from shop.actions import attempt
from shop.core import unit_of_work
from shop.core.errors import DomainError
from shop.extensions import limiter

# Open to visitors: signing in, and setting a password from a reset link.
signing_in = Section(public=True)
# Every signed-in user: their own password and sessions.
signed_in = Section(EVERYONE)


def _submitted_email() -> str:
    return request.form.get("email", "").strip().lower()[:254]


def _account_key() -> str:
    """One account tried from one address: someone else's failures never lock the owner out."""
    return f"login-account:{_submitted_email()}|{request.remote_addr or ''}"


def _address_key() -> str:
    # request.remote_addr: ProxyFix sets it from X-Forwarded-For only when PROXY_HOPS > 0.
    return f"login-address:{request.remote_addr or ''}"


def _slow_limit() -> RateLimitItem:
    return parse(f"{current_app.config['LOGIN_SLOW_AFTER']} per 15 minutes")


def _slow_down_when_attacked(email: str) -> None:
    """Beyond LOGIN_SLOW_AFTER failures of one account from anywhere, each try waits a while.

    Guessing many passwords from many addresses gets slow; the owner still gets in (later).
    """
    if not limiter.limiter.test(_slow_limit(), *_slow_key(email)):
        time.sleep(current_app.config["LOGIN_SLOW_SECONDS"])


def _count_failure(email: str) -> None:
    limiter.limiter.hit(_slow_limit(), *_slow_key(email))


def _slow_key(email: str) -> tuple[str, str, str]:
    return current_app.config["RATELIMIT_KEY_PREFIX"], "login-slow", email


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    """Only refused attempts count towards the limits; a successful login redirects."""
    return response.status_code != 302


@signing_in.route("/login", methods=["GET", "POST"])
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
        email = _submitted_email()
        _slow_down_when_attacked(email)
        user = users.authenticate(email=form.email.data, password=form.password.data, now=now())
        unit_of_work.commit()
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(form.next.data))
        _count_failure(email)
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


@signed_in.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends this session and every copy of its cookie (all of the user's sessions)."""
    if current_user.is_authenticated:
        users.end_sessions(me())
        unit_of_work.commit()
    logout_user()
    session.clear()
    flash(_l("Anda sudah keluar."), "success")
    return redirect(url_for("admin.login"))


@signed_in.route("/password", methods=["GET", "POST"])
def password_change() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            users.change_password(
                user=me(),
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        if isinstance(outcome.error, users.WrongPassword):
            form.current_password.errors.append(outcome.message)
        elif outcome.error is not None:
            form.new_password.errors.append(outcome.message)
        else:
            _stay_signed_in_here()
            flash(_l("Kata sandi diganti. Sesi di perangkat lain sudah berakhir."), "success")
            return redirect(url_for("admin.dashboard"))
    return render_template("admin/password.html", form=form)


@signed_in.post("/sessions/end")
def sign_out_everywhere() -> ResponseReturnValue:
    """Ends the user's sessions in every other browser; this one stays signed in."""
    users.sign_out_everywhere(user=me())
    unit_of_work.commit()
    _stay_signed_in_here()
    flash(_l("Semua sesi lain sudah berakhir."), "success")
    return redirect(url_for("admin.password_change"))


def _stay_signed_in_here() -> None:
    """After the user's sessions were ended, sign this browser in again with a fresh session."""
    user = me()
    session.clear()
    login_user(user)


@signing_in.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    secret = current_app.config["SECRET_KEY"]
    try:
        user = users.user_for_reset_token(token=token, secret_key=secret)
    except DomainError as error:
        return render_template("admin/reset.html", form=None, error=str(error)), 410
    form = PasswordSetForm()
    if form.validate_on_submit():
        with attempt(error_to=form.new_password) as outcome:
            users.complete_password_reset(
                token=token, new_password=form.new_password.data, secret_key=secret
            )
        if outcome.ok:
            flash(_l("Kata sandi tersimpan. Silakan masuk."), "success")
            return redirect(url_for("admin.login"))
    return render_template("admin/reset.html", form=form, user=user, error=None)

"""The back office's start page: what needs attention in the user's scope."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from admin.access import EVERYONE, Section
from admin.helpers import me
from shop.reporting import dashboard as figures

section = Section(EVERYONE)


@section.get("/")
def dashboard() -> ResponseReturnValue:
    return render_template("admin/dashboard.html", summary=figures.summary(user=me()))

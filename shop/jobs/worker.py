"""The RQ side: what a worker process calls for each job, inside the application's context."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Flask, has_app_context

from shop import jobs


@cache
def _app() -> Flask:
    from shop.app import create_app

    return create_app()


def perform(name: str, arguments: dict[str, Any]) -> None:
    """Entry point RQ calls (by dotted name): run the job in an app context of this worker."""
    if has_app_context():
        jobs.perform(name, arguments)
        return
    with _app().app_context():
        jobs.perform(name, arguments)

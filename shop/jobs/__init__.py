"""Background jobs: the functions that run them, by name, each in its own unit of work.

A job module registers its functions with `@job("area.what")`; `shop.jobs.engine` runs them
either on RQ workers or in the web process after the commit. `perform` is the one entry point
both use, so a job behaves the same wherever it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from shop.core import unit_of_work

log = logging.getLogger("etalase.jobs")

JobFunction = Callable[..., None]
_REGISTRY: dict[str, JobFunction] = {}


class UnknownJob(LookupError):
    """No job is registered under that name."""


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the job called `name`."""

    def register(function: JobFunction) -> JobFunction:
        if name in _REGISTRY and _REGISTRY[name] is not function:
            raise ValueError(f"Two jobs are called {name!r}")
        _REGISTRY[name] = function
        return function

    return register


def registered() -> dict[str, JobFunction]:
    return dict(_REGISTRY)


def perform(name: str, arguments: dict[str, Any]) -> None:
    """Run one job in its own unit of work: commit when it returns, roll back when it raises."""
    try:
        function = _REGISTRY[name]
    except KeyError:
        raise UnknownJob(name) from None
    try:
        function(**arguments)
    except BaseException:
        unit_of_work.rollback()
        raise
    unit_of_work.commit()

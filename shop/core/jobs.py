"""Work that runs outside the request, once the change that asks for it is committed.

The core only names a job and its arguments (`defer("catalogue.render_photo", image_id=7)`);
the application chooses what runs it (RQ workers over Redis, or the same process right after
the commit when no Redis is configured) and installs that choice with `use_runner`. Arguments are
plain JSON values (ids, strings, numbers), never ORM objects: the job reads fresh rows itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shop.core.unit_of_work import after_commit

JobRunner = Callable[[str, dict[str, Any]], None]


class NoJobRunner(RuntimeError):
    """A job was deferred before the application installed a runner."""


def _no_runner(name: str, _arguments: dict[str, Any]) -> None:
    raise NoJobRunner(f"No job runner installed to run {name!r}")


_runner: JobRunner = _no_runner


def use_runner(runner: JobRunner) -> None:
    """Install what runs deferred jobs (the application does this at start-up)."""
    global _runner
    _runner = runner


def defer(name: str, **arguments: Any) -> None:
    """Run the job called `name` with `arguments` after the current unit of work commits."""
    after_commit(lambda: _runner(name, arguments))

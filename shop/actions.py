"""One change per request: commit it, or turn its domain error into a message and undo it.

Both web layers wrap the service call of a view in `attempt()`:

    with attempt(error_to=form.name) as outcome:
        profiles.update_profile(facility=facility, ...)
    if outcome.ok:
        flash(_l("Profil disimpan."), "success")
        return redirect(url_for("admin.facility_profile"))
    return render_template(...), 422

On success the unit of work commits (and its after-commit actions run). A `DomainError` rolls
back everything the request changed, so a refused request has changed nothing, and its message
goes to the field given (`error_to`) or, without one, to a flashed message. `OutOfScope` (an
object the user may not see) is rolled back and raised on, for the back office to answer 404.
Any other exception propagates (the request's session is discarded: nothing is committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from wtforms import Field

from shop.accounts.scoping import OutOfScope
from shop.core import unit_of_work
from shop.core.errors import DomainError


@dataclass
class Outcome:
    """What became of the change: `error` is the refusal, None once it was committed."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return str(self.error) if self.error is not None else ""


@contextmanager
def attempt(*, error_to: Field | None = None, flash_error: bool = True) -> Iterator[Outcome]:
    """Run the block as the request's unit of work: commit it, or roll it back on a domain error.

    The error's message is added to `error_to`'s errors when given, else flashed (unless
    `flash_error` is False, for views that show `outcome.message` themselves).
    """
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        unit_of_work.rollback()
        if isinstance(error, OutOfScope):
            raise
        outcome.error = error
        if error_to is not None:
            error_to.errors = [*error_to.errors, str(error)]
        elif flash_error:
            flash(str(error), "error")
    else:
        unit_of_work.commit()

"""A view's unit of work: run the service calls, commit once, or roll all of it back and say why.

Services ``flush()`` and never commit (DESIGN, "Shape"); the view is the boundary that does, and
this is the one way views do it::

    with unit_of_work(form) as work:
        user = services.register(...)
    if work.committed:
        flash(_("…"), "success")
        return redirect(...)
    return render(..., form=form)
"""

from __future__ import annotations

from flask import flash

from uprest.core.errors import ServiceError
from uprest.core.forms import attach_error
from uprest.extensions import db


def refuse(error: ServiceError, form=None) -> None:
    """Undo what the request wrote and show the refusal: next to ``form``'s field (or above the
    form) when there is a form, else as an error message on the next page."""
    db.session.rollback()
    if form is not None:
        attach_error(form, error)
    else:
        flash(str(error.message), "error")


class unit_of_work:  # lower case, as contextlib.suppress: it reads as a statement
    """Commits when the block ends normally. A ``ServiceError`` (a rule said no) is caught: the
    session is rolled back, the message shown (``refuse``) and kept in ``error``. Any other
    exception rolls back too and propagates, to the error pages."""

    def __init__(self, form=None):
        self.form = form
        self.committed = False
        self.error: ServiceError | None = None

    def __enter__(self) -> unit_of_work:
        return self

    def __exit__(self, kind, error, _traceback) -> bool:
        if kind is None:
            db.session.commit()
            self.committed = True
            return False
        if isinstance(error, ServiceError):
            self.error = error
            refuse(error, self.form)
            return True
        db.session.rollback()
        return False

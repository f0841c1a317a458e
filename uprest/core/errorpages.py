"""Translated error pages, and the same in JSON for API clients."""

from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from uprest.core.templating import render
from uprest.extensions import db
from uprest.i18n import _l

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This action is not allowed here.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times. Please wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. It has been logged; please try again later."),
    ),
}
CSRF_MESSAGE = (
    _l("Form expired"),
    _l("The form had expired or was sent from another site. Please go back and send it again."),
)


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    title, text = (
        CSRF_MESSAGE
        if isinstance(error, CSRFError)
        else MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    )
    return render("uprest/errors/error.html", code=code, title=title, text=text), code


def register_error_handlers(target) -> None:
    """``target`` is the app (standalone) or the UPREST blueprint (mounted in a host app)."""
    # Unhandled exceptions reach this handler as InternalServerError (and propagate in tests).
    target.register_error_handler(HTTPException, handle_http_error)

"""Translated error pages, and the same in JSON for API clients."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Response, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from uprest.core.security import is_self_checking
from uprest.core.templating import render
from uprest.extensions import db
from uprest.i18n import _l

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This action is not allowed here.")),
    413: (
        _l("Too much at once"),
        _l("What you sent is too large for this page. Nothing has been saved; please send less."),
    ),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times. Please wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. It has been logged; please try again later."),
    ),
}
UNAVAILABLE = (
    _l("Temporarily unavailable"),
    _l(
        "The database cannot be reached or cannot save changes at the moment. Nothing has "
        "been changed. Please try again in a few minutes."
    ),
)
CONTROL_CHARACTERS_MESSAGE = (
    _l("Characters not allowed"),
    _l(
        "What you typed contains control characters (such as a null byte) that cannot be "
        "saved. Nothing has been changed; please remove them and try again."
    ),
)
CSRF_MESSAGE = (
    _l("Form expired"),
    _l("The form had expired or was sent from another site. Please go back and send it again."),
)


# Paths whose clients expect errors in their own format rather than a page, each registered by
# the domain that serves it (the LRS: xAPI JSON under /xapi): {path: reply(HTTPException)}.
_ERROR_FORMATS: dict[str, Callable[[HTTPException], Response]] = {}


def answer_errors_under(path: str, reply: Callable[[HTTPException], Response]) -> None:
    """Errors under ``path`` (below UPREST's prefix) are answered by ``reply``: routing errors
    there (404, 405, 413) reach the app, not the blueprint that serves the path."""
    _ERROR_FORMATS[path] = reply


def _error_format() -> Callable[[HTTPException], Response] | None:
    uprest = current_app.extensions.get("uprest")
    prefix = getattr(uprest, "url_prefix", "") or ""
    for path, reply in _ERROR_FORMATS.items():
        base = prefix + path
        if request.path == base or request.path.startswith(base + "/"):
            return reply
    return None


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    own_format = _error_format()
    if own_format is not None:
        return own_format(error)
    if isinstance(error, CSRFError):
        title, text = CSRF_MESSAGE
    elif code == 400 and error.description == "control-characters":
        title, text = CONTROL_CHARACTERS_MESSAGE
    else:
        title, text = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render("uprest/errors/error.html", code=code, title=title, text=text), code


def handle_database_unavailable(error: sa.exc.OperationalError):
    """Database down, unreachable, read-only or full: a clear 503 that the client may retry."""
    current_app.logger.error("database unavailable: %s", error)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass
    # Loading the signed-in user needs the database too: render the page as for a visitor.
    current_app.login_manager._update_request_context_with_user()
    title, text = UNAVAILABLE
    headers = {"Retry-After": "30"}
    if is_self_checking():  # the LRS: JSON in the version the client asked for
        version = request.headers.get("X-Experience-API-Version", "")
        headers["X-Experience-API-Version"] = "2.0.0" if version.startswith("2") else "1.0.3"
        return jsonify(error=str(text), status=503), 503, headers
    if request.endpoint in JSON_ENDPOINTS or request.accept_mimetypes.best == "application/json":
        return jsonify(status="unavailable", error=str(text)), 503, headers
    page = render("uprest/errors/error.html", code=503, title=title, text=text)
    return page, 503, headers


JSON_ENDPOINTS = {"uprest.home.health"}


def register_error_handlers(target) -> None:
    """``target`` is the app (standalone) or the UPREST blueprint (mounted in a host app)."""
    # Unhandled exceptions reach this handler as InternalServerError (and propagate in tests).
    target.register_error_handler(HTTPException, handle_http_error)
    target.register_error_handler(sa.exc.OperationalError, handle_database_unavailable)

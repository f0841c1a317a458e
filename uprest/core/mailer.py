"""Translated e-mail: rendered in the recipient's language, sent through Flask-Mailman."""

from flask import after_this_request, current_app
from flask_mailman import EmailMessage

from uprest.core.errors import ServiceError
from uprest.core.forms import LINE_BREAKS
from uprest.core.templating import render
from uprest.extensions import db
from uprest.i18n import _l, force_locale


def compose_mail(
    *, to: str, locale: str | None, subject_template: str, body_template: str, **ctx
) -> EmailMessage:
    """The rendered message, not yet sent.

    Once rendered, the transaction that reading for the templates opened is ended: no database
    connection (nor SQLite's write lock) is held while the mail server answers.
    """
    with force_locale(locale or "en"):
        subject = render(subject_template, **ctx).strip()
        body = render(body_template, **ctx)
    if LINE_BREAKS.search(subject + to):  # a name with a line break would forge headers
        raise ServiceError(_l("This e-mail cannot be sent: a name in it spans several lines."))
    db.session.commit()
    return EmailMessage(
        subject=subject, body=body, from_email=current_app.config["UPREST_MAIL_FROM"], to=[to]
    )


def send_after_response(*messages: EmailMessage) -> None:
    """Sends once the response has gone out: how long the mail server takes shows in no answer.
    Several messages share one connection to the mail server."""
    app = current_app._get_current_object()

    def send() -> None:
        with app.app_context():
            try:
                app.extensions["mailman"].get_connection().send_messages(list(messages))
            except Exception:  # the answer is already out; the log is all that is left
                app.logger.exception("could not send mail to %s", [m.to for m in messages])

    @after_this_request
    def defer(response):
        response.call_on_close(send)
        return response

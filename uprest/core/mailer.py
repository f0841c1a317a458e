"""Translated e-mail: rendered in the recipient's language, sent through Flask-Mailman."""

from flask import current_app
from flask_mailman import EmailMessage

from uprest.core.templating import render
from uprest.extensions import db
from uprest.i18n import force_locale


def send_mail(*, to: str, locale: str | None, subject_template: str, body_template: str, **ctx):
    """Sent after the unit of work commits, so a mail never announces a rolled-back change.

    Once rendered, the transaction that reading for the templates opened is ended: no database
    connection (nor SQLite's write lock) is held while the mail server answers.
    """
    with force_locale(locale or "en"):
        subject = render(subject_template, **ctx).strip()
        body = render(body_template, **ctx)
    db.session.commit()
    message = EmailMessage(
        subject=subject, body=body, from_email=current_app.config["UPREST_MAIL_FROM"], to=[to]
    )
    message.send()

"""Notification preferences: opened from the link in every notification, no sign-in needed."""

from contextlib import nullcontext

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from uprest.core.templating import render
from uprest.extensions import db
from uprest.i18n import _, force_locale
from uprest.notifications import services
from uprest.notifications.forms import PreferencesForm, kind_fields
from uprest.notifications.models import NotificationKind

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/preferences")
@login_required
def my_preferences():
    """The signed-in person's own page: the same one the mails link to."""
    token = services.preferences_token(current_user)
    return redirect(url_for("uprest.notifications.preferences", token=token))


@bp.route("/preferences/<token>", methods=["GET", "POST"])
def preferences(token: str):
    user = services.user_from_preferences_token(token)
    if user is None:
        return render("uprest/notifications/invalid.html"), 404
    form = PreferencesForm()
    if form.validate_on_submit():
        wanted = (
            set()
            if form.unsubscribe.data
            else {kind for kind in NotificationKind if getattr(form, f"kind_{kind.value}").data}
        )
        services.set_preferences(user, wanted)
        db.session.commit()
        flash(_("Your notification choices have been saved."), "success")
        return redirect(url_for("uprest.notifications.preferences", token=token))
    if not form.is_submitted():
        off = services.opted_out(user)
        for kind in NotificationKind:
            getattr(form, f"kind_{kind.value}").data = kind not in off
    # From a mail, without signing in: the page speaks the language the mail did.
    signed_out = not current_user.is_authenticated
    with force_locale(services.recipient_locale(user)) if signed_out else nullcontext():
        return render(
            "uprest/notifications/preferences.html",
            form=form,
            fields=kind_fields(form),
            email=user.email,
        )

"""The user's own profile: name, language, password, data export and account deletion."""

import json

from flask import Blueprint, Response, flash, redirect, url_for
from flask_login import current_user, login_required, logout_user

from uprest.accounts import services
from uprest.accounts.forms import ChangePasswordForm, DeleteAccountForm, ProfileForm
from uprest.accounts.views import start_session
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.i18n import _

bp = Blueprint("profile", __name__)


def _forms():
    profile = ProfileForm(prefix="profile", obj=current_user)
    if not profile.is_submitted():
        profile.locale.data = current_user.locale or ""
    return profile, ChangePasswordForm(prefix="password"), DeleteAccountForm(prefix="delete")


def _page(profile, password, delete):
    return render("uprest/accounts/profile.html", profile=profile, password=password, delete=delete)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    profile, password, delete = _forms()
    if profile.submit.data and profile.validate_on_submit():
        with unit_of_work(profile) as work:
            services.update_profile(
                current_user,
                display_name=profile.display_name.data,
                locale=profile.locale.data or None,
            )
        if work.committed:
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("uprest.profile.profile"))
    return _page(profile, password, delete)


@bp.post("/profile/password")
@login_required
def change_password():
    profile, password, delete = _forms()
    if password.validate_on_submit():
        if not services.verify_password(current_user, password.current_password.data):
            password.current_password.errors.append(_("The current password is not correct."))
        else:
            with unit_of_work(password) as work:
                services.set_password(current_user, password.password.data)
            if work.committed:
                start_session(current_user._get_current_object())
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("uprest.profile.profile"))
    return _page(profile, password, delete), 400


@bp.get("/profile/export")
@login_required
def export_data():
    data = services.export_user_data(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="uprest-my-data.json"'},
    )


@bp.post("/profile/delete")
@login_required
def delete_account():
    profile, password, delete = _forms()
    if delete.validate_on_submit():
        if not services.verify_password(current_user, delete.password.data):
            delete.password.errors.append(_("The password is not correct."))
        else:
            with unit_of_work(delete) as work:
                services.delete_account(current_user)
            if work.committed:
                logout_user()
                flash(_("Your account and your personal data have been deleted."), "success")
                return redirect(url_for("uprest.home.index"))
    return _page(profile, password, delete), 400

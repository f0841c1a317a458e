"""Sign-in, registration, password reset, invitations, profile and the reviewer's municipality."""

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from uprest.accounts import business_services, invitations, services
from uprest.accounts.forms import (
    AcceptInvitationForm,
    CodeAccountForm,
    CodeForm,
    ForgotPasswordForm,
    JoinForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    SetupAccountForm,
)
from uprest.accounts.models import Role
from uprest.accounts.permissions import get_municipality_or_404, roles_required
from uprest.core.errors import ServiceError
from uprest.core.mailer import compose_mail, send_after_response
from uprest.core.navigation import redirect_back
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.extensions import db, limiter
from uprest.i18n import _, get_locale

bp = Blueprint("accounts", __name__)


def _limit(name: str):
    return lambda: current_app.config[name]


def _address() -> str:
    return services.normalise_email(request.form.get("email", ""))


def _pair_key() -> str:
    """Tight limit per (address, client IP): an attacker elsewhere can't spend the user's."""
    return f"login:{_address()}|{get_remote_address()}"


def _address_key() -> str:
    return f"login:{_address()}"


def login_limits(view):
    """The sign-in policy (README, "Security"): per client IP, per address and IP, per address.

    The per-address limit is slow, so a guesser using many IPs is stopped within the hour while
    the owner, at their own IP, is never blocked for longer than that window.
    """
    view = limiter.limit(
        _limit("UPREST_LOGIN_ADDRESS_LIMIT"), methods=["POST"], key_func=_address_key
    )(view)
    view = limiter.limit(_limit("UPREST_LOGIN_LIMIT"), methods=["POST"], key_func=_pair_key)(view)
    return limiter.limit(_limit("UPREST_LOGIN_IP_LIMIT"), methods=["POST"])(view)


def start_session(user, remember: bool = False) -> None:
    """A fresh session on every sign-in, so a planted session id is worthless."""
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("uprest.home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail address or the password is not correct."))
        else:
            cookie = request.cookies.get(current_app.config["UPREST_LOCALE_COOKIE"])
            services.adopt_login_locale(user, cookie)
            db.session.commit()
            start_session(user, remember=form.remember.data)
            return redirect_back()
    return render("uprest/accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    # Server-side: the token in every cookie issued so far (this device's and others') is void.
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion in the session
    flash(_("You have logged out."), "success")
    return redirect(url_for("uprest.home.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("uprest.home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = services.register(
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=str(get_locale()),
            )
        if work.committed:
            _send_registration_mail(user, form.email.data)
            # The same answer whether or not the address had an account: addresses can't be probed.
            flash(
                _("Thank you. We have sent a message to your e-mail address; then sign in."),
                "success",
            )
            return redirect(url_for("uprest.accounts.login"))
    return render("uprest/accounts/register.html", form=form)


def _send_registration_mail(new_user, email: str) -> None:
    """A welcome for a new account; for a taken address, a note to its owner instead. Either
    leaves after the response, so the answer's timing doesn't tell the two apart."""
    login = url_for("uprest.accounts.login", _external=True)
    if new_user is not None:
        _mail_after_response(
            to=new_user.email,
            locale=new_user.locale,
            subject_template="uprest/email/welcome_subject.txt",
            body_template="uprest/email/welcome_body.txt",
            user=new_user,
            login=login,
        )
        return
    owner = services.get_user_by_email(email)
    _mail_after_response(
        to=owner.email,
        locale=owner.locale,
        subject_template="uprest/email/account_exists_subject.txt",
        body_template="uprest/email/account_exists_body.txt",
        user=owner,
        login=login,
        reset=url_for("uprest.accounts.forgot_password", _external=True),
    )


def _mail_after_response(**message) -> None:
    send_after_response(compose_mail(**message))


@bp.route("/password/forgot", methods=["GET", "POST"])
@login_limits
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        known = user is not None and user.is_enabled
        # The same work either way (a token signed, a mail rendered) and the mail leaves after
        # the response, so neither the answer nor its timing tells whether the address is known.
        recipient = user if known else services.stand_in_user(form.email.data)
        message = compose_mail(
            to=recipient.email,
            locale=recipient.locale,
            subject_template="uprest/email/reset_subject.txt",
            body_template="uprest/email/reset_body.txt",
            user=recipient,
            link=url_for(
                "uprest.accounts.reset_password",
                token=services.password_reset_token(recipient),
                _external=True,
            ),
        )
        if known:
            send_after_response(message)
        # The same answer whether or not the address is known, so addresses can't be probed.
        flash(_("If an account uses that address, a reset link is on its way."), "info")
        return redirect(url_for("uprest.accounts.login"))
    return render("uprest/accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_from_reset_token(token)
    if user is None:
        flash(_("This reset link has expired or has already been used."), "error")
        return redirect(url_for("uprest.accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            services.set_password(user, form.password.data)
        if work.committed:
            flash(_("Your password has been changed. Please log in."), "success")
            return redirect(url_for("uprest.accounts.login"))
    return render("uprest/accounts/reset_password.html", form=form)


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
def setup_account(token: str):
    """An account an administrator created: its owner chooses a password and is signed in."""
    user = services.user_from_setup_token(token)
    if user is None or not user.is_enabled:
        return render("uprest/accounts/invitation_invalid.html"), 410
    form = SetupAccountForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            services.set_password(user, form.password.data)
            services.record_consent(user)
        if work.committed:
            start_session(user)
            flash(_("Your password is saved. Welcome to UPREST Learning."), "success")
            return redirect(url_for("uprest.home.index"))
    return render("uprest/accounts/setup_account.html", form=form, user=user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = business_services.find_invitation(token)
    if invitation is None:
        return render("uprest/accounts/invitation_invalid.html"), 410
    form = JoinForm() if current_user.is_authenticated else AcceptInvitationForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = (
                current_user
                if current_user.is_authenticated
                else services.create_user(
                    email=invitation.email,
                    display_name=form.display_name.data,
                    password=form.password.data,
                    locale=str(get_locale()),
                )
            )
            if not current_user.is_authenticated:
                services.record_consent(user)
            business_services.accept_invitation(invitation, user)
        if work.committed:
            if not current_user.is_authenticated:
                start_session(user)
            flash(_("You have joined %(business)s.", business=invitation.business.name), "success")
            return redirect(url_for("uprest.home.index"))
    return render("uprest/accounts/invitation.html", form=form, invitation=invitation)


def code_limits(view):
    """Codes are guessed only as fast as passwords: the sign-in limits per client IP."""
    view = limiter.limit(_limit("UPREST_LOGIN_LIMIT"), methods=["POST"])(view)
    return limiter.limit(_limit("UPREST_LOGIN_IP_LIMIT"), methods=["POST"])(view)


@bp.route("/join", methods=["GET", "POST"])
@code_limits
def join_with_code():
    """Redeem a printed invitation code: join the business, creating the account if needed."""
    signed_in = current_user.is_authenticated
    form = CodeForm() if signed_in else CodeAccountForm()
    if form.validate_on_submit():
        invitation = invitations.find_code_invitation(form.code.data)
        with unit_of_work(form) as work:
            if invitation is None:
                raise ServiceError(
                    _("This code is not valid, has expired or has already been used."),
                    field="code",
                )
            if signed_in:
                user = current_user
            else:
                user = services.create_user(
                    email=form.email.data,
                    display_name=form.display_name.data,
                    password=form.password.data,
                    locale=str(get_locale()),
                )
                services.record_consent(user)
            business_services.accept_invitation(invitation, user)
        if work.committed:
            if not signed_in:
                start_session(user)
            flash(_("You have joined %(business)s.", business=invitation.business.name), "success")
            return redirect(url_for("uprest.home.index"))
    return render("uprest/accounts/join.html", form=form), 400 if form.errors else 200


@bp.get("/municipality")
@roles_required(Role.REVIEWER)
def municipality():
    if current_user.municipality_id is None:
        abort(403)
    place = get_municipality_or_404(current_user.municipality_id, current_user)
    overview = business_services.municipality_overview(place)
    return render("uprest/accounts/municipality.html", municipality=place, overview=overview)

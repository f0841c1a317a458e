"""The home page per role, the language switch and a health check."""

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from uprest.accounts.models import Role
from uprest.accounts.services import choose_locale
from uprest.core.navigation import redirect_back
from uprest.core.templating import render
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.home.next_steps import next_steps
from uprest.i18n import get_locale, is_supported

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Every role lands here first, with what is waiting for them and a link to each."""
    if not current_user.is_authenticated:
        return render("uprest/home/welcome.html")
    steps = next_steps(current_user, today=utcnow().date(), locale=str(get_locale() or "en"))
    return render("uprest/home/index.html", steps=steps, Role=Role)


@bp.get("/privacy")
def privacy():
    """The notice names the reader's municipality as controller when they have one."""
    from uprest.accounts.services import PRIVACY_NOTICE_VERSION

    place = current_user.home_municipality if current_user.is_authenticated else None
    return render(
        "uprest/home/privacy.html",
        version=PRIVACY_NOTICE_VERSION,
        municipality=place.name if place else None,
    )


@bp.post("/locale")
def set_locale():
    """The explicit language choice: saved in the profile when signed in, and in a cookie."""
    locale = request.form.get("locale")
    response = redirect_back()
    if not is_supported(locale):
        return response
    if current_user.is_authenticated:
        choose_locale(current_user, locale)
        db.session.commit()
    response.set_cookie(
        current_app.config["UPREST_LOCALE_COOKIE"],
        locale,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


@bp.get("/healthz")
def health():
    db.session.execute(db.select(1))
    return jsonify(status="ok")

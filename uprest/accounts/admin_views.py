"""Administrators' pages: users and their roles, businesses, municipalities."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from uprest.accounts import admin_services, business_services, services
from uprest.accounts.forms import AdminNewUserForm, AdminUserForm, MunicipalityForm
from uprest.accounts.models import Business, Municipality, Role, User
from uprest.accounts.permissions import get_business_or_404, get_municipality_or_404, roles_required
from uprest.core.forms import choices
from uprest.core.mailer import compose_mail, send_after_response
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.extensions import db
from uprest.i18n import _

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@roles_required(Role.ADMIN)
def require_admin():
    """Every page of this blueprint is for administrators only."""


@bp.get("/users")
def users():
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    role = request.args.get("role", "")
    role = Role(role) if role in Role.__members__.values() else None
    municipality_id = request.args.get("municipality", type=int)
    return render(
        "uprest/admin/users.html",
        pagination=admin_services.search_users(
            query=query, role=role, municipality_id=municipality_id, page=page
        ),
        query=query,
        role=role,
        roles=list(Role),
        municipalities=business_services.list_municipalities(),
        selected=municipality_id,
    )


def _binding_choices(form) -> None:
    """The municipalities and businesses a role may be bound to, "—" for none."""
    form.municipality.choices = choices(
        [(0, "—")] + [(m.id, m.name) for m in business_services.list_municipalities()]
    )
    form.business.choices = choices(
        [(0, "—")] + [(b.id, b.name) for b in admin_services.list_all_businesses()]
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account and e-mail its owner a link to choose their password."""
    form = AdminNewUserForm()
    _binding_choices(form)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = admin_services.invite_user(
                email=form.email.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                municipality=db.session.get(Municipality, form.municipality.data or 0),
                business=db.session.get(Business, form.business.data or 0),
                locale=form.locale.data,
            )
        if work.committed:
            send_after_response(
                compose_mail(
                    to=user.email,
                    locale=user.locale,
                    subject_template="uprest/email/account_setup_subject.txt",
                    body_template="uprest/email/account_setup_body.txt",
                    user=user,
                    role=user.role.label,
                    link=url_for(
                        "uprest.accounts.setup_account",
                        token=services.account_setup_token(user),
                        _external=True,
                    ),
                )
            )
            flash(_("An invitation has been sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("uprest.admin.users"))
    return render("uprest/admin/new_user.html", form=form), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = AdminUserForm(obj=user)
    _binding_choices(form)
    if not form.is_submitted():
        form.role.data = user.role.value
        form.municipality.data = user.municipality_id or 0
        form.business.data = user.business_id or 0
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            admin_services.update_user(
                user,
                acting=current_user,
                role=Role(form.role.data),
                municipality=db.session.get(Municipality, form.municipality.data or 0),
                business=db.session.get(Business, form.business.data or 0),
                is_enabled=form.is_enabled.data,
            )
        if work.committed:
            flash(_("The user has been saved."), "success")
            return redirect(url_for("uprest.admin.users"))
    return render("uprest/admin/user.html", user=user, form=form)


@bp.get("/businesses")
def businesses():
    municipality_id = request.args.get("municipality", type=int)
    pagination, staff_counts = admin_services.search_businesses(
        municipality_id=municipality_id, page=request.args.get("page", 1, type=int)
    )
    return render(
        "uprest/admin/businesses.html",
        pagination=pagination,
        staff_counts=staff_counts,
        municipalities=business_services.list_municipalities(),
        selected=municipality_id,
    )


@bp.get("/businesses/<int:business_id>")
def business(business_id: int):
    found = get_business_or_404(business_id, current_user)
    return render(
        "uprest/admin/business.html",
        business=found,
        invitations=business_services.pending_invitations(found),
    )


@bp.get("/municipalities")
def municipalities():
    return render(
        "uprest/admin/municipalities.html",
        municipalities=admin_services.municipalities_with_counts(),
    )


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
def municipality(municipality_id: int):
    place = get_municipality_or_404(municipality_id, current_user)
    form = MunicipalityForm(obj=place)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            admin_services.set_default_locale(place, form.default_locale.data)
        if work.committed:
            flash(_("The municipality has been saved."), "success")
            return redirect(url_for("uprest.admin.municipalities"))
    return render(
        "uprest/admin/municipality.html",
        municipality=place,
        form=form,
        overview=business_services.municipality_overview(place),
    )

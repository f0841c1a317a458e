"""A business manager's pages: the business, its staff and invitations."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from uprest.accounts import business_import, invitations
from uprest.accounts import business_services as bs
from uprest.accounts.forms import (
    BulkInviteForm,
    BusinessForm,
    BusinessImportForm,
    CodeInvitationsForm,
    InviteForm,
)
from uprest.accounts.models import Municipality, Role, Sector, SizeBand
from uprest.accounts.permissions import (
    get_confirmable_business_or_404,
    get_invitation_or_404,
    get_municipality_or_404,
    get_staff_member_or_404,
    own_business_or_403,
    roles_required,
)
from uprest.core.confirm import ask, is_confirmed
from uprest.core.errors import ServiceError
from uprest.core.forms import ConfirmForm, choices
from uprest.core.mailer import compose_mail, send_after_response
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.extensions import db
from uprest.i18n import _

bp = Blueprint("business", __name__, url_prefix="/business")


def municipality_choices(form: BusinessForm) -> None:
    """A blank first option, so that no municipality is chosen for the owner by accident."""
    form.municipality.choices = choices(
        [("", _("Choose your municipality")), *((m.id, m.name) for m in bs.list_municipalities())]
    )


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register():
    if current_user.business is not None or current_user.role is not Role.LEARNER:
        flash(_("Your account already belongs to a business."), "info")
        return redirect(url_for("uprest.home.index"))
    form = BusinessForm()
    site = bs.site_municipality()
    if site is None:
        municipality_choices(form)
    else:
        del form.municipality  # the site's own municipality, said on the page
    if form.validate_on_submit():
        municipality = site or db.session.get(Municipality, form.municipality.data)
        with unit_of_work(form) as work:
            bs.register_business(
                manager=current_user,
                name=form.name.data,
                sector=Sector(form.sector.data),
                size_band=SizeBand(form.size_band.data),
                municipality=municipality,
            )
        if work.committed:
            flash(_("Your business is registered. You can now invite your staff."), "success")
            return redirect(url_for("uprest.business.overview"))
    return render("uprest/business/register.html", form=form, site=site)


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def overview():
    business = own_business_or_403(current_user)
    form = BusinessForm(obj=business)
    movable = bs.site_municipality() is None and not bs.reasons_not_to_move(business)
    if movable:
        municipality_choices(form)
        if not form.is_submitted():
            form.municipality.data = business.municipality_id
    else:
        del form.municipality
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            bs.update_business(
                business,
                name=form.name.data,
                sector=Sector(form.sector.data),
                size_band=SizeBand(form.size_band.data),
                municipality=db.session.get(Municipality, form.municipality.data)
                if movable
                else None,
            )
        if work.committed:
            flash(_("The business details have been saved."), "success")
            return redirect(url_for("uprest.business.overview"))
    return render("uprest/business/overview.html", business=business, form=form)


@bp.get("/staff")
@roles_required(Role.MANAGER)
def staff():
    business = own_business_or_403(current_user)
    return _staff_page(business, InviteForm())


def _staff_page(business, invite_form, status: int = 200, bulk_form=None, code_form=None):
    page = render(
        "uprest/business/staff.html",
        business=business,
        invite_form=invite_form,
        bulk_form=bulk_form or BulkInviteForm(prefix="bulk"),
        code_form=code_form or CodeInvitationsForm(prefix="codes"),
        confirm_form=ConfirmForm(),
        invitations=bs.pending_invitations(business),
    )
    return page, status


@bp.post("/staff/invite")
@roles_required(Role.MANAGER)
def invite():
    business = own_business_or_403(current_user)
    form = InviteForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            invitation, token = bs.invite_staff(
                business=business, email=form.email.data, invited_by=current_user
            )
            # Built before the commit: an invitation whose mail can't be built is not kept.
            message = _invitation_mail(invitation, token)
        if work.committed:
            message.send()
            flash(_("An invitation has been sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("uprest.business.staff"))
    return _staff_page(business, form, 400)


def _invitation_mail(invitation, token: str):
    return compose_mail(
        to=invitation.email,
        locale=current_user.locale,
        subject_template="uprest/email/invitation_subject.txt",
        body_template="uprest/email/invitation_body.txt",
        invitation=invitation,
        link=url_for("uprest.accounts.accept_invitation", token=token, _external=True),
    )


@bp.post("/staff/invite-many")
@roles_required(Role.MANAGER)
def invite_many():
    """Pasted addresses or a CSV file: each valid new address is invited, each line reported."""
    business = own_business_or_403(current_user)
    form = BulkInviteForm(prefix="bulk")
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            addresses = invitations.addresses_from_text(form.addresses.data)
            if form.file.data:
                addresses += invitations.addresses_from_csv(form.file.data.read())
            results = invitations.invite_many(
                business=business, addresses=addresses, invited_by=current_user
            )
        if work.committed:
            invited = [r for r in results if r.token is not None]
            messages = [_invitation_mail(r.invitation, r.token) for r in invited]
            if messages:
                send_after_response(*messages)
            return render("uprest/business/invite_results.html", results=results)
    return _staff_page(business, InviteForm(), 400, bulk_form=form)


@bp.post("/staff/codes")
@roles_required(Role.MANAGER)
def code_invitations():
    """Printable invitations with one-time codes, for staff without an e-mail address. The
    codes are shown this once (only their hashes are kept): print the page now."""
    business = own_business_or_403(current_user)
    form = CodeInvitationsForm(prefix="codes")
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            made = invitations.invite_by_code(
                business=business, names=form.names.data.splitlines(), invited_by=current_user
            )
        if work.committed:
            return render(
                "uprest/business/code_invitations.html",
                business=business,
                invitations=made,
                join_url=url_for("uprest.accounts.join_with_code", _external=True),
            )
    return _staff_page(business, InviteForm(), 400, code_form=form)


def _staff_action(action, success_message, confirm=None):
    """Run one POST-only staff action for the manager's own business, then show the staff page.

    ``confirm(business)``, for a destructive action, gives the question and the button of the
    page that asks first (``core.confirm``)."""
    business = own_business_or_403(current_user)
    if not ConfirmForm().validate_on_submit():
        return _staff_page(business, InviteForm(), 400)
    if confirm is not None and not is_confirmed():
        question, button = confirm(business)
        return ask(question=question, button=button, cancel_url=url_for("uprest.business.staff"))
    with unit_of_work() as work:
        action(business)
    if work.committed:
        flash(success_message(), "success")
    return redirect(url_for("uprest.business.staff"))


@bp.post("/invitations/<int:invitation_id>/revoke")
@roles_required(Role.MANAGER)
def revoke_invitation(invitation_id: int):
    return _staff_action(
        lambda b: bs.revoke_invitation(get_invitation_or_404(b, invitation_id)),
        lambda: _("The invitation has been withdrawn."),
        lambda b: (
            _(
                "Withdraw the invitation to %(email)s?",
                email=get_invitation_or_404(b, invitation_id).email,
            ),
            _("Withdraw the invitation"),
        ),
    )


@bp.post("/staff/<int:user_id>/remove")
@roles_required(Role.MANAGER)
def remove_staff(user_id: int):
    return _staff_action(
        lambda b: bs.remove_staff(
            business=b, member=get_staff_member_or_404(b, user_id), acting=current_user
        ),
        lambda: _("The staff member has been removed from the business."),
        lambda b: (
            _(
                "Remove %(name)s from the staff of %(business)s?",
                name=get_staff_member_or_404(b, user_id).display_name,
                business=b.name,
            ),
            _("Remove from the staff"),
        ),
    )


@bp.post("/staff/<int:user_id>/make-manager")
@roles_required(Role.MANAGER)
def make_manager(user_id: int):
    return _staff_action(
        lambda b: bs.make_manager(business=b, member=get_staff_member_or_404(b, user_id)),
        lambda: _("The staff member is now also a manager of the business."),
    )


@bp.get("/pending")
@roles_required(Role.REVIEWER, Role.ADMIN)
def pending():
    """The queue of self-registered businesses whose answers don't count until confirmed."""
    return render(
        "uprest/business/pending.html",
        businesses=bs.pending_businesses(current_user),
        form=ConfirmForm(),
    )


@bp.post("/<int:business_id>/confirm")
@roles_required(Role.REVIEWER, Role.ADMIN)
def confirm(business_id: int):
    business = get_confirmable_business_or_404(business_id, current_user)
    if ConfirmForm().validate_on_submit():
        with unit_of_work() as work:
            bs.confirm_business(business)
        if work.committed:
            flash(_("%(business)s is confirmed.", business=business.name), "success")
    return redirect(url_for("uprest.business.pending"))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.REVIEWER, Role.ADMIN)
def import_businesses():
    """A CSV file of businesses: all imported and their contacts invited, or none and a list of
    what to correct, line by line."""
    form = BusinessImportForm()
    form.municipality.choices = choices(
        (m.id, m.name) for m in bs.importing_municipalities(current_user)
    )
    rows = None
    if form.validate_on_submit():
        place = get_municipality_or_404(form.municipality.data, current_user)
        with unit_of_work(form) as work:
            if not form.file.data:
                raise ServiceError(_("Choose a CSV file."), field="file")
            rows = business_import.import_businesses(
                data=form.file.data.read(), municipality=place, acting=current_user
            )
        if isinstance(work.error, business_import.ImportRefused):
            rows = work.error.rows
        if work.committed:
            messages = [
                compose_mail(
                    to=row.invitation.email,
                    locale=place.default_locale,
                    subject_template="uprest/email/invitation_manager_subject.txt",
                    body_template="uprest/email/invitation_manager_body.txt",
                    invitation=row.invitation,
                    link=url_for(
                        "uprest.accounts.accept_invitation", token=row.token, _external=True
                    ),
                )
                for row in rows
                if row.invitation is not None
            ]
            if messages:
                send_after_response(*messages)
            return render("uprest/business/imported.html", rows=rows, municipality=place)
    page = render(
        "uprest/business/import.html",
        form=form,
        rows=rows,
        sectors=list(Sector),
        sizes=list(SizeBand),
    )
    return page, 400 if form.errors or form.form_errors else 200

"""Administrators and trainers open survey waves and change their dates."""

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from uprest.accounts import business_services
from uprest.accounts.models import Municipality, Role
from uprest.accounts.permissions import roles_required
from uprest.core.forms import choices
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.extensions import db
from uprest.i18n import _, language_name
from uprest.surveys import services
from uprest.surveys.forms import WaveForm
from uprest.surveys.services import get_wave_or_404

bp = Blueprint("waves", __name__, url_prefix="/surveys")

ORGANISERS = (Role.ADMIN, Role.TRAINER)


def _scope_choices(form: WaveForm) -> None:
    places = [(m.id, m.name) for m in business_services.list_municipalities()]
    form.scope.choices = choices([(0, _("The whole consortium"))] + places)
    for field in form.translations():
        code = field.render_kw["lang"]
        field.label.text = _("Title in %(language)s", language=language_name(code))


def _wave_page(form: WaveForm, wave):
    page = render("uprest/surveys/wave_form.html", form=form, wave=wave)
    return page, 400 if form.is_submitted() else 200


@bp.get("/waves")
@roles_required(*ORGANISERS)
def waves():
    return render("uprest/surveys/waves.html", waves=services.list_waves())


@bp.route("/waves/new", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def new_wave():
    form = WaveForm()
    _scope_choices(form)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            wave = services.open_wave(
                title=form.title.data,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                municipality=db.session.get(Municipality, form.scope.data or 0),
                created_by=current_user,
                titles=form.titles(),
            )
        if work.committed:
            flash(_("The survey wave “%(title)s” is saved.", title=wave.title), "success")
            return redirect(url_for(".waves"))
    return _wave_page(form, None)


@bp.route("/waves/<int:wave_id>", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def edit_wave(wave_id: int):
    wave = get_wave_or_404(wave_id)
    form = WaveForm(obj=wave)
    _scope_choices(form)
    if not form.is_submitted():
        for code, text in (wave.titles or {}).items():
            if f"title_{code}" in form:
                form[f"title_{code}"].data = text
    form.scope.data = wave.municipality_id or 0  # fixed once the wave exists
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            services.update_wave(
                wave,
                title=form.title.data,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                titles=form.titles(),
            )
        if work.committed:
            flash(_("The survey wave “%(title)s” is saved.", title=wave.title), "success")
            return redirect(url_for(".waves"))
    return _wave_page(form, wave)

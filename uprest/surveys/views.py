"""Answering the survey (page by page, save and resume) and the gap profile of the results."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from uprest.accounts.models import Role, Sector, SizeBand
from uprest.accounts.permissions import roles_required
from uprest.core.errors import ServiceError
from uprest.core.templating import render
from uprest.core.time import utcnow
from uprest.core.unit_of_work import refuse, unit_of_work
from uprest.extensions import db
from uprest.i18n import _, _l, get_locale, ngettext
from uprest.surveys import overview, services
from uprest.surveys.forms import ProfilePageForm, SubmitForm, answers_from, ratings_form
from uprest.surveys.models import Part
from uprest.surveys.profile import gap_profile
from uprest.surveys.services import get_reachable_wave_or_404

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
PARTS = "any(business, self)"
RESPONDENTS = (Role.MANAGER, Role.LEARNER)
STANDING_LABELS = {
    "train_first": _l("Train here first"),
    "train_next": _l("A gap to train after the first ones"),
    "small_gap": _l("Less than a level to go"),
    "reached": _l("The level needed is reached"),
}


def _today():
    return utcnow().date()


@bp.get("/")
@roles_required(*RESPONDENTS)
def home():
    rows = overview.survey_overview(current_user, _today())
    return render("uprest/surveys/home.html", rows=rows)


def _wave_and_part(wave_id: int, part: str):
    """The wave and part, if the user may answer it; otherwise back to the survey list."""
    if current_user.business is None:
        flash(_("Join or register a business to take the survey."), "info")
        return None, None
    wave = get_reachable_wave_or_404(wave_id, current_user.business.municipality_id)
    part = Part(part)
    if not services.may_answer(current_user, part):
        abort(403)
    return wave, part


@bp.route(f"/<int:wave_id>/<{PARTS}:part>/<int:page>", methods=["GET", "POST"])
@roles_required(*RESPONDENTS)
def answer(wave_id: int, part: str, page: int):
    wave, part = _wave_and_part(wave_id, part)
    if wave is None:
        return redirect(url_for("uprest.surveys.home"))
    pages = services.pages_of(wave, part)
    if page >= len(pages):  # resuming a response whose every page is saved
        return redirect(url_for(".review", wave_id=wave.id, part=part.value))
    try:
        response = services.start_response(wave, current_user, part, _today())
    except ServiceError as error:
        refuse(error)  # nothing is committed here: a GET only shows the page
        return redirect(url_for("uprest.surveys.home"))
    area = pages[page].area
    if area is None:
        form = ProfilePageForm(obj=response)
        if not form.is_submitted():
            form.sector.data, form.size_band.data = response.sector.value, response.size_band.value
    else:
        strict = request.method == "POST" and "later" not in request.form
        business = part is Part.BUSINESS
        form_class = ratings_form(
            area.competences, wave.framework, business=business, strict=strict
        )
        form = form_class(data=_saved(response, area.competences, business))
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            resume_at = page if form.later.data else page + 1
            _save(response, form, area, resume_at, part is Part.BUSINESS)
        if work.committed:
            if form.later.data:
                flash(_("Your answers are saved. You can finish later."), "success")
                return redirect(url_for("uprest.surveys.home"))
            target = page + 1
            if target < len(pages):
                return redirect(url_for(".answer", wave_id=wave.id, part=part.value, page=target))
            return redirect(url_for(".review", wave_id=wave.id, part=part.value))
    status = 400 if form.is_submitted() else 200
    page_view = render(
        "uprest/surveys/page.html",
        wave=wave,
        part=part,
        page=page,
        pages=pages,
        area=area,
        form=form,
    )
    return page_view, status


def _saved(response, competences, business: bool) -> dict:
    saved = services.ratings_of(response)
    data = {}
    for competence in competences:
        level, importance = saved.get(competence.id, (None, None))
        data[f"level_{competence.id}"] = level
        if business:
            data[f"importance_{competence.id}"] = importance
    return data


def _save(response, form, area, next_page: int, business: bool) -> None:
    if area is None:
        services.save_profile(
            response,
            sector=Sector(form.sector.data),
            size_band=SizeBand(form.size_band.data),
            comments=form.comments.data,
        )
        return
    answers = answers_from(form, area.competences, business=business)
    services.save_ratings(response, area.competences, answers, next_page)


@bp.route(f"/<int:wave_id>/<{PARTS}:part>/review", methods=["GET", "POST"])
@roles_required(*RESPONDENTS)
def review(wave_id: int, part: str):
    wave, part = _wave_and_part(wave_id, part)
    if wave is None:
        return redirect(url_for("uprest.surveys.home"))
    response = services.find_response(wave, current_user, part)
    form = SubmitForm()
    if form.validate_on_submit():
        if response is None:
            return redirect(url_for(".answer", wave_id=wave.id, part=part.value, page=0))
        with unit_of_work(form) as work:
            services.submit(response, wave, _today())
        if work.committed:
            flash(_("Thank you! Your answers have been submitted."), "success")
            return redirect(url_for(".results", wave_id=wave.id))
    missing = services.missing_competences(response, wave)
    page_view = render(
        "uprest/surveys/review.html",
        wave=wave,
        part=part,
        response=response,
        pages=services.pages_of(wave, part),
        missing=missing,
        form=form,
    )
    return page_view, 400 if form.is_submitted() else 200


@bp.get("/<int:wave_id>/results")
@roles_required(*RESPONDENTS)
def results(wave_id: int):
    """The business's gap profile for a manager; a learner's own gaps for a learner."""
    business = current_user.business
    if business is None:
        flash(_("Join or register a business to take the survey."), "info")
        return redirect(url_for("uprest.surveys.home"))
    wave = get_reachable_wave_or_404(wave_id, business.municipality_id)
    own = current_user.role is not Role.MANAGER
    profile = gap_profile(wave, business, current_user if own else None)
    return render(
        "uprest/surveys/results.html",
        wave=wave,
        business=business,
        profile=profile,
        own=own,
        standing_labels=STANDING_LABELS,
    )


@bp.post("/<int:wave_id>/enrol")
@roles_required(Role.MANAGER)
def enrol_staff(wave_id: int):
    """Enrol the chosen staff in the chosen recommended modules, in one step."""
    from uprest.accounts.models import User
    from uprest.accounts.permissions import own_business_or_403
    from uprest.core.forms import ConfirmForm
    from uprest.learning import services as learning

    business = own_business_or_403(current_user)
    get_reachable_wave_or_404(wave_id, business.municipality_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ids = [int(v) for v in request.form.getlist("member") if v.isdigit()]
    members = [m for m in (db.session.get(User, i) for i in ids) if m is not None]
    with unit_of_work() as work:
        outcome = learning.enrol_staff(
            manager=current_user, members=members, slugs=request.form.getlist("module")
        )
    if work.committed:
        _report_enrolment(outcome)
    return redirect(url_for(".results", wave_id=wave_id))


def _report_enrolment(outcome) -> None:
    """What was done, and for each person and module that was not, why (the modules to finish
    first, by their titles in the manager's language)."""
    from uprest.courses import services as course_services
    from uprest.courses.services import version_title

    flash(
        ngettext("%(num)s enrolment made.", "%(num)s enrolments made.", outcome.created),
        "success" if outcome.created else "info",
    )
    if outcome.already:
        flash(
            ngettext(
                "%(num)s of these enrolments existed already.",
                "%(num)s of these enrolments existed already.",
                outcome.already,
            ),
            "info",
        )
    locale = str(get_locale() or "en")
    slugs = {r.module.slug for r in outcome.refused}
    slugs |= {s for r in outcome.refused for s in r.prerequisites}
    versions = course_services.latest_versions(sorted(slugs)) if slugs else {}

    def title(slug: str) -> str:
        return version_title(versions[slug], locale) if slug in versions else slug

    for refusal in outcome.refused:
        flash(
            _(
                "%(person)s was not enrolled in “%(module)s”: "
                "first they need to complete %(modules)s.",
                person=refusal.member.display_name,
                module=title(refusal.module.slug),
                modules=", ".join(f"“{title(s)}”" for s in refusal.prerequisites),
            ),
            "error",
        )

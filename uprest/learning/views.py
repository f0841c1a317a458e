"""The learner's pages: catalogue, module and path pages, lesson player, quiz, certificates."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from uprest.core.forms import ConfirmForm
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.courses import services as course_services
from uprest.courses.services import (
    Localised,
    get_module_or_404,
    get_path_or_404,
    outline_text,
    render_markdown,
)
from uprest.credentials import services as credential_services
from uprest.extensions import db
from uprest.i18n import LOCALES, _, get_locale
from uprest.learning import overview, progress, quiz, services
from uprest.learning import privacy as learning_privacy
from uprest.surveys.services import competence_names

bp = Blueprint("learning", __name__, url_prefix="/learn")


def _locale() -> str:
    return str(get_locale() or "en")


def _published(slug: str):
    module = get_module_or_404(slug)
    version = course_services.latest_version(module) or abort(404)
    return module, version


def _enrolment_or_redirect(slug: str):
    """The learner's enrolment in the module, or a redirect to the module page to start it."""
    module = get_module_or_404(slug)
    enrolment = services.get_enrolment(current_user, module)
    if enrolment is None:
        return module, None, redirect(url_for("uprest.learning.module", slug=slug))
    return module, enrolment, None


@bp.get("/")
@login_required
def dashboard():
    return render("uprest/learning/dashboard.html", **overview.dashboard(current_user, _locale()))


@bp.get("/catalogue")
def catalogue():
    filters = {
        "competence": request.args.get("competence") or None,
        "language": request.args.get("language")
        if request.args.get("language") in LOCALES
        else None,
        "duration": request.args.get("duration")
        if request.args.get("duration") in services.DURATIONS
        else None,
    }
    versions = services.catalogue(**filters)
    locale = _locale()
    return render(
        "uprest/learning/catalogue.html",
        modules=[(v, outline_text(v.outline, locale, v.default_language)) for v in versions],
        paths=overview.list_paths(locale),
        competences=services.competence_codes(),
        competence_names=competence_names(),
        filters=filters,
    )


@bp.get("/modules/<slug>")
def module(slug: str):
    found, version = _published(slug)
    enrolment, state, locked = None, None, []
    if current_user.is_authenticated:
        enrolment = services.get_enrolment(current_user, found)
        if enrolment is not None:
            version = enrolment.version
            state = progress.for_enrolment(enrolment)
        else:
            locked = services.locked_by(current_user, found)
    content = Localised(version.content, _locale())
    return render(
        "uprest/learning/module.html",
        module=found,
        version=version,
        content=content,
        enrolment=enrolment,
        progress=state,
        locked=[
            (s, overview.version_title(v, _locale()))
            for s, v in course_services.latest_versions(locked).items()
        ],
        competence_names=competence_names(),
        form=ConfirmForm(),
    )


@bp.post("/modules/<slug>/enrol")
@login_required
def enrol(slug: str):
    found = get_module_or_404(slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            services.enrol(current_user, found)
        if not work.committed:
            return redirect(url_for(".module", slug=slug))
    return redirect(url_for(".resume", slug=slug))


@bp.get("/modules/<slug>/continue")
@login_required
def resume(slug: str):
    _module, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    lesson = progress.for_enrolment(enrolment).resume_lesson
    return redirect(url_for(".lesson", slug=slug, lesson=lesson))


def _lesson_or_404(enrolment, lesson: str):
    """The enrolled version's content, its lesson slugs and the position of ``lesson``."""
    content = Localised(enrolment.version.content, _locale())
    slugs = [item["slug"] for item in content.lessons]
    if lesson not in slugs:
        abort(404)
    return content, slugs, slugs.index(lesson)


@bp.get("/modules/<slug>/lessons/<lesson>")
@login_required
def lesson(slug: str, lesson: str):
    """Reading a lesson changes nothing (a GET may be a prefetch); its button records it."""
    found, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    content, slugs, index = _lesson_or_404(enrolment, lesson)
    body = content.body(lesson)
    return render(
        "uprest/learning/lesson.html",
        module=found,
        enrolment=enrolment,
        content=content,
        lesson=content.lessons[index],
        body=body,
        body_html=render_markdown(body, _("Video")),
        untranslated=body.is_fallback or content.t("lessons", lesson).is_fallback,
        previous=slugs[index - 1] if index else None,
        following=slugs[index + 1] if index + 1 < len(slugs) else None,
        progress=progress.for_enrolment(enrolment),
        form=ConfirmForm(),
    )


@bp.post("/modules/<slug>/lessons/<lesson>")
@login_required
def finish_lesson(slug: str, lesson: str):
    """The lesson's "continue" button: records it as seen, then on to what follows."""
    _found, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    content, slugs, index = _lesson_or_404(enrolment, lesson)
    if ConfirmForm().validate_on_submit():
        if content.lessons[index]["is_cmi5"]:  # seen once its AU meets moveOn, not by a click
            services.finish_cmi5_lesson(enrolment)
        else:
            services.view_lesson(enrolment, lesson)
        db.session.commit()
    if index + 1 < len(slugs):
        return redirect(url_for(".lesson", slug=slug, lesson=slugs[index + 1]))
    if content.questions:
        return redirect(url_for(".take_quiz", slug=slug))
    return redirect(url_for(".module", slug=slug))


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
@login_required
def take_quiz(slug: str):
    found, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    content = Localised(enrolment.version.content, _locale())
    if not content.questions:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            attempt = services.submit_quiz(enrolment, request.form, _locale())
        if work.committed:
            return redirect(url_for(".quiz_result", slug=slug, attempt=attempt))
    seed = services.attempt_seed(enrolment)
    return render(
        "uprest/learning/quiz.html",
        module=found,
        content=content,
        form=form,
        gate=services.quiz_gate(enrolment),
        options=lambda question: quiz.shuffled_options(question, seed),
        matching=quiz.matching_choices,
        field_name=quiz.field_name,
    )


@bp.get("/modules/<slug>/quiz/<int:attempt>")
@login_required
def quiz_result(slug: str, attempt: int):
    found, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    result = services.quiz_result(enrolment, attempt, _locale()) or abort(404)
    content = Localised(enrolment.version.content, _locale())
    return render(
        "uprest/learning/quiz_result.html",
        module=found,
        enrolment=enrolment,
        content=content,
        result=result,
        gate=services.quiz_gate(enrolment),
        matching=quiz.matching_choices,
    )


@bp.get("/modules/<slug>/certificate")
@login_required
def certificate(slug: str):
    _module, enrolment, back = _enrolment_or_redirect(slug)
    if back:
        return back
    if enrolment.certificate_code is None:
        abort(404)
    return _certificate_page(enrolment, own=True)


@bp.get("/certificates/<code>")
def verify_certificate(code: str):
    enrolment = services.certificate(code)
    if enrolment is None:
        if code and learning_privacy.is_revoked(code):
            return render("uprest/learning/certificate_revoked.html")
        abort(404)
    return _certificate_page(enrolment, own=False)


def _certificate_page(enrolment, own: bool):
    return render(
        "uprest/learning/certificate.html",
        enrolment=enrolment,
        title=overview.version_title(enrolment.version, _locale()),
        own=own,
        credential=credential_services.for_enrolment(enrolment) if own else None,
        wallet_url=current_app.config.get("UPREST_CREDENTIAL_WALLET_URL"),
    )


@bp.get("/paths/<slug>")
def path(slug: str):
    found = get_path_or_404(slug)
    user = current_user if current_user.is_authenticated else None
    shown = overview.path_overview(user, found, _locale())
    followed = shown.get("followed")
    return render(
        "uprest/learning/path.html",
        form=ConfirmForm(),
        credential=credential_services.for_path_enrolment(followed) if followed else None,
        wallet_url=current_app.config.get("UPREST_CREDENTIAL_WALLET_URL"),
        **shown,
    )


@bp.post("/paths/<slug>/follow")
@login_required
def follow_path(slug: str):
    found = get_path_or_404(slug)
    if ConfirmForm().validate_on_submit():
        services.follow_path(current_user, found)
        db.session.commit()
        flash(_("You are following this path. Your next step is shown below."), "success")
    return redirect(url_for(".path", slug=slug))

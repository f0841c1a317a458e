"""Authoring for trainers: modules, lessons with preview, translations side by side, publishing."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from uprest.accounts.models import Role
from uprest.accounts.permissions import roles_required
from uprest.core.confirm import ask, is_confirmed
from uprest.core.forms import ConfirmForm
from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.courses import document as doc
from uprest.courses import draft, services
from uprest.courses.forms import (
    Cmi5UploadForm,
    LessonEditForm,
    LessonForm,
    ModuleForm,
    MoveForm,
    NewModuleForm,
    mark_language,
)
from uprest.courses.labels import Purposes
from uprest.courses.markdown import render_markdown
from uprest.courses.services import get_module_or_404
from uprest.courses.validation import validate_document
from uprest.i18n import LOCALES, _, language_name
from uprest.surveys.services import competence_names

bp = Blueprint("authoring", __name__, url_prefix="/authoring")


@bp.before_request
@roles_required(Role.TRAINER, Role.ADMIN)
def require_trainer():
    """Every page of this blueprint is for trainers and administrators."""


def change_draft(module, edit, message: str, form=None):
    """Apply ``edit`` to a copy of the draft and save it; a refusal is shown, nothing changes."""
    document = services.working_copy(module)
    with unit_of_work(form) as work:
        edit(document)
        services.save_draft(module, document)
    if work.committed:
        flash(message, "success")
    return work.committed


@bp.get("/")
def index():
    return render(
        "uprest/courses/index.html",
        modules=services.list_modules(),
        paths=services.list_paths(),
        unpublished=services.has_unpublished_changes,
    )


@bp.route("/modules/new", methods=["GET", "POST"])
def new_module():
    form = NewModuleForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            module = services.create_module(
                slug=form.slug.data,
                default_language=form.default_language.data,
                title=form.title.data,
                minutes=form.estimated_minutes.data,
            )
        if work.committed:
            flash(_("The module has been created as a draft."), "success")
            return redirect(url_for(".module", slug=module.slug))
    return render("uprest/courses/new_module.html", form=form)


def _module_form(module) -> ModuleForm:
    form = ModuleForm()
    if not form.is_submitted():
        structure, language = module.draft["module"], draft.default_language(module.draft)
        text = module.draft.get("text", {}).get(language, {})
        form.title.data = text.get("title", "")
        form.summary.data = text.get("summary", "")
        form.default_language.data = language
        form.estimated_minutes.data = structure["estimated_minutes"]
        form.competences.data = "\n".join(
            f"{c['code']} {c['level']}" for c in structure["competences"]
        )
    mark_language(form, draft.default_language(module.draft))
    form.competences.render_kw = None
    return form


@bp.route("/modules/<slug>", methods=["GET", "POST"])
def module(slug: str):
    found = get_module_or_404(slug)
    form = _module_form(found)
    if form.validate_on_submit():
        saved = change_draft(
            found,
            lambda d: draft.update_metadata(
                d,
                title=form.title.data,
                summary=form.summary.data or "",
                minutes=form.estimated_minutes.data,
                language=form.default_language.data,
                competences=form.competences.parsed,
            ),
            _("The module has been saved."),
            form,
        )
        if saved:
            return redirect(url_for(".module", slug=slug))
    latest = services.latest_version(found)
    incomplete = services.untranslated_locales(found)
    return render(
        "uprest/courses/module.html",
        module=found,
        form=form,
        lesson_form=LessonForm(formdata=None, prefix="lesson"),
        cmi5_form=Cmi5UploadForm(formdata=None),
        move_form=MoveForm(),
        confirm_form=ConfirmForm(),
        latest=latest,
        unpublished=services.has_unpublished_changes(found, latest),
        problems=validate_document(found.draft),
        completeness=[(code, *doc.completeness(found.draft, code)) for code in LOCALES],
        competence_names=competence_names(),
        incomplete=incomplete,
        incomplete_names=", ".join(language_name(code) for code in incomplete),
    )


@bp.post("/modules/<slug>/lessons")
def add_lesson(slug: str):
    found = get_module_or_404(slug)
    form = LessonForm(prefix="lesson")
    if form.validate_on_submit():
        data = form.slug.data, form.minutes.data, form.title.data
        if change_draft(
            found,
            lambda d: draft.add_lesson(d, slug=data[0], minutes=data[1], title=data[2]),
            _("The lesson has been added. Write its text now."),
            form,
        ):
            return redirect(url_for(".lesson", slug=slug, lesson=data[0].strip().lower()))
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return redirect(url_for(".module", slug=slug))


@bp.route("/modules/<slug>/lessons/<lesson>", methods=["GET", "POST"])
def lesson(slug: str, lesson: str):
    found = get_module_or_404(slug)
    language = draft.default_language(found.draft)
    item = next((x for x in doc.lessons(found.draft["module"]) if x["slug"] == lesson), None)
    if item is None:
        abort(404)
    form = LessonEditForm()
    mark_language(form, language)
    if not form.is_submitted():
        form.title.data = doc.get_in(found.draft.get("text", {}).get(language), ("lessons", lesson))
        form.minutes.data = item["minutes"]
        form.body.data = (found.draft.get("bodies", {}).get(language) or {}).get(lesson, "")
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data, _("Video"))
        elif change_draft(
            found,
            lambda d: draft.update_lesson(
                d, lesson, minutes=form.minutes.data, title=form.title.data, body=form.body.data
            ),
            _("The lesson has been saved."),
            form,
        ):
            return redirect(url_for(".module", slug=slug))
    return render(
        "uprest/courses/lesson.html",
        module=found,
        lesson=item,
        form=form,
        preview=preview,
        language=language,
    )


@bp.post("/modules/<slug>/lessons/<lesson>/move")
def move_lesson(slug: str, lesson: str):
    found = get_module_or_404(slug)
    form = MoveForm()
    if form.validate_on_submit():
        step = -1 if form.direction.data == "up" else 1
        change_draft(
            found, lambda d: draft.move_lesson(d, lesson, step), _("The lesson has been moved.")
        )
    return redirect(url_for(".module", slug=slug))


def lesson_title(module, lesson: str) -> str:
    """A lesson's title in the module's default language (its slug when it has none)."""
    text = module.draft.get("text", {}).get(draft.default_language(module.draft), {})
    return text.get("lessons", {}).get(lesson) or lesson


@bp.post("/modules/<slug>/lessons/<lesson>/delete")
def delete_lesson(slug: str, lesson: str):
    found = get_module_or_404(slug)
    if ConfirmForm().validate_on_submit():
        if not is_confirmed():
            if lesson not in [item.get("slug") for item in doc.lessons(found.draft["module"])]:
                abort(404)
            return ask(
                question=_("Remove the lesson “%(lesson)s”?", lesson=lesson_title(found, lesson)),
                detail=_(
                    "Its texts in every language are removed too; "
                    "versions already published keep it."
                ),
                button=_("Remove the lesson"),
                cancel_url=url_for(".module", slug=slug),
            )
        change_draft(
            found, lambda d: draft.remove_lesson(d, lesson), _("The lesson has been removed.")
        )
    return redirect(url_for(".module", slug=slug))


@bp.route("/modules/<slug>/translate/<locale>", methods=["GET", "POST"])
def translate(slug: str, locale: str):
    found = get_module_or_404(slug)
    if locale not in LOCALES:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        values = {}
        for key in doc.text_keys(found.draft["module"]):
            raw = request.form.get("t-" + doc.key_label(key), "")
            values[key] = (
                [a.strip() for a in raw.splitlines() if a.strip()]
                if key[-1] == "answers"
                else raw.strip()
            )
        bodies = {
            item["slug"]: request.form.get("b-" + item["slug"], "")
            for item in doc.lessons(found.draft["module"])
        }
        if change_draft(
            found,
            lambda d: draft.set_translation(d, locale, values, bodies),
            _("The translation has been saved."),
            form,
        ):
            return redirect(url_for(".translate", slug=slug, locale=locale))
    language = draft.default_language(found.draft)
    return render(
        "uprest/courses/translate.html",
        module=found,
        locale=locale,
        language=language,
        form=form,
        rows=draft.translation_rows(found.draft, locale),
        bodies=[
            (
                item["slug"],
                (found.draft.get("bodies", {}).get(language) or {}).get(item["slug"], ""),
                (found.draft.get("bodies", {}).get(locale) or {}).get(item["slug"], ""),
            )
            for item in doc.lessons(found.draft["module"])
        ],
        completeness=doc.completeness(found.draft, locale),
        label=doc.key_label,
        purpose=Purposes(found.draft["module"]),
    )


@bp.post("/modules/<slug>/publish")
def publish(slug: str):
    found = get_module_or_404(slug)
    if ConfirmForm().validate_on_submit():
        incomplete = services.untranslated_locales(found)
        if incomplete and not request.form.get("confirm_incomplete"):
            flash(
                _(
                    "Not published: confirm that learners may see %(languages)s incomplete.",
                    languages=", ".join(language_name(code) for code in incomplete),
                ),
                "error",
            )
            return redirect(url_for(".module", slug=slug))
        with unit_of_work() as work:
            version = services.publish(found, user=current_user)
        if work.committed:
            flash(_("Version %(number)s has been published.", number=version.number), "success")
    return redirect(url_for(".module", slug=slug))

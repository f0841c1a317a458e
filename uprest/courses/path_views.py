"""The path editor: which published modules, in what order, required or not, and prerequisites."""

from flask import Blueprint, flash, redirect, request, url_for

from uprest.core.templating import render
from uprest.core.unit_of_work import unit_of_work
from uprest.courses import paths, services
from uprest.courses.forms import PathForm
from uprest.courses.localise import outline_text
from uprest.courses.services import get_path_or_404
from uprest.i18n import LOCALES, _, get_locale

bp = Blueprint("paths", __name__)  # nested in authoring: its prefix and trainer check


def document_from_form(form, slug: str, available: list[str]) -> dict:
    """The path document the editor's fields describe (the service checks its rules)."""
    chosen = []
    for index, module in enumerate(available):
        if form.get(f"include-{module}"):
            try:
                position = int(form.get(f"position-{module}") or 0)
            except ValueError:
                position = 0
            chosen.append((position or index + 1, index, module))
    included = {module for *_rest, module in chosen}
    modules = []
    for *_rest, module in sorted(chosen):
        entry = {"module": module, "required": bool(form.get(f"required-{module}"))}
        after = [m for m in form.getlist(f"after-{module}") if m in included and m != module]
        if after:
            entry["after"] = after
        modules.append(entry)
    try:  # a module listed before what it builds on moves after it
        order = [e.module for e in paths.ordered(paths.entries_from(modules))]
        modules.sort(key=lambda item: order.index(item["module"]))
    except paths.PathError:
        pass  # the service refuses it with a clear message
    text = {}
    for locale in LOCALES:
        fields = {key: form.get(f"{key}-{locale}", "").strip() for key in ("title", "description")}
        fields = {k: v for k, v in fields.items() if v}
        if fields:
            text[locale] = fields
    return {"path": {"slug": slug.strip().lower(), "modules": modules}, "text": text}


def _editor(path=None):
    form = PathForm()
    versions = services.latest_versions()
    locale = str(get_locale() or "en")
    available = sorted(versions)
    document = path.document if path is not None else {"path": {"modules": []}, "text": {}}
    if not form.is_submitted() and path is not None:
        form.slug.data = path.slug
    if form.validate_on_submit():
        document = document_from_form(request.form, form.slug.data, available)
        with unit_of_work(form) as work:
            saved = services.save_path(document, path)
        if work.committed:
            flash(_("The path has been saved."), "success")
            return redirect(url_for(".edit_path", slug=saved.slug))
    entries = {item["module"]: (i + 1, item) for i, item in enumerate(document["path"]["modules"])}
    return render(
        "uprest/courses/path.html",
        path=path,
        form=form,
        document=document,
        entries=entries,
        modules=[
            (
                slug,
                outline_text(versions[slug].outline, locale, versions[slug].default_language)[
                    "title"
                ],
            )
            for slug in available
        ],
        locales=LOCALES,
        minutes=services.path_minutes(path, versions) if path is not None else 0,
    )


@bp.route("/paths/new", methods=["GET", "POST"])
def new_path():
    return _editor()


@bp.route("/paths/<slug>", methods=["GET", "POST"])
def edit_path(slug: str):
    return _editor(get_path_or_404(slug))

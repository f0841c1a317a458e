"""Authoring a module's quiz: pass mark, questions of every type, feedback per answer."""

from flask import Blueprint, abort, redirect, url_for

from uprest.core.confirm import ask, is_confirmed
from uprest.core.forms import ConfirmForm
from uprest.core.numbers import parse_number
from uprest.core.templating import render
from uprest.courses import document as doc
from uprest.courses import draft
from uprest.courses.forms import (
    OPTION_ROWS,
    QUESTION_TYPE_LABELS,
    AddQuestionForm,
    PassMarkForm,
    QuestionForm,
    mark_language,
)
from uprest.courses.services import get_module_or_404
from uprest.courses.views import change_draft
from uprest.i18n import _

bp = Blueprint("quizzes", __name__)  # nested in authoring: its prefix and trainer check


def _save_settings(document: dict, form: PassMarkForm) -> None:
    draft.set_pass_mark(document, form.pass_mark.data)
    draft.set_retry_policy(document, form.max_attempts.data, form.cooldown_minutes.data or 0)


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
def quiz(slug: str):
    found = get_module_or_404(slug)
    structure = found.draft["module"]
    pass_form = PassMarkForm(prefix="pass")
    add_form = AddQuestionForm(prefix="add")
    if not pass_form.is_submitted():
        settings = structure.get("quiz") or {}
        pass_form.pass_mark.data = settings.get("pass_mark", 70)
        pass_form.max_attempts.data = settings.get("max_attempts")
        pass_form.cooldown_minutes.data = settings.get("cooldown_minutes", 0)
    if pass_form.submit.data and pass_form.validate_on_submit():
        if change_draft(
            found,
            lambda d: _save_settings(d, pass_form),
            _("The quiz settings have been saved."),
            pass_form,
        ):
            return redirect(url_for(".quiz", slug=slug))
    if add_form.submit.data and add_form.validate_on_submit():
        added = []
        if change_draft(
            found,
            lambda d: added.append(draft.add_question(d, add_form.type.data)),
            _("The question has been added. Write it now."),
            add_form,
        ):
            return redirect(url_for(".question", slug=slug, qid=added[0]))
    text = found.draft.get("text", {}).get(draft.default_language(found.draft)) or {}
    return render(
        "uprest/courses/quiz.html",
        module=found,
        questions=[
            (q, doc.get_in(text, ("quiz", q["id"], "prompt"))) for q in doc.questions(structure)
        ],
        type_labels=QUESTION_TYPE_LABELS,
        pass_form=pass_form,
        add_form=add_form,
        confirm_form=ConfirmForm(),
    )


def _fill(form: QuestionForm, item: dict, text: dict) -> None:
    q = lambda *key: doc.get_in(text, ("quiz", item["id"], *key)) or ""  # noqa: E731
    form.prompt.data = q("prompt")
    for row, option in zip(form.options, item.get("options", []), strict=False):
        row.form.id.data = option["id"]
        row.form.text.data = q("options", option["id"])
        row.form.feedback.data = q("feedback", option["id"])
        row.form.correct.data = option.get("correct") is True
    for row, pid in zip(form.pairs, item.get("pairs", []), strict=False):
        row.form.id.data = pid
        row.form.left.data = q("pairs", pid, "left")
        row.form.right.data = q("pairs", pid, "right")
    form.answer.data = "true" if item.get("answer") is True else "false"
    form.number.data = str(item.get("answer", "")) if item["type"] == "numeric" else ""
    form.tolerance.data = str(item.get("tolerance", 0))
    form.answers.data = "\n".join(q("answers") or [])
    form.feedback_correct.data = q("feedback", "correct")
    form.feedback_incorrect.data = q("feedback", "incorrect")


def _number(field, locale: str):
    value = parse_number(field.data or "0", locale)
    if value is None:
        field.errors = [*field.errors, _("Enter a number.")]
        return None
    return int(value) if value == int(value) else value


@bp.route("/modules/<slug>/quiz/<qid>", methods=["GET", "POST"])
def question(slug: str, qid: str):
    found = get_module_or_404(slug)
    item = next((q for q in doc.questions(found.draft["module"]) if q["id"] == qid), None)
    if item is None:
        abort(404)
    language = draft.default_language(found.draft)
    form = QuestionForm()
    mark_language(form, language)
    if not form.is_submitted():
        _fill(form, item, found.draft.get("text", {}).get(language) or {})
    if form.validate_on_submit():
        answer, tolerance = _number(form.number, language), _number(form.tolerance, language)
        if answer is not None and tolerance is not None:
            data = {
                "prompt": form.prompt.data,
                "options": [r.data for r in form.options],
                "pairs": [r.data for r in form.pairs],
                "answer": form.answer.data == "true",
                "tolerance": abs(tolerance),
                "answers": (form.answers.data or "").splitlines(),
                "feedback_correct": form.feedback_correct.data or "",
                "feedback_incorrect": form.feedback_incorrect.data or "",
            }
            data["answer"] = answer if item["type"] == "numeric" else data["answer"]
            if change_draft(
                found,
                lambda d: draft.update_question(d, qid, data),
                _("The question has been saved."),
                form,
            ):
                return redirect(url_for(".quiz", slug=slug))
    return render(
        "uprest/courses/question.html",
        module=found,
        item=item,
        form=form,
        type_label=QUESTION_TYPE_LABELS[item["type"]],
        rows=OPTION_ROWS,
        language=language,
    )


@bp.post("/modules/<slug>/quiz/<qid>/delete")
def delete_question(slug: str, qid: str):
    found = get_module_or_404(slug)
    if ConfirmForm().validate_on_submit():
        if not is_confirmed():
            ids = [q.get("id") for q in doc.questions(found.draft["module"])]
            if qid not in ids:
                abort(404)
            return ask(
                question=_("Remove question %(n)s?", n=ids.index(qid) + 1),
                detail=_(
                    "Its texts in every language are removed too; "
                    "versions already published keep it."
                ),
                button=_("Remove the question"),
                cancel_url=url_for(".quiz", slug=slug),
            )
        change_draft(
            found, lambda d: draft.remove_question(d, qid), _("The question has been removed.")
        )
    return redirect(url_for(".quiz", slug=slug))

"""Authoring forms (shape only; the rules live in ``draft`` and ``services``)."""

import re

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError

from uprest.core.forms import UprestForm, choices, max_length, optional, required
from uprest.i18n import _l, locale_names

QUESTION_TYPE_LABELS = {
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "true_false": _l("True or false"),
    "numeric": _l("Number (with tolerance)"),
    "short_text": _l("Short text"),
    "matching": _l("Matching pairs"),
}
COMPETENCE_LINE = re.compile(r"^([A-Z]{3}-\d{2})\s*[:\s]\s*([1-5])$")
OPTION_ROWS = 6


def minutes_field(label):
    return IntegerField(
        label,
        validators=[
            required(),
            NumberRange(1, 10000, message=_l("Enter a number from 1 to 10,000.")),
        ],
    )


def language_field():
    return SelectField(_l("Default language"), choices=choices(locale_names()))


class NewModuleForm(UprestForm):
    slug = StringField(
        _l("Short name for web addresses"),
        validators=[required(), max_length(64)],
        description=_l("Lower-case letters, digits and hyphens, e.g. online-presence."),
    )
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    default_language = language_field()
    estimated_minutes = minutes_field(_l("Estimated minutes"))
    submit = SubmitField(_l("Create module"))


class ModuleForm(UprestForm):
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    summary = TextAreaField(_l("Summary for the catalogue"), validators=[max_length(600)])
    default_language = language_field()
    estimated_minutes = minutes_field(_l("Estimated minutes"))
    competences = TextAreaField(
        _l("Competences and target levels"),
        description=_l("One per line: a framework code and a level from 1 to 5, e.g. DIG-01 3."),
    )
    submit = SubmitField(_l("Save module"))

    def validate_competences(self, field):
        from uprest.surveys.services import competence_names

        known = competence_names()
        parsed = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            match = COMPETENCE_LINE.match(line.strip().upper())
            if not match:
                raise ValidationError(
                    _l("“%(line)s” is not a code and a level like DIG-01 3.", line=line.strip())
                )
            if match.group(1) in [code for code, _ in parsed]:
                raise ValidationError(_l("%(code)s is listed twice.", code=match.group(1)))
            if match.group(1) not in known:
                raise ValidationError(
                    _l("%(code)s is not a competence of the framework.", code=match.group(1))
                )
            parsed.append((match.group(1), int(match.group(2))))
        field.parsed = parsed


class LessonForm(UprestForm):
    slug = StringField(_l("Short name for web addresses"), validators=[required(), max_length(64)])
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    minutes = minutes_field(_l("Minutes"))
    submit = SubmitField(_l("Add lesson"))


class LessonEditForm(UprestForm):
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    minutes = minutes_field(_l("Minutes"))
    body = TextAreaField(
        _l("Lesson text (Markdown)"),
        validators=[required(), max_length(50000)],
        description=_l(
            "Use # for headings, ** for bold, - for lists and ![description](address) for "
            "images. A YouTube or Vimeo link alone on a line becomes a video."
        ),
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save lesson"))


class MoveForm(UprestForm):
    direction = HiddenField()
    submit = SubmitField(_l("Move"))


class PassMarkForm(UprestForm):
    pass_mark = IntegerField(
        _l("Pass mark (percent of questions right)"),
        validators=[required(), NumberRange(0, 100, message=_l("Enter a number from 0 to 100."))],
    )
    max_attempts = IntegerField(
        _l("Attempts allowed (leave empty for no limit)"),
        validators=[optional(), NumberRange(1, 100, message=_l("Enter a number from 1 to 100."))],
    )
    cooldown_minutes = IntegerField(
        _l("Minutes to wait between attempts (0 for none)"),
        validators=[
            optional(),
            NumberRange(0, 10080, message=_l("Enter a number from 0 to 10,080 (one week).")),
        ],
    )
    submit = SubmitField(_l("Save quiz settings"))


class AddQuestionForm(UprestForm):
    type = SelectField(_l("Type of question"), choices=choices(QUESTION_TYPE_LABELS.items()))
    submit = SubmitField(_l("Add question"))


class OptionRow(Form):
    id = HiddenField()
    text = StringField(_l("Answer"), validators=[optional(), max_length(300)])
    feedback = StringField(_l("Feedback when chosen"), validators=[optional(), max_length(500)])
    correct = BooleanField(_l("Right answer"))


class PairRow(Form):
    id = HiddenField()
    left = StringField(_l("Left"), validators=[optional(), max_length(300)])
    right = StringField(_l("Matches"), validators=[optional(), max_length(300)])


class QuestionForm(UprestForm):
    prompt = TextAreaField(_l("Question"), validators=[required(), max_length(1000)])
    options = FieldList(FormField(OptionRow), min_entries=OPTION_ROWS, max_entries=OPTION_ROWS)
    pairs = FieldList(FormField(PairRow), min_entries=OPTION_ROWS, max_entries=OPTION_ROWS)
    answer = RadioField(
        _l("Right answer"),
        choices=choices([("true", _l("True")), ("false", _l("False"))]),
        validators=[optional()],
    )
    number = StringField(_l("Right answer (a number)"), validators=[optional(), max_length(40)])
    tolerance = StringField(_l("Accepted difference (±)"), validators=[optional(), max_length(40)])
    answers = TextAreaField(
        _l("Accepted answers, one per line"), validators=[optional(), max_length(2000)]
    )
    feedback_correct = StringField(_l("Feedback for a right answer"), validators=[max_length(500)])
    feedback_incorrect = StringField(
        _l("Feedback for a wrong answer"), validators=[max_length(500)]
    )
    submit = SubmitField(_l("Save question"))


class PathForm(UprestForm):
    slug = StringField(_l("Short name for web addresses"), validators=[required(), max_length(64)])
    submit = SubmitField(_l("Save path"))


def mark_language(form, language: str) -> None:
    """Content fields declare the language they are written in (for screen readers, spelling)."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                mark_language(entry.form, language)
        elif isinstance(field, StringField | TextAreaField) and not isinstance(field, HiddenField):
            field.render_kw = {**(field.render_kw or {}), "lang": language}


class Cmi5UploadForm(UprestForm):
    package = FileField(
        _l("cmi5 package (a zip with cmi5.xml, or cmi5.xml alone for AUs at web addresses)"),
        validators=[FileRequired(_l("Choose a cmi5 package to upload."))],
    )
    submit = SubmitField(_l("Add the cmi5 package"))

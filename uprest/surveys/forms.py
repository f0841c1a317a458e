"""Forms for waves and for the survey pages (shape only; the services check the rules)."""

from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from uprest.accounts.models import Sector, SizeBand
from uprest.core.forms import UprestForm, choices, max_length, optional, required
from uprest.i18n import _l
from uprest.surveys.models import LEVELS
from uprest.surveys.services import TRANSLATED_LOCALES

# WTForms' own message for a date it cannot read; listed so extraction puts it in our catalogues.
_WTFORMS_MESSAGES = (_l("Not a valid date value."),)

IMPORTANCE_LABELS = {
    1: _l("Not important"),
    2: _l("Slightly important"),
    3: _l("Important"),
    4: _l("Very important"),
    5: _l("Essential"),
}


def _date_field(label):
    return DateField(
        label,
        validators=[required()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )


class WaveForm(UprestForm):
    title = StringField(_l("Title in English"), validators=[required(), max_length(120)])
    scope = SelectField(_l("Who is asked"), coerce=int)
    opens_on = _date_field(_l("Opens on"))
    closes_on = _date_field(_l("Closes on"))
    submit = SubmitField(_l("Save the wave"))

    def translations(self) -> list:
        """The ``title_<locale>`` fields, in the order of the locales."""
        return [self[f"title_{code}"] for code in TRANSLATED_LOCALES]

    def titles(self) -> dict[str, str]:
        return {code: self[f"title_{code}"].data or "" for code in TRANSLATED_LOCALES}


# One optional title field per translated locale; labelled with the language's name in the view.
for _code in TRANSLATED_LOCALES:
    setattr(
        WaveForm,
        f"title_{_code}",
        StringField(
            _l("Title"), validators=[optional(), max_length(120)], render_kw={"lang": _code}
        ),
    )


class ProfilePageForm(UprestForm):
    sector = SelectField(
        _l("Sector"), choices=choices((s.value, s.label) for s in Sector), validators=[required()]
    )
    size_band = SelectField(
        _l("Size"), choices=choices((s.value, s.label) for s in SizeBand), validators=[required()]
    )
    comments = TextAreaField(
        _l("Anything else about your training needs (optional)"),
        validators=[optional(), max_length(2000)],
    )
    next = SubmitField(_l("Save and continue"))
    later = SubmitField(_l("Save and finish later"))


class SubmitForm(UprestForm):
    submit = SubmitField(_l("Submit my answers"))


def ratings_form(competences, framework, *, business: bool, strict: bool):
    """A page of radio groups, one (or two, for the business part) per competence.

    ``strict`` (continuing to the next page) requires every answer; saving for later does not.
    """
    level_choices = choices((level, framework.level_label(level)) for level in LEVELS)
    importance_choices = choices((level, IMPORTANCE_LABELS[level]) for level in LEVELS)

    def radio(label, options):
        check = DataRequired(message=_l("Choose one answer.")) if strict else optional()
        return RadioField(label, choices=options, coerce=int, validators=[check])

    fields = {}
    for competence in competences:
        label = _l("Level your business needs") if business else _l("Your level today")
        fields[f"level_{competence.id}"] = radio(label, level_choices)
        if business:
            fields[f"importance_{competence.id}"] = radio(
                _l("How important it is for your business"), importance_choices
            )
    fields["next"] = SubmitField(_l("Save and continue"))
    fields["later"] = SubmitField(_l("Save and finish later"))
    return type("RatingsForm", (UprestForm,), fields)


def answers_from(form, competences, *, business: bool) -> dict[int, tuple[int, int | None]]:
    """The answered radio groups of a submitted page, by competence id."""
    answers = {}
    for competence in competences:
        level = form[f"level_{competence.id}"].data
        importance = form[f"importance_{competence.id}"].data if business else None
        if level is not None:
            answers[competence.id] = (level, importance)
    return answers

"""Forms of the learning-record pages: the statement filter and LRS client credentials."""

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from uprest.core.forms import UprestForm, choices, email_address, max_length, required
from uprest.i18n import _l
from uprest.xapi.emitter import VERBS, verb_iri


class StatementFilterForm(UprestForm):
    """A GET form: filters travel in the URL, so a filtered view can be bookmarked."""

    class Meta:
        csrf = False

    learner = StringField(
        _l("Learner's e-mail address"), validators=[Optional(), email_address(), max_length(254)]
    )
    activity = StringField(_l("Activity IRI"), validators=[Optional(), max_length(2048)])
    verb = SelectField(
        _l("Verb"),
        choices=choices(
            [("", _l("Any verb"))] + [(verb_iri(key), label) for key, label in VERBS.items()]
        ),
        validators=[Optional()],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LrsClientForm(UprestForm):
    name = StringField(_l("Name"), validators=[required(), max_length(120)])
    scopes = MultiCheckboxField(
        _l("Permissions"),
        choices=choices(
            [
                ("read", _l("Read all statements")),
                ("write", _l("Write statements and documents")),
                ("read-own", _l("Read only its own statements")),
            ]
        ),
        validators=[required()],
    )
    is_trusted = BooleanField(
        _l("Trusted to report learners' progress"),
        description=_l(
            "Its statements about a learner's enrolment count towards that learner's progress"
            " and certificate. Leave unticked for content you do not control."
        ),
    )
    submit = SubmitField(_l("Create credentials"))

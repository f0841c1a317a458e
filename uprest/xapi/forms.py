"""Forms of the learning-record pages: the statement filter and LRS client credentials."""

from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from uprest.core.forms import UprestForm, choices, email_address, max_length, required
from uprest.i18n import _l
from uprest.xapi import export
from uprest.xapi.emitter import VERBS
from uprest.xapi.validation import IRI_RE, UUID_RE
from uprest.xapi.vocabulary import APP_VERBS

VERSION_CHOICES = [
    ("", _l("The default version")),
    ("1.0.3", _l("xAPI 1.0.3")),
    ("2.0.0", _l("xAPI 2.0.0")),
]


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
            [("", _l("Any verb"))] + [(APP_VERBS[key], label) for key, label in VERBS.items()]
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
    xapi_version = SelectField(
        _l("xAPI version it speaks"),
        choices=choices(VERSION_CHOICES),
        description=_l("Its requests that name no version are answered in this one."),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Create credentials"))


class ClientVersionForm(UprestForm):
    xapi_version = SelectField(
        _l("xAPI version it speaks"), choices=choices(VERSION_CHOICES), validators=[Optional()]
    )
    submit = SubmitField(_l("Save version"))


def _iri(form, field):
    if field.data and not IRI_RE.match(field.data):
        raise ValidationError(_l("Enter a full IRI, such as https://example.org/activity/1."))


class StatementExportForm(UprestForm):
    """What an admin exports for a research partner; posted, so a pseudonym key never sits in
    a URL or an access log."""

    since = DateField(_l("Stored from"), validators=[Optional()])
    until = DateField(_l("Stored up to and including"), validators=[Optional()])
    verb = StringField(_l("Verb IRI"), validators=[Optional(), max_length(2048), _iri])
    activity = StringField(_l("Activity IRI"), validators=[Optional(), max_length(2048), _iri])
    registration = StringField(_l("Registration (UUID)"), validators=[Optional(), max_length(36)])
    municipality = SelectField(_l("Learners of the municipality"), coerce=int, default=0)
    fmt = SelectField(
        _l("File format"),
        choices=choices(
            [
                ("ndjson", _l("NDJSON: one statement a line")),
                ("json", _l("JSON: one array of statements")),
            ]
        ),
        default="ndjson",
    )
    pseudonymise = BooleanField(
        _l("Pseudonymise learners"),
        default=True,
        description=_l(
            "Every person's identifier is replaced by a keyed hash and their name left out."
        ),
    )
    pseudonym_key = PasswordField(
        _l("Pseudonym key (optional)"),
        validators=[Optional(), max_length(200)],
        description=_l(
            "Give the same key again to give each person the same pseudonym as in an earlier"
            " export. Without one, pseudonyms differ in every export. The key is not stored."
        ),
    )
    submit = SubmitField(_l("Download statements"))

    def validate_registration(self, field):
        if field.data and not UUID_RE.match(field.data):
            raise ValidationError(_l("A registration is a UUID."))

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def validate_pseudonym_key(self, field):
        if field.data and len(field.data) < export.MIN_KEY_LENGTH:
            raise ValidationError(
                _l("A pseudonym key has at least %(n)s characters.", n=export.MIN_KEY_LENGTH)
            )


class ForwardingForm(UprestForm):
    is_enabled = BooleanField(_l("Forward every new statement to the external LRS"))
    url = StringField(
        _l("Address of the external LRS"),
        validators=[Optional(), max_length(2048)],
        description=_l("Its xAPI endpoint, such as https://lrs.example.org/xapi"),
    )
    key = StringField(
        _l("Key (Basic-auth user name)"),
        validators=[Optional(), max_length(255)],
        description=_l("Leave empty to keep the key saved before."),
    )
    secret = PasswordField(
        _l("Secret (Basic-auth password)"),
        validators=[Optional(), max_length(1000)],
        description=_l("Leave empty to keep the secret saved before. It is never shown again."),
    )
    submit = SubmitField(_l("Save forwarding settings"))

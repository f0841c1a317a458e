"""The base form and shared validators: every message is ours, so every message is translated."""

import re

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from uprest.core.security import is_self_checking
from uprest.i18n import _l, domain, ngettext

# Messages WTForms raises itself; listed so that extraction puts them in our catalogues.
_WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Invalid Choice: could not coerce."),
)
# WTForms' plural message (a multiple choice with unknown values); never called, only extracted.
_WTFORMS_PLURALS = (
    lambda n: ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        n,
    ),
)


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class _Translations:
    """Lets WTForms' own messages go through UPREST's gettext domain."""

    def gettext(self, string):
        return domain.gettext(string)

    def ngettext(self, singular, plural, n):
        # Unformatted: WTForms fills in its own placeholders (%(value)s), which Flask-Babel's
        # ngettext would try, and fail, to fill with only %(num)s.
        return domain.get_translations().ngettext(singular, plural, n)


# C0 controls but tab, line feed and carriage return; DEL and the C1 controls. A NUL byte can't be
# stored by PostgreSQL at all, and none of them means anything in a name or a text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]")


def refuse_control_characters() -> None:
    """Every page's query and form text is checked here once, before any view reads it.

    A search box, a name or a wave title with a NUL byte gets a translated 400 and changes
    nothing, whatever form (WTForms or not) it came from. The LRS (``/xapi/``) checks its own.
    """
    if is_self_checking():
        return
    values = [*request.args.keys(), *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values += [*request.form.keys(), *request.form.values()]
    if any(CONTROL_CHARACTERS.search(value) for value in values):
        abort(400, description="control-characters")


class UprestForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The CSRF input needs no id, and a page with several forms would repeat "csrf_token".
        if "csrf_token" in self._fields:
            self._fields["csrf_token"].id = False

    def validate(self, extra_validators=None) -> bool:
        """A one-line field never takes a line break: names end up in mail headers and CSVs."""
        valid = super().validate(extra_validators)
        for field in self:
            if (
                isinstance(field, StringField)
                and not isinstance(field, TextAreaField)
                and isinstance(field.data, str)
                and LINE_BREAKS.search(field.data)
            ):
                field.errors = [*field.errors, _l("Use a single line, without line breaks.")]
                valid = False
        return valid


def optional_int(value) -> int | None:
    """Coerces a select's value to an int, the blank "choose…" option to None."""
    return None if value in ("", None) else int(value)


def required():
    return DataRequired(message=_l("This field is required."))


def optional():
    return Optional()


def max_length(n: int):
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def email_address():
    return Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)


def attach_error(form, error) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class ConfirmForm(UprestForm):
    """A bare form for POST-only buttons, so they carry a CSRF token."""

    submit = SubmitField(_l("Confirm"))

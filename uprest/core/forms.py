"""The base form and shared validators: every message is ours, so every message is translated."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from uprest.i18n import _l, domain

# Messages WTForms raises itself; listed so that extraction puts them in our catalogues.
_WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Invalid Choice: could not coerce."),
)


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class _Translations:
    """Lets WTForms' own messages go through UPREST's gettext domain."""

    def gettext(self, string):
        return domain.gettext(string)

    def ngettext(self, singular, plural, n):
        return domain.ngettext(singular, plural, n)


class UprestForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


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

"""Forms for sign-in, profile, businesses, staff and administration (shape only)."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo

from uprest.accounts.models import Role, Sector, SizeBand
from uprest.core.forms import (
    UprestForm,
    choices,
    email_address,
    max_length,
    optional_int,
    required,
)
from uprest.i18n import LOCALES, _l, locale_names


def _locale_choices(with_automatic: bool = True):
    options = [SelectChoice("", _l("Automatic (from the browser)"))] if with_automatic else []
    return options + [
        SelectChoice(code, name, render_kw={"lang": code})
        for code, name in locale_names()
        if code in LOCALES
    ]


class LoginForm(UprestForm):
    email = EmailField(_l("E-mail address"), validators=[required(), email_address()])
    password = PasswordField(_l("Password"), validators=[required()])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Log in"))


class PasswordFields:
    password = PasswordField(_l("Password"), validators=[required(), max_length(256)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[required(), EqualTo("password", message=_l("The passwords do not match."))],
    )


def privacy_consent() -> BooleanField:
    """The box every new account ticks: the privacy notice is read and accepted."""
    return BooleanField(
        _l("I have read and accept the privacy notice"),
        validators=[DataRequired(message=_l("Please accept the privacy notice to continue."))],
    )


class RegisterForm(PasswordFields, UprestForm):
    display_name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    email = EmailField(
        _l("E-mail address"), validators=[required(), email_address(), max_length(254)]
    )
    accept_privacy = privacy_consent()
    submit = SubmitField(_l("Create account"))


class AcceptInvitationForm(PasswordFields, UprestForm):
    display_name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    accept_privacy = privacy_consent()
    submit = SubmitField(_l("Join the business"))


class JoinForm(UprestForm):
    submit = SubmitField(_l("Join the business"))


class ForgotPasswordForm(UprestForm):
    email = EmailField(_l("E-mail address"), validators=[required(), email_address()])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(PasswordFields, UprestForm):
    submit = SubmitField(_l("Save new password"))


class ProfileForm(UprestForm):
    display_name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    locale = SelectField(_l("Language"), choices=_locale_choices())
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(PasswordFields, UprestForm):
    current_password = PasswordField(_l("Current password"), validators=[required()])
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(UprestForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[required()])
    submit = SubmitField(_l("Delete my account"))


class BusinessForm(UprestForm):
    name = StringField(_l("Business name"), validators=[required(), max_length(160)])
    sector = SelectField(
        _l("Tourism sector"),
        choices=choices((s.value, s.label) for s in Sector),
        validators=[required()],
    )
    size_band = SelectField(
        _l("Size"), choices=choices((s.value, s.label) for s in SizeBand), validators=[required()]
    )
    # No municipality is preselected: the owner chooses (a blank first option, see the views).
    municipality = SelectField(_l("Municipality"), coerce=optional_int, validators=[required()])
    submit = SubmitField(_l("Save business"))


class InviteForm(UprestForm):
    email = EmailField(
        _l("E-mail address of the staff member"),
        validators=[required(), email_address(), max_length(254)],
    )
    submit = SubmitField(_l("Send invitation"))


class BulkInviteForm(UprestForm):
    addresses = TextAreaField(
        _l("E-mail addresses, one per line or separated by commas"), render_kw={"rows": 6}
    )
    file = FileField(_l("Or a CSV file with the addresses"))
    submit = SubmitField(_l("Send invitations"))


class CodeInvitationsForm(UprestForm):
    names = TextAreaField(
        _l("Names of the staff members, one per line"),
        validators=[required()],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Create invitations to print"))


class CodeForm(UprestForm):
    """Join a business with a printed code, when already signed in."""

    code = StringField(
        _l("Invitation code"),
        validators=[required(), max_length(40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Join the business"))


class CodeAccountForm(PasswordFields, CodeForm):
    """Join with a printed code and create the account: the person gives their own address."""

    display_name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    email = EmailField(
        _l("Your e-mail address"), validators=[required(), email_address(), max_length(254)]
    )
    accept_privacy = privacy_consent()


class BusinessImportForm(UprestForm):
    municipality = SelectField(_l("Municipality"), coerce=int, validators=[required()])
    file = FileField(_l("CSV file with the businesses"))
    submit = SubmitField(_l("Import and invite"))


class AdminUserForm(UprestForm):
    role = SelectField(_l("Role"), choices=choices((r.value, r.label) for r in Role))
    municipality = SelectField(_l("Municipality (for reviewers)"), coerce=int)
    business = SelectField(_l("Business (for managers and learners)"), coerce=int)
    is_enabled = BooleanField(_l("Account enabled"))
    submit = SubmitField(_l("Save user"))


class AdminNewUserForm(UprestForm):
    display_name = StringField(_l("Name"), validators=[required(), max_length(120)])
    email = EmailField(
        _l("E-mail address"), validators=[required(), email_address(), max_length(254)]
    )
    role = SelectField(_l("Role"), choices=choices((r.value, r.label) for r in Role))
    municipality = SelectField(_l("Municipality (for reviewers)"), coerce=int)
    business = SelectField(_l("Business (for managers and learners)"), coerce=int)
    locale = SelectField(_l("Language of the invitation"), choices=_locale_choices(False))
    submit = SubmitField(_l("Create and invite"))


class SetupAccountForm(PasswordFields, UprestForm):
    accept_privacy = privacy_consent()
    submit = SubmitField(_l("Save password"))


class MunicipalityForm(UprestForm):
    default_locale = SelectField(_l("Default language"), choices=_locale_choices(False))
    submit = SubmitField(_l("Save municipality"))

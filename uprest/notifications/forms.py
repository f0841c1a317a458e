"""The notification preferences form: one box per kind (shape only)."""

from wtforms import BooleanField, SubmitField

from uprest.core.forms import UprestForm
from uprest.i18n import _l
from uprest.notifications.models import NotificationKind


class PreferencesForm(UprestForm):
    submit = SubmitField(_l("Save my choices"))
    unsubscribe = SubmitField(_l("Turn off all notifications"))


for _kind in NotificationKind:
    setattr(PreferencesForm, f"kind_{_kind.value}", BooleanField(_kind.label))


def kind_fields(form: PreferencesForm) -> list:
    return [getattr(form, f"kind_{kind.value}") for kind in NotificationKind]

"""``render``: templates get UPREST's own gettext domain and locale-aware formatters."""

from flask import render_template
from flask_babel import format_date, format_datetime, format_decimal, format_percent
from flask_login import current_user

from uprest.i18n import _, country_name, get_locale, language_name, locale_names, ngettext


def _navigation() -> list[tuple[str, object]]:
    """The main menu for the current user's role, as (endpoint, label) pairs."""
    from uprest.accounts.models import Role

    if not current_user.is_authenticated:
        return [
            ("uprest.learning.catalogue", _("Catalogue")),
            ("uprest.accounts.login", _("Log in")),
            ("uprest.accounts.register", _("Register")),
        ]
    items = [
        ("uprest.core.home", _("Home")),
        ("uprest.learning.catalogue", _("Catalogue")),
        ("uprest.learning.dashboard", _("My learning")),
    ]
    if current_user.role is Role.MANAGER:
        items.append(("uprest.business.staff", _("Staff")))
    if current_user.role in (Role.TRAINER, Role.ADMIN):
        items.append(("uprest.authoring.index", _("Authoring")))
    if current_user.role in (Role.MANAGER, Role.LEARNER):
        items.append(("uprest.surveys.home", _("Skill survey")))
    if current_user.role in (Role.ADMIN, Role.TRAINER):
        items.append(("uprest.surveys.waves", _("Survey waves")))
    if current_user.role in (Role.REVIEWER, Role.ADMIN):
        items.append(("uprest.reports.index", _("Skill-gap summaries")))
        items.append(("uprest.business.pending", _("Businesses to confirm")))
    if current_user.role is Role.ADMIN:
        items += [
            ("uprest.admin.users", _("Users")),
            ("uprest.admin.businesses", _("Businesses")),
            ("uprest.admin.municipalities", _("Municipalities")),
            ("uprest.records.lrs_clients", _("LRS credentials")),
            ("uprest.records.outbox", _("Forwarding")),
        ]
    if current_user.role in (Role.TRAINER, Role.ADMIN):
        items.append(("uprest.records.statements", _("Learning records")))
    items.append(("uprest.accounts.profile", _("Profile")))
    return items


def render(template: str, **context) -> str:
    locale = str(get_locale() or "en")
    return render_template(
        template,
        _=_,
        gettext=_,
        ngettext=ngettext,
        format_date=format_date,
        format_datetime=format_datetime,
        format_number=format_decimal,
        format_percent=format_percent,
        country_name=country_name,
        language_name=language_name,
        current_locale=locale,
        language_choices=locale_names(),
        navigation=_navigation(),
        **context,
    )

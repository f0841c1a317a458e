"""The main menu: what each role reaches from every page, shown by ``base.html``."""

from flask_login import current_user

from uprest.accounts.models import Role
from uprest.i18n import _


def navigation() -> list[tuple[str, object]]:
    """The main menu for the current user's role, as (endpoint, label) pairs."""
    if not current_user.is_authenticated:
        return [
            ("uprest.learning.catalogue", _("Catalogue")),
            ("uprest.accounts.login", _("Log in")),
            ("uprest.accounts.register", _("Register")),
        ]
    items = [
        ("uprest.home.index", _("Home")),
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
        items.append(("uprest.waves.waves", _("Survey waves")))
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
    items.append(("uprest.profile.profile", _("Profile")))
    return items


def menu_context() -> dict:
    """A context processor: UPREST's pages (and, standalone, the app's error pages) get it."""
    return {"navigation": navigation()}

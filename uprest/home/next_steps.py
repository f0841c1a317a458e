"""What each role should do next: the home page's list of open tasks, each with its link.

A first-time user of any role should never land on a page that leaves them guessing; these are
the few things that are waiting for them, most pressing first, computed from the same services
the linked pages use so the home page and the page it points to never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for

from uprest.accounts import business_services
from uprest.accounts.models import Role, User
from uprest.courses import draft
from uprest.courses import services as course_services
from uprest.courses.models import Module
from uprest.i18n import _, ngettext


@dataclass
class Step:
    """One task: a sentence saying what is waiting, and a link that does it."""

    text: str
    url: str
    label: str
    lang: str | None = None  # the label's language when it stands in for a missing translation


def next_steps(user: User, *, today: date, locale: str) -> list[Step]:
    """The steps for ``user``'s role, most pressing first; empty when nothing is waiting."""
    role = user.role
    if role in (Role.LEARNER, Role.MANAGER):
        steps = _survey_steps(user, today)
        if role is Role.MANAGER and user.business is not None:
            steps += _staff_steps(user)
        return steps + _learning_steps(user, locale)
    if role is Role.TRAINER:
        return _authoring_steps() + _uncovered_steps(user)
    if role is Role.REVIEWER:
        return _reviewer_steps(user, today, _confirmation_steps(user))
    # an administrator's queues come before their authoring
    return _confirmation_steps(user) + _forwarding_steps() + _authoring_steps()


def _survey_step(wave, part: str, response, text: str, labels: tuple[str, str]) -> Step:
    """A survey part still to answer: start it, or continue where the response stopped."""
    url = url_for(
        "uprest.surveys.answer",
        wave_id=wave.id,
        part=part,
        page=response.page if response else 0,
    )
    return Step(text, url, labels[0] if response is None else labels[1])


def _survey_steps(user: User, today: date) -> list[Step]:
    from uprest.surveys.overview import survey_overview

    steps = []
    for row in survey_overview(user, today):
        if not row.is_open:
            continue
        business = row.business_response
        if row.can_answer_business and (business is None or business.submitted_at is None):
            text = _(
                "The business survey “%(wave)s” is open until %(date)s.",
                wave=row.wave.display_title,
                date=_date(row.wave.closes_on),
            )
            labels = (_("Answer the business part"), _("Continue or update the business part"))
            steps.append(_survey_step(row.wave, "business", business, text, labels))
        own = row.self_assessment
        if own is None or own.submitted_at is None:
            text = _(
                "Your self-assessment in “%(wave)s” is open until %(date)s.",
                wave=row.wave.display_title,
                date=_date(row.wave.closes_on),
            )
            labels = (
                _("Answer your self-assessment"),
                _("Continue or update your self-assessment"),
            )
            steps.append(_survey_step(row.wave, "self", own, text, labels))
    return steps


def _staff_steps(user: User) -> list[Step]:
    business = user.business
    waiting = len(business_services.pending_invitations(business))
    colleagues = sum(1 for member in business.staff if member.id != user.id)
    url = url_for("uprest.business.staff")
    if colleagues == 0 and waiting == 0:
        return [
            Step(
                _("Invite your staff, so that each of them can take the self-assessment."),
                url,
                _("Invite staff"),
            )
        ]
    if waiting:
        return [
            Step(
                ngettext(
                    "%(num)s invitation has not been accepted yet.",
                    "%(num)s invitations have not been accepted yet.",
                    waiting,
                ),
                url,
                _("See staff and invitations"),
            )
        ]
    return []


def _learning_steps(user: User, locale: str) -> list[Step]:
    from uprest.learning.overview import dashboard

    found = dashboard(user, locale)
    if found["next_step"]:
        title = found["next_step"]["next_title"]
        return [
            Step(
                _(
                    "Your next module in the path “%(path)s”.",
                    path=found["next_step"]["text"]["title"],
                ),
                url_for("uprest.learning.module", slug=found["next_step"]["next_step"]),
                title,
                title.lang if title.is_fallback else None,
            )
        ]
    if found["resume"]:
        title = found["resume"]["title"]
        return [
            Step(
                _("Continue the module you started."),
                url_for("uprest.learning.resume", slug=found["resume"]["enrolment"].module.slug),
                title,
                title.lang if title.is_fallback else None,
            )
        ]
    if not found["modules"]:
        return [
            Step(
                _("You have not started a module yet."),
                url_for("uprest.learning.catalogue"),
                _("Browse the catalogue."),
            )
        ]
    return []


def _authoring_steps() -> list[Step]:
    modules = course_services.list_modules()
    steps = []
    drafts = [m for m, version in modules if course_services.has_unpublished_changes(m, version)]
    if drafts:
        steps.append(
            Step(
                ngettext(
                    "%(num)s module has changes that are not published yet.",
                    "%(num)s modules have changes that are not published yet.",
                    len(drafts),
                ),
                url_for("uprest.authoring.index"),
                _("See the modules"),
            )
        )
    for module, _version in modules:
        missing = course_services.untranslated_locales(module)
        if missing:
            steps.append(
                Step(
                    _(
                        "“%(module)s” is not fully translated into: %(languages)s.",
                        module=module_title(module),
                        languages=", ".join(_language(c) for c in missing),
                    ),
                    url_for("uprest.authoring.translate", slug=module.slug, locale=missing[0]),
                    _("Translate the module"),
                )
            )
    return steps


def module_title(module: Module) -> str:
    """The draft's title in its default language (the authoring pages' name for it)."""
    text = module.draft.get("text", {}).get(draft.default_language(module.draft), {})
    return text.get("title") or module.slug


def _uncovered_steps(user: User) -> list[Step]:
    """Gaps no module covers, for the trainer's municipality, or for every municipality when
    the trainer works for the whole consortium (no municipality of their own)."""
    from uprest.reports.uncovered import uncovered_gaps
    from uprest.surveys.recommend import catalogue_modules

    own = user.home_municipality
    places = [own] if own is not None else business_services.list_municipalities()
    catalogue = catalogue_modules()
    steps = []
    for place in places:
        found = uncovered_gaps(place, catalogue)
        if found is None or not found.competences:
            continue
        steps.append(
            Step(
                _(
                    "Uncovered gaps in %(municipality)s, which no module covers at the level "
                    "needed: %(competences)s.",
                    municipality=place.name,
                    competences=", ".join(c.name for c in found.competences),
                ),
                url_for("uprest.authoring.new_module"),
                _("Create a module"),
            )
        )
    return steps


def _confirmation_steps(user: User) -> list[Step]:
    waiting = len(business_services.pending_businesses(user))
    if not waiting:
        return []
    return [
        Step(
            ngettext(
                "%(num)s business is waiting to be confirmed.",
                "%(num)s businesses are waiting to be confirmed.",
                waiting,
            ),
            url_for("uprest.business.pending"),
            _("Confirm businesses"),
        )
    ]


def _reviewer_steps(user: User, today: date, confirmations: list[Step]) -> list[Step]:
    """The newest published summary first, then the businesses to confirm, then the
    municipality's overview."""
    from uprest.surveys.services import waves_for_municipality

    if user.municipality_id is None:
        return confirmations
    closed = [w for w in waves_for_municipality(user.municipality_id) if w.is_closed_on(today)]
    steps = []
    if closed:
        newest = max(closed, key=lambda w: (w.closes_on, w.id))
        steps.append(
            Step(
                _(
                    "The summary of “%(wave)s”, which closed on %(date)s, is published.",
                    wave=newest.display_title,
                    date=_date(newest.closes_on),
                ),
                url_for(
                    "uprest.reports.summary_page",
                    municipality_id=user.municipality_id,
                    wave_id=newest.id,
                ),
                _("Read the summary"),
            )
        )
    steps += confirmations
    steps.append(
        Step(
            _("How many businesses of your municipality have registered, by sector and size."),
            url_for("uprest.accounts.municipality"),
            _("See your municipality"),
        )
    )
    return steps


def _forwarding_steps() -> list[Step]:
    from uprest.xapi.forwarder import counts

    dead = counts()["dead"]
    if not dead:
        return []
    return [
        Step(
            ngettext(
                "%(num)s learning record could not be forwarded and waits for you.",
                "%(num)s learning records could not be forwarded and wait for you.",
                dead,
            ),
            url_for("uprest.records.outbox"),
            _("See the forwarding queue"),
        )
    ]


def _date(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, "medium")


def _language(code: str) -> str:
    from uprest.i18n import language_name

    return language_name(code)

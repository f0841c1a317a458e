"""The municipality dashboard: survey response, training uptake and the newest gaps.

Everything here is a count over groups of businesses and follows the summaries' disclosure
rule (``core.disclosure``): the uptake table's sectors are protected together with the
municipality total, so no withheld sector can be recomputed from the others; a municipality
with fewer than ``threshold`` confirmed businesses shows no uptake at all. Response counts say
how many businesses answered, never which, and reveal nothing of any answer.

Uptake is shown as of the end of the previous calendar month, and counts only enrolments
started after the business was confirmed: a reviewer who confirms a business and reloads the
page learns nothing of that business's training, and two views within a month never differ.
Only staff of confirmed businesses count (the programme's unit is the business).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from uprest.accounts.models import Business, Municipality, Sector, User
from uprest.core import disclosure
from uprest.core.time import utcnow
from uprest.courses.models import Module, ModuleVersion
from uprest.courses.services import outline_text
from uprest.extensions import db
from uprest.i18n import get_locale
from uprest.learning.models import Enrolment
from uprest.reports.services import Summary, is_published, summary, thresholds
from uprest.surveys.models import BusinessResponse, SurveyWave
from uprest.surveys.services import waves_for_municipality


@dataclass(frozen=True)
class WaveResponse:
    """How many of the municipality's confirmed businesses answered a wave's business part."""

    wave: SurveyWave
    invited: int
    answered: int
    is_open: bool

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


@dataclass(frozen=True)
class Uptake:
    enrolled: int
    completed: int
    certified: int


@dataclass
class UptakeRow:
    slug: str
    title: str
    total: Uptake | None  # None: withheld
    by_sector: dict[Sector, Uptake | None] = field(default_factory=dict)


@dataclass
class UptakeTable:
    as_of: date  # counts up to the start of this day (the first of the current month)
    sectors: list[Sector]
    rows: list[UptakeRow]
    withheld: bool  # the whole table: too few confirmed businesses in the municipality
    any_withheld: bool

    @property
    def counted_until(self) -> date:
        """The last day the counts include."""
        return self.as_of - timedelta(days=1)


@dataclass
class Dashboard:
    municipality: Municipality
    threshold: int
    responses: list[WaveResponse]
    uptake: UptakeTable
    latest: Summary | None  # the newest published wave's figures


def _confirmed_by(moment: datetime):
    return sa.and_(Business.confirmed_at.is_not(None), Business.confirmed_at <= moment)


def response_rates(municipality: Municipality) -> list[WaveResponse]:
    """Per wave that has opened (newest first): the businesses confirmed by its close (by
    now while it is open), and how many of them submitted the business part."""
    now = utcnow()
    result = []
    for wave in waves_for_municipality(municipality.id):
        if wave.opens_on > now.date():
            continue  # not yet open: nobody could have answered
        is_open = not is_published(wave, now.date())
        moment = now if is_open else datetime.combine(wave.closes_on, time.max)
        eligible = sa.and_(Business.municipality_id == municipality.id, _confirmed_by(moment))
        invited = db.session.scalar(sa.select(sa.func.count(Business.id)).where(eligible))
        answered = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(BusinessResponse.business_id)))
            .join(Business, Business.id == BusinessResponse.business_id)
            .where(
                eligible,
                BusinessResponse.wave_id == wave.id,
                BusinessResponse.submitted_at.is_not(None),
            )
        )
        result.append(WaveResponse(wave, invited or 0, answered or 0, is_open))
    return result


def _module_titles() -> dict[int, tuple[str, str]]:
    locale = str(get_locale() or "en")
    versions = db.session.execute(
        sa.select(
            ModuleVersion.module_id,
            Module.slug,
            ModuleVersion.outline,
            ModuleVersion.default_language,
        )
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(ModuleVersion.is_latest.is_(True))
    )
    return {
        module_id: (slug, outline_text(outline, locale, default)["title"])
        for module_id, slug, outline, default in versions
    }


def withheld_sectors(businesses: dict[Sector, int], threshold: int) -> set[Sector] | None:
    """The sectors whose uptake is withheld, or None when the whole table is (too few
    businesses). A one-way table: the total is published, so the withheld sectors are
    protected together with it (``disclosure.protect``)."""
    present = [s for s, n in businesses.items() if n > 0]
    cells = {s: frozenset({s}) for s in present}
    cells["total"] = frozenset(present)
    hidden = disclosure.protect(businesses, cells, threshold, frozenset({"total"}))
    if not present or "total" in hidden:
        return None
    return hidden


def month_start(today: date) -> date:
    return today.replace(day=1)


def uptake(municipality: Municipality, threshold: int, today: date | None = None) -> UptakeTable:
    """Enrolments, completions and certificates per module and sector of the staff of the
    municipality's confirmed businesses, as of the start of this month, with the sectors'
    disclosure pattern applied."""
    as_of = month_start(today or utcnow().date())
    cutoff = datetime.combine(as_of, time.min)
    confirmed = sa.and_(
        Business.municipality_id == municipality.id,
        Business.confirmed_at.is_not(None),
        Business.confirmed_at < cutoff,
    )
    businesses = dict(
        db.session.execute(
            sa.select(Business.sector, sa.func.count(Business.id))
            .where(confirmed)
            .group_by(Business.sector)
        ).all()
    )
    sectors = [s for s in Sector if businesses.get(s)]
    hidden = withheld_sectors(businesses, threshold)
    table_withheld = hidden is None
    hidden = hidden or set()
    done = Enrolment.completed_at < cutoff
    counts = db.session.execute(
        sa.select(
            Enrolment.module_id,
            Business.sector,
            sa.func.count(Enrolment.id),
            sa.func.count(Enrolment.id).filter(done),
            sa.func.count(Enrolment.certificate_code).filter(done),
        )
        .join(User, User.id == Enrolment.user_id)
        .join(Business, Business.id == User.business_id)
        .where(
            confirmed,
            Enrolment.started_at < cutoff,
            Enrolment.started_at >= Business.confirmed_at,
        )
        .group_by(Enrolment.module_id, Business.sector)
    ).all()
    per_module: dict[int, dict[Sector, Uptake]] = {}
    for module_id, sector, enrolled, completed, certified in counts:
        per_module.setdefault(module_id, {})[sector] = Uptake(enrolled, completed, certified)
    titles = _module_titles()
    rows = []
    for module_id, by_sector in per_module.items():
        slug, title = titles.get(module_id, ("", ""))
        if table_withheld:
            rows.append(UptakeRow(slug, title, None, {s: None for s in sectors}))
            continue
        total = Uptake(
            *(
                sum(getattr(u, f) for u in by_sector.values())
                for f in ("enrolled", "completed", "certified")
            )
        )
        shown = {s: None if s in hidden else by_sector.get(s, Uptake(0, 0, 0)) for s in sectors}
        rows.append(UptakeRow(slug, title, total, shown))
    rows.sort(key=lambda r: (-(r.total.enrolled if r.total else 0), str(r.title)))
    any_withheld = table_withheld or bool(hidden)
    return UptakeTable(as_of, sectors, rows, table_withheld, any_withheld)


def dashboard(municipality: Municipality) -> Dashboard:
    threshold, _distribution = thresholds()
    responses = response_rates(municipality)
    published = [r.wave for r in responses if not r.is_open]
    latest = summary(published[0], municipality) if published else None
    return Dashboard(
        municipality=municipality,
        threshold=threshold,
        responses=responses,
        uptake=uptake(municipality, threshold),
        latest=latest,
    )

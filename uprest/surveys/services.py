"""Rules for survey waves and for answering: who may answer what, saving pages, submitting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from uprest.accounts.models import Business, Municipality, Role, Sector, SizeBand, User
from uprest.core.errors import ServiceError
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.i18n import LOCALES, _l
from uprest.surveys import gaps
from uprest.surveys.framework import competence_names as competence_names
from uprest.surveys.framework import competences_by_code as competences_by_code
from uprest.surveys.framework import latest_framework as latest_framework
from uprest.surveys.framework import sync_framework
from uprest.surveys.models import (
    LEVELS,
    BusinessRating,
    BusinessResponse,
    Competence,
    CompetenceArea,
    Part,
    SelfAssessment,
    SelfRating,
    SurveyWave,
)
from uprest.surveys.recommend import ModuleTag as ModuleTag
from uprest.surveys.recommend import uncovered as uncovered_gaps  # noqa: F401 (re-exported)
from uprest.surveys.scoring import GAP_THRESHOLD as GAP_THRESHOLD
from uprest.surveys.scoring import GapScore as GapScore
from uprest.surveys.scoring import priority_order as priority_order

# --- waves -----------------------------------------------------------------------------------


def _check_wave(title: str, opens_on: date, closes_on: date) -> str:
    title = title.strip()
    if not title:
        raise ServiceError(_l("This field is required."), field="title")
    if closes_on < opens_on:
        raise ServiceError(_l("The wave cannot close before it opens."), field="closes_on")
    return title


TRANSLATED_LOCALES = tuple(code for code in LOCALES if code != "en")


def _check_titles(titles: dict[str, str] | None) -> dict[str, str]:
    """The filled-in translations of a wave's title, by locale (blank ones are dropped)."""
    result = {}
    for code, text in (titles or {}).items():
        text = (text or "").strip()
        if code not in TRANSLATED_LOCALES or not text:
            continue
        if len(text) > 120:
            raise ServiceError(
                _l("Use at most %(max)d characters.", max=120), field=f"title_{code}"
            )
        result[code] = text
    return result


def open_wave(
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    municipality: Municipality | None,
    created_by: User | None,
    titles: dict[str, str] | None = None,
) -> SurveyWave:
    """A new wave on the current framework (stored anew first if the framework file changed)."""
    title = _check_wave(title, opens_on, closes_on)
    framework, _created = sync_framework()
    wave = SurveyWave(
        title=title,
        titles=_check_titles(titles),
        framework=framework,
        municipality=municipality,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=created_by,
    )
    db.session.add(wave)
    db.session.flush()
    return wave


def update_wave(
    wave: SurveyWave,
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    titles: dict[str, str] | None = None,
) -> None:
    """Dates and title only: the framework and the audience are fixed once a wave exists, and
    a closed wave's dates too (its figures are published; reopening it would let new answers
    be subtracted from them)."""
    title = _check_wave(title, opens_on, closes_on)
    if wave.is_closed_on(utcnow().date()) and (opens_on, closes_on) != (
        wave.opens_on,
        wave.closes_on,
    ):
        raise ServiceError(
            _l("This wave has closed and its figures are published: its dates cannot change."),
            field="closes_on",
        )
    wave.title = title
    if titles is not None:
        wave.titles = _check_titles(titles)
    wave.opens_on = opens_on
    wave.closes_on = closes_on
    db.session.flush()


def get_wave_or_404(wave_id: int) -> SurveyWave:
    """A survey wave; any role that reaches a survey page may know that a wave exists."""
    return db.session.get(SurveyWave, wave_id) or abort(404)


def get_reachable_wave_or_404(wave_id: int, municipality_id: int | None) -> SurveyWave:
    """A wave that reached the municipality (its own or consortium-wide); others are 404."""
    wave = get_wave_or_404(wave_id)
    if wave.municipality_id not in (None, municipality_id):
        abort(404)
    return wave


def list_waves() -> list[SurveyWave]:
    return list(
        db.session.scalars(
            sa.select(SurveyWave)
            .options(selectinload(SurveyWave.municipality), selectinload(SurveyWave.framework))
            .order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
        )
    )


def _for_municipality(query, municipality_id: int | None):
    return query.where(
        sa.or_(SurveyWave.municipality_id.is_(None), SurveyWave.municipality_id == municipality_id)
    )


def waves_for_municipality(municipality_id: int) -> list[SurveyWave]:
    """Every wave that reached the municipality (its own and consortium-wide), newest first."""
    query = sa.select(SurveyWave).order_by(SurveyWave.opens_on.desc(), SurveyWave.id.desc())
    return list(db.session.scalars(_for_municipality(query, municipality_id)))


def wave_reaches(wave: SurveyWave, business: Business) -> bool:
    return wave.municipality_id in (None, business.municipality_id)


# --- answering -------------------------------------------------------------------------------


def may_answer(user: User, part: Part) -> bool:
    if user.business is None:
        return False
    if part is Part.BUSINESS:
        return user.role is Role.MANAGER
    return user.role in (Role.MANAGER, Role.LEARNER)


def areas_of(wave: SurveyWave) -> list[CompetenceArea]:
    return list(
        db.session.scalars(
            sa.select(CompetenceArea)
            .where(CompetenceArea.framework_id == wave.framework_id)
            .options(selectinload(CompetenceArea.competences))
            .order_by(CompetenceArea.position)
        )
    )


@dataclass(frozen=True)
class Page:
    """One page of a part: the profile (business part, page 0) or one competence area."""

    number: int
    area: CompetenceArea | None


def pages_of(wave: SurveyWave, part: Part) -> list[Page]:
    areas = areas_of(wave)
    first = [Page(0, None)] if part is Part.BUSINESS else []
    offset = len(first)
    return first + [Page(offset + i, area) for i, area in enumerate(areas)]


def find_response(wave: SurveyWave, user: User, part: Part):
    if part is Part.BUSINESS:
        return db.session.scalar(
            sa.select(BusinessResponse).where(
                BusinessResponse.wave_id == wave.id,
                BusinessResponse.business_id == user.business_id,
            )
        )
    return db.session.scalar(
        sa.select(SelfAssessment).where(
            SelfAssessment.wave_id == wave.id, SelfAssessment.user_id == user.id
        )
    )


def _check_can_answer(wave: SurveyWave, user: User, part: Part, today: date) -> None:
    if not may_answer(user, part) or not wave_reaches(wave, user.business):
        raise ServiceError(_l("This survey is not for you."))
    if not wave.is_open_on(today):
        raise ServiceError(_l("This survey wave is closed; answers can no longer be changed."))


def start_response(wave: SurveyWave, user: User, part: Part, today: date):
    """The respondent's response for the wave, created on first use (one per respondent)."""
    _check_can_answer(wave, user, part, today)
    response = find_response(wave, user, part)
    if response is not None:
        return response
    business = user.business
    if part is Part.BUSINESS:
        response = BusinessResponse(
            wave=wave,
            business=business,
            answered_by_id=user.id,
            sector=business.sector,
            size_band=business.size_band,
        )
    else:
        response = SelfAssessment(wave=wave, user=user, business_id=business.id)
    db.session.add(response)
    db.session.flush()
    return response


def save_profile(
    response: BusinessResponse, *, sector: Sector, size_band: SizeBand, comments: str | None
) -> None:
    response.sector = sector
    response.size_band = size_band
    response.comments = (comments or "").strip() or None
    response.page = max(response.page, 1)
    _changed(response)


def ratings_of(response) -> dict[int, tuple[int, int | None]]:
    """Saved answers by competence id: (required, importance) or (current, None)."""
    if isinstance(response, BusinessResponse):
        return {r.competence_id: (r.required, r.importance) for r in response.ratings}
    return {r.competence_id: (r.current, None) for r in response.ratings}


def save_ratings(
    response, competences: list[Competence], answers: dict[int, tuple[int, int | None]], page: int
) -> None:
    """Store one page's answers (a partial page is kept when saving for later)."""
    wanted = {c.id for c in competences}
    existing = {r.competence_id: r for r in response.ratings}
    for competence_id, (level, importance) in answers.items():
        if competence_id not in wanted or level not in LEVELS:
            raise ServiceError(_l("Choose a level from 1 to 5."))
        if importance is not None and importance not in LEVELS:
            raise ServiceError(_l("Choose a level from 1 to 5."))
        rating = existing.get(competence_id)
        if isinstance(response, BusinessResponse):
            if rating is None:
                rating = BusinessRating(competence_id=competence_id)
                response.ratings.append(rating)
            rating.required, rating.importance = level, importance
        else:
            if rating is None:
                rating = SelfRating(competence_id=competence_id)
                response.ratings.append(rating)
            rating.current = level
    response.page = max(response.page, page)
    response.updated_at = utcnow()
    _changed(response)


def _changed(response) -> None:
    """A submitted response that changes (answering again) updates the summaries at once."""
    db.session.flush()
    if response.submitted_at is not None:
        gaps.refresh(response.wave_id, response.business_id)


def missing_competences(response, wave: SurveyWave) -> list[Competence]:
    """Competences without a complete answer (all of them when nothing is saved yet)."""
    answered = ratings_of(response) if response is not None else {}
    return [
        c
        for area in areas_of(wave)
        for c in area.competences
        if c.id not in answered
        or (isinstance(response, BusinessResponse) and answered[c.id][1] is None)
    ]


def submit(response, wave: SurveyWave, today: date) -> None:
    """Mark the response complete; answering again later updates it and submits it anew."""
    if not wave.is_open_on(today):
        raise ServiceError(_l("This survey wave is closed; answers can no longer be changed."))
    if missing_competences(response, wave):
        raise ServiceError(_l("Some competences have no answer yet. Please answer every one."))
    response.submitted_at = utcnow()
    _changed(response)
    _record_completion(response, wave)


def _record_completion(response, wave: SurveyWave) -> None:
    """The submission becomes an xAPI statement that says only "completed".

    The levels stay in the survey tables: statements are shown to trainers by learner name and
    forwarded to other LRSs, and a person's self-ratings belong in neither.
    """
    from uprest.xapi.services import emit, iris, vocabulary

    if isinstance(response, SelfAssessment):
        user_id = response.user_id
        activity = iris.build(iris.Kind.SELF_ASSESSMENT, wave.id)
    else:
        user_id = response.answered_by_id
        activity = iris.build(iris.Kind.BUSINESS_SURVEY, wave.id, response.business_id)
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        return
    emit(
        user=user,
        verb="completed",
        activity=activity,
        name={"en": wave.title},
        activity_type=vocabulary.ASSESSMENT_TYPE,
        result={"completion": True},
    )


def export_for_user(user: User) -> list[dict]:
    """The user's own self-assessments, for the personal data download."""
    assessments = db.session.scalars(
        sa.select(SelfAssessment)
        .where(SelfAssessment.user_id == user.id)
        .options(selectinload(SelfAssessment.ratings), selectinload(SelfAssessment.wave))
        .order_by(SelfAssessment.id)
    )
    codes = dict(db.session.execute(sa.select(Competence.id, Competence.code)).all())
    return [
        {
            "wave": a.wave.title,
            "submitted_at": a.submitted_at.isoformat() + "Z" if a.submitted_at else None,
            "current_proficiency": {codes[r.competence_id]: r.current for r in a.ratings},
        }
        for a in assessments
    ]

"""A business's gap profile for one wave: its required levels against its staff's, combined."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from uprest.accounts.models import Business, User
from uprest.extensions import db
from uprest.surveys import recommend, scoring
from uprest.surveys.models import (
    BusinessRating,
    BusinessResponse,
    Competence,
    SelfAssessment,
    SelfRating,
    SurveyWave,
)


@dataclass
class GapProfile:
    business_part_done: bool
    staff_answered: int
    scores: list[scoring.GapScore] = field(default_factory=list)
    competences: dict[str, Competence] = field(default_factory=dict)
    to_train: list[scoring.GapScore] = field(default_factory=list)
    modules: list[recommend.Recommendation] = field(default_factory=list)
    uncovered: list[scoring.GapScore] = field(default_factory=list)  # no module suits them
    has_catalogue: bool = False

    @property
    def ready(self) -> bool:
        return self.business_part_done and self.staff_answered > 0

    def standing(self, gap: scoring.GapScore) -> scoring.Standing:
        """The row's label agrees with the list of competences to train above it."""
        return scoring.standing(gap, is_priority=any(g.code == gap.code for g in self.to_train))


def _required(wave: SurveyWave, business: Business) -> tuple[bool, dict, dict]:
    rows = db.session.execute(
        sa.select(Competence.code, BusinessRating.required, BusinessRating.importance)
        .join(BusinessRating, BusinessRating.competence_id == Competence.id)
        .join(BusinessResponse, BusinessResponse.id == BusinessRating.response_id)
        .where(
            BusinessResponse.wave_id == wave.id,
            BusinessResponse.business_id == business.id,
            BusinessResponse.submitted_at.is_not(None),
        )
    ).all()
    return bool(rows), {c: r for c, r, _i in rows}, {c: i for c, _r, i in rows}


def _staff(wave: SurveyWave, business: Business, user: User | None = None) -> list[dict]:
    query = (
        sa.select(SelfAssessment.id, Competence.code, SelfRating.current)
        .join(SelfRating, SelfRating.assessment_id == SelfAssessment.id)
        .join(Competence, Competence.id == SelfRating.competence_id)
        .where(
            SelfAssessment.wave_id == wave.id,
            SelfAssessment.business_id == business.id,
            SelfAssessment.submitted_at.is_not(None),
        )
    )
    if user is not None:
        query = query.where(SelfAssessment.user_id == user.id)
    staff: dict[int, dict[str, int]] = {}
    for assessment_id, code, current in db.session.execute(query):
        staff.setdefault(assessment_id, {})[code] = current
    return list(staff.values())


def gap_profile(wave: SurveyWave, business: Business, user: User | None = None) -> GapProfile:
    """The business's profile (all submitted staff), or one person's when ``user`` is given."""
    done, required, importance = _required(wave, business)
    staff = _staff(wave, business, user)
    profile = GapProfile(business_part_done=done, staff_answered=len(staff))
    if not profile.ready:
        return profile
    profile.scores = scoring.business_profile(required, importance, staff)
    profile.competences = {c.code: c for c in wave.framework.competences}
    profile.to_train = recommend.competences_to_train(profile.scores)
    catalogue = recommend.catalogue_modules()
    profile.has_catalogue = bool(catalogue)
    profile.modules = recommend.recommend_modules(profile.scores, catalogue)
    profile.uncovered = recommend.uncovered(profile.to_train, catalogue) if catalogue else []
    return profile

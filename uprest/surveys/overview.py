"""What a respondent sees on the survey list: each wave for their business and their progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from uprest.accounts.models import Role, User
from uprest.extensions import db
from uprest.surveys.models import BusinessResponse, SelfAssessment, SurveyWave


@dataclass
class WaveRow:
    wave: SurveyWave
    is_open: bool
    business_response: BusinessResponse | None
    self_assessment: SelfAssessment | None
    can_answer_business: bool


def survey_overview(user: User, today: date) -> list[WaveRow]:
    """Open waves, and closed ones the user or their business answered (three queries)."""
    business = user.business
    if business is None:
        return []
    waves = list(
        db.session.scalars(
            sa.select(SurveyWave)
            .where(
                sa.or_(
                    SurveyWave.municipality_id.is_(None),
                    SurveyWave.municipality_id == business.municipality_id,
                ),
                SurveyWave.opens_on <= today,
            )
            .order_by(SurveyWave.closes_on.desc(), SurveyWave.id.desc())
        )
    )
    ids = [w.id for w in waves]
    answered = {
        r.wave_id: r
        for r in db.session.scalars(
            sa.select(BusinessResponse).where(
                BusinessResponse.business_id == business.id, BusinessResponse.wave_id.in_(ids)
            )
        )
    }
    own = {
        a.wave_id: a
        for a in db.session.scalars(
            sa.select(SelfAssessment).where(
                SelfAssessment.user_id == user.id, SelfAssessment.wave_id.in_(ids)
            )
        )
    }
    rows = []
    for wave in waves:
        is_open = wave.is_open_on(today)
        if not is_open and wave.id not in answered and wave.id not in own:
            continue
        rows.append(
            WaveRow(
                wave, is_open, answered.get(wave.id), own.get(wave.id), user.role is Role.MANAGER
            )
        )
    return rows

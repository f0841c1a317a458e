"""Keeps the ``business_gaps`` projection, and the summary cells summed from it, in step with
submitted responses, in SQL.

Only confirmed businesses enter it. A closed wave's cells are published figures: what happens
to one business afterwards (a late confirmation, an erasure) leaves them as they are, since two
versions of a figure would give that business away (``core.disclosure``, rule 4). Erasure
still removes every personal row; the cells hold only anonymous sums.
"""

from __future__ import annotations

import sqlalchemy as sa

from uprest.accounts.models import Business
from uprest.accounts.signals import business_confirmed
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.surveys import gap_cells
from uprest.surveys.models import (
    BusinessGap,
    BusinessRating,
    BusinessResponse,
    Competence,
    SelfAssessment,
    SelfRating,
    SurveyWave,
)


def _units(wave_id: int, business_id: int | None = None):
    """SELECT of the projection's rows: required levels joined to the staff's mean ratings."""
    staff = (
        sa.select(
            SelfAssessment.business_id,
            SelfRating.competence_id,
            sa.func.avg(SelfRating.current).label("current"),
            sa.func.count().label("staff"),
        )
        .join(SelfRating, SelfRating.assessment_id == SelfAssessment.id)
        .where(SelfAssessment.wave_id == wave_id, SelfAssessment.submitted_at.is_not(None))
        .group_by(SelfAssessment.business_id, SelfRating.competence_id)
    )
    if business_id is not None:
        staff = staff.where(SelfAssessment.business_id == business_id)
    staff = staff.subquery("staff")
    current = sa.cast(staff.c.current, sa.Float)
    query = (
        sa.select(
            BusinessResponse.wave_id,
            BusinessResponse.business_id,
            BusinessRating.competence_id,
            Competence.code,
            Business.municipality_id,
            BusinessResponse.sector,
            BusinessResponse.size_band,
            BusinessRating.required,
            BusinessRating.importance,
            current,
            BusinessRating.required - current,
            staff.c.staff,
        )
        .join(BusinessRating, BusinessRating.response_id == BusinessResponse.id)
        .join(Competence, Competence.id == BusinessRating.competence_id)
        .join(Business, Business.id == BusinessResponse.business_id)
        .join(
            staff,
            sa.and_(
                staff.c.business_id == BusinessResponse.business_id,
                staff.c.competence_id == BusinessRating.competence_id,
            ),
        )
        .where(
            BusinessResponse.wave_id == wave_id,
            BusinessResponse.submitted_at.is_not(None),
            Business.confirmed_at.is_not(None),
        )
    )
    if business_id is not None:
        query = query.where(BusinessResponse.business_id == business_id)
    return query


COLUMNS = [
    "wave_id",
    "business_id",
    "competence_id",
    "code",
    "municipality_id",
    "sector",
    "size_band",
    "required",
    "importance",
    "current",
    "gap",
    "staff",
]


def _closed_waves():
    return sa.select(SurveyWave.id).where(SurveyWave.closes_on < utcnow().date())


def refresh(wave_id: int, business_id: int | None = None) -> None:
    """Rebuild the projection for one business in a wave (or the whole wave), and its cells.

    One business's rows in a closed wave stay as they are; a whole wave is rebuilt always
    (seeding, repairs by an operator)."""
    table = BusinessGap.__table__
    if business_id is not None and db.session.scalar(
        sa.select(sa.exists(_closed_waves().where(SurveyWave.id == wave_id)))
    ):
        return
    delete = sa.delete(table).where(table.c.wave_id == wave_id)
    insert = sa.insert(table).from_select(COLUMNS, _units(wave_id, business_id))
    if business_id is None:
        db.session.execute(delete)
        db.session.execute(insert)
        gap_cells.rebuild(wave_id)
        return
    removed = db.session.execute(
        delete.where(table.c.business_id == business_id).returning(*gap_cells.ROW)
    ).all()
    added = db.session.execute(insert.returning(*gap_cells.ROW)).all()
    gap_cells.move(removed, added)


def forget_business(business_id: int) -> None:
    """Before a business is deleted: its rows leave the projection and the summary cells."""
    table = BusinessGap.__table__
    removed = db.session.execute(
        sa.delete(table)
        .where(table.c.business_id == business_id, table.c.wave_id.not_in(_closed_waves()))
        .returning(*gap_cells.ROW)
    ).all()
    gap_cells.move(removed, [])


@business_confirmed.connect
def confirmed(business: Business) -> None:
    """A business just confirmed: its answers to waves still open join the summaries."""
    waves = db.session.scalars(
        sa.select(BusinessResponse.wave_id)
        .where(BusinessResponse.business_id == business.id)
        .distinct()
    ).all()
    for wave_id in waves:
        refresh(wave_id, business.id)


def refresh_for_user(user_id: int) -> None:
    """After a person's self-assessments are gone, their businesses' gaps must forget them."""
    pairs = db.session.execute(
        sa.select(SelfAssessment.wave_id, SelfAssessment.business_id)
        .where(SelfAssessment.user_id == user_id)
        .distinct()
    ).all()
    db.session.execute(sa.delete(SelfAssessment).where(SelfAssessment.user_id == user_id))
    for wave_id, business_id in pairs:
        refresh(wave_id, business_id)

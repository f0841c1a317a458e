"""Keeps the ``business_gaps`` projection, and the summary cells summed from it, in step with
submitted responses, in SQL."""

from __future__ import annotations

import sqlalchemy as sa

from uprest.accounts.models import Business
from uprest.extensions import db
from uprest.surveys import gap_cells
from uprest.surveys.models import (
    BusinessGap,
    BusinessRating,
    BusinessResponse,
    Competence,
    SelfAssessment,
    SelfRating,
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
        .where(BusinessResponse.wave_id == wave_id, BusinessResponse.submitted_at.is_not(None))
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


def refresh(wave_id: int, business_id: int | None = None) -> None:
    """Rebuild the projection for one business in a wave (or the whole wave), and its cells."""
    table = BusinessGap.__table__
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
        sa.delete(table).where(table.c.business_id == business_id).returning(*gap_cells.ROW)
    ).all()
    gap_cells.move(removed, [])


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

"""What surveys add to accounts' events: a person's self-assessments in their data export and
gone on erasure, a business's gap figures forgotten before the business is deleted, and no
move to another municipality once its answers count in the summaries."""

import sqlalchemy as sa

from uprest.accounts.signals import (
    account_erasing,
    business_closing,
    business_moving,
    personal_data_export,
)
from uprest.extensions import db
from uprest.i18n import _l
from uprest.surveys import gaps
from uprest.surveys.models import BusinessResponse, SelfAssessment
from uprest.surveys.services import export_for_user


@personal_data_export.connect
def export_self_assessments(user):
    return "survey_self_assessments", export_for_user(user)


@account_erasing.connect
def erase_self_assessments(user):
    """Their self-assessments go, and their businesses' gap figures are recomputed without them."""
    gaps.refresh_for_user(user.id)


@business_closing.connect
def forget_business(business):
    """The cascade would drop the business's gap rows behind the summaries' back."""
    gaps.forget_business(business.id)


@business_moving.connect
def answered_here(business):
    """Anyone's answers for the business (its part or a self-assessment) keep it where it is."""
    if any(
        db.session.scalar(sa.select(sa.exists().where(model.business_id == business.id)))
        for model in (BusinessResponse, SelfAssessment)
    ):
        return _l("The municipality can no longer be changed: your business has survey answers.")
    return None

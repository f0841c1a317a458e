"""Demo learning for ``make run``: the demo learner follows a path once courses exist."""

import sqlalchemy as sa

from uprest.accounts.services import get_user_by_email
from uprest.courses.models import CoursePath
from uprest.extensions import db
from uprest.learning import services


def follow_first_path(email: str) -> None:
    """Idempotent; does nothing before courses are imported."""
    user = get_user_by_email(email)
    path = db.session.scalar(sa.select(CoursePath).order_by(CoursePath.slug).limit(1))
    if user is not None and path is not None:
        services.follow_path(user, path)

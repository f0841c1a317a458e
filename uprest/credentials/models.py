"""The credential issued with a completed module: its id, its place in the status list."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.learning.models import Enrolment, PathEnrolment


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Credential(db.Model):
    """One OpenBadgeCredential, for a module or a path. Its JSON is rebuilt and signed on demand
    from these columns and the enrolment (Ed25519 signatures are deterministic, so the same
    credential comes back byte for byte); the row outlives an erased account only as an id, a
    status bit and dates."""

    __tablename__ = "uprest_credentials"

    # The status-list index is the id: list id // LIST_SIZE, bit id % LIST_SIZE.
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=_new_uuid)
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(Enrolment.id, ondelete="SET NULL"), unique=True
    )
    path_enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey(PathEnrolment.id, ondelete="SET NULL"), unique=True
    )
    # The language the achievement is described in: the learner's when it was earned.
    locale: Mapped[str] = mapped_column(sa.String(8))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment | None] = relationship()
    path_enrolment: Mapped[PathEnrolment | None] = relationship()

    @property
    def holding(self) -> Enrolment | PathEnrolment | None:
        """The module or path enrolment it was earned in; None once the account is erased."""
        return self.enrolment or self.path_enrolment

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<Credential {self.uuid}>"

"""Tables for what learners do: enrolments in modules and paths, and the learning events."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from uprest.accounts.models import User
from uprest.core.time import utcnow
from uprest.courses.models import CoursePath, Module, ModuleVersion
from uprest.extensions import db
from uprest.xapi.models import AccessToken


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Enrolment(db.Model):
    """A learner in a module, pinned to the version they started; the uuid is the registration."""

    __tablename__ = "uprest_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=_new_uuid)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_course_modules.id", ondelete="RESTRICT"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_course_module_versions.id", ondelete="RESTRICT"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Projections of the events, kept in the same transaction as the event that sets them.
    completed_at: Mapped[datetime | None]
    certificate_code: Mapped[str | None] = mapped_column(sa.String(43), unique=True)

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()
    version: Mapped[ModuleVersion] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "module_id"),)

    def __repr__(self) -> str:
        return f"<Enrolment {self.uuid}>"


class PathEnrolment(db.Model):
    """A learner following a path."""

    __tablename__ = "uprest_path_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=_new_uuid)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="CASCADE"), index=True
    )
    path_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_course_paths.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    path: Mapped[CoursePath] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "path_id"),)


class LearningEvent(db.Model):
    """One thing a learner did, projected from its xAPI statement (the statement is the truth)."""

    __tablename__ = "uprest_learning_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("uprest_users.id", ondelete="CASCADE"), index=True
    )
    # Indexed together with the verb (below), which serves lookups by enrolment too.
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_enrolments.id", ondelete="CASCADE")
    )
    path_enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("uprest_path_enrolments.id", ondelete="CASCADE"), index=True
    )
    # xAPI verb names: registered, experienced, answered, passed, failed, completed.
    verb: Mapped[str] = mapped_column(sa.String(24))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    attempt: Mapped[int | None]
    response: Mapped[object | None] = mapped_column(sa.JSON)
    is_correct: Mapped[bool | None]
    score: Mapped[int | None]
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    statement_pk: Mapped[int | None] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        sa.ForeignKey("uprest_xapi_statements.id", ondelete="CASCADE"),
        unique=True,
    )

    __table_args__ = (sa.Index("ix_uprest_learning_events_enrolment_verb", "enrolment_id", "verb"),)


class CertificateRevocation(db.Model):
    """A certificate withdrawn with its holder's account: the verification page says "revoked".

    Only a hash of the code is kept, so the row says nothing about whom it was issued to.
    """

    __tablename__ = "uprest_certificate_revocations"

    code_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cmi5Session(db.Model):
    """One launch of a cmi5 AU for an enrolment (``learning/cmi5.py``): the one-time fetch
    code, the token it gave out, and how far the AU got (initialized, terminated, abandoned)."""

    __tablename__ = "uprest_cmi5_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(sa.String(36), unique=True, default=_new_uuid)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey(Enrolment.id, ondelete="CASCADE"), index=True
    )
    lesson: Mapped[str] = mapped_column(sa.String(64))
    au_id: Mapped[str] = mapped_column(sa.String(2048))
    fetch_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the code
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey(AccessToken.id, ondelete="SET NULL"))
    launched_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime | None]
    initialized_at: Mapped[datetime | None]
    terminated_at: Mapped[datetime | None]
    abandoned_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()

"""The learner side of a person's data: enrolments, events and progress in their export; on
erasure, progress projected for the person goes and certificates are revoked."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from uprest.accounts.signals import account_erasing, personal_data_export
from uprest.extensions import db
from uprest.learning.models import CertificateRevocation, Enrolment, PathEnrolment
from uprest.learning.projection import ActivityProgress
from uprest.learning.services import export_learning_data
from uprest.xapi.services import names_person


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def is_revoked(code: str) -> bool:
    return db.session.get(CertificateRevocation, code_hash(code)) is not None


def _registrations(user) -> list[str]:
    found = []
    for model in (Enrolment, PathEnrolment):
        found += db.session.scalars(sa.select(model.uuid).where(model.user_id == user.id))
    return found


def _codes(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Enrolment.certificate_code)
            .where(Enrolment.user_id == user.id, Enrolment.certificate_code.is_not(None))
            .order_by(Enrolment.id)
        )
    )


def _progress(user):
    return sa.or_(
        ActivityProgress.registration.in_(_registrations(user)),
        names_person(ActivityProgress.actor_key, user),
    )


@personal_data_export.connect
def export_learning(user):
    return "learning", export_learning_data(user)


@personal_data_export.connect
def export_certificates(user):
    return "certificates", [{"code": code} for code in _codes(user)]


@personal_data_export.connect
def export_progress(user):
    rows = db.session.scalars(
        sa.select(ActivityProgress).where(_progress(user)).order_by(ActivityProgress.activity_id)
    )
    return "activity_progress", [
        {
            "registration": row.registration,
            "activity_id": row.activity_id,
            "completed": row.is_completed,
            "passed": row.is_passed,
            "best_score": row.best_score,
            "progress": row.progress,
        }
        for row in rows
    ]


@account_erasing.connect
def erase_learning(user):
    """The enrolments themselves go with the user row (foreign keys cascade)."""
    for code in _codes(user):
        db.session.add(CertificateRevocation(code_hash=code_hash(code)))
    db.session.execute(sa.delete(ActivityProgress).where(_progress(user)))

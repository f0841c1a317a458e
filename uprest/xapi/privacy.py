"""A user's statements and documents: in their data export, and erased with their account."""

from __future__ import annotations

import json

import sqlalchemy as sa

from uprest.accounts.signals import account_erasing, personal_data_export
from uprest.extensions import db
from uprest.xapi.models import Document, Statement, StatementIndex


def _about(user):
    """Statements the app wrote for the user, or any statement whose actor is their account."""
    return sa.or_(
        Statement.user_id == user.id,
        Statement.actor_key.like(f"account|%|user-{user.id}"),
    )


@personal_data_export.connect
def export_statements(user):
    rows = db.session.scalars(sa.select(Statement).where(_about(user)).order_by(Statement.stored))
    return "xapi_statements", [json.loads(row.document) for row in rows]


@account_erasing.connect
def erase_statements(user):
    """Statements are immutable for everyone but the person they describe (GDPR art. 17)."""
    ids = db.session.scalars(sa.select(Statement.id).where(_about(user))).all()
    for start in range(0, len(ids), 1000):  # the index rows have no cascading foreign key
        chunk = ids[start : start + 1000]
        db.session.execute(sa.delete(StatementIndex).where(StatementIndex.statement_pk.in_(chunk)))
        db.session.execute(sa.delete(Statement).where(Statement.id.in_(chunk)))
    db.session.execute(
        sa.delete(Document).where(Document.agent_key.like(f"account|%|user-{user.id}"))
    )

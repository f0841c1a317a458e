"""Credentials: each completed module's or path's Open Badges credential and its status bit.

Modules and paths completed before this revision get their credential too, dated at the
completion and described in the learner's chosen language (English when they chose none).

Revision ID: b4d9e2a7c315
Revises: a4c7e2d91f08
Create Date: 2026-12-05 17:00:00

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4d9e2a7c315"
down_revision = "a4c7e2d91f08"
branch_labels = None
depends_on = None


def _table(name: str) -> str:
    """The table's name, before or after the tables took the ``uprest_`` prefix."""
    prefixed = f"uprest_{name}"
    return prefixed if sa.inspect(op.get_bind()).has_table(prefixed) else name


def upgrade():
    enrolments, users = _table("enrolments"), _table("users")
    path_enrolments = _table("path_enrolments")
    op.create_table(
        "uprest_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("path_enrolment_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            [f"{enrolments}.id"],
            name=op.f(f"fk_uprest_credentials_enrolment_id_{enrolments}"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["path_enrolment_id"],
            [f"{path_enrolments}.id"],
            name=op.f(f"fk_uprest_credentials_path_enrolment_id_{path_enrolments}"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_credentials")),
        sa.UniqueConstraint(
            "path_enrolment_id", name=op.f("uq_uprest_credentials_path_enrolment_id")
        ),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_uprest_credentials_enrolment_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_uprest_credentials_uuid")),
    )
    u = sa.table(users, sa.column("id"), sa.column("locale"))
    rows = []
    for table, column in ((enrolments, "enrolment_id"), (path_enrolments, "path_enrolment_id")):
        e = sa.table(
            table, sa.column("id"), sa.column("user_id"), sa.column("completed_at", sa.DateTime)
        )
        completed = op.get_bind().execute(
            sa.select(e.c.id, e.c.completed_at, u.c.locale)
            .join(u, u.c.id == e.c.user_id)
            .where(e.c.completed_at.is_not(None))
            .order_by(e.c.id)
        )
        rows += [
            {"uuid": str(uuid.uuid4()), "enrolment_id": None, "path_enrolment_id": None,
             column: id_, "locale": locale or "en", "issued_at": completed_at}
            for id_, completed_at, locale in completed
        ]  # fmt: skip
    if rows:
        credentials = sa.table(
            "uprest_credentials",
            sa.column("uuid", sa.String),
            sa.column("enrolment_id", sa.Integer),
            sa.column("path_enrolment_id", sa.Integer),
            sa.column("locale", sa.String),
            sa.column("issued_at", sa.DateTime),
        )
        op.bulk_insert(credentials, rows)


def downgrade():
    op.drop_table("uprest_credentials")

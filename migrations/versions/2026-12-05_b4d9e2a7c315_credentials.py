"""Credentials: each completed module's Open Badges credential and its status-list bit.

Revision ID: b4d9e2a7c315
Revises: 5e2a9c71b4d3
Create Date: 2026-12-05 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b4d9e2a7c315"
down_revision = "5e2a9c71b4d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "uprest_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_uprest_credentials_enrolment_id_enrolments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_credentials")),
        sa.UniqueConstraint("enrolment_id", name=op.f("uq_uprest_credentials_enrolment_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_uprest_credentials_uuid")),
    )


def downgrade():
    op.drop_table("uprest_credentials")

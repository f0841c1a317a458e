"""cmi5: uploaded packages (their AUs are lesson steps), AU launch sessions, and the
short-lived LRS tokens a launched AU writes with.

Revision ID: a9da521919c4
Revises: b4d9e2a7c315
Create Date: 2026-12-05 16:25:00.601489

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9da521919c4"
down_revision = "b4d9e2a7c315"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "uprest_xapi_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.Text(), nullable=False),
        sa.Column("agent_key", sa.String(length=600), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("policy", sa.String(length=32), nullable=False),
        sa.Column("context", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("is_revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["xapi_clients.id"],
            name=op.f("fk_uprest_xapi_tokens_client_id_xapi_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_xapi_tokens")),
        sa.UniqueConstraint("key", name=op.f("uq_uprest_xapi_tokens_key")),
    )
    op.create_table(
        "uprest_cmi5_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.String(length=2048), nullable=False),
        sa.Column("structure", sa.Text(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["course_modules.id"],
            name=op.f("fk_uprest_cmi5_packages_module_id_course_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_uprest_cmi5_packages_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_cmi5_packages")),
    )
    op.create_index(
        op.f("ix_uprest_cmi5_packages_module_id"),
        "uprest_cmi5_packages",
        ["module_id"],
        unique=False,
    )

    op.create_table(
        "uprest_cmi5_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("lesson", sa.String(length=64), nullable=False),
        sa.Column("au_id", sa.String(length=2048), nullable=False),
        sa.Column("fetch_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("launched_at", sa.DateTime(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.Column("initialized_at", sa.DateTime(), nullable=True),
        sa.Column("terminated_at", sa.DateTime(), nullable=True),
        sa.Column("abandoned_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_uprest_cmi5_sessions_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["uprest_xapi_tokens.id"],
            name=op.f("fk_uprest_cmi5_sessions_token_id_uprest_xapi_tokens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_cmi5_sessions")),
        sa.UniqueConstraint("fetch_hash", name=op.f("uq_uprest_cmi5_sessions_fetch_hash")),
        sa.UniqueConstraint("session_id", name=op.f("uq_uprest_cmi5_sessions_session_id")),
    )
    op.create_index(
        op.f("ix_uprest_cmi5_sessions_enrolment_id"),
        "uprest_cmi5_sessions",
        ["enrolment_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_uprest_cmi5_sessions_enrolment_id"), table_name="uprest_cmi5_sessions")

    op.drop_table("uprest_cmi5_sessions")
    op.drop_index(op.f("ix_uprest_cmi5_packages_module_id"), table_name="uprest_cmi5_packages")

    op.drop_table("uprest_cmi5_packages")
    op.drop_table("uprest_xapi_tokens")

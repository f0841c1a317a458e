"""Learning: progress per registration and activity, projected from xAPI statements.

Revision ID: 40c5cb5dba5c
Revises: 40fd59b1a79b
Create Date: 2026-11-23 12:04:24.729387

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "40c5cb5dba5c"
down_revision = "40fd59b1a79b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "learning_activity_progress",
        sa.Column("registration", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("actor_key", sa.String(length=600), nullable=False),
        sa.Column("is_completed", sa.Boolean(), nullable=False),
        sa.Column("is_passed", sa.Boolean(), nullable=True),
        sa.Column("best_score", sa.Double(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("last_statement_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "registration", "activity_id", name=op.f("pk_learning_activity_progress")
        ),
    )


def downgrade():
    op.drop_table("learning_activity_progress")

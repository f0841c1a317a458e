"""Businesses are confirmed before their answers count in summaries; existing ones count.

Revision ID: e5a1c0f3b9d2
Revises: d84b2c6e0f15
Create Date: 2026-12-05 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a1c0f3b9d2"
down_revision = "d84b2c6e0f15"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: a batch copy of the table on SQLite would drop the old copy, and
    # that cascades to every table that refers to businesses.
    op.add_column("businesses", sa.Column("confirmed_at", sa.DateTime(), nullable=True))
    # Businesses already counted in published summaries stay counted: removing them now would
    # change figures that were already seen, and the difference would single them out.
    op.execute("UPDATE businesses SET confirmed_at = created_at")


def downgrade():
    op.drop_column("businesses", "confirmed_at")

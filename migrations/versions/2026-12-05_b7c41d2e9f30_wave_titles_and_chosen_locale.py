"""Survey waves' titles translated per locale (the title stays the English source); users
record whether they chose their language (a choice on the login page replaces only a guess).

Revision ID: b7c41d2e9f30
Revises: 5e2a9c71b4d3
Create Date: 2026-12-05 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c41d2e9f30"
down_revision = "5e2a9c71b4d3"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch mode): responses and gaps reference survey_waves.
    op.add_column("survey_waves", sa.Column("titles", sa.JSON(), nullable=True))
    # Existing users' languages count as not chosen: a choice on the login page may replace them.
    op.add_column(
        "users",
        sa.Column("is_locale_chosen", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    # SQLite (3.35+) drops a column in place too; batch mode would recreate the table.
    op.execute("ALTER TABLE survey_waves DROP COLUMN titles")
    op.execute("ALTER TABLE users DROP COLUMN is_locale_chosen")

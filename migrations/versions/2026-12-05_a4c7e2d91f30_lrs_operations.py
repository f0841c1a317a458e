"""LRS operations: the xAPI version each LRS client speaks, forwarding set in the admin UI, and
when each outbox item was last tried.

Revision ID: a4c7e2d91f30
Revises: a9da521919c4
Create Date: 2026-12-05 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4c7e2d91f30"
down_revision = "a9da521919c4"
branch_labels = None
depends_on = None


def upgrade():
    # plain add_column: xapi_clients and xapi_outbox are referenced by other tables, and a batch
    # rebuild on SQLite would cascade
    op.add_column("xapi_clients", sa.Column("xapi_version", sa.String(length=8), nullable=True))
    op.add_column("xapi_outbox", sa.Column("last_attempt_at", sa.DateTime(), nullable=True))
    op.create_table(
        "uprest_lrs_forwarding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_lrs_forwarding")),
    )


def downgrade():
    op.drop_table("uprest_lrs_forwarding")
    with op.batch_alter_table("xapi_outbox") as batch_op:
        batch_op.drop_column("last_attempt_at")
    with op.batch_alter_table("xapi_clients") as batch_op:
        batch_op.drop_column("xapi_version")

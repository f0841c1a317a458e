"""Onboarding and notifications: printed code invitations (no address, a name), invitations
that make their taker a business's manager (imported businesses' contacts), the notification
ledger (each notification claimed and sent once) and opt-outs.

Revision ID: a4c7e2d91f08
Revises: b7c41d2e9f30
Create Date: 2026-12-05 16:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a4c7e2d91f08"
down_revision = "b7c41d2e9f30"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("invitations", sa.Column("name", sa.String(length=120), nullable=True))
    op.add_column(
        "invitations",
        sa.Column("is_for_manager", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # No other table references invitations, so SQLite's table copy cascades nowhere.
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)
    op.create_table(
        "uprest_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_uprest_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uprest_notifications")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_uprest_notifications_user_id_key")),
    )
    op.create_table(
        "uprest_notification_optouts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_uprest_notification_optouts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_uprest_notification_optouts")),
    )


def downgrade():
    op.drop_table("uprest_notification_optouts")
    op.drop_table("uprest_notifications")
    # Printed-code invitations have no address to keep: they go with the column.
    op.execute("DELETE FROM invitations WHERE email IS NULL")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column("is_for_manager")
        batch_op.drop_column("name")

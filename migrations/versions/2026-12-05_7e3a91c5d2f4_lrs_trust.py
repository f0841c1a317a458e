"""LRS trust: clients trusted to report a learner's progress, and the client that created
each document (a read-own client sees only its own).

Revision ID: 7e3a91c5d2f4
Revises: e5a1c0f3b9d2
Create Date: 2026-12-05 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e3a91c5d2f4"
down_revision = "e5a1c0f3b9d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("xapi_clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_trusted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("xapi_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_xapi_documents_client_id_xapi_clients"),
            "xapi_clients",
            ["client_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("xapi_documents", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_xapi_documents_client_id_xapi_clients"), type_="foreignkey"
        )
        batch_op.drop_column("client_id")
    with op.batch_alter_table("xapi_clients", schema=None) as batch_op:
        batch_op.drop_column("is_trusted")

"""Learning events become a projection of xAPI statements: link each row to its statement.

Revision ID: 5ac68c3d57fa
Revises: 39695a9a9b7f
Create Date: 2026-11-23 12:15:01.296940

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5ac68c3d57fa"
down_revision = "39695a9a9b7f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("learning_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_learning_events_statement_pk"), ["statement_pk"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_learning_events_statement_pk_xapi_statements"),
            "xapi_statements",
            ["statement_pk"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("learning_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_learning_events_statement_pk_xapi_statements"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_learning_events_statement_pk"), type_="unique")
        batch_op.drop_column("statement_pk")

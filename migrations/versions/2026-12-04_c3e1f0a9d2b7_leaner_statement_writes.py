"""Leaner statement writes: no foreign key from xapi_statement_index to its statement (the
store writes and erases both together), and partial indexes on the statement columns that are
empty on most rows (target_statement_id, client_id, user_id).

Revision ID: c3e1f0a9d2b7
Revises: a7bbc87b43ee
Create Date: 2026-12-04 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e1f0a9d2b7"
down_revision = "a7bbc87b43ee"
branch_labels = None
depends_on = None

PARTIAL = ("target_statement_id", "client_id", "user_id")
INDEX_FK = "fk_xapi_statement_index_statement_pk_xapi_statements"


def _not_null(column: str) -> dict:
    where = sa.column(column).isnot(None)
    return {"postgresql_where": where, "sqlite_where": where}


def upgrade():
    with op.batch_alter_table("xapi_statement_index", schema=None) as batch_op:
        batch_op.drop_constraint(INDEX_FK, type_="foreignkey")
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.drop_index(f"ix_xapi_statements_{column}")
            batch_op.create_index(f"ix_xapi_statements_{column}", [column], **_not_null(column))


def downgrade():
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        for column in PARTIAL:
            batch_op.drop_index(f"ix_xapi_statements_{column}")
            batch_op.create_index(f"ix_xapi_statements_{column}", [column], unique=False)
    op.execute(
        "DELETE FROM xapi_statement_index "
        "WHERE statement_pk NOT IN (SELECT id FROM xapi_statements)"
    )
    with op.batch_alter_table("xapi_statement_index", schema=None) as batch_op:
        batch_op.create_foreign_key(
            INDEX_FK, "xapi_statements", ["statement_pk"], ["id"], ondelete="CASCADE"
        )

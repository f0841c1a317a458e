"""No related-agent or related-activity index row where the statement's agent or activity row
says the same: statement queries with related_agents / related_activities read both kinds.

Revision ID: d84b2c6e0f15
Revises: c3e1f0a9d2b7
Create Date: 2026-12-04 17:05:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d84b2c6e0f15"
down_revision = "c3e1f0a9d2b7"
branch_labels = None
depends_on = None

IMPLIED = ((2, 1), (5, 4))  # IndexKind: RELATED_AGENT by AGENT, RELATED_ACTIVITY by ACTIVITY


def upgrade():
    for related, direct in IMPLIED:
        op.execute(
            f"DELETE FROM xapi_statement_index WHERE kind = {related} AND EXISTS ("
            f"SELECT 1 FROM xapi_statement_index AS d WHERE d.kind = {direct} "
            "AND d.statement_pk = xapi_statement_index.statement_pk "
            "AND d.value = xapi_statement_index.value)"
        )


def downgrade():
    for related, direct in IMPLIED:
        op.execute(
            "INSERT INTO xapi_statement_index (statement_pk, kind, value, stored) "
            f"SELECT statement_pk, {related}, value, stored FROM xapi_statement_index AS d "
            f"WHERE d.kind = {direct} AND NOT EXISTS (SELECT 1 FROM xapi_statement_index AS r "
            f"WHERE r.kind = {related} AND r.statement_pk = d.statement_pk AND r.value = d.value)"
        )

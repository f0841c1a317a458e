"""xAPI learning record: statements and their index, documents, attachments, clients, outbox.

Revision ID: 40fd59b1a79b
Revises: b462bc86142e
Create Date: 2026-11-23 11:51:57.539123

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "40fd59b1a79b"
down_revision = "b462bc86142e"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "xapi_activities",
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_xapi_activities")),
    )
    op.create_table(
        "xapi_agents",
        sa.Column("agent_key", sa.String(length=600), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("agent_key", name=op.f("pk_xapi_agents")),
    )
    op.create_table(
        "xapi_attachments",
        sa.Column("sha2", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha2", name=op.f("pk_xapi_attachments")),
    )
    op.create_table(
        "xapi_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("scopes", sa.String(length=120), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_clients")),
        sa.UniqueConstraint("key", name=op.f("uq_xapi_clients_key")),
    )
    op.create_table(
        "xapi_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("agent_key", sa.String(length=600), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=2048), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_documents")),
    )
    with op.batch_alter_table("xapi_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_xapi_documents_lookup",
            ["kind", "activity_id", "agent_key", "registration"],
            unique=False,
        )

    op.create_table(
        "xapi_statements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("actor_key", sa.String(length=600), nullable=False),
        sa.Column("verb_id", sa.String(length=2048), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=True),
        sa.Column("target_statement_id", sa.String(length=36), nullable=True),
        sa.Column("registration", sa.String(length=36), nullable=True),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("stored", sa.DateTime(), nullable=False),
        sa.Column("is_voided", sa.Boolean(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["xapi_clients.id"],
            name=op.f("fk_xapi_statements_client_id_xapi_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_xapi_statements_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statements")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_statements_statement_id")),
    )
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_xapi_statements_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_xapi_statements_stored"), ["stored"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_xapi_statements_target_statement_id"),
            ["target_statement_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_xapi_statements_user_id"), ["user_id"], unique=False)

    op.create_table(
        "xapi_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("is_dead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_pk"],
            ["xapi_statements.id"],
            name=op.f("fk_xapi_outbox_statement_pk_xapi_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_outbox")),
        sa.UniqueConstraint("statement_pk", name=op.f("uq_xapi_outbox_statement_pk")),
    )
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_xapi_outbox_next_attempt_at"), ["next_attempt_at"], unique=False
        )

    op.create_table(
        "xapi_statement_index",
        sa.Column(
            "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("stored", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_pk"],
            ["xapi_statements.id"],
            name=op.f("fk_xapi_statement_index_statement_pk_xapi_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "statement_pk", "kind", "value", name=op.f("pk_xapi_statement_index")
        ),
    )
    with op.batch_alter_table("xapi_statement_index", schema=None) as batch_op:
        batch_op.create_index(
            "ix_xapi_statement_index_lookup",
            ["kind", "value", "stored", "statement_pk"],
            unique=False,
        )


def downgrade():

    with op.batch_alter_table("xapi_statement_index", schema=None) as batch_op:
        batch_op.drop_index("ix_xapi_statement_index_lookup")

    op.drop_table("xapi_statement_index")
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_outbox_next_attempt_at"))

    op.drop_table("xapi_outbox")
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_statements_user_id"))
        batch_op.drop_index(batch_op.f("ix_xapi_statements_target_statement_id"))
        batch_op.drop_index(batch_op.f("ix_xapi_statements_stored"))
        batch_op.drop_index(batch_op.f("ix_xapi_statements_client_id"))

    op.drop_table("xapi_statements")
    with op.batch_alter_table("xapi_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_xapi_documents_lookup")

    op.drop_table("xapi_documents")
    op.drop_table("xapi_clients")
    op.drop_table("xapi_attachments")
    op.drop_table("xapi_agents")
    op.drop_table("xapi_activities")

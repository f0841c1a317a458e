"""Privacy: consent records, revoked certificates; survey statements lose individual ratings.

Revision ID: 5e2a9c71b4d3
Revises: 7e3a91c5d2f4
Create Date: 2026-12-05 13:30:00

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e2a9c71b4d3"
down_revision = "7e3a91c5d2f4"
branch_labels = None
depends_on = None

# The result extensions that carried proficiency levels per competence, whatever the IRI base.
RATING_SUFFIXES = ("extensions/current-proficiency", "extensions/required-proficiency")


def upgrade():
    op.create_table(
        "privacy_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notice_version", sa.String(length=20), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_privacy_consents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consents")),
    )
    with op.batch_alter_table("privacy_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_consents_user_id"), ["user_id"], unique=False)
    op.create_table(
        "certificate_revocations",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_certificate_revocations")),
    )
    strip_survey_ratings(op.get_bind())


def strip_survey_ratings(connection) -> int:
    """Survey completion statements keep "completed"; the levels stay in the survey tables only.

    Trainers browse statements by learner name, and statements are forwarded: neither should
    carry a person's self-assessment. Returns how many statements changed.
    """
    statements = sa.table(
        "xapi_statements", sa.column("id", sa.Integer), sa.column("document", sa.Text)
    )
    rows = connection.execute(
        sa.select(statements.c.id, statements.c.document).where(
            sa.or_(*(statements.c.document.contains(suffix) for suffix in RATING_SUFFIXES))
        )
    ).all()
    changed = 0
    for pk, document in rows:
        data = json.loads(document)
        extensions = data.get("result", {}).get("extensions", {})
        kept = {k: v for k, v in extensions.items() if not k.endswith(RATING_SUFFIXES)}
        if kept == extensions:
            continue
        if kept:
            data["result"]["extensions"] = kept
        else:
            del data["result"]["extensions"]
        connection.execute(
            sa.update(statements)
            .where(statements.c.id == pk)
            .values(document=json.dumps(data, separators=(",", ":"), ensure_ascii=False))
        )
        changed += 1
    return changed


def downgrade():
    # The ratings removed from statements are not restored: they stay in the survey tables.
    op.drop_table("certificate_revocations")
    with op.batch_alter_table("privacy_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_consents_user_id"))
    op.drop_table("privacy_consents")

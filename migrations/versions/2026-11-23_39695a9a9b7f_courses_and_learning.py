"""Courses and learning: modules with immutable versions, paths, enrolments, learning events.

Revision ID: 39695a9a9b7f
Revises: 40c5cb5dba5c
Create Date: 2026-11-23 11:58:28.995385

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "39695a9a9b7f"
down_revision = "40c5cb5dba5c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_modules")),
        sa.UniqueConstraint("slug", name=op.f("uq_course_modules_slug")),
    )
    op.create_table(
        "course_paths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_paths")),
        sa.UniqueConstraint("slug", name=op.f("uq_course_paths_slug")),
    )
    op.create_table(
        "course_module_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("default_language", sa.String(length=8), nullable=False),
        sa.Column("estimated_minutes", sa.Integer(), nullable=False),
        sa.Column("outline", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["course_modules.id"],
            name=op.f("fk_course_module_versions_module_id_course_modules"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_course_module_versions_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_module_versions")),
        sa.UniqueConstraint(
            "module_id", "number", name=op.f("uq_course_module_versions_module_id_number")
        ),
    )
    with op.batch_alter_table("course_module_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_module_versions_is_latest"), ["is_latest"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_module_versions_module_id"), ["module_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_course_module_versions_published_by_id"),
            ["published_by_id"],
            unique=False,
        )

    op.create_table(
        "path_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["course_paths.id"],
            name=op.f("fk_path_enrolments_path_id_course_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_path_enrolments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_path_enrolments")),
        sa.UniqueConstraint("user_id", "path_id", name=op.f("uq_path_enrolments_user_id_path_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_path_enrolments_uuid")),
    )
    with op.batch_alter_table("path_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_path_enrolments_path_id"), ["path_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_path_enrolments_user_id"), ["user_id"], unique=False)

    op.create_table(
        "course_module_competences",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["course_module_versions.id"],
            name=op.f("fk_course_module_competences_version_id_course_module_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "code", name=op.f("pk_course_module_competences")),
    )
    with op.batch_alter_table("course_module_competences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_module_competences_code"), ["code"], unique=False
        )

    op.create_table(
        "course_module_locales",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["course_module_versions.id"],
            name=op.f("fk_course_module_locales_version_id_course_module_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "locale", name=op.f("pk_course_module_locales")),
    )
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("certificate_code", sa.String(length=43), nullable=True),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["course_modules.id"],
            name=op.f("fk_enrolments_module_id_course_modules"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolments_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["course_module_versions.id"],
            name=op.f("fk_enrolments_version_id_course_module_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("certificate_code", name=op.f("uq_enrolments_certificate_code")),
        sa.UniqueConstraint("user_id", "module_id", name=op.f("uq_enrolments_user_id_module_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_enrolments_uuid")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_module_id"), ["module_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolments_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolments_version_id"), ["version_id"], unique=False)

    op.create_table(
        "learning_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("path_enrolment_id", sa.Integer(), nullable=True),
        sa.Column("verb", sa.String(length=24), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("is_correct", sa.Boolean(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_learning_events_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["path_enrolment_id"],
            ["path_enrolments.id"],
            name=op.f("fk_learning_events_path_enrolment_id_path_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_events")),
    )
    with op.batch_alter_table("learning_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_learning_events_enrolment_verb", ["enrolment_id", "verb"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learning_events_path_enrolment_id"), ["path_enrolment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_learning_events_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("learning_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_learning_events_path_enrolment_id"))
        batch_op.drop_index("ix_learning_events_enrolment_verb")

    op.drop_table("learning_events")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_version_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_user_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_module_id"))

    op.drop_table("enrolments")
    op.drop_table("course_module_locales")
    with op.batch_alter_table("course_module_competences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_module_competences_code"))

    op.drop_table("course_module_competences")
    with op.batch_alter_table("path_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_path_enrolments_user_id"))
        batch_op.drop_index(batch_op.f("ix_path_enrolments_path_id"))

    op.drop_table("path_enrolments")
    with op.batch_alter_table("course_module_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_module_versions_published_by_id"))
        batch_op.drop_index(batch_op.f("ix_course_module_versions_module_id"))
        batch_op.drop_index(batch_op.f("ix_course_module_versions_is_latest"))

    op.drop_table("course_module_versions")
    op.drop_table("course_paths")
    op.drop_table("course_modules")

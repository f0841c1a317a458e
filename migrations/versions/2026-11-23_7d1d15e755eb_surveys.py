"""Surveys: competence framework versions, survey waves, responses, ratings, business gaps.

Revision ID: 7d1d15e755eb
Revises: 5ac68c3d57fa
Create Date: 2026-11-23 11:58:28.324890

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d1d15e755eb"
down_revision = "5ac68c3d57fa"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("scale", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_frameworks_code_version")),
    )
    op.create_table(
        "competence_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_competence_areas_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competence_areas")),
        sa.UniqueConstraint(
            "framework_id", "code", name=op.f("uq_competence_areas_framework_id_code")
        ),
    )
    with op.batch_alter_table("competence_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competence_areas_framework_id"), ["framework_id"], unique=False
        )

    op.create_table(
        "competences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("esco_uri", sa.String(length=200), nullable=True),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("descriptions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["competence_areas.id"],
            name=op.f("fk_competences_area_id_competence_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_competences_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competences")),
        sa.UniqueConstraint("framework_id", "code", name=op.f("uq_competences_framework_id_code")),
    )
    with op.batch_alter_table("competences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competences_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_competences_code"), ["code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_competences_framework_id"), ["framework_id"], unique=False
        )

    op.create_table(
        "survey_waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_survey_waves_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_survey_waves_framework_id_frameworks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_survey_waves_municipality_id_municipalities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_waves")),
    )
    with op.batch_alter_table("survey_waves", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_waves_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_waves_framework_id"), ["framework_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_waves_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "business_gaps",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "accommodation",
                "food_beverage",
                "tour_operators",
                "attractions_culture",
                "transport",
                "events",
                name="sector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "size_band",
            sa.Enum("micro", "small", "medium", name="sizeband", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("required", sa.SmallInteger(), nullable=False),
        sa.Column("importance", sa.SmallInteger(), nullable=True),
        sa.Column("current", sa.Float(), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_business_gaps_business_id_businesses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_business_gaps_competence_id_competences"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_business_gaps_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["survey_waves.id"],
            name=op.f("fk_business_gaps_wave_id_survey_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "wave_id", "business_id", "competence_id", name=op.f("pk_business_gaps")
        ),
    )
    with op.batch_alter_table("business_gaps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_gaps_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_business_gaps_competence_id"), ["competence_id"], unique=False
        )
        batch_op.create_index(
            "ix_business_gaps_summary",
            [
                "wave_id",
                "municipality_id",
                "code",
                "sector",
                "size_band",
                "gap",
                "required",
                "importance",
                "current",
                "staff",
            ],
            unique=False,
        )

    op.create_table(
        "business_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "sector",
            sa.Enum(
                "accommodation",
                "food_beverage",
                "tour_operators",
                "attractions_culture",
                "transport",
                "events",
                name="sector",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "size_band",
            sa.Enum("micro", "small", "medium", name="sizeband", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_business_responses_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_business_responses_business_id_businesses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["survey_waves.id"],
            name=op.f("fk_business_responses_wave_id_survey_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_responses")),
        sa.UniqueConstraint(
            "wave_id", "business_id", name=op.f("uq_business_responses_wave_id_business_id")
        ),
    )
    with op.batch_alter_table("business_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_responses_answered_by_id"), ["answered_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_business_responses_business_id"), ["business_id"], unique=False
        )

    op.create_table(
        "self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_self_assessments_business_id_businesses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_self_assessments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["survey_waves.id"],
            name=op.f("fk_self_assessments_wave_id_survey_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessments")),
        sa.UniqueConstraint("wave_id", "user_id", name=op.f("uq_self_assessments_wave_id_user_id")),
    )
    with op.batch_alter_table("self_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_assessments_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_self_assessments_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_self_assessments_wave_business", ["wave_id", "business_id"], unique=False
        )

    op.create_table(
        "business_ratings",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column("required", sa.SmallInteger(), nullable=False),
        sa.Column("importance", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_business_ratings_competence_id_competences"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["business_responses.id"],
            name=op.f("fk_business_ratings_response_id_business_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "competence_id", name=op.f("pk_business_ratings")),
    )
    with op.batch_alter_table("business_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_ratings_competence_id"), ["competence_id"], unique=False
        )

    op.create_table(
        "self_ratings",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("competence_id", sa.Integer(), nullable=False),
        sa.Column("current", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["self_assessments.id"],
            name=op.f("fk_self_ratings_assessment_id_self_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["competence_id"],
            ["competences.id"],
            name=op.f("fk_self_ratings_competence_id_competences"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "competence_id", name=op.f("pk_self_ratings")),
    )
    with op.batch_alter_table("self_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_ratings_competence_id"), ["competence_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("self_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_ratings_competence_id"))

    op.drop_table("self_ratings")
    with op.batch_alter_table("business_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_ratings_competence_id"))

    op.drop_table("business_ratings")
    with op.batch_alter_table("self_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_self_assessments_wave_business")
        batch_op.drop_index(batch_op.f("ix_self_assessments_user_id"))
        batch_op.drop_index(batch_op.f("ix_self_assessments_business_id"))

    op.drop_table("self_assessments")
    with op.batch_alter_table("business_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_responses_business_id"))
        batch_op.drop_index(batch_op.f("ix_business_responses_answered_by_id"))

    op.drop_table("business_responses")
    with op.batch_alter_table("business_gaps", schema=None) as batch_op:
        batch_op.drop_index("ix_business_gaps_summary")
        batch_op.drop_index(batch_op.f("ix_business_gaps_competence_id"))
        batch_op.drop_index(batch_op.f("ix_business_gaps_business_id"))

    op.drop_table("business_gaps")
    with op.batch_alter_table("survey_waves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_waves_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_survey_waves_framework_id"))
        batch_op.drop_index(batch_op.f("ix_survey_waves_created_by_id"))

    op.drop_table("survey_waves")
    with op.batch_alter_table("competences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competences_framework_id"))
        batch_op.drop_index(batch_op.f("ix_competences_code"))
        batch_op.drop_index(batch_op.f("ix_competences_area_id"))

    op.drop_table("competences")
    with op.batch_alter_table("competence_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competence_areas_framework_id"))

    op.drop_table("competence_areas")
    op.drop_table("frameworks")

"""Summary cells: counts and sums of business_gaps per wave, municipality, sector, size band
and competence (gap_cells), and counts per gap value (gap_values), filled from business_gaps.

Revision ID: a7bbc87b43ee
Revises: 7d1d15e755eb
Create Date: 2026-11-23 14:52:39.957702

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7bbc87b43ee"
down_revision = "7d1d15e755eb"
branch_labels = None
depends_on = None

KEY = "wave_id, municipality_id, sector, size_band, code"
LEVELS = ", ".join(f"required_{level}" for level in range(1, 6))
COUNT_LEVELS = ", ".join(
    f"sum(CASE WHEN required = {level} THEN 1 ELSE 0 END)" for level in range(1, 6)
)
FILL_CELLS = f"""
INSERT INTO gap_cells ({KEY}, businesses, staff, required_sum, current_sum, gap_sum,
    importance_sum, importance_count, gapped, {LEVELS})
SELECT {KEY}, count(*), sum(staff), sum(required), sum(current), sum(gap),
    coalesce(sum(importance), 0), count(importance), sum(CASE WHEN gap >= 1 THEN 1 ELSE 0 END),
    {COUNT_LEVELS}
FROM business_gaps GROUP BY {KEY}
"""
FILL_VALUES = f"""
INSERT INTO gap_values ({KEY}, gap, businesses)
SELECT {KEY}, gap, count(*) FROM business_gaps GROUP BY {KEY}, gap
"""


def upgrade():
    op.create_table(
        "gap_cells",
        sa.Column("wave_id", sa.Integer(), nullable=False),
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
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("businesses", sa.Integer(), nullable=False),
        sa.Column("staff", sa.Integer(), nullable=False),
        sa.Column("required_sum", sa.Integer(), nullable=False),
        sa.Column("current_sum", sa.Float(), nullable=False),
        sa.Column("gap_sum", sa.Float(), nullable=False),
        sa.Column("importance_sum", sa.Integer(), nullable=False),
        sa.Column("importance_count", sa.Integer(), nullable=False),
        sa.Column("gapped", sa.Integer(), nullable=False),
        sa.Column("required_1", sa.Integer(), nullable=False),
        sa.Column("required_2", sa.Integer(), nullable=False),
        sa.Column("required_3", sa.Integer(), nullable=False),
        sa.Column("required_4", sa.Integer(), nullable=False),
        sa.Column("required_5", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_gap_cells_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["survey_waves.id"],
            name=op.f("fk_gap_cells_wave_id_survey_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "wave_id", "municipality_id", "sector", "size_band", "code", name=op.f("pk_gap_cells")
        ),
    )
    op.create_table(
        "gap_values",
        sa.Column("wave_id", sa.Integer(), nullable=False),
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
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("gap", sa.Float(), nullable=False),
        sa.Column("businesses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_gap_values_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["survey_waves.id"],
            name=op.f("fk_gap_values_wave_id_survey_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "wave_id",
            "municipality_id",
            "sector",
            "size_band",
            "code",
            "gap",
            name=op.f("pk_gap_values"),
        ),
    )
    with op.batch_alter_table("business_gaps", schema=None) as batch_op:
        # the summaries no longer read business_gaps; the index would only slow the writes
        batch_op.drop_index(batch_op.f("ix_business_gaps_summary"))
    op.execute(FILL_CELLS)
    op.execute(FILL_VALUES)


def downgrade():
    with op.batch_alter_table("business_gaps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_gaps_summary"),
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

    op.drop_table("gap_values")
    op.drop_table("gap_cells")

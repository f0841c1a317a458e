"""Keeps the summary cells (``gap_cells``, ``gap_values``) equal to sums over ``business_gaps``.

When a business's gaps are recomputed, its old rows leave their cells and its new rows join
theirs, in the same transaction: signed counts and sums are added with an upsert, so concurrent
submissions to one cell add up instead of overwriting each other. A cell left without
businesses is deleted. A whole wave is rebuilt with one GROUP BY.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from uprest.core import bulk
from uprest.extensions import db
from uprest.surveys.models import LEVELS, BusinessGap, GapCell, GapValue

KEY = ("wave_id", "municipality_id", "sector", "size_band", "code")
SUMS = (
    "businesses",
    "staff",
    "required_sum",
    "current_sum",
    "gap_sum",
    "importance_sum",
    "importance_count",
    "gapped",
    *(f"required_{level}" for level in LEVELS),
)
_gaps = BusinessGap.__table__
# The business_gaps columns a cell is built from (what refreshing a business returns).
ROW = [_gaps.c[name] for name in (*KEY, "required", "importance", "current", "gap", "staff")]


def _contribution(row) -> tuple:
    """What one business-gap row adds to its cell, in ``SUMS`` order."""
    has_importance = row.importance is not None
    return (
        1,
        row.staff,
        row.required,
        row.current,
        row.gap,
        row.importance if has_importance else 0,
        1 if has_importance else 0,
        1 if row.gap >= 1 else 0,
        *(1 if row.required == level else 0 for level in LEVELS),
    )


def move(removed: Sequence, added: Sequence) -> None:
    """Take the ``removed`` business-gap rows out of their cells and put the ``added`` in."""
    cells: dict[tuple, list] = {}
    values: dict[tuple, int] = defaultdict(int)
    for sign, rows in ((-1, removed), (1, added)):
        for row in rows:
            key = tuple(getattr(row, name) for name in KEY)
            sums = cells.setdefault(key, [0] * len(SUMS))
            for index, value in enumerate(_contribution(row)):
                sums[index] += sign * value
            values[(*key, row.gap)] += sign
    # Sorted, so that concurrent transactions lock the cells in the same order.
    cell_rows = [
        dict(zip(KEY + SUMS, (*key, *sums), strict=True))
        for key, sums in sorted(cells.items())
        if any(sums)
    ]
    value_rows = [
        dict(zip((*KEY, "gap", "businesses"), (*key, n), strict=True))
        for key, n in sorted(values.items())
        if n
    ]
    _add(GapCell, cell_rows)
    _add(GapValue, value_rows)
    if removed:
        waves = {row.wave_id for row in removed}
        places = {row.municipality_id for row in removed}
        for model in (GapCell, GapValue):
            table = model.__table__
            db.session.execute(
                sa.delete(table).where(
                    table.c.wave_id.in_(waves),
                    table.c.municipality_id.in_(places),
                    table.c.businesses <= 0,
                )
            )


def _add(model, rows: list[dict]) -> None:
    """Insert the rows, or add their figures to the rows already there."""
    table = model.__table__
    keys = [column.name for column in table.primary_key.columns]
    bulk.merge_rows(table, rows, keys, _summed)


def _summed(table: sa.Table, new) -> dict:
    """Every figure (each column outside the key) of the stored row plus the new row's."""
    return {c.name: c + new[c.name] for c in table.columns if not c.primary_key}


def rebuild(wave_id: int) -> None:
    """Recompute every cell of a wave from ``business_gaps``."""
    for model in (GapCell, GapValue):
        db.session.execute(sa.delete(model.__table__).where(model.__table__.c.wave_id == wave_id))
    key = [_gaps.c[name] for name in KEY]
    c = _gaps.c

    def count_if(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    sums = [
        sa.func.count(),
        sa.func.sum(c.staff),
        sa.func.sum(c.required),
        sa.func.sum(c.current),
        sa.func.sum(c.gap),
        sa.func.coalesce(sa.func.sum(c.importance), 0),
        sa.func.count(c.importance),
        count_if(c.gap >= 1),
        *(count_if(c.required == level) for level in LEVELS),
    ]
    in_wave = c.wave_id == wave_id
    db.session.execute(
        sa.insert(GapCell.__table__).from_select(
            [*KEY, *SUMS], sa.select(*key, *sums).where(in_wave).group_by(*key)
        )
    )
    db.session.execute(
        sa.insert(GapValue.__table__).from_select(
            [*KEY, "gap", "businesses"],
            sa.select(*key, c.gap, sa.func.count()).where(in_wave).group_by(*key, c.gap),
        )
    )

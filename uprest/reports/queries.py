"""Aggregation in SQL over the summary cells (``gap_cells``, ``gap_values``); one row per group.

A cell holds the counts and sums of one (wave, municipality, sector, size band, competence), so
every statistic is a SUM over cells; medians come from the cells' gap-value counts, picked in
SQL so that only the middle values travel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from uprest.extensions import db
from uprest.surveys.models import LEVELS, GapCell, GapValue

BREAKDOWNS = ("all", "sector", "size_band")


@dataclass(frozen=True)
class Stats:
    """Statistics of one competence over one group of businesses (unit: the business)."""

    businesses: int
    respondents: int
    required: float
    current: float
    importance: float | None
    mean_gap: float
    median_gap: float
    prevalence: float
    borich: float


def _where(model, wave_id: int, municipality_id: int | None) -> list:
    conditions = [model.wave_id == wave_id]
    if municipality_id is not None:
        conditions.append(model.municipality_id == municipality_id)
    return conditions


def _group(model, breakdown: str) -> tuple[list, list]:
    """The (group, code) columns to select and those to GROUP BY (a constant is not grouped)."""
    if breakdown == "all":
        return [sa.literal("all").label("grp"), model.code], [model.code]
    column = getattr(model, breakdown)
    return [column.label("grp"), model.code], [column, model.code]


def _rounded(value: float) -> float:
    """A figure from float sums, rounded far below what is shown (3 decimals) but far above
    the summation noise, so the order in which a cell's sums were added never shows (a mean
    gap of exactly 0 stays 0.000, not -0.000); ``+ 0.0`` turns -0.0 into 0.0."""
    return round(value, 9) + 0.0


def _key(group, code: str) -> tuple[str, str]:
    return str(getattr(group, "value", group)), code


def gap_stats(
    wave_id: int, municipality_id: int | None, breakdown: str = "all", *, medians: bool = True
) -> dict[tuple[str, str], Stats]:
    """Stats by (group, competence code); ``municipality_id`` None means the whole consortium.

    Without ``medians`` the median query is skipped (the consortium comparison shows means).
    """
    selected, grouped = _group(GapCell, breakdown)
    sums = [
        sa.func.sum(getattr(GapCell, name))
        for name in (
            "businesses",
            "staff",
            "required_sum",
            "current_sum",
            "importance_sum",
            "importance_count",
            "gap_sum",
            "gapped",
        )
    ]
    rows = db.session.execute(
        sa.select(*selected, *sums)
        .where(*_where(GapCell, wave_id, municipality_id))
        .group_by(*grouped)
    ).all()
    middle = _medians(wave_id, municipality_id, breakdown) if medians else {}
    result = {}
    for group, code, n, staff, required, current, importance, rated, gap, gapped in rows:
        key = _key(group, code)
        mean_gap = gap / n
        mean_importance = importance / rated if rated else None
        mean_required = required / n
        weight = mean_importance if mean_importance is not None else mean_required
        result[key] = Stats(
            businesses=n,
            respondents=int(staff),
            required=mean_required,
            current=_rounded(current / n),
            importance=mean_importance,
            mean_gap=_rounded(mean_gap),
            median_gap=middle.get(key, _rounded(mean_gap)),
            prevalence=gapped / n,
            borich=_rounded(mean_gap * weight),
        )
    return result


def _medians(
    wave_id: int, municipality_id: int | None, breakdown: str
) -> dict[tuple[str, str], float]:
    """Exact medians from the counts of each gap value, the middle values chosen in SQL.

    With ``before`` businesses below a value and ``upto`` up to and including it, the value
    holds the sorted positions before..upto-1; of n businesses the median is the mean of
    positions (n-1)//2 and n//2, and a value holds one of them exactly when
    2·before ≤ n ≤ 2·upto.
    """
    selected, grouped = _group(GapValue, breakdown)
    counts = (
        sa.select(*selected, GapValue.gap, sa.func.sum(GapValue.businesses).label("n"))
        .where(*_where(GapValue, wave_id, municipality_id))
        .group_by(*grouped, GapValue.gap)
        .subquery()
    )
    partition = [counts.c.grp, counts.c.code]
    upto = sa.func.sum(counts.c.n).over(partition_by=partition, order_by=counts.c.gap)
    total = sa.func.sum(counts.c.n).over(partition_by=partition)
    ranked = sa.select(
        counts.c.grp,
        counts.c.code,
        counts.c.gap,
        (upto - counts.c.n).label("before"),
        upto.label("upto"),
        total.label("total"),
    ).subquery()
    rows = db.session.execute(
        sa.select(ranked.c.grp, ranked.c.code, ranked.c.gap)
        .where(2 * ranked.c.before <= ranked.c.total, ranked.c.total <= 2 * ranked.c.upto)
        .order_by(ranked.c.grp, ranked.c.code, ranked.c.gap)
    ).all()
    middle: dict[tuple[str, str], list[float]] = defaultdict(list)
    for group, code, gap in rows:
        middle[_key(group, code)].append(gap)
    return {key: (values[0] + values[-1]) / 2 for key, values in middle.items()}


def required_distribution(wave_id: int, municipality_id: int | None) -> dict[str, dict[int, int]]:
    """How many businesses require each level, per competence code."""
    rows = db.session.execute(
        sa.select(
            GapCell.code, *(sa.func.sum(getattr(GapCell, f"required_{level}")) for level in LEVELS)
        )
        .where(*_where(GapCell, wave_id, municipality_id))
        .group_by(GapCell.code)
    ).all()
    return {
        code: {level: int(n) for level, n in zip(LEVELS, counts, strict=True) if n}
        for code, *counts in rows
    }

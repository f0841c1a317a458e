"""Aggregation over the summary cells (``gap_cells``, ``gap_values``); one Stats per group.

A cell holds the counts and sums of one (wave, municipality, sector, size band, competence),
so every statistic is a sum over cells. A municipality's cells and gap-value counts are read
once (two queries, a few thousand rows at most) and summed in Python into every breakdown; the
consortium and earlier waves, which show means only, are summed in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from uprest.extensions import db
from uprest.surveys.models import LEVELS, GapCell, GapValue

BREAKDOWNS = ("all", "sector", "size_band")
# The sums a Stats is made of, in this order.
SUMS = (
    "businesses",
    "staff",
    "required_sum",
    "current_sum",
    "importance_sum",
    "importance_count",
    "gap_sum",
    "gapped",
)
DISTRIBUTION = tuple(f"required_{level}" for level in LEVELS)


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


@dataclass
class Figures:
    """A municipality's statistics by breakdown ("all", "sector", "size_band") and then by
    (group, competence code), and how many businesses require each level, by code."""

    stats: dict[str, dict[tuple[str, str], Stats]] = field(default_factory=dict)
    distribution: dict[str, dict[int, int]] = field(default_factory=dict)
    # businesses per (sector, size band) by competence code: the atoms disclosure audits
    atoms: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)


def _rounded(value: float) -> float:
    """A figure from float sums, rounded far below what is shown (3 decimals) but far above
    the summation noise, so the order in which a cell's sums were added never shows (a mean
    gap of exactly 0 stays 0.000, not -0.000); ``+ 0.0`` turns -0.0 into 0.0."""
    return round(value, 9) + 0.0


def _stats(sums, median: float | None = None) -> Stats:
    """Stats from the ``SUMS`` of a group; without a median, the mean stands in for it."""
    n, staff, required, current, importance, rated, gap, gapped = sums
    mean_gap = gap / n
    mean_importance = importance / rated if rated else None
    mean_required = required / n
    weight = mean_importance if mean_importance is not None else mean_required
    return Stats(
        businesses=int(n),
        respondents=int(staff),
        required=mean_required,
        current=_rounded(current / n),
        importance=mean_importance,
        mean_gap=_rounded(mean_gap),
        median_gap=_rounded(mean_gap) if median is None else median,
        prevalence=gapped / n,
        borich=_rounded(mean_gap * weight),
    )


def _summed_cells(wave_id: int, *group_by):
    return (
        sa.select(*group_by, *(sa.func.sum(getattr(GapCell, name)) for name in SUMS))
        .where(GapCell.wave_id == wave_id)
        .group_by(*group_by)
    )


def gap_stats(wave_id: int, municipality_id: int) -> dict[str, Stats]:
    """Means by competence code over a municipality's businesses, for comparisons; the
    median stands at the mean (comparisons show means only)."""
    query = _summed_cells(wave_id, GapCell.code).where(GapCell.municipality_id == municipality_id)
    return {code: _stats(sums) for code, *sums in db.session.execute(query)}


def consortium_stats(wave_id: int, threshold: int) -> dict[str, Stats]:
    """Means by competence code over the municipalities with at least ``threshold``
    businesses in the wave: the consortium minus any one of them is then never a small group
    (disclosure rule 3)."""
    totals: dict[str, list] = {}
    for _place, code, *sums in db.session.execute(
        _summed_cells(wave_id, GapCell.municipality_id, GapCell.code)
    ):
        if sums[0] < threshold:
            continue
        known = totals.setdefault(code, [0] * len(SUMS))
        for index, value in enumerate(sums):
            known[index] += value
    return {code: _stats(sums) for code, sums in totals.items()}


def _raw(column):
    """The column's stored text, without building an enum member per row."""
    return sa.type_coerce(column, sa.String)


def municipality_figures(wave_id: int, municipality_id: int) -> Figures:
    """Every breakdown of a municipality, with exact medians, from its cells in two queries."""
    where = (GapCell.wave_id == wave_id, GapCell.municipality_id == municipality_id)
    cells = db.session.execute(
        sa.select(
            _raw(GapCell.sector),
            _raw(GapCell.size_band),
            GapCell.code,
            *(getattr(GapCell, name) for name in SUMS + DISTRIBUTION),
        ).where(*where)
    ).all()
    sums: dict[tuple, list] = {}
    levels: dict[str, list[int]] = {}
    width = len(SUMS)
    atoms: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for sector, size_band, code, *values in cells:
        atoms[code][sector, size_band] = values[0]
        for group in (("all", "all"), ("sector", sector), ("size_band", size_band)):
            known = sums.setdefault((*group, code), [0] * width)
            for index in range(width):
                known[index] += values[index]
        counts = levels.setdefault(code, [0] * len(LEVELS))
        for index, n in enumerate(values[width:]):
            counts[index] += n
    figures = Figures(
        stats={breakdown: {} for breakdown in BREAKDOWNS},
        distribution={
            code: {level: n for level, n in zip(LEVELS, counts, strict=True) if n}
            for code, counts in levels.items()
        },
        atoms=dict(atoms),
    )
    medians = _medians(wave_id, municipality_id)
    for (breakdown, group, code), group_sums in sums.items():
        median = medians.get((breakdown, group, code))
        figures.stats[breakdown][(group, code)] = _stats(group_sums, median)
    return figures


def _medians(wave_id: int, municipality_id: int) -> dict[tuple[str, str, str], float]:
    """Exact medians by (breakdown, group, code) from the counts of each gap value."""
    rows = db.session.execute(
        sa.select(
            _raw(GapValue.sector),
            _raw(GapValue.size_band),
            GapValue.code,
            GapValue.gap,
            GapValue.businesses,
        ).where(GapValue.wave_id == wave_id, GapValue.municipality_id == municipality_id)
    ).all()
    tables: dict[tuple, dict[float, int]] = defaultdict(lambda: defaultdict(int))
    for sector, size_band, code, gap, n in rows:
        tables["all", "all", code][gap] += n
        tables["sector", sector, code][gap] += n
        tables["size_band", size_band, code][gap] += n
    return {key: median_of_counts(sorted(table.items())) for key, table in tables.items()}


def median_of_counts(table: list[tuple[float, int]]) -> float:
    """The median of values given as sorted (value, count) pairs."""
    total = sum(count for _value, count in table)
    lower, upper = (total - 1) // 2, total // 2
    seen, low_value = 0, None
    for value, count in table:
        if low_value is None and seen + count > lower:
            low_value = value
        if seen + count > upper:
            return (low_value + value) / 2
        seen += count
    raise ValueError("empty table")

"""Aggregation in SQL (GROUP BY) over the ``business_gaps`` projection; one row per group."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from uprest.extensions import db
from uprest.surveys.models import BusinessGap

BREAKDOWNS = {"all": None, "sector": BusinessGap.sector, "size_band": BusinessGap.size_band}


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


def _filters(wave_id: int, municipality_id: int | None):
    conditions = [BusinessGap.wave_id == wave_id]
    if municipality_id is not None:
        conditions.append(BusinessGap.municipality_id == municipality_id)
    return conditions


def _group_column(breakdown: str):
    column = BREAKDOWNS[breakdown]
    return sa.literal("all").label("grp") if column is None else column.label("grp")


def _group_by(breakdown: str, *columns) -> list:
    """GROUP BY the breakdown's column (none for "all": a constant can't be grouped on)."""
    column = BREAKDOWNS[breakdown]
    return [*columns] if column is None else [column, *columns]


def gap_stats(
    wave_id: int, municipality_id: int | None, breakdown: str = "all", *, medians: bool = True
) -> dict[tuple[str, str], Stats]:
    """Stats by (group, competence code); ``municipality_id`` None means the whole consortium.

    Without ``medians`` the median query is skipped (the consortium comparison shows means).
    """
    grp = _group_column(breakdown)
    conditions = _filters(wave_id, municipality_id)
    importance = sa.func.avg(sa.cast(BusinessGap.importance, sa.Float))
    required = sa.func.avg(sa.cast(BusinessGap.required, sa.Float))
    means = db.session.execute(
        sa.select(
            grp,
            BusinessGap.code,
            sa.func.count(),
            sa.func.sum(BusinessGap.staff),
            required,
            sa.func.avg(BusinessGap.current),
            importance,
            sa.func.avg(BusinessGap.gap),
            sa.func.avg(sa.case((BusinessGap.gap >= 1, 1.0), else_=0.0)),
        )
        .where(*conditions)
        .group_by(*_group_by(breakdown, BusinessGap.code))
    ).all()
    medians = _medians(grp, conditions, breakdown) if medians else {}
    result = {}
    for group, code, n, staff, req, cur, imp, gap, prev in means:
        key = (str(getattr(group, "value", group)), code)
        weight = imp if imp is not None else req
        result[key] = Stats(
            businesses=n,
            respondents=int(staff or 0),
            required=req,
            current=cur,
            importance=imp,
            mean_gap=gap,
            median_gap=medians.get(key, gap),
            prevalence=prev,
            borich=gap * weight,
        )
    return result


def _medians(grp, conditions, breakdown: str) -> dict[tuple[str, str], float]:
    """Exact medians from a frequency table of gap values (GROUP BY value, not row by row)."""
    group_by = _group_by(breakdown, BusinessGap.code, BusinessGap.gap)
    rows = db.session.execute(
        sa.select(grp, BusinessGap.code, BusinessGap.gap, sa.func.count())
        .where(*conditions)
        .group_by(*group_by)
        .order_by(*group_by)
    ).all()
    tables: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for group, code, gap, count in rows:
        tables[(str(getattr(group, "value", group)), code)].append((gap, count))
    return {key: median_of_counts(table) for key, table in tables.items()}


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


def required_distribution(wave_id: int, municipality_id: int | None) -> dict[str, dict[int, int]]:
    """How many businesses require each level, per competence code."""
    rows = db.session.execute(
        sa.select(BusinessGap.code, BusinessGap.required, sa.func.count())
        .where(*_filters(wave_id, municipality_id))
        .group_by(BusinessGap.code, BusinessGap.required)
    ).all()
    result: dict[str, dict[int, int]] = defaultdict(dict)
    for code, level, count in rows:
        result[code][int(level)] = count
    return result

"""Gap scoring: pure functions on proficiency ratings (1..5), no Flask, no database.

Notation, per competence: R = required proficiency (from the business part), C = current
proficiency (from staff self-assessments), I = importance (1..5, from the business part).

- signed gap ``R − C``: negative when staff exceed what the business needs;
- deficit ``max(0, R − C)``: the training need, never below 0;
- prevalence: the share of units (businesses) whose gap is at least 1 scale step;
- Borich mean weighted discrepancy score (MWDS): ``mean(R − C) × mean(I)`` over the units
  (Borich 1980); with no importance ratings, mean R stands in for mean I;
- importance–performance quadrants (Martilla and James 1977), cut at the scale midpoint (3);
- priority: Borich MWDS descending, then prevalence descending, then the competence code.

A business's profile combines its staff: C is the mean of its staff members' current ratings.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, median

MIDPOINT = 3.0
GAP_THRESHOLD = 1.0


def signed_gap(required: float, current: float) -> float:
    return required - current


def deficit(required: float, current: float) -> float:
    return max(0.0, required - current)


def prevalence(gaps: Iterable[float], threshold: float = GAP_THRESHOLD) -> float | None:
    """The share of gaps that are at least ``threshold``; None for no data."""
    gaps = list(gaps)
    if not gaps:
        return None
    return sum(1 for g in gaps if g >= threshold) / len(gaps)


def borich_mwds(
    pairs: Sequence[tuple[float, float]], importance: Sequence[float] | None = None
) -> float | None:
    """Mean weighted discrepancy: mean(R − C) × mean(importance, or R when importance is absent).

    ``pairs`` are (R, C) per unit; ``importance`` one rating per unit, or None/empty.
    """
    if not pairs:
        return None
    weights = [i for i in importance or () if i is not None]
    weight = fmean(weights) if weights else fmean(r for r, _c in pairs)
    return fmean(r - c for r, c in pairs) * weight


class Quadrant(enum.StrEnum):
    CONCENTRATE = "concentrate"  # important, performance low: train here first
    KEEP_UP = "keep_up"  # important, performance high
    LOW_PRIORITY = "low_priority"  # less important, performance low
    POSSIBLE_OVERKILL = "possible_overkill"  # less important, performance high


def quadrant(importance: float, performance: float, cut: float = MIDPOINT) -> Quadrant:
    """Importance–performance quadrant; a value on the cut counts as high."""
    if importance >= cut:
        return Quadrant.KEEP_UP if performance >= cut else Quadrant.CONCENTRATE
    return Quadrant.POSSIBLE_OVERKILL if performance >= cut else Quadrant.LOW_PRIORITY


class Standing(enum.StrEnum):
    """Where a competence stands, in words that agree with its gap and its place in the list."""

    TRAIN_FIRST = "train_first"  # among the recommended competences to train
    TRAIN_NEXT = "train_next"  # a gap of a whole step or more, after the first ones
    SMALL_GAP = "small_gap"  # above zero, under a whole step
    REACHED = "reached"  # no gap: today's level meets the level needed


def standing(gap: GapScore, *, is_priority: bool) -> Standing:
    """``is_priority``: the competence is among those recommended for training first."""
    if gap.mean_gap <= 0:
        return Standing.REACHED
    if gap.mean_gap < GAP_THRESHOLD:
        return Standing.SMALL_GAP
    return Standing.TRAIN_FIRST if is_priority else Standing.TRAIN_NEXT


@dataclass(frozen=True)
class GapScore:
    """One competence's scores over a set of units (a business's staff, or businesses)."""

    code: str
    units: int
    required: float
    current: float
    importance: float | None
    mean_gap: float
    median_gap: float
    mean_deficit: float
    prevalence: float
    borich: float

    @property
    def quadrant(self) -> Quadrant:
        weight = self.importance if self.importance is not None else self.required
        return quadrant(weight, self.current)


def score(
    code: str,
    rows: Sequence[tuple[float, float, float | None]],
) -> GapScore | None:
    """Scores for one competence from (R, C, I) per unit; None when there are no units."""
    if not rows:
        return None
    gaps = [signed_gap(r, c) for r, c, _i in rows]
    importances = [i for _r, _c, i in rows if i is not None]
    return GapScore(
        code=code,
        units=len(rows),
        required=fmean(r for r, _c, _i in rows),
        current=fmean(c for _r, c, _i in rows),
        importance=fmean(importances) if importances else None,
        mean_gap=fmean(gaps),
        median_gap=median(gaps),
        mean_deficit=fmean(deficit(r, c) for r, c, _i in rows),
        prevalence=prevalence(gaps),
        borich=borich_mwds([(r, c) for r, c, _i in rows], importances),
    )


def priority_order(scores: Iterable[GapScore]) -> list[GapScore]:
    """Largest Borich score first, then the most prevalent gap, then the code (stable)."""
    return sorted(scores, key=lambda s: (-s.borich, -s.prevalence, s.code))


def business_profile(
    required: Mapping[str, int],
    importance: Mapping[str, int | None],
    staff: Sequence[Mapping[str, int]],
) -> list[GapScore]:
    """A business's gap profile: its required levels against the mean of its staff's ratings.

    The business is one unit, so prevalence is 1.0 or 0.0 (its combined gap is ≥ 1 or not) and
    the Borich score is the combined gap times the importance. Competences nobody on the staff
    has rated are left out. The result is in priority order.
    """
    scores = []
    for code, r in required.items():
        ratings = [member[code] for member in staff if code in member]
        if not ratings:
            continue
        scored = score(code, [(r, fmean(ratings), importance.get(code))])
        scores.append(scored)
    return priority_order(scores)

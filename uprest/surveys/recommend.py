"""Recommendations: modules tagged with a priority gap's competence, at a suitable level.

The matching is pure (``recommend_modules``) and works on simple records, one per tag of a
module: (module slug, competence code, target level), the ``competences`` list of a module's
``module.yaml`` (courses/FORMAT.md). ``catalogue_modules`` is the one place that reads them from
the courses package; until that package is installed it returns nothing, and the pages show the
competences to train instead of modules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from uprest.surveys.scoring import GAP_THRESHOLD, GapScore


@dataclass(frozen=True)
class ModuleTag:
    """One competence tag of a published module."""

    slug: str
    code: str
    level: int
    title: str = ""


@dataclass(frozen=True)
class Recommendation:
    slug: str
    title: str
    code: str
    level: int
    gap: GapScore


def catalogue_modules() -> list[ModuleTag]:
    """The published modules' competence tags, titles in the reader's language."""
    from uprest.courses import services as courses

    return [
        ModuleTag(slug, code, int(level), title)
        for slug, code, level, title in courses.module_competence_tags()
    ]


def suits(tag: ModuleTag, gap: GapScore) -> bool:
    """A module suits a gap when it lifts the learner from where they are towards the level
    needed, without aiming past it.

    Its target level must be above the current level (rounded down, so a mean of 2.5 still
    welcomes a level-3 module) and at most the level the business asks for (rounded up).
    """
    return math.floor(gap.current) < tag.level <= max(math.ceil(gap.required), 1)


def uncovered(gaps: Sequence[GapScore], modules: Iterable[ModuleTag]) -> list[GapScore]:
    """The gaps in ``gaps`` that no module suits: said plainly rather than left blank."""
    tags = list(modules)
    return [g for g in gaps if not any(t.code == g.code and suits(t, g) for t in tags)]


def recommend_modules(
    gaps: Sequence[GapScore], modules: Iterable[ModuleTag], *, limit: int = 10
) -> list[Recommendation]:
    """Modules for the priority gaps (deficit ≥ 1), in the gaps' priority order.

    For each gap the suitable modules come closest target level to the required level first,
    then by slug; a module is proposed once, for its most urgent gap.
    """
    by_code: dict[str, list[ModuleTag]] = {}
    for tag in modules:
        by_code.setdefault(tag.code, []).append(tag)
    chosen: list[Recommendation] = []
    seen: set[str] = set()
    for gap in gaps:
        if gap.required - gap.current < GAP_THRESHOLD:
            continue
        candidates = [t for t in by_code.get(gap.code, []) if suits(t, gap) and t.slug not in seen]
        candidates.sort(key=lambda t: (abs(t.level - gap.required), t.slug))
        for tag in candidates:
            seen.add(tag.slug)
            chosen.append(Recommendation(tag.slug, tag.title or tag.slug, tag.code, tag.level, gap))
            if len(chosen) == limit:
                return chosen
    return chosen


def competences_to_train(gaps: Sequence[GapScore], *, limit: int = 5) -> list[GapScore]:
    """The priority gaps worth training: a deficit of at least one step, most urgent first."""
    return [g for g in gaps if g.required - g.current >= GAP_THRESHOLD][:limit]

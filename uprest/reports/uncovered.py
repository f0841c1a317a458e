"""Gaps no module covers: what trainers may learn of a municipality's needs, and no more.

Trainers never see a business. They see the names of the competences among a municipality's
top five gaps, in its newest published (closed) wave, that no published module covers at the
level needed. The top gaps come from ``services.summary``, so only cells the disclosure rules
let a reviewer see (and the open data publish) are considered; no counts or figures are shown,
so nothing can be differenced across pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from uprest.accounts.models import Municipality
from uprest.reports.services import _as_score, is_published, summary
from uprest.surveys import services as survey_services
from uprest.surveys.models import Competence
from uprest.surveys.services import GAP_THRESHOLD, waves_for_municipality


@dataclass
class UncoveredGaps:
    municipality: Municipality
    competences: list[Competence]


def uncovered_gaps(
    municipality: Municipality, catalogue: list[survey_services.ModuleTag]
) -> UncoveredGaps | None:
    """The municipality's published top gaps no module suits; None before any wave closed."""
    published = [w for w in waves_for_municipality(municipality.id) if is_published(w)]
    if not published:
        return None
    wave = max(published, key=lambda w: (w.opens_on, w.id))
    rows = [
        row
        for row in summary(wave, municipality).top_gaps
        if row.cell.stats.mean_gap >= GAP_THRESHOLD
    ]
    scores = {row.competence.code: _as_score(row.competence.code, row.cell.stats) for row in rows}
    missing = {g.code for g in survey_services.uncovered_gaps(list(scores.values()), catalogue)}
    return UncoveredGaps(municipality, [r.competence for r in rows if r.competence.code in missing])

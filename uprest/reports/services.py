"""Municipality summaries: the SQL aggregates, with disclosure control applied, for one wave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from uprest.accounts.models import Municipality, Sector, SizeBand
from uprest.core import disclosure
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.reports import queries
from uprest.reports.queries import Stats
from uprest.surveys import services as survey_services
from uprest.surveys.models import Competence, SurveyWave
from uprest.surveys.services import waves_for_municipality


@dataclass(frozen=True)
class Cell:
    """A published statistic, or the reason there is none (suppressed, or no answers)."""

    stats: Stats | None
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return self.stats is not None and not self.suppressed


EMPTY = Cell(None)


@dataclass
class CompetenceRow:
    competence: Competence
    cell: Cell
    consortium: Cell
    previous: Cell | None = None
    distribution: dict[int, int] | None = None
    previous_is_later: bool = False

    @property
    def change(self) -> float | None:
        """The later wave's mean gap minus the earlier one's, whichever of the two this is."""
        if self.previous is None or not (self.cell.shown and self.previous.shown):
            return None
        change = self.cell.stats.mean_gap - self.previous.stats.mean_gap
        return -change if self.previous_is_later else change


@dataclass
class Breakdown:
    key: str
    groups: list  # Sector or SizeBand members that have answers
    rows: list[tuple[Competence, dict[str, Cell]]] = field(default_factory=list)
    totals: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Release:
    """What the open-data metadata describes: a wave's figures for a municipality, and the rule."""

    wave: SurveyWave
    municipality: Municipality
    threshold: int
    distribution_threshold: int


@dataclass
class Summary(Release):
    total: Cell
    rows: list[CompetenceRow]
    breakdowns: list[Breakdown]
    previous_wave: SurveyWave | None = None
    # The compared wave may be a later one; the change is then from this wave to that one.
    previous_is_later: bool = False
    # An open wave's figures are not published (disclosure rule 4): nothing but this flag.
    is_published: bool = True

    @property
    def top_gaps(self) -> list[CompetenceRow]:
        shown = {row.competence.code: row for row in self.rows if row.cell.shown}
        scores = [_as_score(code, row.cell.stats) for code, row in shown.items()]
        return [shown[s.code] for s in survey_services.priority_order(scores)[:5]]


def _as_score(code: str, stats: Stats) -> survey_services.GapScore:
    return survey_services.GapScore(
        code=code,
        units=stats.businesses,
        required=stats.required,
        current=stats.current,
        importance=stats.importance,
        mean_gap=stats.mean_gap,
        median_gap=stats.median_gap,
        mean_deficit=max(0.0, stats.mean_gap),
        prevalence=stats.prevalence,
        borich=stats.borich,
    )


def thresholds() -> tuple[int, int]:
    config = current_app.config
    threshold = disclosure.configured_threshold(config)
    distribution = int(
        config.get("UPREST_DISTRIBUTION_THRESHOLD", disclosure.DEFAULT_DISTRIBUTION_THRESHOLD)
    )
    return threshold, max(distribution, threshold)


def release(wave: SurveyWave, municipality: Municipality) -> Release:
    """The metadata's subject, without computing any figure."""
    threshold, distribution_threshold = thresholds()
    return Release(wave, municipality, threshold, distribution_threshold)


def _cell(stats: Stats | None, suppressed: bool) -> Cell:
    if stats is None:
        return EMPTY
    return Cell(None if suppressed else stats, suppressed)


def _overall(stats: dict[str, Stats], threshold: int) -> dict[str, Cell]:
    return {
        code: _cell(s, disclosure.primary(s.businesses, threshold)) for code, s in stats.items()
    }


def is_published(wave: SurveyWave, today: date | None = None) -> bool:
    """A wave's figures are published once it has closed (disclosure rule 4)."""
    return wave.is_closed_on(today or utcnow().date())


def is_later(wave: SurveyWave, other: SurveyWave) -> bool:
    """Whether ``wave`` came after ``other`` (the order of the wave list: opening, then id)."""
    return (wave.opens_on, wave.id) > (other.opens_on, other.id)


def previous_wave_for(wave: SurveyWave, municipality: Municipality) -> SurveyWave | None:
    earlier = [
        w for w in waves_for_municipality(municipality.id) if is_later(wave, w) and is_published(w)
    ]
    return earlier[0] if earlier else None


# Which cell of ``disclosure.two_way_cells`` each breakdown's groups are.
_MARGIN = {"sector": "row", "size_band": "column"}


def _patterns(figures: queries.Figures, threshold: int) -> dict[str, set]:
    """The withheld cells per competence code (disclosure rule 2), one audit per distinct
    set of atom counts: every competence usually has the same businesses."""
    found: dict[frozenset, set] = {}
    patterns = {}
    for code, counts in figures.atoms.items():
        key = frozenset(counts.items())
        if key not in found:
            cells = disclosure.two_way_cells(counts)
            found[key] = disclosure.protect(counts, cells, threshold, frozenset({"total"}))
        patterns[code] = found[key]
    return patterns


def _breakdown(stats, key, members, competences, patterns, total_cut) -> Breakdown:
    present = {group for group, _code in stats}
    table = Breakdown(key=key, groups=[m for m in members if m.value in present])
    group_sizes: dict[str, tuple[int, int]] = {}
    withheld_anywhere: set[str] = set()
    for competence in competences:
        hidden = patterns.get(competence.code, set())
        row = {}
        for g in table.groups:
            s = stats.get((g.value, competence.code))
            is_hidden = total_cut or (_MARGIN[key], g.value) in hidden
            row[g.value] = _cell(s, is_hidden)
            if s is not None:
                known = group_sizes.get(g.value, (0, 0))
                group_sizes[g.value] = max(known, (s.businesses, s.respondents))
                if is_hidden:
                    withheld_anywhere.add(g.value)
        table.rows.append((competence, row))
    # The sizes row withholds a group withheld for any competence: withholding more of one
    # table never lets a withheld figure be solved for.
    for g, (n, respondents) in group_sizes.items():
        size = Stats(n, respondents, 0, 0, None, 0, 0, 0, 0)
        table.totals[g] = _cell(size, total_cut or g in withheld_anywhere)
    return table


def summary(
    wave: SurveyWave, municipality: Municipality, compare: SurveyWave | None = None
) -> Summary:
    """Everything a reviewer may see of ``municipality`` in ``wave``; ``compare`` defaults to the
    previous wave that reached the municipality."""
    threshold, distribution_threshold = thresholds()
    if not is_published(wave):
        return Summary(
            wave, municipality, threshold, distribution_threshold, EMPTY, [], [], is_published=False
        )
    competences = list(
        db.session.scalars(
            sa.select(Competence)
            .where(Competence.framework_id == wave.framework_id)
            .order_by(Competence.position)
        )
    )
    figures = queries.municipality_figures(wave.id, municipality.id)
    local = {code: s for (_all, code), s in figures.stats["all"].items()}
    businesses = max((s.businesses for s in local.values()), default=0)
    respondents = max((s.respondents for s in local.values()), default=0)
    total_cut = disclosure.primary(businesses, threshold)
    total = _cell(Stats(businesses, respondents, 0, 0, None, 0, 0, 0, 0), total_cut)
    cells = _overall(local, threshold)
    consortium = _overall(queries.consortium_stats(wave.id, threshold), threshold)
    previous_wave = compare or previous_wave_for(wave, municipality)
    if previous_wave is not None and not is_published(previous_wave):
        previous_wave = None
    previous = {}
    later = previous_wave is not None and is_later(previous_wave, wave)
    if previous_wave is not None:
        previous = _overall(queries.gap_stats(previous_wave.id, municipality.id), threshold)
    distributions = figures.distribution if businesses >= distribution_threshold else {}
    rows = []
    for competence in competences:
        code = competence.code
        cell = cells.get(code, EMPTY)
        distribution = distributions.get(code)
        if not cell.shown or not disclosure.distribution_allowed(
            cell.stats.businesses, distribution_threshold
        ):
            distribution = None
        rows.append(
            CompetenceRow(
                competence=competence,
                cell=cell,
                consortium=consortium.get(code, EMPTY),
                previous=previous.get(code, EMPTY) if previous_wave else None,
                distribution=distribution,
                previous_is_later=later,
            )
        )
    patterns = _patterns(figures, threshold)
    breakdowns = [
        _breakdown(figures.stats[key], key, list(members), competences, patterns, total_cut)
        for key, members in (("sector", Sector), ("size_band", SizeBand))
    ]
    return Summary(
        wave=wave,
        municipality=municipality,
        threshold=threshold,
        distribution_threshold=distribution_threshold,
        total=total,
        rows=rows,
        breakdowns=breakdowns,
        previous_wave=previous_wave,
        previous_is_later=later,
    )

"""The summary cells always equal a direct computation over the per-business gap rows:
after submissions, edits, moves between sectors, and account erasure."""

import random
import statistics
from collections import defaultdict

import pytest
import sqlalchemy as sa

from uprest.accounts import services as account_services
from uprest.accounts.models import Municipality, Role, Sector, SizeBand
from uprest.core.time import utcnow
from uprest.extensions import db
from uprest.reports import exports, queries, services
from uprest.surveys import gaps
from uprest.surveys import services as survey_services
from uprest.surveys.models import BusinessGap, GapCell, GapValue, Part

PLACES = ("cervia", "ravenna", "tartu")


def _direct(wave_id: int, municipality_id: int | None, breakdown: str) -> dict:
    """The summary statistics computed in Python from the ``business_gaps`` rows."""
    query = sa.select(BusinessGap).where(BusinessGap.wave_id == wave_id)
    if municipality_id is not None:
        query = query.where(BusinessGap.municipality_id == municipality_id)
    groups = defaultdict(list)
    for row in db.session.scalars(query):
        group = "all" if breakdown == "all" else getattr(row, breakdown).value
        groups[(group, row.code)].append(row)
    result = {}
    for key, rows in groups.items():
        mean_gap = statistics.fmean(r.gap for r in rows)
        required = statistics.fmean(r.required for r in rows)
        rated = [r.importance for r in rows if r.importance is not None]
        importance = statistics.fmean(rated) if rated else None
        result[key] = queries.Stats(
            businesses=len(rows),
            respondents=sum(r.staff for r in rows),
            required=required,
            current=statistics.fmean(r.current for r in rows),
            importance=importance,
            mean_gap=mean_gap,
            median_gap=statistics.median(r.gap for r in rows),
            prevalence=sum(r.gap >= 1 for r in rows) / len(rows),
            borich=mean_gap * (importance if importance is not None else required),
        )
    return result


def _distribution(wave_id: int, municipality_id: int) -> dict:
    counts = defaultdict(lambda: defaultdict(int))
    for row in db.session.scalars(
        sa.select(BusinessGap).where(
            BusinessGap.wave_id == wave_id, BusinessGap.municipality_id == municipality_id
        )
    ):
        counts[row.code][row.required] += 1
    return {code: dict(levels) for code, levels in counts.items()}


def _snapshot() -> tuple[list, list]:
    """Every cell row, floats rounded below their summation noise."""

    def rows(model):
        table = model.__table__
        return sorted(
            tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            for row in db.session.execute(sa.select(table)).all()
        )

    return rows(GapCell), rows(GapValue)


def _csvs(waves, places) -> list[str]:
    return [
        exports.csv_text(services.summary(wave, place, compare))
        for wave, compare in waves
        for place in places
    ]


def _same(got: dict, expected: dict, medians: bool = True) -> None:
    assert got.keys() == expected.keys()
    for key, stats in got.items():
        want = expected[key]
        assert (stats.businesses, stats.respondents, stats.prevalence) == (
            want.businesses,
            want.respondents,
            want.prevalence,
        ), key
        if medians:
            assert stats.median_gap == want.median_gap, key
        for name in ("required", "current", "importance", "mean_gap", "borich"):
            assert getattr(stats, name) == pytest.approx(
                getattr(want, name), rel=1e-12, abs=1e-9
            ), (key, name)


def _check(waves) -> None:
    """The cells give the direct figures, and equal cells rebuilt from scratch."""
    places = [
        db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))
        for slug in PLACES
    ]
    for wave, _compare in waves:
        for place_id in [None, *(p.id for p in places)]:
            means = {code: s for (_all, code), s in _direct(wave.id, place_id, "all").items()}
            if place_id is None:
                # a threshold of 1 leaves no municipality out of the consortium
                _same(queries.consortium_stats(wave.id, 1), means, medians=False)
                continue
            _same(queries.gap_stats(wave.id, place_id), means, medians=False)
            figures = queries.municipality_figures(wave.id, place_id)
            for breakdown in queries.BREAKDOWNS:
                _same(figures.stats[breakdown], _direct(wave.id, place_id, breakdown))
            assert figures.distribution == _distribution(wave.id, place_id)
    kept, csvs = _snapshot(), _csvs(waves, places)
    for wave, _compare in waves:
        gaps.refresh(wave.id)  # the rebuild path
    assert _snapshot() == kept
    assert _csvs(waves, places) == csvs


# Random levels for these; the GCM and ENT competences keep the default level 3.
CODES = [f"DIG-{i:02d}" for i in range(1, 11)] + [f"GRN-{i:02d}" for i in range(1, 9)]


def _levels(rng, low=1):
    return {code: rng.randint(low, 5) for code in CODES}


@pytest.fixture
def survey(open_wave, answer_survey, create_business, app):
    """Businesses of three municipalities, every sector and size band, 1-4 staff, random
    answers (some competences left at the default), in two waves."""
    rng = random.Random(20261123)
    earlier = open_wave("Autumn wave")
    wave = open_wave("Spring wave")
    made = []
    for index in range(30):
        business = create_business(
            place=PLACES[index % 3],
            sector=list(Sector)[index % len(Sector)],
            size_band=list(SizeBand)[index % 4 % len(SizeBand)],
        )
        staff = [_levels(rng) for _ in range(1 + index % 4 if index % 7 else 1)]
        answer_survey(wave, business, required=_levels(rng), current=staff, importance=_levels(rng))
        if index % 2:
            answer_survey(earlier, business, required=_levels(rng, 3), current=staff[:1])
        made.append(business)
    return wave, earlier, made, rng


def test_cells_equal_direct_figures_through_edits_and_erasure(survey, answer_survey):
    wave, earlier, made, rng = survey
    waves = [(wave, earlier), (earlier, None)]
    _check(waves)

    # answering again: new required levels and importance, and the manager's own ratings
    for business in made[:6]:
        answer_survey(
            wave, business, required=_levels(rng), current=[_levels(rng)], importance=_levels(rng)
        )
    # a business corrects its profile: its figures move to another sector and size band
    response = survey_services.find_response(
        wave, next(u for u in made[7].staff if u.role is Role.MANAGER), Part.BUSINESS
    )
    survey_services.save_profile(
        response, sector=Sector.EVENTS, size_band=SizeBand.MEDIUM, comments=None
    )
    # a learner changes their self-assessment
    learner = next(u for b in made[8:] for u in b.staff if u.role is Role.LEARNER)
    assessment = survey_services.find_response(wave, learner, Part.SELF)
    competences = list(wave.framework.competences)
    survey_services.save_ratings(
        assessment, competences, {c.id: (rng.randint(1, 5), None) for c in competences}, 99
    )
    survey_services.submit(assessment, wave, utcnow().date())
    db.session.commit()
    _check(waves)

    # erasure: a learner (their business's gaps are recomputed without them) ...
    account_services.delete_account(learner)
    # ... and a sole manager, whose business goes with the account
    alone = next(b for b in made if len(b.staff) == 1)
    account_services.delete_account(alone.staff[0])
    db.session.commit()
    assert not db.session.scalar(
        sa.select(sa.func.count()).select_from(GapCell).where(GapCell.businesses <= 0)
    )
    _check(waves)


def test_medians_and_distributions_from_the_cells(
    open_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    cervia = municipality("cervia").id
    businesses = [create_business() for _ in range(5)]
    for business, current in zip(businesses, ([3], [3], [2], [1, 1]), strict=False):
        answer_survey(wave, business, required=4, current=current)  # gaps 1, 1, 2, 3
    figures = queries.municipality_figures(wave.id, cervia)
    assert figures.stats["all"][("all", "DIG-01")].median_gap == 1.5
    answer_survey(wave, businesses[4], required=4, current=[4, 5])  # and -0.5
    figures = queries.municipality_figures(wave.id, cervia)
    assert figures.stats["all"][("all", "DIG-01")].median_gap == 1.0
    assert figures.distribution["DIG-01"] == {4: 5}

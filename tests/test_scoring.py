"""Gap scoring, disclosure control and recommendations: pure functions on hand-worked examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uprest.core import disclosure
from uprest.reports.queries import median_of_counts
from uprest.surveys import recommend, scoring
from uprest.surveys.scoring import Quadrant

pytestmark = pytest.mark.nodb


def test_signed_gap_and_deficit():
    assert scoring.signed_gap(4, 2) == 2
    assert scoring.signed_gap(2, 3.5) == -1.5
    assert scoring.deficit(4, 2) == 2
    assert scoring.deficit(2, 3.5) == 0


def test_prevalence_counts_gaps_of_at_least_one_step():
    assert scoring.prevalence([0, 1, 1.5, -1, 0.5]) == pytest.approx(2 / 5)
    assert scoring.prevalence([]) is None


def test_borich_uses_importance_or_else_required():
    # gaps 2, -1, 3: mean 4/3; importance 5, 2, 5: mean 4; required 4, 2, 5: mean 11/3
    pairs = [(4, 2), (2, 3), (5, 2)]
    assert scoring.borich_mwds(pairs, [5, 2, 5]) == pytest.approx(16 / 3)
    assert scoring.borich_mwds(pairs) == pytest.approx(44 / 9)
    assert scoring.borich_mwds(pairs, [None, None, None]) == pytest.approx(44 / 9)
    assert scoring.borich_mwds([]) is None


def test_quadrants_cut_at_the_midpoint():
    assert scoring.quadrant(5, 2) is Quadrant.CONCENTRATE
    assert scoring.quadrant(3, 3) is Quadrant.KEEP_UP
    assert scoring.quadrant(2, 1) is Quadrant.LOW_PRIORITY
    assert scoring.quadrant(1, 4.5) is Quadrant.POSSIBLE_OVERKILL


def test_score_of_three_businesses():
    s = scoring.score("DIG-01", [(4, 2, 5), (2, 3, 2), (5, 2, 5)])
    assert s.units == 3
    assert s.mean_gap == pytest.approx(4 / 3)
    assert s.median_gap == 2
    assert s.mean_deficit == pytest.approx(5 / 3)
    assert s.prevalence == pytest.approx(2 / 3)
    assert s.borich == pytest.approx(16 / 3)
    assert s.quadrant is Quadrant.CONCENTRATE  # mean importance 4, mean current 7/3
    assert scoring.score("X", []) is None


def test_quadrant_of_a_score_uses_mean_importance_and_current():
    s = scoring.score("A", [(4, 2, 5)])
    assert s.quadrant is Quadrant.CONCENTRATE


def test_priority_order_borich_then_prevalence_then_code():
    a = scoring.score("A", [(4, 2, 3), (3, 3, 3)])  # mean gap 1, borich 3, prevalence 1/2
    b = scoring.score("B", [(4, 3, 3), (4, 3, 3)])  # mean gap 1, borich 3, prevalence 1
    c = scoring.score("C", [(5, 1, 5)])  # borich 20
    d = scoring.score("D", [(4, 3, 3), (4, 3, 3)])  # same as B: code decides
    assert [s.code for s in scoring.priority_order([a, d, b, c])] == ["C", "B", "D", "A"]


def test_business_profile_combines_its_staff():
    profile = scoring.business_profile(
        required={"A": 4, "B": 3, "C": 5},
        importance={"A": 5, "B": 2, "C": None},
        staff=[{"A": 2, "B": 3}, {"A": 3, "B": 4}],
    )
    assert [s.code for s in profile] == ["A", "B"]  # nobody rated C
    a, b = profile
    assert (a.current, a.mean_gap, a.prevalence, a.borich) == (2.5, 1.5, 1.0, 7.5)
    assert (b.current, b.mean_gap, b.prevalence, b.borich) == (3.5, -0.5, 0.0, -1.0)


def test_median_from_a_frequency_table():
    assert median_of_counts([(1.0, 1), (2.0, 1), (7.0, 1)]) == 2.0
    assert median_of_counts([(1.0, 2), (3.0, 2)]) == 2.0
    assert median_of_counts([(-1.0, 1), (0.5, 3)]) == 0.5


# --- disclosure control ---------------------------------------------------------------------


def test_primary_suppression_below_the_threshold():
    assert disclosure.primary(4) and not disclosure.primary(5) and not disclosure.primary(0)
    assert disclosure.primary(3, threshold=4) and not disclosure.primary(3, threshold=3)


def _withheld_groups(counts, threshold=5):
    """Secondary suppression on a one-way table: the groups and their published total."""
    cells = {g: frozenset([g]) for g in counts} | {"total": frozenset(counts)}
    return disclosure.protect(counts, cells, threshold, frozenset({"total"})) - {"total"}


def test_threshold_is_never_below_three():
    with pytest.raises(ValueError):
        disclosure.primary(1, threshold=2)
    with pytest.raises(ValueError):
        _withheld_groups({"a": 1}, threshold=2)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 10, "b": 6}, set()),
        ({"a": 10, "b": 3, "c": 7}, {"b", "c"}),  # one small group: the next smallest goes too
        ({"a": 10, "b": 2, "c": 1, "d": 8}, {"b", "c", "d"}),  # 2 + 1 < 5: one more
        ({"a": 10, "b": 3, "c": 0, "d": 6}, {"b", "d"}),  # empty groups hide nothing
        ({"a": 3, "b": 4, "c": 9}, {"a", "b"}),  # two small ones already cover the threshold
    ],
)
def test_secondary_suppression(counts, expected):
    assert _withheld_groups(counts) == expected


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 30), max_size=8),
    st.integers(3, 8),
)
def test_no_suppressed_group_can_be_recomputed(counts, threshold):
    hidden = _withheld_groups(counts, threshold)
    small = {k for k, n in counts.items() if 0 < n < threshold}
    assert small <= hidden
    if hidden and sum(counts.values()) >= threshold:
        # the withheld groups can only be recovered together, and together they are a large
        # enough group (tests/test_disclosure.py solves the two-way tables exactly)
        assert len(hidden) >= 2 and sum(counts[k] for k in hidden) >= threshold


def test_distributions_only_for_ten_or_more():
    assert disclosure.distribution_allowed(10) and not disclosure.distribution_allowed(9)


# --- recommendations ------------------------------------------------------------------------

MODULES = [
    recommend.ModuleTag("online-presence", "DIG-01", 3, "Be found online"),
    recommend.ModuleTag("website-advanced", "DIG-01", 5, "Advanced websites"),
    recommend.ModuleTag("data-basics", "DIG-06", 2, "Data basics"),
    recommend.ModuleTag("data-dashboards", "DIG-06", 4, "Dashboards"),
    recommend.ModuleTag("energy", "GRN-01", 3, "Save energy"),
    recommend.ModuleTag("website-plus", "DIG-01", 4, "Better websites"),
]


def _gaps():
    return scoring.priority_order(
        [
            scoring.score("DIG-06", [(4, 1, 5)]),  # borich 15: first
            scoring.score("DIG-01", [(3, 1.5, 4)]),  # borich 6
            scoring.score("GRN-01", [(3, 2.5, 5)]),  # gap 0.5: not a priority gap
        ]
    )


def test_recommend_modules_follows_the_priority_gaps_at_a_suitable_level():
    chosen = recommend.recommend_modules(_gaps(), MODULES)
    assert [(r.slug, r.code) for r in chosen] == [
        ("data-dashboards", "DIG-06"),  # level 4 = the required level
        ("data-basics", "DIG-06"),  # level 2 > current 1, still suitable
        ("online-presence", "DIG-01"),  # levels 4 and 5 aim past the required 3
    ]


def test_gaps_no_module_covers():
    gaps = recommend.competences_to_train(_gaps())
    assert recommend.uncovered(gaps, MODULES) == []
    only_advanced = [m for m in MODULES if m.slug not in ("online-presence", "data-basics")]
    assert [g.code for g in recommend.uncovered(gaps, only_advanced)] == ["DIG-01"]


def test_recommend_modules_limit_and_no_catalogue():
    assert len(recommend.recommend_modules(_gaps(), MODULES, limit=1)) == 1
    assert recommend.recommend_modules(_gaps(), []) == []


def test_competences_to_train_are_the_gaps_of_a_whole_step():
    assert [g.code for g in recommend.competences_to_train(_gaps())] == ["DIG-06", "DIG-01"]

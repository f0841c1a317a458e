"""Prerequisite ordering, cycle detection, gating and the next step (pure Python)."""

import pytest

from uprest.courses import paths
from uprest.courses.paths import PathEntry


def entry(module, *after, required=True):
    return PathEntry(module=module, required=required, after=tuple(after))


pytestmark = pytest.mark.nodb


def test_order_keeps_the_recommended_order_where_prerequisites_allow():
    entries = [entry("b", "a"), entry("c"), entry("a")]
    assert [e.module for e in paths.ordered(entries)] == ["c", "a", "b"]


def test_order_of_a_chain_and_a_diamond():
    entries = [entry("a"), entry("b", "a"), entry("c", "a"), entry("d", "b", "c")]
    assert [e.module for e in paths.ordered(entries)] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "entries, cycle",
    [
        ([entry("a", "a")], ["a", "a"]),
        ([entry("a", "b"), entry("b", "a")], ["a", "b", "a"]),
        ([entry("a"), entry("b", "d"), entry("c", "b"), entry("d", "c")], ["b", "d", "c", "b"]),
    ],
)
def test_cycles_are_refused_and_named(entries, cycle):
    with pytest.raises(paths.CycleError) as refused:
        paths.check(entries)
    assert refused.value.cycle == cycle


def test_unknown_prerequisite_and_duplicates_are_refused():
    with pytest.raises(paths.UnknownPrerequisiteError):
        paths.check([entry("a", "zzz")])
    with pytest.raises(paths.DuplicateModuleError):
        paths.check([entry("a"), entry("a")])


def test_gating_next_step_and_completion():
    entries = [entry("a"), entry("b", "a"), entry("extra", "a", required=False), entry("c", "b")]
    assert paths.unmet(entries, set()) == {"a": [], "b": ["a"], "extra": ["a"], "c": ["b"]}
    assert paths.next_step(entries, set()) == "a"
    assert paths.next_step(entries, {"a"}) == "b"  # required before optional
    assert paths.next_step(entries, {"a", "b", "c"}) == "extra"
    assert paths.is_complete(entries, {"a", "b", "c"})
    assert not paths.is_complete(entries, {"a", "b"})
    assert paths.next_step(entries, {"a", "b", "c", "extra"}) is None


def test_entries_from_the_path_file():
    found = paths.entries_from(
        [{"module": "a", "required": True}, {"module": "b", "required": False, "after": ["a"]}]
    )
    assert found == [entry("a"), entry("b", "a", required=False)]

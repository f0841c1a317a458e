"""Disclosure control for published statistics: pure functions, no Flask, no database.

The rule (README, "Privacy"): linked-table cell suppression, audited by linear algebra.

1. Primary suppression: no statistic for a group of fewer than ``threshold`` businesses
   (5 by default; configurable, never below 3).
2. Secondary (complementary) suppression, consistent across every table one person sees of a
   wave: the municipality total, its sectors and its size bands are cells over the same
   *atoms* (the sector × size-band groups) and are protected together, as tau-ARGUS does for
   linked tables. Every published cell is read as a known sum over its atoms (a mean times a
   count is a sum). A set of businesses is *determined* when its indicator lies in the row
   space of the published cells. The pattern is safe when no primary-suppressed cell and no
   set of fewer than ``threshold`` businesses (any union of atoms that small) is determined;
   until it is, the published cell whose withholding leaves the fewest determined sets
   (then the smallest) is withheld as well. The total is never withheld secondarily.
   Withheld cells that are determined anyway (they hold ``threshold`` or more businesses and
   add nothing) are published again. The same pattern holds for every competence, for the
   counts of businesses and respondents, the page, the CSV, the print view and the chart.
3. The consortium comparison sums only the municipalities with at least ``threshold``
   businesses in the wave, so the consortium minus one's own municipality is always a sum
   of publishable municipalities, never a small one.
4. Figures of a wave are published only after it has closed; from then on its cells change
   no more (late confirmations and erasures leave them alone), so no two versions of one
   figure can be subtracted. Only businesses confirmed by their municipality count.
5. Answer distributions only for groups of at least ``distribution_threshold`` businesses (10).
6. Free text is never published (the summaries never read it).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping

import numpy as np

MINIMUM_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
DEFAULT_DISTRIBUTION_THRESHOLD = 10
# Singular values below this are zero: the matrices hold 0 and 1 and have a few dozen rows.
_TOLERANCE = 1e-9


def check_threshold(threshold: int) -> int:
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"the disclosure threshold may not be below {MINIMUM_THRESHOLD}")
    return threshold


def configured_threshold(config: Mapping) -> int:
    return check_threshold(int(config.get("UPREST_DISCLOSURE_THRESHOLD", DEFAULT_THRESHOLD)))


def primary(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a group of ``count`` businesses must be suppressed (an empty group is not)."""
    check_threshold(threshold)
    return 0 < count < threshold


def distribution_allowed(count: int, threshold: int = DEFAULT_DISTRIBUTION_THRESHOLD) -> bool:
    return count >= threshold


class Audit:
    """Which sets of atoms the published cells determine (their sums can be solved for)."""

    def __init__(self, atoms: list[Hashable], published: list[frozenset]):
        self.index = {atom: i for i, atom in enumerate(atoms)}
        matrix = np.zeros((max(len(published), 1), len(atoms)))
        for row, cell in enumerate(published):
            for atom in cell:
                matrix[row, self.index[atom]] = 1.0
        # x is in the row space exactly when it is orthogonal to the null space.
        _u, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > _TOLERANCE).sum())
        self.null_space = vt[rank:]

    def determined(self, sets: list[frozenset]) -> list[bool]:
        if not sets:
            return []
        vectors = np.zeros((len(sets), len(self.index)))
        for row, atoms in enumerate(sets):
            for atom in atoms:
                vectors[row, self.index[atom]] = 1.0
        if not len(self.null_space):
            return [True] * len(sets)
        residue = np.abs(vectors @ self.null_space.T).max(axis=1)
        return [bool(r < 1e-7) for r in residue]


def small_sets(counts: Mapping[Hashable, int], threshold: int) -> Iterator[frozenset]:
    """Every union of atoms that holds between 1 and ``threshold - 1`` businesses."""
    small = sorted((n, atom) for atom, n in counts.items() if 0 < n < threshold)

    def grow(start: int, chosen: tuple, total: int):
        for i in range(start, len(small)):
            n, atom = small[i]
            if total + n >= threshold:
                break  # sorted by size: every later atom is at least as large
            yield frozenset((*chosen, atom))
            yield from grow(i + 1, (*chosen, atom), total + n)

    yield from grow(0, (), 0)


def protect(
    counts: Mapping[Hashable, int],
    cells: Mapping[Hashable, frozenset],
    threshold: int = DEFAULT_THRESHOLD,
    fixed: frozenset = frozenset(),
) -> set:
    """The keys of ``cells`` to withhold (rules 1 and 2).

    ``counts`` gives the businesses in each atom; each cell is the set of atoms it sums.
    Cells in ``fixed`` are never withheld secondarily. Empty cells are never withheld:
    publishing a zero reveals nothing about anyone.
    """
    check_threshold(threshold)
    atoms = [atom for atom, n in counts.items() if n > 0]
    live = {key: frozenset(a for a in cell if counts.get(a, 0) > 0) for key, cell in cells.items()}
    size = {key: sum(counts[a] for a in cell) for key, cell in live.items()}
    hidden = {key for key in live if primary(size[key], threshold)}
    if not hidden and not any(0 < counts[a] < threshold for a in atoms):
        return hidden
    sensitive = list(small_sets({a: counts[a] for a in atoms}, threshold))
    sensitive += [live[key] for key in sorted(hidden, key=repr)]

    def published(withheld: set) -> list[frozenset]:
        return [cell for key, cell in live.items() if key not in withheld and size[key] > 0]

    def exposed(withheld: set) -> int:
        return sum(Audit(atoms, published(withheld)).determined(sensitive))

    left = exposed(hidden)
    while left:
        candidates = sorted(
            (key for key in live if key not in hidden and key not in fixed and size[key] > 0),
            key=lambda key: (size[key], repr(key)),
        )
        if not candidates:
            break
        trials = [(exposed(hidden | {key}), size[key], repr(key), key) for key in candidates]
        best = min(trials)
        # No single cell helps: withhold the smallest, so that the loop always ends.
        choice = best[3] if best[0] < left else candidates[0]
        hidden.add(choice)
        left = exposed(hidden)
    return _republish_determined(atoms, live, size, hidden, threshold)


def _republish_determined(atoms, live, size, hidden: set, threshold: int) -> set:
    """Withheld cells of ``threshold`` or more businesses that can be solved for anyway."""
    secondary = [key for key in hidden if size[key] >= threshold]
    if not secondary:
        return hidden
    audit = Audit(atoms, [cell for key, cell in live.items() if key not in hidden and size[key]])
    solved = audit.determined([live[key] for key in secondary])
    return hidden - {key for key, is_solved in zip(secondary, solved, strict=True) if is_solved}


def two_way_cells(counts: Mapping[tuple, int]) -> dict[Hashable, frozenset]:
    """The cells published from a two-way table of atoms ``(row, column)``: the total and
    both margins (a municipality's sectors and size bands, say)."""
    cells: dict[Hashable, set] = {"total": set(counts)}
    for row, column in counts:
        cells.setdefault(("row", row), set()).add((row, column))
        cells.setdefault(("column", column), set()).add((row, column))
    return {key: frozenset(atoms) for key, atoms in cells.items()}

"""Disclosure control for published statistics: pure functions, no Flask, no database.

Rules (the municipality summaries and their exports follow them):

1. Primary suppression: no statistic for a group of fewer than ``threshold`` businesses
   (5 by default; configurable, never below 3).
2. Answer distributions only for groups of at least ``distribution_threshold`` businesses (10).
3. Secondary suppression: in a set of groups that together make a published total (the sectors
   of a municipality, say), if any group is suppressed, more are suppressed, smallest first,
   until at least two are and together they hold at least ``threshold`` businesses. Subtracting
   the published groups from the total then reveals only a combination of at least
   ``threshold`` businesses, never one small group.
4. Free text is never published (nothing here handles it; the summaries never read it).
"""

from __future__ import annotations

from collections.abc import Mapping

MINIMUM_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
DEFAULT_DISTRIBUTION_THRESHOLD = 10


def check_threshold(threshold: int) -> int:
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"the disclosure threshold may not be below {MINIMUM_THRESHOLD}")
    return threshold


def primary(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a group of ``count`` businesses must be suppressed (an empty group is not)."""
    check_threshold(threshold)
    return 0 < count < threshold


def suppress_partition(counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD) -> set[str]:
    """The keys to suppress among groups that add up to a published total (rules 1 and 3).

    Empty groups are never suppressed: publishing a zero reveals nothing about anyone.
    """
    check_threshold(threshold)
    suppressed = {key for key, n in counts.items() if primary(n, threshold)}
    if not suppressed:
        return suppressed
    candidates = sorted((n, key) for key, n in counts.items() if n > 0 and key not in suppressed)
    while candidates and (len(suppressed) < 2 or sum(counts[k] for k in suppressed) < threshold):
        _n, key = candidates.pop(0)
        suppressed.add(key)
    return suppressed


def distribution_allowed(count: int, threshold: int = DEFAULT_DISTRIBUTION_THRESHOLD) -> bool:
    return count >= threshold

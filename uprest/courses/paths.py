"""Prerequisites of a path as a DAG: ordering, cycle detection, gating and the next step (pure)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PathEntry:
    module: str
    required: bool = True
    after: tuple[str, ...] = field(default_factory=tuple)


class PathError(ValueError):
    """The path's prerequisites are inconsistent; the caller turns this into a message."""


class CycleError(PathError):
    def __init__(self, cycle: list[str]):
        super().__init__(" → ".join(cycle))
        self.cycle = cycle


class UnknownPrerequisiteError(PathError):
    def __init__(self, module: str, prerequisite: str):
        super().__init__(f"{module}: {prerequisite}")
        self.module = module
        self.prerequisite = prerequisite


class DuplicateModuleError(PathError):
    def __init__(self, module: str):
        super().__init__(module)
        self.module = module


def entries_from(items: list[dict]) -> list[PathEntry]:
    """Entries from the path file's ``modules`` list (``required`` defaults to true)."""
    return [
        PathEntry(
            module=item["module"],
            required=item.get("required", True) is not False,
            after=tuple(item.get("after") or ()),
        )
        for item in items
    ]


def check(entries: list[PathEntry]) -> None:
    """Raise when a module repeats, a prerequisite is not in the path, or prerequisites loop."""
    seen = set()
    for entry in entries:
        if entry.module in seen:
            raise DuplicateModuleError(entry.module)
        seen.add(entry.module)
    for entry in entries:
        for before in entry.after:
            if before == entry.module:
                raise CycleError([entry.module, entry.module])
            if before not in seen:
                raise UnknownPrerequisiteError(entry.module, before)
    cycle = find_cycle(entries)
    if cycle:
        raise CycleError(cycle)


def find_cycle(entries: list[PathEntry]) -> list[str] | None:
    """One cycle as ``[a, b, …, a]`` (each needing the next's completion), or None."""
    graph = {entry.module: list(entry.after) for entry in entries}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and nxt in graph:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for entry in entries:
        if entry.module not in state:
            found = visit(entry.module)
            if found:
                return found
    return None


def ordered(entries: list[PathEntry]) -> list[PathEntry]:
    """The recommended order, moved only as prerequisites demand (a stable topological sort)."""
    check(entries)
    position = {entry.module: i for i, entry in enumerate(entries)}
    by_module = {entry.module: entry for entry in entries}
    waiting = {entry.module: set(entry.after) for entry in entries}
    ready = [position[m] for m, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    result = []
    while ready:
        entry = entries[heapq.heappop(ready)]
        result.append(entry)
        for other, needs in waiting.items():
            if entry.module in needs:
                needs.discard(entry.module)
                if not needs:
                    heapq.heappush(ready, position[other])
    return [by_module[e.module] for e in result]


def unmet(entries: list[PathEntry], completed: set[str]) -> dict[str, list[str]]:
    """For each module, the prerequisites not yet completed (empty when it is open)."""
    return {entry.module: [m for m in entry.after if m not in completed] for entry in entries}


def next_step(entries: list[PathEntry], completed: set[str]) -> str | None:
    """The first open, unfinished module in order, required ones before optional ones."""
    blocked = unmet(entries, completed)
    candidates = [
        e for e in ordered(entries) if e.module not in completed and not blocked[e.module]
    ]
    required = [e for e in candidates if e.required]
    chosen = required or candidates
    return chosen[0].module if chosen else None


def is_complete(entries: list[PathEntry], completed: set[str]) -> bool:
    return bool(entries) and all(e.module in completed for e in entries if e.required)

"""Scheduling over plain data: dependency cycles, pushes and roll-ups (the critical path is cpm).

Nothing here touches the database, so the same rules serve the plan, the Gantt chart and the
status report, and are tested as plain functions. Trees and dependency chains are walked with
explicit stacks: a breakdown may be far deeper than Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from models.budget.earned_value import unestimated_weight

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Item:
    id: int
    start: date | None
    due: date | None
    depends_on: tuple[int, ...] = ()
    parent_id: int | None = None
    estimate_hours: float | None = None
    percent: int = 0
    done: bool = False
    pinned: bool = False
    baseline: tuple[date, date] | None = None  # first and last day as promised


def _graph(edges: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    graph: dict[int, list[int]] = {}
    for task, depends_on in edges:
        graph.setdefault(task, []).append(depends_on)
        graph.setdefault(depends_on, [])
    return graph


def find_cycle(edges: Iterable[tuple[int, int]]) -> list[int] | None:
    """One cycle of (task, depends_on) edges as the ids along it, or None."""
    graph = _graph(edges)
    state: dict[int, int] = {}  # 1 = on the current path, 2 = finished
    for root in graph:
        if root in state:
            continue
        path: list[int] = [root]
        iterators = [iter(graph[root])]
        state[root] = 1
        while iterators:
            node = next(iterators[-1], None)
            if node is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(node) == 1:
                return path[path.index(node) :]
            elif node not in state:
                state[node] = 1
                path.append(node)
                iterators.append(iter(graph[node]))
    return None


def would_create_cycle(edges: Iterable[tuple[int, int]], new_edge: tuple[int, int]) -> list[int] | None:
    return find_cycle([*edges, new_edge])


def dependency_violation(start: date | None, predecessors_due: Iterable[date | None]) -> date | None:
    """The latest predecessor due date when `start` is on or before it, else None."""
    dues = [due for due in predecessors_due if due is not None]
    if start is None or not dues:
        return None
    latest = max(dues)
    return latest if start <= latest else None


def _topological(items: dict[int, Item]) -> list[int]:
    """Ids with every predecessor before its successors (cycles are refused when linking)."""
    indegree = {node: 0 for node in items}
    successors: dict[int, list[int]] = {node: [] for node in items}
    for item in items.values():
        for before in item.depends_on:
            if before in items:
                indegree[item.id] += 1
                successors[before].append(item.id)
    ready = sorted(node for node, count in indegree.items() if count == 0)
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for after in successors[node]:
            indegree[after] -= 1
            if indegree[after] == 0:
                ready.append(after)
    return order


@dataclass(frozen=True)
class Push:
    id: int
    earliest_start: date
    current_start: date | None


def pushed_by(items: Sequence[Item], moved_id: int, new_due: date) -> list[Push]:
    """Items that would start before a predecessor is due once `moved_id` is due `new_due`."""
    by_id = {item.id: item for item in items}
    successors: dict[int, list[int]] = {}
    for item in items:
        for before in item.depends_on:
            successors.setdefault(before, []).append(item.id)
    due = {item.id: item.due for item in items} | {moved_id: new_due}
    pushes: list[Push] = []
    for node in _topological(by_id):
        item = by_id[node]
        latest = dependency_violation(item.start, [due.get(before) for before in item.depends_on])
        if node == moved_id or latest is None:
            continue
        earliest = latest + DAY
        pushes.append(Push(node, earliest, item.start))
        if item.start and item.due:
            due[node] = item.due + (earliest - item.start)
    return pushes


@dataclass(frozen=True)
class Rollup:
    start: date | None
    due: date | None
    estimate_hours: float | None
    percent: int
    baseline: tuple[date, date] | None  # the leaves' promised span: a parent's own was never promised


def _children(items: Sequence[Item]) -> dict[int | None, list[Item]]:
    ids = {item.id for item in items}
    children: dict[int | None, list[Item]] = {}
    for item in items:
        parent = item.parent_id if item.parent_id in ids else None
        children.setdefault(parent, []).append(item)
    return children


@dataclass
class _Sum:
    start: date | None = None
    due: date | None = None
    estimate: float | None = None
    weight: float = 0.0
    progress: float = 0.0
    baseline: tuple[date, date] | None = None

    def add_leaf(self, item: Item, unestimated: float) -> None:
        self._dates(item.start, item.due)
        self._promised(item.baseline)
        if item.estimate_hours is not None:
            self.estimate = (self.estimate or 0.0) + item.estimate_hours
        # Weighed as earned value weighs it, so the plan and the status agree on percent complete.
        weight = item.estimate_hours or unestimated
        self.weight += weight
        self.progress += weight * (100 if item.done else item.percent)

    def add(self, other: _Sum) -> None:
        self._dates(other.start, other.due)
        self._promised(other.baseline)
        if other.estimate is not None:
            self.estimate = (self.estimate or 0.0) + other.estimate
        self.weight += other.weight
        self.progress += other.progress

    def _dates(self, start: date | None, due: date | None) -> None:
        if start is not None:
            self.start = start if self.start is None else min(self.start, start)
        if due is not None:
            self.due = due if self.due is None else max(self.due, due)

    def _promised(self, span: tuple[date, date] | None) -> None:
        if span is not None:
            first, last = span
            self.baseline = (
                span if self.baseline is None else (min(self.baseline[0], first), max(self.baseline[1], last))
            )

    def rollup(self) -> Rollup:
        percent = round(self.progress / self.weight) if self.weight else 0
        return Rollup(self.start, self.due, self.estimate, percent, self.baseline)


def rollups(items: Sequence[Item]) -> dict[int, Rollup]:
    """Every parent's dates, estimate, progress and baseline from the leaves below it (one
    post-order walk)."""
    children = _children(items)
    unestimated = unestimated_weight(item.estimate_hours for item in items if item.id not in children)
    sums: dict[int, _Sum] = {}
    for item, _depth in reversed(tree_order(items)):
        below = children.get(item.id)
        total = _Sum()
        if below:
            for child in below:
                total.add(sums[child.id])
        else:
            total.add_leaf(item, unestimated)
        sums[item.id] = total
    return {item.id: sums[item.id].rollup() for item in items if children.get(item.id)}


def _default_key(item: Item) -> Any:
    return (item.start or item.due or date.max, item.id)


def tree_order(items: Sequence[Item], key: Callable[[Item], Any] | None = None) -> list[tuple[Item, int]]:
    """Items depth first with their depth; children follow their parent, siblings by `key`."""
    children = _children(items)
    order_key = key or _default_key
    stack = [(item, 0) for item in sorted(children.get(None, []), key=order_key, reverse=True)]
    ordered: list[tuple[Item, int]] = []
    while stack:
        item, depth = stack.pop()
        ordered.append((item, depth))
        below = sorted(children.get(item.id, []), key=order_key, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return ordered

"""Rescheduling: when a task moves, the work that follows it moves by each link's rule.

Nothing in the data says a successor's start was fixed on purpose, so every successor that is
not done is movable. A successor moves only as far as its links make it: later when the move
would break a link, and earlier when it was starting on the very day a link allowed (it was
waiting for the moved work, so it follows it back). Work that started later than its links
asked keeps that gap when the move leaves room. Everything is counted in working days of the
project's calendar, with the forward pass's rule for each link (`cpm.earliest_allowed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from graphlib import CycleError, TopologicalSorter

from models.calendar.working_days import WorkCalendar
from models.core.enums import LinkKind
from models.schedule.cpm import Link, Schedule, earliest_allowed, leaf_links, schedule
from models.schedule.network import Item


@dataclass(frozen=True)
class Window:
    """The working days a task occupies: its first, and how many."""

    first: date
    duration: int

    def last(self, calendar: WorkCalendar) -> date:
        return calendar.add(self.first, self.duration - 1)


@dataclass(frozen=True)
class Shift:
    """A successor the move carried along, with its dates before and after."""

    id: int
    was: tuple[date | None, date | None]  # start, due
    now: tuple[date | None, date | None]
    days: int  # working days; negative when it moved earlier


@dataclass(frozen=True)
class MilestoneShift:
    """A milestone that follows tasks, kept at their latest finish."""

    id: int
    was: date
    now: date


@dataclass(frozen=True)
class Conflict:
    """A pinned successor the move now needs later than its start: it stays, with negative float."""

    id: int
    allowed: date  # the first day its links now let it start
    total_float: int  # working days, negative: how far its links now overrun its pinned start


@dataclass(frozen=True)
class Followed:
    shifts: list[Shift]
    finish_was: date | None  # the network's finish before the move
    finish: date | None  # and after it, successors included
    schedule: Schedule | None = None  # the schedule after the move
    milestones: list[MilestoneShift] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def window(item: Item, calendar: WorkCalendar) -> Window:
    """Where the schedule puts a dated task: from its start (or on its due date, with no start)."""
    first = calendar.on_or_after(item.start) if item.start else calendar.on_or_before(item.due or date.min)
    last = calendar.on_or_before(item.due) if item.due else first
    return Window(first, max(calendar.span(first, last), 1))


def required_start(link: Link, before: Window, duration: int, calendar: WorkCalendar) -> date:
    """The first day `link` lets its successor (of `duration` working days) start."""
    allowed = earliest_allowed(link.kind, link.lag, (before.first, before.last(calendar)), calendar)
    if link.kind is LinkKind.FINISH_TO_FINISH:
        return calendar.add(allowed, -(duration - 1))  # `allowed` is the earliest finish
    return allowed


def _downstream(moved: int, links: Sequence[Link]) -> list[int]:
    """Every task that waits, directly or through others, for `moved`, predecessors first."""
    outgoing: dict[int, list[int]] = {}
    for link in links:
        outgoing.setdefault(link.before, []).append(link.after)
    reached: set[int] = set()
    stack = [moved]
    while stack:
        for after in outgoing.get(stack.pop(), []):
            if after not in reached:
                reached.add(after)
                stack.append(after)
    sorter: TopologicalSorter[int] = TopologicalSorter({node: () for node in sorted(reached)})
    for link in links:
        if link.after in reached and link.before in reached:
            sorter.add(link.after, link.before)
    try:
        return [node for node in sorter.static_order() if node != moved]
    except CycleError:
        return []  # a loop saved before loops were refused: nothing can be moved by a rule


def _earliest(
    node: int, incoming: Sequence[Link], windows: dict[int, Window], calendar: WorkCalendar
) -> date | None:
    duration = windows[node].duration
    found = [
        required_start(link, windows[link.before], duration, calendar)
        for link in incoming
        if link.before in windows
    ]
    return max(found, default=None)


def _new_start(own: date, allowed_was: date | None, allowed: date | None) -> date | None:
    """Where a successor goes, or None when it stays: later when a link now needs it, earlier
    when it was waiting to the day for the work that moved."""
    if allowed is None or allowed == own:
        return None
    return allowed if allowed > own or own == allowed_was else None


def _dated_leaves(items: Sequence[Item]) -> dict[int, Item]:
    parents = {item.parent_id for item in items if item.parent_id is not None}
    return {item.id: item for item in items if item.id not in parents and (item.start or item.due)}


def _moved_item(item: Item, start: date, calendar: WorkCalendar, duration: int) -> Item:
    """The task's dates from a new first day, keeping its working-day duration; a date it never
    had stays empty."""
    finish = calendar.add(start, duration - 1)
    return replace(item, start=start if item.start else None, due=finish if item.due else None)


def follow(
    items: Sequence[Item], links: Iterable[Link], calendar: WorkCalendar, *, moved: int, was: Item
) -> Followed:
    """The successors of `moved` (already at its new dates in `items`; `was` is it before) moved
    by their links, and the network's finish before and after."""
    all_links = leaf_links(items, links)
    before_items = [was if item.id == moved else item for item in items]
    finish_was = schedule(before_items, all_links, calendar).finish
    leaves = _dated_leaves(items)
    if moved not in leaves:  # a summary task's own dates schedule nothing
        return Followed([], finish_was, finish_was, schedule(items, all_links, calendar))
    kept = [link for link in all_links if link.before in leaves and link.after in leaves]
    old = {node: window(item, calendar) for node, item in leaves.items() if node != moved}
    if was.start or was.due:  # an undated task held nothing back before
        old[moved] = window(was, calendar)
    new = dict(old) | {moved: window(leaves[moved], calendar)}
    incoming: dict[int, list[Link]] = {}
    for link in kept:
        incoming.setdefault(link.after, []).append(link)
    shifts: list[Shift] = []
    conflicts: list[Conflict] = []
    placed = dict(leaves)
    for node in _downstream(moved, kept):
        item = leaves[node]
        if item.done:  # finished work keeps the days it happened on
            continue
        own = old[node].first
        if item.pinned:  # held where it was set; what follows it waits for it there
            allowed = _earliest(node, incoming[node], new, calendar)
            if allowed is not None and allowed > own:
                conflicts.append(Conflict(node, allowed, -calendar.count(own, allowed)))
            continue
        start = _new_start(
            own,
            _earliest(node, incoming[node], old, calendar),
            _earliest(node, incoming[node], new, calendar),
        )
        if start is None:
            continue
        new[node] = replace(old[node], first=start)
        placed[node] = _moved_item(item, start, calendar, old[node].duration)
        days = calendar.count(own, start)
        shifts.append(Shift(node, (item.start, item.due), (placed[node].start, placed[node].due), days))
    after_items = [placed.get(item.id, item) for item in items]
    found = schedule(after_items, all_links, calendar)
    return Followed(shifts, finish_was, found.finish, found, conflicts=conflicts)

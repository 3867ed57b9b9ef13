"""The critical path method: a forward and a backward pass with total and free float.

Two layers. `solve` is the textbook method over whole working-day numbers (day 0 is the
first working day of the network, a task of duration d occupies days ES..ES + d - 1), so it
can be checked against published worked examples and an independent longest path. `schedule`
puts a project's tasks on that scale through a `WorkCalendar` and brings the answer back as
dates, so weekends and holidays never count as float.

Conventions are Microsoft Project's: float is measured against the network's own finish (its
latest early finish); a target end earlier than that finish pulls every late date in and
shows as negative float. A task's due date is where it was planned to finish, so it only
becomes a constraint once the early schedule passes it: otherwise every task typed with a
start and a due date would have no float at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from graphlib import CycleError, TopologicalSorter

from models.calendar.working_days import WorkCalendar
from models.core.enums import LinkKind
from models.schedule.network import Item, Push

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Link:
    """`after` depends on `before`; `lag` working days (negative: a lead)."""

    before: int
    after: int
    kind: LinkKind = LinkKind.FINISH_TO_START
    lag: int = 0


@dataclass(frozen=True)
class Activity:
    id: int
    duration: int  # working days, at least one
    release: int | None = None  # start no earlier than this day
    deadline: int | None = None  # finish by this day; counted once the early finish passes it


@dataclass(frozen=True)
class Timing:
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int
    total_float: int
    free_float: int

    @property
    def critical(self) -> bool:
        return self.total_float <= 0


def _earliest_start(link: Link, before: tuple[int, int], duration: int) -> int:
    """The earliest start a link allows its successor, given the predecessor's early dates."""
    start, finish = before
    if link.kind is LinkKind.START_TO_START:
        return start + link.lag
    if link.kind is LinkKind.FINISH_TO_FINISH:
        return finish + link.lag - duration + 1
    return finish + 1 + link.lag


def _latest_finish(link: Link, duration: int, late_start: int, late_finish: int) -> int:
    """The latest finish a link allows its predecessor, given the successor's late dates."""
    if link.kind is LinkKind.START_TO_START:
        return late_start - link.lag + duration - 1
    if link.kind is LinkKind.FINISH_TO_FINISH:
        return late_finish - link.lag
    return late_start - 1 - link.lag


def _order(activities: dict[int, Activity], links: list[Link]) -> list[int]:
    """Predecessors first; ties by id, so the answer never depends on the order tasks were typed.

    Linking refuses cycles, but links saved before every rule was checked may still close one:
    one link of it is left out (and out of `links`), so the plan still shows rather than fails.
    """
    while True:
        sorter: TopologicalSorter[int] = TopologicalSorter({node: () for node in sorted(activities)})
        for link in links:
            sorter.add(link.after, link.before)
        try:
            return list(sorter.static_order())
        except CycleError as error:
            before, after = error.args[1][:2]  # each node of the cycle precedes the next
            links[:] = [link for link in links if (link.before, link.after) != (before, after)]


def solve(
    activities: Iterable[Activity], links: Iterable[Link], *, deadline: int | None = None
) -> dict[int, Timing]:
    """Early and late dates, total and free float of every activity.

    `deadline` is the project's: when it falls before the network's finish, late dates are
    pulled in to it and the float of the work driving the finish goes negative.
    """
    nodes = {activity.id: activity for activity in activities}
    kept = [link for link in links if link.before in nodes and link.after in nodes]
    order = _order(nodes, kept)
    incoming: dict[int, list[Link]] = {node: [] for node in nodes}
    outgoing: dict[int, list[Link]] = {node: [] for node in nodes}
    for link in kept:
        incoming[link.after].append(link)
        outgoing[link.before].append(link)

    early: dict[int, tuple[int, int]] = {}
    for node in order:
        activity = nodes[node]
        floor = activity.release if activity.release is not None else 0
        start = max(
            [floor]
            + [_earliest_start(link, early[link.before], activity.duration) for link in incoming[node]]
        )
        early[node] = (start, start + activity.duration - 1)
    finish = max((dates[1] for dates in early.values()), default=0)
    cap = finish if deadline is None else min(finish, deadline)

    late: dict[int, tuple[int, int]] = {}
    for node in reversed(order):
        activity = nodes[node]
        own = activity.deadline
        missed = own if own is not None and own < early[node][1] else cap
        latest = min(
            [cap, missed]
            + [_latest_finish(link, activity.duration, *late[link.after]) for link in outgoing[node]]
        )
        late[node] = (latest - activity.duration + 1, latest)

    timings: dict[int, Timing] = {}
    for node in order:
        (early_start, early_finish), (late_start, late_finish) = early[node], late[node]
        total = late_finish - early_finish
        slack = [finish - early_finish] + [
            early[link.after][0] - _earliest_start(link, early[node], nodes[link.after].duration)
            for link in outgoing[node]
        ]
        # Free float never exceeds total float, and is never negative (Microsoft Project).
        free = max(0, min([*slack, total]))
        timings[node] = Timing(early_start, early_finish, late_start, late_finish, total, free)
    return timings


# -- the project's tasks, on its calendar


@dataclass(frozen=True)
class Scheduled:
    """One task's place in the network, in dates; float in working days."""

    id: int
    start: date
    finish: date
    late_start: date
    late_finish: date
    duration: int
    total_float: int
    free_float: int
    due: date | None  # the due date the early finish passes, if it does

    @property
    def critical(self) -> bool:
        return self.total_float <= 0


@dataclass(frozen=True)
class Schedule:
    tasks: dict[int, Scheduled]
    finish: date | None  # the network's own finish: its latest early finish
    target_end: date | None

    @property
    def critical(self) -> list[Scheduled]:
        """Every task without float, in the order the work happens."""
        found = [task for task in self.tasks.values() if task.critical]
        return sorted(found, key=lambda task: (task.start, task.finish, task.id))

    @property
    def late_tasks(self) -> list[Scheduled]:
        """Tasks the schedule finishes after their due date."""
        return sorted((task for task in self.tasks.values() if task.due), key=lambda task: task.finish)

    @property
    def misses_target(self) -> bool:
        return self.finish is not None and self.target_end is not None and self.finish > self.target_end


def leaves_below(items: Sequence[Item]) -> dict[int, list[int]]:
    """Each item's leaves: itself for a leaf, every leaf under it for a summary task."""
    children: dict[int, list[int]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item.id)
    below: dict[int, list[int]] = {}
    for item in items:
        found: list[int] = []
        stack = [item.id]
        while stack:  # explicit stack: a breakdown may be deeper than the recursion limit
            node = stack.pop()
            if node in children:
                stack.extend(children[node])
            else:
                found.append(node)
        below[item.id] = sorted(found)
    return below


def leaf_links(items: Sequence[Item], links: Iterable[Link]) -> list[Link]:
    """Links between leaves: a link to or from a summary task means one to or from each leaf."""
    below = leaves_below(items)
    return [
        Link(before, after, link.kind, link.lag)
        for link in links
        for before in below.get(link.before, [link.before])
        for after in below.get(link.after, [link.after])
        if before != after
    ]


@dataclass(frozen=True)
class _Scale:
    """Working days counted from a working day on or before every date of the network."""

    calendar: WorkCalendar
    origin: date

    def forward(self, day: date) -> int:
        """The number of `day`, or of the next working day if it is not one."""
        return self.calendar.count(self.origin, day)

    def backward(self, day: date) -> int:
        """The number of `day`, or of the working day before it if it is not one."""
        return self.calendar.count(self.origin, day + ONE_DAY) - 1

    def day(self, number: int) -> date:
        return self.calendar.add(self.origin, number)


def _activity(item: Item, scale: _Scale) -> Activity:
    """A dated leaf as an activity: it starts no earlier than its own first day (a task with only
    a due date sits on that day) and lasts the working days from its start to its due date."""
    calendar = scale.calendar
    duration = calendar.span(item.start, item.due) if item.start and item.due else 1
    if item.start is not None:
        release = scale.forward(item.start)
    else:
        assert item.due is not None
        release = scale.backward(item.due)
    deadline = scale.backward(item.due) if item.due is not None else None
    return Activity(item.id, max(duration, 1), release, deadline)


def schedule(
    items: Sequence[Item],
    links: Iterable[Link],
    calendar: WorkCalendar,
    *,
    target_end: date | None = None,
) -> Schedule:
    """The critical path method over a project's dated leaf tasks, on its working calendar.

    Summary tasks are not in the network (their leaves are) and a task with no date yet is
    not scheduled.
    """
    parents = {item.parent_id for item in items if item.parent_id is not None}
    dated = [item for item in items if item.id not in parents and (item.start or item.due)]
    if not dated:
        return Schedule({}, None, target_end)
    days = [day for item in dated for day in (item.start, item.due, target_end) if day is not None]
    # Counting starts on or before every date it maps, so no count runs backwards.
    scale = _Scale(calendar, calendar.on_or_before(min(days)))
    activities = {item.id: _activity(item, scale) for item in dated}
    deadline = scale.backward(target_end) if target_end is not None else None
    timings = solve(activities.values(), leaf_links(items, links), deadline=deadline)
    by_id = {item.id: item for item in dated}
    tasks = {
        node: _scheduled(by_id[node], activities[node], timing, scale) for node, timing in timings.items()
    }
    finish = max(task.finish for task in tasks.values())
    return Schedule(tasks, finish, target_end)


def _scheduled(item: Item, activity: Activity, timing: Timing, scale: _Scale) -> Scheduled:
    missed = activity.deadline is not None and timing.early_finish > activity.deadline
    return Scheduled(
        id=activity.id,
        start=scale.day(timing.early_start),
        finish=scale.day(timing.early_finish),
        late_start=scale.day(timing.late_start),
        late_finish=scale.day(timing.late_finish),
        duration=activity.duration,
        total_float=timing.total_float,
        free_float=timing.free_float,
        due=item.due if missed else None,
    )


def earliest_allowed(link: LinkKind, lag: int, before: tuple[date, date], calendar: WorkCalendar) -> date:
    """The first day a link lets its successor start (finish, for finish-to-finish), given the
    predecessor's first and last day: the forward pass's rule, on dates."""
    start, finish = calendar.on_or_after(before[0]), calendar.on_or_before(before[1])
    if link is LinkKind.START_TO_START:
        return calendar.add(start, lag)
    if link is LinkKind.FINISH_TO_FINISH:
        return calendar.add(finish, lag)
    return calendar.add(finish, 1 + lag)


def pushed(items: Sequence[Item], links: Iterable[Link], calendar: WorkCalendar, *, moved: int) -> list[Push]:
    """Tasks their links hold later than their own first day, in the order they start; the task
    just moved is left out, as it is where it was put."""
    found = schedule(items, links, calendar)
    by_id = {item.id: item for item in items}
    held: list[Push] = []
    for node, placed in sorted(found.tasks.items(), key=lambda pair: (pair[1].start, pair[0])):
        item = by_id[node]
        own = (
            calendar.on_or_after(item.start)
            if item.start
            else calendar.on_or_before(item.due or placed.start)
        )
        if node != moved and placed.start > own:
            held.append(Push(node, placed.start, item.start))
    return held

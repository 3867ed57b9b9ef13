"""What is wrong with a plan file before any of it is saved, each problem by the row it is on.

A file is corrected in the tool that wrote it, so every problem is listed at once, by the row
that tool shows (Microsoft Project's ID, a CSV file's line), never only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from models.core.errors import DomainError, InvalidError
from models.schedule.cpm import Link, leaf_links
from models.schedule.milestones import bad_milestone_name
from models.schedule.mspdi import PlanFile, PlanLink, PlanTask
from models.schedule.network import Item, find_cycle
from models.tasks.breakdown import TITLE_MAX, bad_lag
from models.tasks.durations import duration_problem


@dataclass(frozen=True)
class RowProblem:
    row: int
    error: DomainError


class PlanRefusedError(InvalidError):
    """A plan with problems: all of them, by row, and nothing of it saved."""

    def __init__(self, problems: Iterable[RowProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda problem: problem.row))
        super().__init__("import.refused", count=len(self.problems))


def refuse_if_any(problems: Iterable[RowProblem]) -> None:
    found = list(problems)
    if found:
        raise PlanRefusedError(found)


def parents(plan: PlanFile) -> dict[int, int | None]:
    """Each task's summary task by the outline: the nearest task above it a level up.

    Milestones stand outside the breakdown here, so none is anyone's summary.
    """
    outline: list[int] = []
    found: dict[int, int | None] = {}
    for task in plan.tasks:
        if task.milestone:
            found[task.uid] = None
            continue
        del outline[task.outline_level - 1 :]
        found[task.uid] = outline[-1] if outline else None
        outline.append(task.uid)
    return found


def waits(plan: PlanFile) -> dict[int, tuple[PlanLink, ...]]:
    """Each item's links to tasks. Here nothing waits for a milestone (a milestone follows
    tasks), so a wait for one is read as a wait for the tasks it follows, lags added."""
    by_uid = {task.uid: task for task in plan.tasks}

    def resolved(link: PlanLink, seen: frozenset[int]) -> list[PlanLink]:
        before = by_uid.get(link.predecessor_uid)
        if before is None or not before.milestone:
            return [link]
        if before.uid in seen:  # milestones waiting for each other: the cycle check names it
            return []
        return [
            replace(inner, kind=link.kind, lag_days=inner.lag_days + link.lag_days)
            for found in before.links
            for inner in resolved(found, seen | {before.uid})
        ]

    return {
        task.uid: tuple(found for link in task.links for found in resolved(link, frozenset({task.uid})))
        for task in plan.tasks
    }


def work_items(plan: PlanFile, parent_of: dict[int, int | None]) -> list[Item]:
    """The plan's tasks (not milestones) as the scheduler's items, by UID."""
    return [
        Item(task.uid, task.start, task.finish, parent_id=parent_of[task.uid])
        for task in plan.tasks
        if not task.milestone
    ]


def work_links(plan: PlanFile, linked: dict[int, tuple[PlanLink, ...]]) -> list[Link]:
    return [
        Link(link.predecessor_uid, task.uid, link.kind, link.lag_days)
        for task in plan.tasks
        if not task.milestone
        for link in linked[task.uid]
    ]


def _own_problems(task: PlanTask) -> list[DomainError | None]:
    if task.milestone:
        return [bad_milestone_name(task.name)]
    problems: list[DomainError | None] = []
    if not task.name or len(task.name) > TITLE_MAX:
        problems.append(InvalidError("tasks.bad_title", limit=TITLE_MAX))
    if task.start and task.finish and task.finish < task.start:
        problems.append(InvalidError("tasks.due_before_start", start=task.start, due=task.finish))
    if not task.summary and (task.start is None or task.finish is None):
        problems.append(duration_problem(task.duration_days))  # the duration places the task
    return problems


def _link_problems(
    task: PlanTask, by_uid: dict[int, PlanTask], ancestors: dict[int, set[int]]
) -> list[DomainError | None]:
    problems: list[DomainError | None] = []
    for link in task.links:
        before = by_uid.get(link.predecessor_uid)
        if before is None:
            problems.append(InvalidError("import.unknown_predecessor", uid=link.predecessor_uid))
            continue
        problems.append(bad_lag(link.lag_days))
        if before.uid == task.uid:
            problems.append(InvalidError("tasks.link_self"))
        elif before.uid in ancestors[task.uid] or task.uid in ancestors[before.uid]:
            problems.append(InvalidError("import.link_family", other=before.row))
    return problems


def _ancestors(parent_of: dict[int, int | None]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for uid, first in parent_of.items():
        above: set[int] = set()
        parent = first
        while parent is not None and parent not in above:
            above.add(parent)
            parent = parent_of.get(parent)
        found[uid] = above
    return found


def _cycle(plan: PlanFile, parent_of: dict[int, int | None]) -> RowProblem | None:
    """A loop of waits between the leaves (a wait for a summary task is one for its work)."""
    linked = waits(plan)
    leaves = leaf_links(work_items(plan, parent_of), work_links(plan, linked))
    milestone_edges = [
        (task.uid, link.predecessor_uid)
        for task in plan.tasks
        if task.milestone
        for link in task.links
        if link.predecessor_uid != task.uid
    ]
    cycle = find_cycle([*((one.after, one.before) for one in leaves), *milestone_edges])
    if not cycle:
        return None
    rows = {task.uid: task.row for task in plan.tasks}
    path = " → ".join(str(rows[uid]) for uid in [*cycle, cycle[0]])
    return RowProblem(rows[cycle[0]], InvalidError("import.cycle", path=path))


def _duplicates(tasks: Sequence[PlanTask]) -> list[RowProblem]:
    seen: set[int] = set()
    problems: list[RowProblem] = []
    for task in tasks:
        if task.uid in seen:
            problems.append(RowProblem(task.row, InvalidError("import.duplicate_id", uid=task.uid)))
        seen.add(task.uid)
    return problems


def check_plan(plan: PlanFile, unread: Sequence[RowProblem] = ()) -> None:
    """Refuse a plan whose rows can't all be saved, naming every problem by its row, with
    those met reading the file (`unread`)."""
    duplicates = _duplicates(plan.tasks)
    if duplicates:  # the checks below find tasks by their id
        raise PlanRefusedError([*unread, *duplicates])
    by_uid = {task.uid: task for task in plan.tasks}
    parent_of = parents(plan)
    ancestors = _ancestors(parent_of)
    problems = [
        RowProblem(task.row, error)
        for task in plan.tasks
        for error in (*_own_problems(task), *_link_problems(task, by_uid, ancestors))
        if error is not None
    ]
    refuse_if_any([*unread, *problems])  # a cycle is traced only through links that all lead somewhere
    cycle = _cycle(plan, parent_of)
    refuse_if_any([cycle] if cycle else [])

"""A plan file read into a project: its tasks, outline, links and milestones, all or nothing.

A plan is imported only into a project with no tasks and no milestones yet, so that the file's
numbering and the project's never have to be reconciled; the caller's session is the one
transaction, and any refusal raised here leaves it to be rolled back whole.

The whole file is checked and dated in memory first, then written a level of the outline at a
time: a plan of thousands of tasks costs a handful of statements, not a few per task.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.calendar.working_days import WorkCalendar
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import TaskStatus
from models.core.errors import DomainError, InvalidError
from models.core.keys import ItemKind, next_number
from models.projects.tables import Project
from models.schedule.cpm import leaves_below, schedule
from models.schedule.milestones import before_project_start, latest_finish
from models.schedule.mspdi import PlanFile, PlanLink, PlanResource, PlanTask
from models.schedule.network import Item
from models.schedule.plan_checks import (
    RowProblem,
    check_plan,
    parents,
    refuse_if_any,
    waits,
    work_items,
    work_links,
)
from models.tasks.breakdown import link_rule_problem
from models.tasks.durations import Incoming, placed
from models.tasks.tables import Milestone, MilestoneLink, Task, TaskDependency
from models.team.members import active_members

Owner = Callable[[PlanResource], str | None]


@dataclass(frozen=True)
class Imported:
    tasks: int
    links: int
    milestones: int
    owners: int  # resources matched to someone on the project's team
    unmatched: tuple[str, ...]  # resources no person of the workspace answers to
    off_team: tuple[str, ...]  # resources matched to someone not on the project's team
    moved: int = 0  # tasks started later than the file says, so that their links hold


@dataclass(frozen=True)
class _Plan:
    """The file with what is worked out once: each task's summary, its links to tasks."""

    file: PlanFile
    parent_of: dict[int, int | None]
    linked: dict[int, tuple[PlanLink, ...]]
    below: dict[int, list[int]]

    @classmethod
    def of(cls, plan: PlanFile) -> _Plan:
        parent_of = parents(plan)
        return cls(plan, parent_of, waits(plan), leaves_below(work_items(plan, parent_of)))

    def inherited(self, uid: int) -> list[PlanLink]:
        """A task's links with its summaries': a summary's wait holds for all its work."""
        found = list(self.linked[uid])
        parent = self.parent_of[uid]
        while parent is not None:
            found += self.linked[parent]
            parent = self.parent_of[parent]
        return found

    def leaves(self, link: PlanLink) -> list[int]:
        return self.below.get(link.predecessor_uid, [link.predecessor_uid])


def has_plan(db: Session, project: Project) -> bool:
    tasks = db.scalar(select(func.count()).select_from(Task).where(Task.project_id == project.id))
    milestones = db.scalar(
        select(func.count()).select_from(Milestone).where(Milestone.project_id == project.id)
    )
    return bool(tasks or milestones)


@dataclass(frozen=True)
class _Owners:
    by_resource: dict[int, str]
    unmatched: tuple[str, ...]
    off_team: tuple[str, ...]


def _owners(db: Session, project: Project, plan: PlanFile, owner: Owner) -> _Owners:
    """Who owns what: a resource matched to someone on the team; the others only named."""
    team = {member.user_id for member in active_members(db, project)} | {project.manager_id}
    matched = {resource.uid: owner(resource) for resource in plan.resources}
    return _Owners(
        {uid: user for uid, user in matched.items() if user is not None and user in team},
        tuple(resource.name for resource in plan.resources if matched[resource.uid] is None),
        tuple(
            resource.name
            for resource in plan.resources
            if matched[resource.uid] is not None and matched[resource.uid] not in team
        ),
    )


def _new_tasks(
    db: Session, actor: Actor, project: Project, plan: PlanFile, owners: _Owners
) -> dict[int, Task]:
    work = [task for task in plan.tasks if not task.milestone]
    first = next_number(db, project, ItemKind.TASK, len(work)) if work else 0
    # A summary's dates are its work's; giving it its own would fight the roll-up.
    return {
        item.uid: Task(
            project_id=project.id,
            team_id=project.team_id,
            number=number,
            title=item.name,
            owner_id=owners.by_resource.get(item.resource_uid) if item.resource_uid is not None else None,
            start_date=None if item.summary else item.start,
            due_date=None if item.summary else item.finish,
            estimate_hours=item.estimate_hours,
            created_by=actor.user_id,
            **_progress(item),
        )
        for number, item in enumerate(work, start=first)
    }


def _progress(item: PlanTask) -> dict[str, Any]:
    """Work the file reports done is done here too; a summary's progress is its work's."""
    percent = 0 if item.summary else min(max(item.percent_complete, 0), 100)
    status = TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS if percent else TaskStatus.TODO
    return {"percent_complete": percent, "status": status, "done_at": utcnow() if percent == 100 else None}


def _kept_links(
    task: Task, incoming: list[Incoming], calendar: WorkCalendar, project: Project
) -> tuple[bool, list[DomainError]]:
    """The task moved later, its length kept, when its own dates break a link (the tools keep
    sub-day times this bot's days don't, and a constraint can hold a task early): whether it
    moved, and the links it breaks still."""

    def broken() -> list[DomainError]:
        dates = (task.start_date, task.due_date)
        found = (link_rule_problem(calendar, project, dates, link) for link in incoming)
        return [error for error in found if error is not None]

    problems = broken()
    if not problems or task.start_date is None or task.due_date is None:
        return False, problems
    length = max(
        calendar.span(calendar.on_or_after(task.start_date), calendar.on_or_before(task.due_date)), 1
    )
    # The task's own start is the floor: as soon as its links allow, never earlier than the file.
    task.start_date, task.due_date = placed(length, (None, None), incoming, calendar, task.start_date)
    return True, broken()


@dataclass
class _Dating:
    moved: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _dated(plan: _Plan, made: dict[int, Task], calendar: WorkCalendar, project: Project) -> _Dating:
    """Place each task a duration dates, after its predecessors; move those whose dates break a
    link; the links any task breaks still."""
    tasks = {task.uid: task for task in plan.file.tasks}
    first_day = project.start_date or plan.file.start or utcnow().date()
    graph = {uid: {leaf for link in plan.inherited(uid) for leaf in plan.leaves(link)} for uid in made}
    dating = _Dating()
    for uid in TopologicalSorter(graph).static_order():
        item, task = tasks[uid], made[uid]
        incoming = [
            Incoming(made[leaf], link.kind, link.lag_days)
            for link in plan.inherited(uid)
            for leaf in plan.leaves(link)
        ]
        if not item.summary and item.duration_days and (item.start is None or item.finish is None):
            dates = (item.start, item.finish)
            task.start_date, task.due_date = placed(item.duration_days, dates, incoming, calendar, first_day)
        moved, broken = _kept_links(task, incoming, calendar, project)
        dating.moved += moved
        dating.problems += [RowProblem(item.row, error) for error in broken]
        task.baseline_start, task.baseline_due = task.start_date, task.due_date
    return dating


Followed = list[tuple[Milestone, list[Task]]]  # a milestone with the tasks it follows


def _milestones(
    plan: _Plan, made: dict[int, Task], calendar: WorkCalendar, actor: Actor, project: Project
) -> tuple[Followed, list[RowProblem]]:
    """Each milestone on its own date, or when the last task it follows finishes."""
    wanted = [task for task in plan.file.tasks if task.milestone]
    found = None
    if any((item.start or item.finish) is None for item in wanted):
        items = [
            Item(uid, task.start_date, task.due_date, parent_id=plan.parent_of[uid])
            for uid, task in made.items()
        ]
        found = schedule(items, work_links(plan.file, plan.linked), calendar)
    milestones: Followed = []
    problems: list[RowProblem] = []
    for item in wanted:
        followed = list(dict.fromkeys(link.predecessor_uid for link in plan.linked[item.uid]))
        due = item.start or item.finish
        if due is None and found is not None:
            due = latest_finish(found, plan.below, followed)
        if due is None:
            problems.append(RowProblem(item.row, InvalidError("import.milestone_undated")))
            continue
        early = before_project_start(project, due)
        if early is not None:
            problems.append(RowProblem(item.row, early))
        milestone = Milestone(
            project_id=project.id,
            team_id=project.team_id,
            name=item.name,
            due_date=due,
            baseline_due=due,
            created_by=actor.user_id,
        )
        milestones.append((milestone, [made[uid] for uid in followed]))
    return milestones, problems


def _save_tasks(db: Session, plan: _Plan, made: dict[int, Task]) -> None:
    """Written a level of the outline at a time: each level needs its summaries' ids."""
    depth: dict[int, int] = {}
    for uid in made:  # outline order: a summary comes before its work
        parent = plan.parent_of[uid]
        depth[uid] = depth[parent] + 1 if parent is not None else 0
    for level in sorted(set(depth.values())):
        batch = [uid for uid in made if depth[uid] == level]
        for uid in batch:
            parent = plan.parent_of[uid]
            made[uid].parent_id = made[parent].id if parent is not None else None
        db.add_all(made[uid] for uid in batch)
        db.flush()


def _save_links(db: Session, project: Project, plan: _Plan, made: dict[int, Task]) -> int:
    links = [
        TaskDependency(
            team_id=project.team_id,
            task_id=made[uid].id,
            depends_on_id=made[link.predecessor_uid].id,
            kind=link.kind,
            lag_days=link.lag_days,
        )
        for uid in made
        for link in {link.predecessor_uid: link for link in plan.linked[uid]}.values()
    ]
    db.add_all(links)
    return len(links)


def _save_milestones(db: Session, project: Project, milestones: Followed) -> None:
    first = next_number(db, project, ItemKind.MILESTONE, len(milestones)) if milestones else 0
    for number, (milestone, _) in enumerate(milestones, start=first):
        milestone.number = number
    db.add_all(milestone for milestone, _ in milestones)
    db.flush()
    db.add_all(
        MilestoneLink(team_id=project.team_id, milestone_id=milestone.id, task_id=task.id)
        for milestone, tasks in milestones
        for task in tasks
    )


def import_plan(
    *,
    db: Session,
    actor: Actor,
    project: Project,
    plan: PlanFile,
    owner: Owner,
    unread: Sequence[RowProblem] = (),
) -> Imported:
    """Everything in `plan` saved in `project`, or PlanRefusedError listing every problem by row
    (with `unread`, those met reading the file) and nothing saved."""
    require(db, project, actor, Action.IMPORT_PLAN)
    require_open(project)
    if has_plan(db, project):
        raise InvalidError("import.project_has_plan")
    check_plan(plan, unread)
    worked = _Plan.of(plan)
    owners = _owners(db, project, plan, owner)
    calendar = project_calendar(db, project)
    made = _new_tasks(db, actor, project, plan, owners)
    dating = _dated(worked, made, calendar, project)
    milestones, undated = _milestones(worked, made, calendar, actor, project)
    refuse_if_any([*dating.problems, *undated])
    _save_tasks(db, worked, made)
    links = _save_links(db, project, worked, made)
    _save_milestones(db, project, milestones)
    imported = Imported(
        len(made),
        links,
        len(milestones),
        len(owners.by_resource),
        owners.unmatched,
        owners.off_team,
        dating.moved,
    )
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="plan.import",
        subject=project.key,
        after={"tasks": imported.tasks, "links": imported.links, "milestones": imported.milestones},
    )
    db.flush()
    return imported

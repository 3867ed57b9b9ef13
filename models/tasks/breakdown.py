"""The work breakdown: adding tasks, nesting them, linking them and reading them back.

A parent's dates, estimate and progress are rolled up from its children when read (see
models.schedule.network), never stored, so they cannot drift from the work below them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.calendar.working_days import WorkCalendar
from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import OPEN_TASK_STATUSES, LinkKind, TaskStatus
from models.core.errors import DomainError, InvalidError, NotFoundError, check_all
from models.core.keys import ItemKind, item_key, next_number, parse_item_key
from models.core.limits import column_limit
from models.projects.tables import Project
from models.schedule.baseline import baseline_dates
from models.schedule.cpm import Link, earliest_allowed, leaf_links, leaves_below
from models.schedule.milestones import keep_in_step
from models.schedule.network import Item, find_cycle
from models.schedule.reschedule import Followed, follow
from models.tasks.durations import Incoming, duration_problem, placed
from models.tasks.tables import Task, TaskDependency
from models.team.members import not_on_team

TITLE_MAX = column_limit(Task.title)
LAG_MAX = 250  # working days: about a year either way


class Predecessor(BaseModel):
    """A task the new one waits for by the link's rule, `lag` working days later (negative: a
    lead): finish to start unless told otherwise."""

    key: str  # like APL-3
    lag: int = 0
    kind: LinkKind = LinkKind.FINISH_TO_START


class TaskForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: str
    description: str | None = None
    owner_id: str | None = None
    parent: str | None = None  # a task key, like APL-3
    start_date: date | None = None
    due_date: date | None = None
    estimate_hours: float | None = None
    duration_days: int | None = None  # working days; places the task (models/tasks/durations.py)
    is_deliverable: bool = False
    depends_on: list[Predecessor] = []
    source_link: str | None = None


def task_key(project: Project, task: Task) -> str:
    return item_key(project.key, ItemKind.TASK, task.number)


def task_in(*, db: Session, project: Project, task_id: int) -> Task:
    """A task a form named by id, still in `project`."""
    task = db.get(Task, task_id)
    if task is None or task.project_id != project.id:
        raise NotFoundError("updates.task_gone")
    return task


def find_task(db: Session, project: Project, key: str, field: str | None = None) -> Task:
    """A task of this project by key; another project's key or a missing one is refused."""
    parsed = parse_item_key(key)
    if parsed is None or parsed.kind is not ItemKind.TASK:
        raise NotFoundError("tasks.bad_key", field=field, key=key)
    if parsed.project != project.key:
        raise NotFoundError("tasks.other_project", field=field, key=key, project=project.key)
    task = db.scalar(select(Task).where(Task.project_id == project.id, Task.number == parsed.number))
    if task is None:
        raise NotFoundError("tasks.unknown_key", field=field, key=str(parsed))
    return task


def _lookup(db: Session, project: Project, key: str, field: str) -> tuple[Task | None, DomainError | None]:
    try:
        return find_task(db, project, key, field), None
    except DomainError as error:
        return None, error


def _basic_problems(form: TaskForm) -> list[DomainError | None]:
    problems: list[DomainError | None] = []
    if not form.title or len(form.title) > TITLE_MAX:
        problems.append(InvalidError("tasks.bad_title", field="title", limit=TITLE_MAX))
    if form.estimate_hours is not None and form.estimate_hours <= 0:
        problems.append(InvalidError("tasks.bad_estimate", field="estimate_hours", given=form.estimate_hours))
    problems.append(duration_problem(form.duration_days))
    if form.start_date and form.due_date and form.due_date < form.start_date:
        problems.append(
            InvalidError(
                "tasks.due_before_start",
                field="due_date",
                start=form.start_date,
                due=form.due_date,
            )
        )
    return problems


@dataclass
class Links:
    parent: Task | None
    predecessors: list[Incoming]
    problems: list[DomainError | None]


def _links(db: Session, project: Project, form: TaskForm) -> Links:
    parent, problem = _lookup(db, project, form.parent, "parent") if form.parent else (None, None)
    problems: list[DomainError | None] = [problem]
    predecessors: list[Incoming] = []
    for predecessor in form.depends_on:
        task, error = _lookup(db, project, predecessor.key, "depends_on")
        problems += [error, bad_lag(predecessor.lag)]
        if task is not None:
            predecessors.append(Incoming(task, kind=predecessor.kind, lag=predecessor.lag))
    return Links(parent, predecessors, problems)


def _rule_problems(
    db: Session, project: Project, dates: tuple[date | None, date | None], incoming: Sequence[Incoming]
) -> list[DomainError | None]:
    """Each link's rule, kept by the task's own start and due date, counted in working days."""
    if not incoming:
        return []
    calendar = project_calendar(db, project)
    return [link_rule_problem(calendar, project, dates, link) for link in incoming]


def link_rule_problem(
    calendar: WorkCalendar, project: Project, dates: tuple[date | None, date | None], link: Incoming
) -> DomainError | None:
    before, (start, due) = link.before, dates
    first, last = before.start_date or before.due_date, before.due_date or before.start_date
    if first is None or last is None:
        return None
    earliest = earliest_allowed(link.kind, link.lag, (first, last), calendar)
    key = task_key(project, before)
    if link.kind is LinkKind.FINISH_TO_FINISH:
        if due is None or calendar.on_or_before(due) >= earliest:
            return None
        return InvalidError(
            "tasks.finishes_before_link", field="due_date", before=key, earliest=earliest, due=due
        )
    if start is None or calendar.on_or_after(start) >= earliest:
        return None
    return InvalidError(
        "tasks.starts_before_link", field="start_date", before=key, earliest=earliest, start=start
    )


def _problems(db: Session, project: Project, form: TaskForm, links: Links) -> list[DomainError | None]:
    return [
        *_basic_problems(form),
        not_on_team(db, project, form.owner_id),
        *links.problems,
        *_rule_problems(db, project, (form.start_date, form.due_date), links.predecessors),
        _waits_for_own_summary(db, project, links),
    ]


def _waits_for_own_summary(db: Session, project: Project, links: Links) -> DomainError | None:
    """A new task under a parent can't wait for that parent or any task above it."""
    if links.parent is None:
        return None
    above = {links.parent.id} | _ancestors(project_tasks(db, project), links.parent)
    summary = next((link.before for link in links.predecessors if link.before.id in above), None)
    if summary is None:
        return None
    return InvalidError("tasks.after_own_summary", field="depends_on", summary=task_key(project, summary))


def _dated(db: Session, project: Project, form: TaskForm, links: Links) -> TaskForm:
    """The form with the start and due date its duration gives (unchanged without one)."""
    days = form.duration_days
    if days is None or duration_problem(days) is not None or any(links.problems):
        return form
    calendar = project_calendar(db, project)
    # A project without a start date yet schedules from the day the task is added.
    first = project.start_date or utcnow().date()
    start, due = placed(days, (form.start_date, form.due_date), links.predecessors, calendar, first)
    return form.model_copy(update={"start_date": start, "due_date": due})


def task_problems(db: Session, project: Project, form: TaskForm) -> list[DomainError | None]:
    """Everything wrong with a new task, for a form to show beside its fields at once."""
    links = _links(db, project, form)
    return _problems(db, project, _dated(db, project, form, links), links)


def add_task(*, db: Session, actor: Actor, project: Project, form: TaskForm) -> Task:
    require(db, project, actor, Action.PLAN_WORK)
    require_open(project)
    links = _links(db, project, form)
    form = _dated(db, project, form, links)
    check_all(*_problems(db, project, form, links))
    number = next_number(db, project, ItemKind.TASK)
    task = new_task(actor, project, form, number=number, parent=links.parent)
    db.add(task)
    db.flush()
    for predecessor in links.predecessors:
        db.add(
            TaskDependency(
                team_id=project.team_id,
                task_id=task.id,
                depends_on_id=predecessor.before.id,
                kind=predecessor.kind,
                lag_days=predecessor.lag,
            )
        )
    record_added(db, actor, project, task, form)
    return task


def new_task(actor: Actor, project: Project, form: TaskForm, *, number: int, parent: Task | None) -> Task:
    """The task a checked form describes, its baseline set to its first dates."""
    return Task(
        project_id=project.id,
        team_id=project.team_id,
        number=number,
        parent_id=parent.id if parent else None,
        created_by=actor.user_id,
        baseline_start=form.start_date,
        baseline_due=form.due_date,
        **form.model_dump(exclude={"parent", "depends_on", "duration_days"}),
    )


def record_added(db: Session, actor: Actor, project: Project, task: Task, form: TaskForm) -> None:
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="task.add",
        subject=task_key(project, task),
        after=form.model_dump(exclude_none=True, exclude_defaults=True),
    )


class Linked(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    ALREADY = "already"


@dataclass(frozen=True)
class LinkOutcome:
    linked: Linked
    link: Link
    was: Link | None = None  # the link it replaced, when it changed one


def link(
    *,
    db: Session,
    actor: Actor,
    project: Project,
    task: Task,
    depends_on: Task,
    kind: LinkKind = LinkKind.FINISH_TO_START,
    lag: int = 0,
) -> LinkOutcome:
    """Make `task` wait for `depends_on`; a link between the two already there is answered, or
    changed to the new kind and lag. Refused: a summary task and its own work, a cycle, and a
    link the task's own dates break."""
    require(db, project, actor, Action.PLAN_WORK)
    require_open(project)
    wanted = Link(depends_on.id, task.id, kind, lag)
    existing = db.scalar(
        select(TaskDependency).where(
            TaskDependency.task_id == task.id, TaskDependency.depends_on_id == depends_on.id
        )
    )
    was = Link(depends_on.id, task.id, existing.kind, existing.lag_days) if existing else None
    if was == wanted:
        return LinkOutcome(Linked.ALREADY, wanted)
    tasks = project_tasks(db, project)
    check_all(
        InvalidError("tasks.link_self", field="depends_on") if task.id == depends_on.id else None,
        bad_lag(lag),
        _family_problem(project, tasks, task, depends_on),
        None if was else _cycle_problem(db, project, tasks, wanted),
    )
    incoming = Incoming(depends_on, kind, lag)
    check_all(*_rule_problems(db, project, (task.start_date, task.due_date), [incoming]))
    if existing is None:
        db.add(
            TaskDependency(
                team_id=project.team_id, task_id=task.id, depends_on_id=depends_on.id, kind=kind, lag_days=lag
            )
        )
    else:
        existing.kind, existing.lag_days = kind, lag
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="task.link",
        subject=task_key(project, task),
        before={"kind": was.kind.value, "lag_days": was.lag} if was else None,
        after={"depends_on": task_key(project, depends_on), "kind": kind.value, "lag_days": lag},
    )
    return LinkOutcome(Linked.CHANGED if was else Linked.ADDED, wanted, was)


def bad_lag(lag: int) -> DomainError | None:
    if abs(lag) <= LAG_MAX:
        return None
    return InvalidError("tasks.bad_lag", field="depends_on", given=lag, limit=LAG_MAX)


def _ancestors(tasks: Sequence[Task], task: Task) -> set[int]:
    parents = {found.id: found.parent_id for found in tasks}
    found: set[int] = set()
    parent = parents.get(task.id)
    while parent is not None and parent not in found:
        found.add(parent)
        parent = parents.get(parent)
    return found


def _family_problem(project: Project, tasks: Sequence[Task], task: Task, other: Task) -> DomainError | None:
    """A summary task is its own work: waiting for it, or it for the summary, is a loop."""
    if other.id in _ancestors(tasks, task):
        summary, part = other, task
    elif task.id in _ancestors(tasks, other):
        summary, part = task, other
    else:
        return None
    return InvalidError(
        "tasks.link_family",
        field="depends_on",
        summary=task_key(project, summary),
        part=task_key(project, part),
    )


def _cycle_problem(db: Session, project: Project, tasks: Sequence[Task], wanted: Link) -> DomainError | None:
    """A loop through the new link, traced between leaves (a link to a summary means its leaves)."""
    tree = [Item(found.id, None, None, parent_id=found.parent_id) for found in tasks]
    leaves = leaf_links(tree, [*dependency_links(db, project), wanted])
    cycle = find_cycle((one.after, one.before) for one in leaves)
    if not cycle:
        return None
    numbers = {found.id: found.number for found in tasks}
    linked = set(leaves_below(tree).get(wanted.after, []))
    start = next((at for at, node in enumerate(cycle) if node in linked), 0)
    cycle = cycle[start:] + cycle[:start]  # read from the task being linked: "APL-1 waits for … APL-1"
    path = " → ".join(item_key(project.key, ItemKind.TASK, numbers[node]) for node in [*cycle, cycle[0]])
    return InvalidError("tasks.cycle", field="depends_on", path=path)


def move_dates(
    *, db: Session, actor: Actor, project: Project, task: Task, start: date | None, due: date | None
) -> Followed:
    """New dates for a task; the work that follows it moves by each link's rule."""
    require(db, project, actor, Action.PLAN_WORK)
    require_open(project)
    new_start, new_due = start or task.start_date, due or task.due_date
    form = TaskForm(title=task.title, start_date=new_start, due_date=new_due)
    rows = db.execute(
        select(Task, TaskDependency.kind, TaskDependency.lag_days)
        .join(TaskDependency, TaskDependency.depends_on_id == Task.id)
        .where(TaskDependency.task_id == task.id)
    ).all()
    incoming = [Incoming(before, kind, lag) for before, kind, lag in rows]
    check_all(*_basic_problems(form), *_rule_problems(db, project, (new_start, new_due), incoming))
    before = {"start_date": task.start_date, "due_date": task.due_date}
    was = (task.start_date, task.due_date)
    task.start_date, task.due_date = new_start, new_due
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="task.dates",
        subject=task_key(project, task),
        before=before,
        after={"start_date": new_start, "due_date": new_due},
    )
    return follow_move(db=db, actor=actor, project=project, task=task, was=was)


# -- reading


def project_tasks(db: Session, project: Project) -> list[Task]:
    return list(db.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.number)))


def tasks_of(db: Session, project: Project, ids: Sequence[int]) -> list[Task]:
    """The project's tasks with these ids: what a move carried, without reading the whole plan."""
    if not ids:
        return []
    return list(db.scalars(select(Task).where(Task.project_id == project.id, Task.id.in_(ids))))


def dependency_links(db: Session, project: Project) -> list[Link]:
    rows = db.execute(
        select(
            TaskDependency.depends_on_id, TaskDependency.task_id, TaskDependency.kind, TaskDependency.lag_days
        )
        .join(Task, Task.id == TaskDependency.task_id)
        .where(Task.project_id == project.id)
    ).all()
    return [Link(before, after, kind, lag) for before, after, kind, lag in rows]


def dependency_edges(db: Session, project: Project) -> list[tuple[int, int]]:
    rows = db.execute(
        select(TaskDependency.task_id, TaskDependency.depends_on_id)
        .join(Task, Task.id == TaskDependency.task_id)
        .where(Task.project_id == project.id)
    ).all()
    return [(task_id, depends_on_id) for task_id, depends_on_id in rows]


def as_items(tasks: Sequence[Task], edges: Sequence[tuple[int, int]]) -> list[Item]:
    predecessors: dict[int, list[int]] = {}
    for task_id, depends_on_id in edges:
        predecessors.setdefault(task_id, []).append(depends_on_id)
    return [
        Item(
            id=task.id,
            start=task.start_date,
            due=task.due_date,
            depends_on=tuple(predecessors.get(task.id, ())),
            parent_id=task.parent_id,
            estimate_hours=task.estimate_hours,
            percent=task.percent_complete,
            done=task.status is TaskStatus.DONE,
            pinned=task.start_pinned,
            baseline=baseline_dates(task),
        )
        for task in tasks
        if task.status is not TaskStatus.CANCELLED
    ]


def schedule_items(db: Session, project: Project) -> list[Item]:
    return as_items(project_tasks(db, project), dependency_edges(db, project))


def follow_move(
    *, db: Session, actor: Actor, project: Project, task: Task, was: tuple[date | None, date | None]
) -> Followed:
    """Move the work that follows `task` (already at its new dates; `was` its dates before) by
    each link's rule; each task carried along is audited as following it."""
    db.flush()
    # The tasks read once: a move on a big plan carries hundreds, each updated from this list.
    tasks = {found.id: found for found in project_tasks(db, project)}
    items = as_items(list(tasks.values()), dependency_edges(db, project))
    before = next((item for item in items if item.id == task.id), None)
    if before is None:  # a cancelled task is out of the schedule: nothing follows it
        return Followed([], None, None)
    before = replace(before, start=was[0], due=was[1])
    calendar = project_calendar(db, project)
    followed = follow(items, dependency_links(db, project), calendar, moved=task.id, was=before)
    for shift in followed.shifts:
        moved = tasks[shift.id]
        moved.start_date, moved.due_date = shift.now
        record(
            db,
            project_id=project.id,
            actor_id=actor.user_id,
            action="task.dates",
            subject=task_key(project, moved),
            before={"start_date": shift.was[0], "due_date": shift.was[1]},
            after={"start_date": moved.start_date, "due_date": moved.due_date},
            reason=task_key(project, task),
        )
    if followed.schedule is None:
        return followed
    return replace(followed, milestones=keep_in_step(db, actor, project, followed.schedule))


class TaskFilter:
    MINE = "mine"
    OVERDUE = "overdue"
    OPEN = "open"
    DONE = "done"
    ALL = (MINE, OVERDUE, OPEN, DONE)


def list_tasks(
    db: Session, project: Project, *, which: str, user_id: str, today: date, owner_id: str | None = None
) -> list[Task]:
    """Tasks by filter: mine, overdue, open, done, or one person's (`owner_id`)."""
    query = select(Task).where(Task.project_id == project.id)
    if which == TaskFilter.DONE:
        query = query.where(Task.status == TaskStatus.DONE)
    else:
        query = query.where(Task.status.in_(OPEN_TASK_STATUSES))
    if which == TaskFilter.MINE:
        query = query.where(Task.owner_id == user_id)
    if owner_id is not None:
        query = query.where(Task.owner_id == owner_id)
    if which == TaskFilter.OVERDUE:
        query = query.where(Task.due_date < today)
    return list(db.scalars(query.order_by(Task.due_date.is_(None), Task.due_date, Task.number)))


def open_tasks_of(*, db: Session, project: Project, owner_id: str, limit: int) -> list[Task]:
    """One person's open tasks, soonest due first: what the standup form offers for today."""
    query = select(Task).where(
        Task.project_id == project.id, Task.owner_id == owner_id, Task.status.in_(OPEN_TASK_STATUSES)
    )
    return list(db.scalars(query.order_by(Task.due_date, Task.number).limit(limit)))

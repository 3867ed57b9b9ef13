"""Scenario generators: workspaces as big as a benchmark needs, built through the domain layer.

Every row comes from the same operations a slash command calls (`create_project`, `add_task`,
`update_task`, `raise_risk`, `log_cost`…), so the data has what real data has: the default
communication plan, charter roles, audited history, numbered keys and baselines.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count, islice, product

from sqlalchemy.orm import Session

from models.budget.spend import log_cost, set_category
from models.charter.charters import Charter, create_project
from models.core.access import Actor
from models.core.audit import record
from models.core.base import utcnow
from models.core.database import Database
from models.core.enums import RiskStrategy, Role, TaskStatus
from models.projects.tables import Project
from models.risks.register import RiskForm, raise_risk
from models.schedule.milestones import add_milestone
from models.tasks.breakdown import TaskForm, add_task, new_task, record_added, task_key
from models.tasks.tables import Task
from models.tasks.updates import TaskUpdate, update_task
from models.team.members import add_member

CATEGORIES = ("people", "hosting", "licences", "travel")
UPDATES = (TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.TODO)


@dataclass(frozen=True)
class Shape:
    """How big each project is. A tenth of the tasks are parents of the nine after them."""

    tasks: int = 200
    members: int = 6
    milestones: int = 6
    risks: int = 20
    costs: int = 50
    # The share of leaf tasks that get a status update (and so a line of history).
    updated: float = 0.5
    # Days around today over which task dates spread: start in [-past, +future].
    past_days: int = 120
    future_days: int = 200
    timezone: str = "Asia/Shanghai"
    # The first tasks of each project go through add_task and update_task with all their checks.
    checked_tasks: int = 20


@dataclass(frozen=True)
class BuiltProject:
    key: str
    channel: str
    manager: str
    members: tuple[str, ...]


def project_keys() -> Iterator[str]:
    """PAAA, PAAB, …: project keys are two to six capital letters."""
    for letters in product(string.ascii_uppercase, repeat=3):
        yield "P" + "".join(letters)


def people(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"U{prefix}{number:05d}" for number in range(count))


class ProjectBuilder:
    """Builds one project of `shape` in an open session, acting as its manager."""

    def __init__(self, db: Session, shape: Shape, today: date, rng: random.Random) -> None:
        self.db, self.shape, self.today, self.rng = db, shape, today, rng

    def build(self, *, key: str, channel: str, manager: str, team: tuple[str, ...]) -> Project:
        actor = Actor(user_id=manager)
        project = create_project(
            db=self.db, actor=actor, channel_id=channel, charter=self.charter(key, manager)
        )
        for user in team:
            add_member(db=self.db, actor=actor, project=project, user_id=user, role=Role.MEMBER)
        self.milestones(actor, project)
        self.tasks(actor, project, (manager, *team))
        self.risks(actor, project, (manager, *team))
        self.money(actor, project)
        return project

    def charter(self, key: str, manager: str) -> Charter:
        shape = self.shape
        return Charter(
            name=f"{key} programme",
            key=key,
            goal="Deliver the programme",
            manager_id=manager,
            start_date=self.today - timedelta(days=shape.past_days),
            target_end_date=self.today + timedelta(days=shape.future_days + 60),
            budget=Decimal(1_000_000 * len(CATEGORIES)),
            currency="EUR",
            timezone=shape.timezone,
        )

    def milestones(self, actor: Actor, project: Project) -> None:
        span = self.shape.past_days + self.shape.future_days
        for number in range(1, self.shape.milestones + 1):
            due = self.today + timedelta(
                days=span * number // (self.shape.milestones + 1) - self.shape.past_days
            )
            add_milestone(db=self.db, actor=actor, project=project, name=f"Milestone {number}", due=due)

    def tasks(self, actor: Actor, project: Project, owners: tuple[str, ...]) -> None:
        """Tasks as `add_task` makes them (numbered, baselined, audited) without its per-row checks.

        `add_task` asks the database whether the owner is on the team and the parent exists for
        every row: right for a person, but it makes a 200,000-task workspace take many minutes.
        A sample of tasks still goes through `add_task` and `update_task` themselves.
        """
        parent: Task | None = None
        for number in range(1, self.shape.tasks + 1):
            start = self.today + timedelta(
                days=self.rng.randint(-self.shape.past_days, self.shape.future_days)
            )
            form = TaskForm(
                title=f"Task {number}",
                owner_id=self.rng.choice(owners),
                parent=None if number % 10 == 1 or parent is None else task_key(project, parent),
                start_date=start,
                due_date=start + timedelta(days=self.rng.randint(1, 30)),
                estimate_hours=float(self.rng.randint(1, 40)),
            )
            if number <= self.shape.checked_tasks:
                task = add_task(db=self.db, actor=actor, project=project, form=form)
            else:
                task = self.unchecked_task(actor, project, form, number, parent)
            if number % 10 == 1:
                parent = task
            else:
                self.progress(actor, project, task, checked=number <= self.shape.checked_tasks)
        project.task_seq = self.shape.tasks

    def unchecked_task(
        self, actor: Actor, project: Project, form: TaskForm, number: int, parent: Task | None
    ) -> Task:
        task = new_task(actor, project, form, number=number, parent=parent if form.parent else None)
        self.db.add(task)
        if number % 10 == 1:
            self.db.flush()  # its id is the next nine tasks' parent
        record_added(self.db, actor, project, task, form)
        return task

    def progress(self, actor: Actor, project: Project, task: Task, *, checked: bool) -> None:
        """Work under way on a share of the tasks, with its line of history."""
        if self.rng.random() >= self.shape.updated:
            return
        status = self.rng.choice(UPDATES)
        percent = 100 if status is TaskStatus.DONE else self.rng.randint(0, 90)
        change = TaskUpdate(status=status, percent_complete=percent, note="progress")
        if checked:
            update_task(db=self.db, actor=actor, project=project, task=task, update=change)
            return
        task.status, task.percent_complete = status, percent
        task.done_at = utcnow() if status is TaskStatus.DONE else None
        record(
            self.db,
            project_id=project.id,
            actor_id=actor.user_id,
            action="task.update",
            subject=task_key(project, task),
            after={"status": status, "percent_complete": percent},
            reason=change.note,
        )

    def risks(self, actor: Actor, project: Project, owners: tuple[str, ...]) -> None:
        for number in range(1, self.shape.risks + 1):
            form = RiskForm(
                title=f"Risk {number}",
                probability=self.rng.randint(1, 5),
                impact=self.rng.randint(1, 5),
                owner_id=self.rng.choice(owners),
                strategy=self.rng.choice([None, *RiskStrategy]),
            )
            raise_risk(db=self.db, actor=actor, project=project, form=form)

    def money(self, actor: Actor, project: Project) -> None:
        for category in CATEGORIES:
            set_category(
                db=self.db, actor=actor, project=project, category=category, amount=Decimal(1_000_000)
            )
        for number in range(1, self.shape.costs + 1):
            log_cost(
                db=self.db,
                actor=actor,
                project=project,
                amount=Decimal(self.rng.randint(100, 5000)),
                category=self.rng.choice(CATEGORIES),
                description=f"Invoice {number}",
                spent_on=self.today - timedelta(days=self.rng.randint(0, self.shape.past_days)),
                today=self.today,
            )


def build_workspace(
    database: Database,
    team_id: str,
    *,
    projects: int,
    shape: Shape,
    today: date,
    seed: int = 7,
    channel_prefix: str = "C",
    first: int = 0,
) -> list[BuiltProject]:
    """`projects` projects of `shape` in workspace `team_id`, one transaction per project.

    Each project has its own manager and team (people are not shared, so a reminder pass has
    as many owners as the workspace has people). `first` numbers them after those a workspace
    already has, to grow it.
    """
    rng = random.Random(seed + first)
    database.ensure_workspace(team_id)
    built = []
    numbered = islice(zip(count(), project_keys()), first, first + projects)
    for number, key in numbered:
        manager, *team = people(f"{number:04d}", shape.members)
        channel = f"{channel_prefix}{number:06d}"
        with database.session(team_id) as db:
            ProjectBuilder(db, shape, today, rng).build(
                key=key, channel=channel, manager=manager, team=tuple(team)
            )
        built.append(BuiltProject(key, channel, manager, tuple(team)))
    return built

"""A template written from a running or finished project: its way of working, not its facts.

Kept: the breakdown with each task's duration in working days and what it waits for, the
milestones that follow tasks, deliverables and their criteria, the risks that have a response,
the communication plan's days and times, the gates, and the charter fields the project filled
(which the template then requires). Left behind: the dates, the people, the goal and the money,
which belong to the next project's own charter.
"""

from __future__ import annotations

from graphlib import TopologicalSorter
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar.project_calendar import project_calendar
from models.closing.closing_items import closing_items
from models.comms.plan import plan_lines
from models.core.access import Action, Actor, require
from models.core.audit import record
from models.core.enums import LinkKind, TaskStatus
from models.core.errors import InvalidError
from models.projects.tables import Project
from models.quality.tables import AcceptanceCriterion
from models.risks.register import risk_register
from models.schedule.milestones import project_milestones, task_leaves
from models.tasks.breakdown import dependency_links, project_tasks
from models.tasks.tables import MilestoneLink, Task
from models.templates.file_format import (
    NAME,
    RequiredField,
    TemplateFile,
    reference_problems,
    where_of,
    write_template,
)
from models.templates.library import keep_template
from models.templates.lines import Loc

KEPT_DEFAULTS = ("scope_out", "stakeholders", "change_threshold_days")
REQUIRABLE: tuple[RequiredField, ...] = (
    "goal",
    "scope_in",
    "scope_out",
    "sponsor_id",
    "start_date",
    "target_end_date",
    "budget",
    "stakeholders",
)


def _ref(number: int) -> str:
    """A task's id in the file, from its number in the project (APL-3 is t3)."""
    return f"t{number}"


def _criteria(db: Session, project: Project) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Each task's and each milestone's criteria, in their order."""
    tasks: dict[int, list[str]] = {}
    milestones: dict[int, list[str]] = {}
    rows = db.scalars(
        select(AcceptanceCriterion)
        .where(AcceptanceCriterion.project_id == project.id)
        .order_by(AcceptanceCriterion.position, AcceptanceCriterion.id)
    )
    for row in rows:
        if row.task_id is not None:
            tasks.setdefault(row.task_id, []).append(row.text)
        elif row.milestone_id is not None:
            milestones.setdefault(row.milestone_id, []).append(row.text)
    return tasks, milestones


def _tasks(db: Session, project: Project, criteria: dict[int, list[str]]) -> list[dict[str, Any]]:
    """The breakdown in an order where every task comes after its parent and what it waits for,
    as the file format requires; a wait for a summary task becomes a wait for the work under it."""
    tasks = {task.id: task for task in project_tasks(db, project) if task.status is not TaskStatus.CANCELLED}
    leaves = task_leaves(db, project)
    summaries = {task.parent_id for task in tasks.values() if task.parent_id in tasks}
    # Each task's waits: the task waited for, and the link's kind and lag.
    waits: dict[int, dict[int, tuple[LinkKind, int]]] = {task_id: {} for task_id in tasks}
    for link in dependency_links(db, project):
        if link.after in tasks and link.before in tasks:
            for leaf in leaves.get(link.before, [link.before]):
                if leaf in tasks:
                    waits[link.after][leaf] = (link.kind, link.lag)
    order = TopologicalSorter(
        {
            task_id: set(waits[task_id]) | ({task.parent_id} if task.parent_id in tasks else set())
            for task_id, task in tasks.items()
        }
    )
    calendar = project_calendar(db, project)
    written = []
    for task_id in order.static_order():
        task = tasks[task_id]
        part: dict[str, Any] = {"id": _ref(task.number), "title": task.title}
        if task.parent_id in tasks:
            part["parent"] = _ref(tasks[task.parent_id].number)
        if task_id not in summaries:
            first, last = task.start_date or task.due_date, task.due_date or task.start_date
            # Work never dated is kept as a day's work, for the next project to size.
            part["duration"] = calendar.span(first, last) if first and last else 1
            in_order = sorted(waits[task_id].items(), key=lambda wait: tasks[wait[0]].number)
            part["after"] = [
                {"task": _ref(tasks[before].number), "type": kind.value.upper(), "lag": lag}
                for before, (kind, lag) in in_order
            ]
        part["estimate_hours"] = task.estimate_hours
        part["deliverable"] = task.is_deliverable
        part["criteria"] = criteria.get(task_id, [])
        written.append(part)
    return written


def _milestones(db: Session, project: Project, criteria: dict[int, list[str]]) -> list[dict[str, Any]]:
    """The milestones that follow tasks still in the plan; one held on a fixed day has no place
    relative to the start."""
    followed: dict[int, list[str]] = {}
    links = (
        select(MilestoneLink.milestone_id, Task.number)
        .join(Task, Task.id == MilestoneLink.task_id)
        .where(Task.project_id == project.id, Task.status != TaskStatus.CANCELLED)
        .order_by(Task.number)
    )
    for milestone_id, number in db.execute(links):
        followed.setdefault(milestone_id, []).append(_ref(number))
    return [
        {
            "name": milestone.name,
            "after": followed[milestone.id],
            "deliverable": milestone.is_deliverable,
            "criteria": criteria.get(milestone.id, []),
        }
        for milestone in project_milestones(db, project)
        if milestone.id in followed
    ]


def _charter(project: Project) -> dict[str, Any]:
    return {
        "required": [name for name in REQUIRABLE if getattr(project, name) not in (None, "")],
        "defaults": {
            name: getattr(project, name) for name in KEPT_DEFAULTS if getattr(project, name) is not None
        },
    }


def template_from_project(db: Session, project: Project, *, name: str, language: str) -> TemplateFile:
    """The project's way of working as a template called `name`; refused, naming the first
    thing that does not fit the file format."""
    task_criteria, milestone_criteria = _criteria(db, project)
    data = {
        "name": name,
        "title": project.name,
        "language": language,
        "charter": _charter(project),
        "phases": [{"phase": phase, "gates": gates} for phase, gates in (project.gate_checks or {}).items()],
        "tasks": _tasks(db, project, task_criteria),
        "milestones": _milestones(db, project, milestone_criteria),
        "risks": [
            {
                "title": risk.title,
                "probability": risk.probability,
                "impact": risk.impact,
                "strategy": risk.strategy or "mitigate",
                "response": risk.response_actions,
                "category": risk.category,
            }
            for risk in risk_register(db, project)
            if risk.response_actions
        ],
        "standup_questions": project.standup_questions or [],
        "closing": {"checklist": [item.text for item in closing_items(project)]},
        "comms": [
            {"kind": line.kind, "days": line.days, "time": line.local_time, "enabled": line.enabled}
            for line in plan_lines(db, project)
        ],
    }
    try:
        template = TemplateFile.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise _unsavable(tuple(first["loc"])) from None
    for loc, _ in reference_problems(template):
        raise _unsavable(loc)
    return template


def _unsavable(loc: Loc) -> InvalidError:
    return InvalidError("templates.not_savable", where=where_of(loc))


def save_from_project(
    *, db: Session, actor: Actor, project: Project, name: str, language: str, replace: bool = False
) -> TemplateFile:
    """A PMO administrator's save of a project's way of working, audited."""
    require(db, project, actor, Action.SAVE_TEMPLATE)
    if not NAME.match(name):
        raise InvalidError("templates.bad_name", name=name)
    template = template_from_project(db, project, name=name, language=language)
    keep_template(db, template, source=write_template(template), by=actor.user_id, replace=replace)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="template.save",
        subject=name,
        after={"title": template.title, "tasks": len(template.tasks), "replace": replace},
    )
    return template

"""A new project set up from a template: its breakdown scheduled from the project's start in
working days, its milestones following the work, standard risks, quality criteria, the
communication plan and the gates the template asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from models.charter.charters import Charter
from models.comms.plan import CommLineForm, edit_line, find_line
from models.core.access import Actor
from models.core.errors import InvalidError, check_all
from models.projects.tables import Project
from models.quality.plan import add_criterion
from models.risks.register import RiskForm, raise_risk
from models.schedule.milestones import add_milestone_after, milestone_key
from models.schedule.plan import project_plan
from models.tasks.breakdown import Predecessor, TaskForm, add_task, task_key
from models.tasks.tables import Task
from models.templates.file_format import TemplateFile


@dataclass(frozen=True)
class Started:
    """What the template added, for the answer to say."""

    title: str
    tasks: int
    milestones: int
    risks: int
    start: date | None
    finish: date | None


def _breakdown(db: Session, actor: Actor, project: Project, template: TemplateFile) -> dict[str, Task]:
    """The tasks in file order: each names only tasks above it, so they already exist."""
    made: dict[str, Task] = {}
    for part in template.tasks:
        form = TaskForm(
            title=part.title,
            parent=task_key(project, made[part.parent]) if part.parent else None,
            duration_days=part.duration,
            estimate_hours=part.estimate_hours,
            is_deliverable=part.deliverable,
            depends_on=[
                Predecessor(key=task_key(project, made[wait.task]), kind=wait.kind, lag=wait.lag)
                for wait in part.after
            ],
        )
        task = add_task(db=db, actor=actor, project=project, form=form)
        made[part.id] = task
        for text in part.criteria:
            add_criterion(db=db, actor=actor, project=project, key=task_key(project, task), text=text)
    return made


def _milestones(
    db: Session, actor: Actor, project: Project, template: TemplateFile, made: dict[str, Task]
) -> None:
    found = project_plan(db, project).schedule
    for part in template.milestones:
        milestone = add_milestone_after(
            db=db,
            actor=actor,
            project=project,
            name=part.name,
            tasks=[made[before] for before in part.after],
            found=found,
            deliverable=part.deliverable,
        )
        for text in part.criteria:
            add_criterion(
                db=db, actor=actor, project=project, key=milestone_key(project, milestone), text=text
            )


def _comms(db: Session, actor: Actor, project: Project, template: TemplateFile) -> None:
    """The template's days and times over the default plan's; audience and channel stay."""
    for part in template.comms:
        line = find_line(db, project, part.kind.value)
        form = CommLineForm(
            audience=line.audience,
            channel=line.channel,
            days=part.days.split(","),
            local_time=part.time,
            time_zone_of=line.time_zone_of,
            enabled=part.enabled,
            notes=line.notes,
        )
        edit_line(db=db, actor=actor, project=project, line=line, form=form)


def start_from_template(*, db: Session, actor: Actor, project: Project, template: TemplateFile) -> Started:
    """Set up a project just created from its charter with everything `template` holds."""
    project.template_name = template.name
    project.gate_checks = {
        phase.phase: [check.value for check in phase.gates] for phase in template.phases
    } or None
    project.standup_questions = [question.model_dump() for question in template.standup_questions] or None
    project.closing_items = [{"text": text} for text in template.closing.checklist] or None
    made = _breakdown(db, actor, project, template)
    _milestones(db, actor, project, template, made)
    for part in template.risks:
        form = RiskForm(
            title=part.title,
            probability=part.probability,
            impact=part.impact,
            strategy=part.strategy,
            response_actions=part.response,
            category=part.category,
        )
        raise_risk(db=db, actor=actor, project=project, form=form)
    _comms(db, actor, project, template)
    placed = project_plan(db, project).schedule.tasks.values()
    return Started(
        title=template.title,
        tasks=len(template.tasks),
        milestones=len(template.milestones),
        risks=len(template.risks),
        start=min((task.start for task in placed), default=None),
        finish=max((task.finish for task in placed), default=None),
    )


def charter_from_template(template: TemplateFile, charter: Charter) -> Charter:
    """The charter with the template's defaults where it was left blank, refused beside each
    field the template requires and the charter still lacks."""
    defaults = template.charter.defaults.model_dump(exclude_none=True)
    blank = {name: value for name, value in defaults.items() if getattr(charter, name) in (None, "")}
    filled = charter.model_copy(update=blank)
    check_all(
        *(
            InvalidError("templates.required", field=name, template=template.title)
            for name in template.charter.required
            if getattr(filled, name) in (None, "")
        )
    )
    return filled

"""Meetings as records: who came, what was decided, and the action items that become tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.meetings.tables import Decision, Meeting
from models.projects.tables import Project
from models.tasks.breakdown import TaskForm, add_task
from models.tasks.tables import Task

MEETING_KINDS = ("status", "standup", "planning", "review", "retrospective", "steering", "other")


class ActionItem(BaseModel):
    title: str
    owner_id: str | None = None
    due_date: date | None = None


class MeetingForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    kind: str
    held_on: date
    attendees: list[str] = []
    notes: str | None = None
    decisions: list[str] = []
    actions: list[ActionItem] = []


@dataclass(frozen=True)
class Recorded:
    meeting: Meeting
    decisions: list[Decision]
    tasks: list[Task]


def record_meeting(*, db: Session, actor: Actor, project: Project, form: MeetingForm) -> Recorded:
    require(db, project, actor, Action.RECORD_MEETING)
    require_open(project)
    meeting = Meeting(
        project_id=project.id,
        team_id=project.team_id,
        kind=form.kind,
        held_on=form.held_on,
        attendees=form.attendees,
        notes=form.notes,
        recorded_by=actor.user_id,
    )
    db.add(meeting)
    db.flush()
    decisions = [
        Decision(
            project_id=project.id,
            team_id=project.team_id,
            text=text,
            meeting_id=meeting.id,
            decided_on=form.held_on,
            recorded_by=actor.user_id,
        )
        for text in form.decisions
    ]
    db.add_all(decisions)
    tasks = [
        add_task(
            db=db,
            actor=actor,
            project=project,
            form=TaskForm(title=item.title, owner_id=item.owner_id, due_date=item.due_date),
        )
        for item in form.actions
    ]
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="meeting.record",
        subject=form.kind,
        after={"held_on": form.held_on, "decisions": len(decisions), "actions": len(tasks)},
    )
    return Recorded(meeting, decisions, tasks)


def decision_log(db: Session, project: Project, limit: int) -> list[Decision]:
    """The decision log, newest first."""
    return list(
        db.scalars(
            select(Decision)
            .where(Decision.project_id == project.id)
            .order_by(Decision.decided_on.desc(), Decision.id.desc())
            .limit(limit)
        )
    )

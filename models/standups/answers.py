"""Standups: who is asked on a day, their answers, and blockers turned into issues."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.claims import claim
from models.core.clock import utcnow
from models.core.enums import IssueStatus, Role, Severity
from models.core.errors import InvalidError, check_all
from models.core.grouped import ProjectIds
from models.core.id_lists import among
from models.issues.log import IssueForm, raise_issue
from models.issues.tables import Issue
from models.projects.tables import Member, Project
from models.standups.questions import questions_of
from models.standups.tables import StandupReport

STANDUP_ROLES = (Role.MANAGER, Role.MEMBER)
BLOCKER_ORIGIN = "standup"


class StandupAnswer(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    yesterday: str | None = None
    today: str | None = None
    blockers: str | None = None
    # Answers to the project's own questions, in their order (models/standups/questions.py).
    answers: list[str | None] = []


def _own_answers(project: Project, answer: StandupAnswer) -> StandupAnswer:
    """An answer to the project's own questions, each required one answered, refused beside it;
    the blocker question's answer is the report's blocker."""
    questions = questions_of(project)
    if questions is None:
        return answer
    given = [*answer.answers, *[None] * len(questions)][: len(questions)]
    check_all(
        *(
            InvalidError("standups.answer_required", field=f"a{n}")
            for n, (question, text) in enumerate(zip(questions, given, strict=True), start=1)
            if question.required and not text
        )
    )
    blockers = next((text for question, text in zip(questions, given, strict=True) if question.blocker), None)
    return StandupAnswer(blockers=blockers, answers=given)


def kept_answers(project: Project, answer: StandupAnswer) -> list[dict[str, Any]] | None:
    """Each answer with its question as asked, so an answer reads right after the questions change."""
    questions = questions_of(project)
    if questions is None:
        return None
    return [
        {"question": question.text, "answer": text}
        for question, text in zip(questions, answer.answers, strict=True)
        if text
    ]


@dataclass(frozen=True)
class Answered:
    report: StandupReport
    issue: Issue | None


def standup_people(db: Session, project: Project) -> list[str]:
    return standup_people_of(db, [project.id]).get(project.id, [])


def standup_people_of(db: Session, project_ids: ProjectIds) -> dict[int, list[str]]:
    """Who is asked in each project: the team that does the work, not sponsors or stakeholders."""
    rows = db.execute(
        select(Member.project_id, Member.user_id)
        .where(
            among(Member.project_id, project_ids),
            Member.released_at.is_(None),
            Member.role.in_(STANDUP_ROLES),
        )
        .order_by(Member.id)
    )
    people: dict[int, list[str]] = defaultdict(list)
    for project_id, user_id in rows:
        people[project_id].append(user_id)
    return people


def answer_standup(
    *, db: Session, actor: Actor, project: Project, day: date, answer: StandupAnswer
) -> Answered:
    """Record (or replace) the actor's answer for `day`; a new blocker becomes an issue."""
    require(db, project, actor, Action.ANSWER_STANDUP)
    require_open(project)
    answer = _own_answers(project, answer)
    values = {
        "team_id": project.team_id,
        "project_id": project.id,
        "user_id": actor.user_id,
        "local_date": day,
        "submitted_at": utcnow(),
    }
    claim(db, StandupReport, values, conflict=["project_id", "user_id", "local_date"])
    report = db.scalars(
        select(StandupReport).where(
            StandupReport.project_id == project.id,
            StandupReport.user_id == actor.user_id,
            StandupReport.local_date == day,
        )
    ).one()
    old_blocker = report.blockers
    report.yesterday, report.today, report.blockers = answer.yesterday, answer.today, answer.blockers
    report.answers = kept_answers(project, answer)
    report.submitted_at = utcnow()
    issue = None
    if answer.blockers and answer.blockers != old_blocker:
        form = IssueForm(
            title=answer.blockers[:300],
            description=answer.blockers,
            severity=Severity.HIGH,
            owner_id=actor.user_id,
            origin=BLOCKER_ORIGIN,
        )
        issue = raise_issue(db=db, actor=actor, project=project, form=form)
        report.blocker_issue_id = issue.id
    return Answered(report, issue)


def reports_of(db: Session, project: Project, day: date) -> list[StandupReport]:
    return list(
        db.scalars(
            select(StandupReport)
            .where(StandupReport.project_id == project.id, StandupReport.local_date == day)
            .order_by(StandupReport.submitted_at)
        )
    )


def open_blockers(db: Session, project: Project, before: date) -> list[Issue]:
    """Blockers raised at earlier standups that are still open: they stay listed until resolved."""
    return list(
        db.scalars(
            select(Issue)
            .join(StandupReport, StandupReport.blocker_issue_id == Issue.id)
            .where(
                StandupReport.project_id == project.id,
                StandupReport.local_date < before,
                Issue.status == IssueStatus.OPEN,
            )
            .order_by(Issue.number)
        )
    )

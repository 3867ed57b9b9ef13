"""The issue log: raising problems with an owner, from a command, a form or a blocked task."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import Disposition, IssueStatus, Phase, Severity
from models.core.errors import DomainError, InvalidError, NotFoundError, check_all
from models.core.keys import ItemKind, find_numbered, item_key, next_number
from models.core.limits import column_limit
from models.issues.tables import Issue
from models.projects.tables import Project
from models.tasks.tables import Milestone, Task
from models.team.members import not_on_team

TITLE_MAX = column_limit(Issue.title)


class IssueForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: str
    description: str | None = None
    severity: Severity = Severity.MEDIUM
    owner_id: str | None = None
    due_date: date | None = None
    task_id: int | None = None
    risk_id: int | None = None
    origin: str | None = None
    source_link: str | None = None


def issue_key(project: Project, issue: Issue) -> str:
    return item_key(project.key, ItemKind.ISSUE, issue.number)


def issue_problems(db: Session, project: Project, form: IssueForm) -> list[DomainError | None]:
    title = (
        None
        if form.title and len(form.title) <= TITLE_MAX
        else InvalidError("issues.bad_title", field="title", limit=TITLE_MAX)
    )
    return [title, not_on_team(db, project, form.owner_id)]


def raise_issue(*, db: Session, actor: Actor, project: Project, form: IssueForm) -> Issue:
    require(db, project, actor, Action.RAISE_ISSUE)
    require_open(project)
    check_all(*issue_problems(db, project, form))
    issue = Issue(
        project_id=project.id,
        team_id=project.team_id,
        number=next_number(db, project, ItemKind.ISSUE),
        created_by=actor.user_id,
        **form.model_dump(),
    )
    db.add(issue)
    db.flush()
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="issue.raise",
        subject=issue_key(project, issue),
        after=form.model_dump(exclude_none=True),
    )
    return issue


def raise_deliverable_issue(
    db: Session,
    *,
    actor: Actor,
    project: Project,
    item: Task | Milestone,
    title: str,
    description: str,
    origin: str,
) -> Issue:
    """A high-severity issue about a deliverable, owned by whoever owns the work (a milestone's manager)."""
    form = IssueForm(
        title=title[:TITLE_MAX],
        description=description,
        severity=Severity.HIGH,
        owner_id=item.owner_id if isinstance(item, Task) else project.manager_id,
        task_id=item.id if isinstance(item, Task) else None,
        origin=origin,
    )
    issue = raise_issue(db=db, actor=actor, project=project, form=form)
    if isinstance(item, Milestone):
        issue.milestone_id = item.id
    return issue


class IssueFilter(StrEnum):
    OPEN = "open"
    MINE = "mine"
    ALL = "all"


def issue_in(*, db: Session, project: Project, issue_id: int) -> Issue:
    """An issue a form named by id, still in `project`."""
    issue = db.get(Issue, issue_id)
    if issue is None or issue.project_id != project.id:
        raise NotFoundError("issues.gone")
    return issue


def find_issue(db: Session, project: Project, key: str) -> Issue:
    return find_numbered(db, project, Issue, ItemKind.ISSUE, key=key, missing="issues.unknown_key")


def list_issues(db: Session, project: Project, *, which: IssueFilter, user_id: str) -> list[Issue]:
    """Open ones by severity then due date; `all` adds the resolved after them."""
    query = select(Issue).where(Issue.project_id == project.id)
    if which is not IssueFilter.ALL:
        query = query.where(Issue.status == IssueStatus.OPEN)
    if which is IssueFilter.MINE:
        query = query.where(Issue.owner_id == user_id)
    severity = list(Severity)
    found = db.scalars(query).all()
    return sorted(
        found,
        key=lambda i: (
            i.status is not IssueStatus.OPEN,
            -severity.index(i.severity),
            i.due_date or date.max,
            i.number,
        ),
    )


def is_overdue(issue: Issue, today: date) -> bool:
    return issue.status is IssueStatus.OPEN and issue.due_date is not None and issue.due_date < today


def resolve_issue(*, db: Session, actor: Actor, project: Project, issue: Issue, resolution: str) -> Issue:
    require(db, project, actor, Action.UPDATE_TASK)
    require_open(project)
    if issue.status is IssueStatus.RESOLVED:
        raise DomainError("issues.already_resolved", key=issue_key(project, issue))
    check_all(None if resolution.strip() else InvalidError("issues.resolution_needed", field="resolution"))
    issue.status = IssueStatus.RESOLVED
    issue.resolution = resolution.strip()
    issue.resolved_at = utcnow()
    if project.phase is Phase.CLOSING:
        # The closing checklist's Resolve comes here, to ask how: the report says "resolved at closing".
        issue.disposition = Disposition.FINISHED
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="issue.resolve",
        subject=issue_key(project, issue),
        after={"status": issue.status.value, "resolution": issue.resolution},
    )
    return issue

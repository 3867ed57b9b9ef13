"""A risk's review: still open (review again later), occurred (it becomes an issue) or closed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import RiskStatus, Severity
from models.core.errors import DomainError
from models.core.grouped import per_project
from models.core.id_lists import among
from models.issues.log import IssueForm, raise_issue
from models.issues.tables import Issue
from models.projects.tables import Project
from models.risks.register import risk_key
from models.risks.tables import Risk

# A risk still open is looked at again two weeks later unless someone sets another date.
NEXT_REVIEW = timedelta(days=14)
OCCURRED_ORIGIN = "occurred_risk"


def _open_risk(db: Session, actor: Actor, project: Project, risk: Risk) -> None:
    require(db, project, actor, Action.EDIT_RISK)
    require_open(project)
    if risk.status is not RiskStatus.OPEN:
        raise DomainError("risks.not_open", key=risk_key(project, risk), status=risk.status.value)


def _audit(
    db: Session,
    actor: Actor,
    project: Project,
    risk: Risk,
    change: tuple[dict[str, object], dict[str, object]],
) -> None:
    before, after = change
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="risk.review",
        subject=risk_key(project, risk),
        before=before,
        after=after,
    )


def still_open(*, db: Session, actor: Actor, project: Project, risk: Risk, today: date) -> date:
    _open_risk(db, actor, project, risk)
    before = risk.review_date
    # Looked at early, a risk keeps the review date it had: "still open" never brings it forward.
    risk.review_date = max(today + NEXT_REVIEW, before or today)
    _audit(db, actor, project, risk, ({"review_date": before}, {"review_date": risk.review_date}))
    return risk.review_date


def close_risk(*, db: Session, actor: Actor, project: Project, risk: Risk) -> None:
    _open_risk(db, actor, project, risk)
    risk.status = RiskStatus.CLOSED
    risk.closed_at = utcnow()
    _audit(db, actor, project, risk, ({"status": RiskStatus.OPEN.value}, {"status": risk.status.value}))


def risk_occurred(*, db: Session, actor: Actor, project: Project, risk: Risk) -> Issue:
    """The risk happened: it is now a problem with an owner, linked back to the risk."""
    _open_risk(db, actor, project, risk)
    risk.status = RiskStatus.OCCURRED
    _audit(db, actor, project, risk, ({"status": RiskStatus.OPEN.value}, {"status": risk.status.value}))
    severity = (
        Severity.CRITICAL if risk.impact >= 5 else Severity.HIGH if risk.impact >= 3 else Severity.MEDIUM
    )
    form = IssueForm(
        title=risk.title,
        description=risk.contingency or risk.description,
        severity=severity,
        owner_id=risk.owner_id,
        risk_id=risk.id,
        origin=OCCURRED_ORIGIN,
    )
    return raise_issue(db=db, actor=actor, project=project, form=form)


def due_risks(db: Session, projects: Sequence[Project], today: date) -> dict[int, list[Risk]]:
    """Each project's open risks with an owner whose review date has come: each owner is prompted."""
    query = select(Risk).where(
        among(Risk.project_id, [project.id for project in projects]),
        Risk.status == RiskStatus.OPEN,
        Risk.owner_id.is_not(None),
        Risk.review_date <= today,
    )
    return per_project(db.scalars(query.order_by(Risk.id)))

"""The quality plan: what each deliverable must meet, who reviews it and when, and how it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.access import Action, Actor, require, require_open
from models.core.audit import record
from models.core.errors import InvalidError, NotFoundError
from models.core.keys import ItemKind, parse_item_key
from models.projects.tables import Project
from models.quality.tables import AcceptanceCriterion, QualityResult, QualityReview
from models.schedule.milestones import find_milestone, milestone_key
from models.tasks.breakdown import find_task, task_key
from models.tasks.tables import Milestone, Task

CRITERION_MAX = 1000


@dataclass
class DeliverablePlan:
    key: str
    name: str
    criteria: list[AcceptanceCriterion] = field(default_factory=list)
    reviews: list[QualityReview] = field(default_factory=list)
    # Each criterion's latest result, passed or not, once a review has recorded it.
    results: dict[int, bool] = field(default_factory=dict)


def find_deliverable(db: Session, project: Project, key: str) -> Task | Milestone:
    """A task or milestone marked as a deliverable, by key."""
    parsed = parse_item_key(key)
    kind = parsed.kind if parsed else None
    found: Task | Milestone
    if kind is ItemKind.MILESTONE:
        found = find_milestone(db, project, key)
    elif kind is ItemKind.TASK:
        found = find_task(db, project, key)
    else:
        raise NotFoundError("quality.bad_key", key=key)
    if not found.is_deliverable:
        raise InvalidError("quality.not_deliverable", key=key.upper())
    return found


def _owner_columns(item: Task | Milestone) -> dict[str, int | None]:
    if isinstance(item, Milestone):
        return {"task_id": None, "milestone_id": item.id}
    return {"task_id": item.id, "milestone_id": None}


def _planning_deliverable(db: Session, actor: Actor, project: Project, key: str) -> Task | Milestone:
    require(db, project, actor, Action.PLAN_QUALITY)
    require_open(project)
    return find_deliverable(db, project, key)


def add_criterion(*, db: Session, actor: Actor, project: Project, key: str, text: str) -> AcceptanceCriterion:
    item = _planning_deliverable(db, actor, project, key)
    text = text.strip()
    if not text or len(text) > CRITERION_MAX:
        raise InvalidError("quality.bad_criterion", limit=CRITERION_MAX)
    criterion = AcceptanceCriterion(
        project_id=project.id, team_id=project.team_id, text=text, **_owner_columns(item)
    )
    db.add(criterion)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="quality.criterion",
        subject=key.upper(),
        after={"text": text},
    )
    return criterion


def plan_review(
    *, db: Session, actor: Actor, project: Project, key: str, reviewer_id: str, due: date
) -> QualityReview:
    item = _planning_deliverable(db, actor, project, key)
    review = QualityReview(
        project_id=project.id,
        team_id=project.team_id,
        reviewer_id=reviewer_id,
        due_date=due,
        **_owner_columns(item),
    )
    db.add(review)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="quality.review",
        subject=key.upper(),
        after={"reviewer_id": reviewer_id, "due_date": due},
    )
    return review


def quality_plan(db: Session, project: Project) -> list[DeliverablePlan]:
    """Every deliverable with its criteria and reviews, in four queries."""
    tasks = db.scalars(
        select(Task).where(Task.project_id == project.id, Task.is_deliverable).order_by(Task.number)
    ).all()
    milestones = db.scalars(
        select(Milestone)
        .where(Milestone.project_id == project.id, Milestone.is_deliverable)
        .order_by(Milestone.number)
    ).all()
    plans = {("task", task.id): DeliverablePlan(task_key(project, task), task.title) for task in tasks}
    plans |= {("milestone", m.id): DeliverablePlan(milestone_key(project, m), m.name) for m in milestones}
    criteria = db.scalars(
        select(AcceptanceCriterion)
        .where(AcceptanceCriterion.project_id == project.id)
        .order_by(AcceptanceCriterion.id)
    ).all()
    for criterion in criteria:
        _owner_plan(plans, criterion.task_id, criterion.milestone_id).criteria.append(criterion)
    reviews = db.scalars(
        select(QualityReview).where(QualityReview.project_id == project.id).order_by(QualityReview.due_date)
    ).all()
    for review in reviews:
        _owner_plan(plans, review.task_id, review.milestone_id).reviews.append(review)
    latest = latest_results(db, project)
    for plan in plans.values():
        plan.results = {c.id: latest[c.id] for c in plan.criteria if c.id in latest}
    return list(plans.values())


def latest_results(db: Session, project: Project) -> dict[int, bool]:
    """Each criterion's result in the latest review that recorded it."""
    rows = db.execute(
        select(QualityResult.criterion_id, QualityResult.passed)
        .join(QualityReview, QualityReview.id == QualityResult.review_id)
        .where(QualityReview.project_id == project.id)
        .order_by(QualityReview.reviewed_at, QualityResult.id)
    ).all()
    return {criterion_id: passed for criterion_id, passed in rows}


def _owner_plan(
    plans: dict[tuple[str, int], DeliverablePlan], task_id: int | None, milestone_id: int | None
) -> DeliverablePlan:
    if task_id is not None:
        return plans.setdefault(("task", task_id), DeliverablePlan("?", "?"))
    return plans.setdefault(("milestone", milestone_id or 0), DeliverablePlan("?", "?"))

"""Recording a quality review: pass or fail against each acceptance criterion.

A failure opens an issue linked to the deliverable, so what failed gets an owner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.access import Actor, require_open
from models.core.audit import record
from models.core.clock import utcnow
from models.core.enums import ReviewStatus
from models.core.errors import DomainError, ForbiddenError, InvalidError, NotFoundError
from models.core.grouped import per_project
from models.core.id_lists import among
from models.issues.log import raise_deliverable_issue
from models.issues.tables import Issue
from models.projects.tables import Project
from models.quality.tables import AcceptanceCriterion, QualityResult, QualityReview
from models.schedule.milestones import milestone_key
from models.tasks.breakdown import task_key
from models.tasks.tables import Milestone, Task

FAILED_ORIGIN = "failed_review"

Item = TypeVar("Item", Task, Milestone)


@dataclass(frozen=True)
class ReviewOutcome:
    review: QualityReview
    issue: Issue | None


def reviewed_item(db: Session, review: QualityReview) -> Task | Milestone:
    item = db.get(Task, review.task_id) if review.task_id else db.get(Milestone, review.milestone_id)
    if item is None:
        raise DomainError("quality.review_gone")
    return item


def item_key_of(project: Project, item: Task | Milestone) -> str:
    return milestone_key(project, item) if isinstance(item, Milestone) else task_key(project, item)


def criteria_of(db: Session, review: QualityReview) -> list[AcceptanceCriterion]:
    owner = (
        AcceptanceCriterion.task_id == review.task_id
        if review.task_id
        else AcceptanceCriterion.milestone_id == review.milestone_id
    )
    return list(db.scalars(select(AcceptanceCriterion).where(owner).order_by(AcceptanceCriterion.id)))


def review_by_id(*, db: Session, review_id: int) -> QualityReview:
    """A review a button named by id, before its project is known; one of another workspace is not found."""
    review = db.get(QualityReview, review_id)
    if review is None:
        raise NotFoundError("quality.review_gone")
    return review


def planned_reviews_of(*, db: Session, item: Task | Milestone) -> list[QualityReview]:
    """A deliverable's reviews still to record, the soonest due first."""
    owner = QualityReview.milestone_id if isinstance(item, Milestone) else QualityReview.task_id
    query = select(QualityReview).where(owner == item.id, QualityReview.status == ReviewStatus.PLANNED)
    return list(db.scalars(query.order_by(QualityReview.due_date)))


def review_in(db: Session, project: Project, review_id: int) -> QualityReview:
    review = db.get(QualityReview, review_id)
    if review is None or review.project_id != project.id:
        raise DomainError("quality.review_gone")
    return review


def ensure_reviewer(project: Project, review: QualityReview, actor: Actor) -> None:
    if actor.user_id != review.reviewer_id and not actor.is_admin:
        raise ForbiddenError("quality.not_reviewer", user=review.reviewer_id)
    if review.status is not ReviewStatus.PLANNED:
        raise DomainError("quality.already_reviewed", status=review.status.value)


def record_review(
    *, db: Session, actor: Actor, project: Project, review_id: int, results: dict[int, bool], note: str | None
) -> ReviewOutcome:
    require_open(project)
    review = review_in(db, project, review_id)
    ensure_reviewer(project, review, actor)
    criteria = criteria_of(db, review)
    missing = [c for c in criteria if c.id not in results]
    if missing:
        raise InvalidError("quality.result_missing", field=f"criterion_{missing[0].id}")
    db.add_all(
        QualityResult(team_id=project.team_id, review_id=review.id, criterion_id=c.id, passed=results[c.id])
        for c in criteria
    )
    failed = [c for c in criteria if not results[c.id]]
    review.status = ReviewStatus.FAILED if failed else ReviewStatus.PASSED
    review.note = note
    review.reviewed_at = utcnow()
    item = reviewed_item(db, review)
    key = item_key_of(project, item)
    record(
        db,
        project_id=project.id,
        actor_id=actor.user_id,
        action="quality.review",
        subject=key,
        after={"status": review.status.value, "failed": [c.text for c in failed]},
        reason=note,
    )
    issue = (
        _failure_issue(db, actor=actor, project=project, item=item, key=key, failed=failed, note=note)
        if failed
        else None
    )
    return ReviewOutcome(review, issue)


def _failure_issue(
    db: Session,
    *,
    actor: Actor,
    project: Project,
    item: Task | Milestone,
    key: str,
    failed: list[AcceptanceCriterion],
    note: str | None,
) -> Issue:
    lines = [f"- {criterion.text}" for criterion in failed] + ([note] if note else [])
    return raise_deliverable_issue(
        db,
        actor=actor,
        project=project,
        item=item,
        title=f"{key} failed review: {failed[0].text}",
        description="\n".join(lines),
        origin=FAILED_ORIGIN,
    )


def review_counts_of(db: Session, ids: Sequence[int]) -> dict[int, dict[ReviewStatus, int]]:
    rows = db.execute(
        select(QualityReview.project_id, QualityReview.status, func.count())
        .where(among(QualityReview.project_id, ids))
        .group_by(QualityReview.project_id, QualityReview.status)
    )
    found: dict[int, dict[ReviewStatus, int]] = defaultdict(dict)
    for project_id, status, count in rows:
        found[project_id][status] = count
    return found


def due_quality_reviews(
    db: Session, projects: Sequence[Project], today: date
) -> dict[int, list[QualityReview]]:
    """Each project's planned reviews whose date has come: each reviewer is prompted for the results."""
    query = select(QualityReview).where(
        among(QualityReview.project_id, [project.id for project in projects]),
        QualityReview.status == ReviewStatus.PLANNED,
        QualityReview.due_date <= today,
    )
    return per_project(db.scalars(query.order_by(QualityReview.id)))


def reviewed_items(db: Session, reviews: Sequence[QualityReview]) -> dict[int, Task | Milestone]:
    """What each review is of, by review id: its tasks in one query and its milestones in another."""
    tasks = _by_id(db, Task, [review.task_id for review in reviews])
    milestones = _by_id(db, Milestone, [review.milestone_id for review in reviews])
    items: dict[int, Task | Milestone] = {}
    for review in reviews:
        # A review is of a task or of a milestone, never both: the other id is None.
        item = tasks.get(review.task_id) or milestones.get(review.milestone_id)
        if item is None:
            raise DomainError("quality.review_gone")
        items[review.id] = item
    return items


def _by_id(db: Session, model: type[Item], ids: Iterable[int | None]) -> dict[int | None, Item]:
    wanted = {row_id for row_id in ids if row_id is not None}
    found: dict[int | None, Item] = {}
    if wanted:
        found.update((row.id, row) for row in db.scalars(select(model).where(among(model.id, wanted))))
    return found

"""What the final report says, gathered in one read: the plan against what happened.

Plain data for any renderer (Markdown, PDF, charts); nothing here knows about Slack or files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.budget.curves import planned_curve
from models.changes.tables import ChangeRequest
from models.closing.closeout import as_of
from models.closing.lessons import lessons_of
from models.closing.tables import Lesson
from models.core.enums import Disposition, Phase, RiskStatus
from models.core.keys import numbered
from models.documents.register import project_documents
from models.documents.tables import Document
from models.issues.tables import Issue
from models.projects.tables import CostEntry, Member, Project
from models.quality.acceptance import project_deliverables
from models.quality.plan import DeliverablePlan, quality_plan
from models.quality.tables import QualityResult
from models.risks.tables import Risk
from models.schedule.milestones import project_milestones
from models.status.report import StatusReport
from models.status.snapshot import status_of
from models.tasks.leaves import is_leaf
from models.tasks.tables import Milestone, Task
from models.trends.history import TrendData, trend_data


@dataclass(frozen=True)
class OccurredRisk:
    risk: Risk
    issue_numbers: list[int]


@dataclass(frozen=True)
class FinalReport:
    project: Project
    as_of: date
    closed: bool
    status: StatusReport
    changes: list[ChangeRequest]
    milestones: list[Milestone]
    risks: list[Risk]
    occurred: list[OccurredRisk]
    issues: list[Issue]
    quality: list[DeliverablePlan]
    results: dict[int, list[QualityResult]]
    deliverables: list[Task | Milestone]
    carried: list[Task | Issue | Risk]
    lessons: list[Lesson]
    members: list[Member]
    documents: list[Document]
    tasks: list[Task]
    costs: list[tuple[date, Decimal]]
    planned_value: list[tuple[date, Decimal]]
    trend: TrendData  # the daily snapshots (models.trends), drawn once there are two


def _occurred(risks: list[Risk], issues: list[Issue]) -> list[OccurredRisk]:
    linked: dict[int, list[int]] = {}
    for issue in issues:
        if issue.risk_id is not None:
            linked.setdefault(issue.risk_id, []).append(issue.number)
    return [
        OccurredRisk(risk, linked.get(risk.id, [])) for risk in risks if risk.status is RiskStatus.OCCURRED
    ]


def _results(db: Session, plans: list[DeliverablePlan]) -> dict[int, list[QualityResult]]:
    review_ids = [review.id for plan in plans for review in plan.reviews]
    found: dict[int, list[QualityResult]] = {}
    if not review_ids:
        return found
    rows = db.scalars(
        select(QualityResult).where(QualityResult.review_id.in_(review_ids)).order_by(QualityResult.id)
    )
    for result in rows:
        found.setdefault(result.review_id, []).append(result)
    return found


def final_report(db: Session, project: Project) -> FinalReport:
    day = as_of(project)
    tasks = numbered(db, project, Task)
    issues = numbered(db, project, Issue)
    risks = numbered(db, project, Risk)
    milestones = project_milestones(db, project)
    plans = quality_plan(db, project)
    leaves = set(db.scalars(select(Task.id).where(Task.project_id == project.id, is_leaf(project))))
    costs = db.execute(
        select(CostEntry.spent_on, CostEntry.amount)
        .where(CostEntry.project_id == project.id)
        .order_by(CostEntry.spent_on, CostEntry.id)
    ).all()
    members = db.scalars(select(Member).where(Member.project_id == project.id).order_by(Member.id)).all()
    items: list[Task | Issue | Risk] = [*tasks, *issues, *risks]
    carried = [
        item
        for item in items
        if item.disposition is Disposition.CARRIED_OVER and (not isinstance(item, Task) or item.id in leaves)
    ]
    return FinalReport(
        project=project,
        as_of=day,
        closed=project.phase is Phase.CLOSED,
        status=status_of(db, project, day),
        changes=numbered(db, project, ChangeRequest),
        milestones=milestones,
        risks=risks,
        occurred=_occurred(risks, issues),
        issues=issues,
        quality=plans,
        results=_results(db, plans),
        deliverables=project_deliverables(db, project),
        carried=carried,
        lessons=lessons_of(db, project),
        members=list(members),
        documents=project_documents(db, project),
        tasks=[task for task in tasks if task.id in leaves],
        costs=[(day_spent, amount) for day_spent, amount in costs],
        planned_value=planned_curve(db, project, day),
        trend=trend_data(db, project),
    )

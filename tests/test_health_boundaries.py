"""The health rules where the status query decides them (dates, scores, money), each at its
boundary, with worked numbers, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from models import BudgetLine, CostEntry, Issue, Milestone, Project, Risk, Task
from models.core.database import Database
from models.core.enums import Health, RiskStrategy, Severity, TaskStatus
from models.status.snapshot import status_of
from tests.support.workspace import ALICE, TEAM

TODAY = date(2026, 12, 10)
YESTERDAY = TODAY - timedelta(days=1)
Build = Callable[[Session, Project], None]


def numbered(model: type, project: Project, number: int, **fields: object) -> object:
    return model(team_id=TEAM, project_id=project.id, number=number, created_by=ALICE, **fields)


def risk(probability: int, impact: int, strategy: RiskStrategy | None = None) -> Build:
    def add(db: Session, project: Project) -> None:
        db.add(
            numbered(Risk, project, 1, title="R", probability=probability, impact=impact, strategy=strategy)
        )

    return add


def milestone(due: date) -> Build:
    return lambda db, project: db.add(numbered(Milestone, project, 1, name="M", due_date=due))


def task(due: date, status: TaskStatus = TaskStatus.IN_PROGRESS) -> Build:
    """A task 99% done, so the schedule index stays out of the way of the overdue rule."""
    return lambda db, project: db.add(
        numbered(Task, project, 1, title="T", due_date=due, status=status, percent_complete=99)
    )


def issue(severity: Severity, due: date | None = None) -> Build:
    return lambda db, project: db.add(numbered(Issue, project, 1, title="I", severity=severity, due_date=due))


def spent(planned: str, amount: str) -> Build:
    def add(db: Session, project: Project) -> None:
        db.add(BudgetLine(team_id=TEAM, project_id=project.id, category="cloud", amount=Decimal(planned)))
        db.add(
            CostEntry(
                team_id=TEAM,
                project_id=project.id,
                category="cloud",
                amount=Decimal(amount),
                description="bill",
                spent_on=YESTERDAY,
                logged_by=ALICE,
            )
        )

    return add


def progress(percent: int) -> Build:
    """Working day 5 of a 10-working-day task (Friday Dec 4 to Thursday Dec 17, two weekends in
    between): half of it is planned by today, Thursday Dec 10, and `percent` of it earned."""
    start, due = TODAY - timedelta(days=6), TODAY + timedelta(days=7)
    return lambda db, project: db.add(
        numbered(
            Task,
            project,
            1,
            title="T",
            start_date=start,
            due_date=due,
            estimate_hours=8,
            percent_complete=percent,
        )
    )


CASES = [
    # An open risk: 20 or more without a response is red; 15 or more is amber.
    ("risk 4×5 without a response", risk(4, 5), Health.RED, "health.unanswered_risks"),
    ("risk 4×5 with a response", risk(4, 5, RiskStrategy.MITIGATE), Health.AMBER, "health.high_risks"),
    ("risk 4×4 without a response", risk(4, 4), Health.AMBER, "health.high_risks"),
    ("risk 3×5", risk(3, 5), Health.AMBER, "health.high_risks"),
    ("risk 3×4", risk(3, 4), Health.GREEN, None),
    # A milestone is late the day after it is due.
    ("milestone due today", milestone(TODAY), Health.GREEN, None),
    ("milestone due yesterday", milestone(YESTERDAY), Health.RED, "health.late_milestones"),
    # A task is overdue the day after it is due, unless it is done.
    ("task due today", task(TODAY), Health.GREEN, None),
    ("task due yesterday", task(YESTERDAY), Health.AMBER, "health.overdue_tasks"),
    ("task due yesterday, done", task(YESTERDAY, TaskStatus.DONE), Health.GREEN, None),
    # Issues: critical is red, high amber, and an open one past its due date is overdue.
    ("critical issue", issue(Severity.CRITICAL), Health.RED, "health.critical_issues"),
    ("high issue", issue(Severity.HIGH), Health.AMBER, "health.high_issues"),
    ("medium issue due today", issue(Severity.MEDIUM, TODAY), Health.GREEN, None),
    ("medium issue due yesterday", issue(Severity.MEDIUM, YESTERDAY), Health.AMBER, "health.overdue_issues"),
    # A budget category is flagged once it has spent more than 90% of its plan.
    ("900.00 of 1,000 spent", spent("1000", "900.00"), Health.GREEN, None),
    ("900.01 of 1,000 spent", spent("1000", "900.01"), Health.AMBER, "health.categories_over"),
    # Half the work planned by today: 40% earned is SPI 0.80 (amber), 39% is 0.78 (red).
    ("SPI 0.80", progress(40), Health.AMBER, "health.low_spi"),
    ("SPI 0.78", progress(39), Health.RED, "health.low_spi"),
    ("SPI 0.96", progress(48), Health.GREEN, None),
]


@pytest.mark.parametrize(("name", "build", "health", "first_reason"), CASES, ids=[case[0] for case in CASES])
def test_the_status_query_decides_each_rule_at_its_boundary(
    database: Database, name: str, build: Build, health: Health, first_reason: str | None
) -> None:
    database.ensure_workspace(TEAM)
    with database.session(TEAM) as db:
        project = Project(
            key="APL",
            name="Apollo",
            channel_id="C0001",
            created_by=ALICE,
            start_date=TODAY - timedelta(days=30),
            target_end_date=TODAY + timedelta(days=60),
        )
        db.add(project)
        db.flush()
        build(db, project)
        db.flush()
        assessment = status_of(db, project, TODAY).assessment
    assert assessment.health is health, (name, assessment.reasons)
    assert (assessment.reasons[0].key if assessment.reasons else None) == first_reason

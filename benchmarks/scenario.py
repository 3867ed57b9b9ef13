"""Scenario generators: projects as big as the benchmarks need, written straight to the database."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from models import BudgetLine, CostEntry, Member, Project, Risk, Task
from models.database import Database
from models.enums import Phase, RiskStrategy, Role, TaskStatus

CATEGORIES = ("people", "hosting", "licences", "travel")


def big_project(
    database: Database,
    team_id: str,
    *,
    key: str,
    channel: str,
    manager: str,
    tasks: int,
    risks: int,
    costs: int,
    today: date,
    seed: int = 7,
) -> None:
    """One project in execution with `tasks` tasks (a tenth of them parents), risks and costs."""
    rng = random.Random(seed)
    database.ensure_workspace(team_id)
    with database.session(team_id) as db:
        project = Project(
            key=key,
            name=f"{key} programme",
            channel_id=channel,
            created_by=manager,
            manager_id=manager,
            phase=Phase.EXECUTION,
            start_date=today - timedelta(days=120),
            target_end_date=today + timedelta(days=240),
            budget=Decimal("5000000"),
            currency="EUR",
        )
        project.members = [Member(user_id=manager, role=Role.MANAGER)]
        db.add(project)
        db.flush()
        parents: list[Task] = []
        for number in range(1, tasks + 1):
            start = today + timedelta(days=rng.randint(-120, 200))
            status = rng.choice(list(TaskStatus))
            task = Task(
                project_id=project.id,
                team_id=team_id,
                number=number,
                title=f"Task {number}",
                owner_id=manager,
                status=status,
                percent_complete=100 if status is TaskStatus.DONE else rng.randint(0, 90),
                start_date=start,
                due_date=start + timedelta(days=rng.randint(1, 30)),
                estimate_hours=float(rng.randint(1, 40)),
                created_by=manager,
                parent_id=rng.choice(parents).id if parents and number % 10 else None,
            )
            db.add(task)
            if number % 10 == 0:
                db.flush()
                parents.append(task)
        project.task_seq = tasks
        db.add_all(
            Risk(
                project_id=project.id,
                team_id=team_id,
                number=number,
                title=f"Risk {number}",
                probability=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                strategy=rng.choice([None, *RiskStrategy]),
                created_by=manager,
            )
            for number in range(1, risks + 1)
        )
        project.risk_seq = risks
        db.add_all(
            BudgetLine(project_id=project.id, team_id=team_id, category=category, amount=Decimal("1000000"))
            for category in CATEGORIES
        )
        db.add_all(
            CostEntry(
                project_id=project.id,
                team_id=team_id,
                amount=Decimal(rng.randint(100, 5000)),
                category=rng.choice(CATEGORIES),
                description=f"Invoice {number}",
                spent_on=today - timedelta(days=rng.randint(0, 120)),
                logged_by=manager,
            )
            for number in range(1, costs + 1)
        )

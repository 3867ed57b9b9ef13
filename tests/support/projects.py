"""Many projects made straight in the domain, for passes measured over a wave of them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from models.budget.spend import log_cost
from models.charter.charters import Charter, create_project
from models.core.access import Actor
from models.core.database import Database
from models.risks.register import RiskForm, raise_risk
from models.tasks.breakdown import TaskForm, add_task
from tests.support.workspace import ALICE, TEAM


def add_projects(database: Database, first: int, count: int, today: date) -> None:
    """`count` projects in Shanghai time, each in its own channel, with a task, a risk and a cost."""
    actor = Actor(ALICE)
    with database.session(TEAM) as db:
        for n in range(first, first + count):
            charter = Charter(
                name=f"Project {n}",
                key=project_key(n),
                timezone="Asia/Shanghai",
                manager_id=ALICE,
                budget=Decimal(10_000),
            )
            project = create_project(db=db, actor=actor, channel_id=f"C0Q{n:04d}", charter=charter)
            due = today + timedelta(days=2)
            form = TaskForm(title="Ship it", owner_id=ALICE, start_date=today, due_date=due)
            add_task(db=db, actor=actor, project=project, form=form)
            risk = RiskForm(title="Late parts", probability=4, impact=3, owner_id=ALICE)
            raise_risk(db=db, actor=actor, project=project, form=risk)
            log_cost(
                db=db,
                actor=actor,
                project=project,
                amount=Decimal(120),
                category="people",
                description="contractor",
                spent_on=today - timedelta(days=2),
                today=today,
            )


def project_key(n: int) -> str:
    """QAA, QAB, …: keys are capital letters only."""
    return f"Q{chr(65 + n // 26)}{chr(65 + n % 26)}"

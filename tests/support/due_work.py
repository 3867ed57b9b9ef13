"""Workspaces whose every project has something due for each pass that messages people.

Each project has people of its own (a manager, a member who does the work, a sponsor), all in
Shanghai time, so a pass that asked about each person or each project one at a time would
show it in its statements. On the Monday given as `today`, at 09:00 in Shanghai and after:

- the standups prompt the manager and the member (from 09:30);
- the member's task is five days overdue: the reminders chase the member and tell the manager;
- the member's risk and quality review are due, and a change request the member asked for
  three working days before waits for the manager and the sponsor: four review DMs;
- from 16:00 on the Friday after, the stakeholder report goes to the sponsor, and the status
  meeting's agenda, moved to the same hour, to the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.changes.requests import ChangeForm, raise_change
from models.changes.tables import ChangeRequest
from models.charter.charters import Charter, create_project
from models.comms.tables import CommPlanLine
from models.core.access import Actor
from models.core.database import Database
from models.core.enums import CommKind, Role
from models.projects.tables import Project
from models.quality.plan import plan_review
from models.risks.register import RiskForm, raise_risk
from models.tasks.breakdown import TaskForm, add_task, task_key
from models.team.members import add_member
from tests.support.fakeslack import FakeSlack
from tests.support.projects import project_key

ZONE = "Asia/Shanghai"
# When a change request was asked for: the Wednesday before, three working days back.
ASKED_BEFORE = timedelta(days=5)


@dataclass(frozen=True)
class Crew:
    """The people of one project; their ids carry the workspace's letter, so no two workspaces share one."""

    manager: str
    member: str
    sponsor: str

    @classmethod
    def of(cls, letter: str, n: int) -> Crew:
        return cls(f"U{letter}M{n:03d}", f"U{letter}W{n:03d}", f"U{letter}S{n:03d}")

    def everyone(self) -> tuple[str, str, str]:
        return self.manager, self.member, self.sponsor


def add_people(fake: FakeSlack, team_id: str, letter: str, count: int) -> None:
    """The crews of `count` projects, as Slack knows them."""
    for n in range(count):
        for user_id in Crew.of(letter, n).everyone():
            fake.add_user(team_id, user_id, tz=ZONE)


def add_due_projects(database: Database, team_id: str, letter: str, count: int, today: date) -> None:
    """`count` projects of `team_id`, each with its crew (see `add_people`) and its work due `today`."""
    with database.session(team_id) as db:
        for n in range(count):
            crew = Crew.of(letter, n)
            project = add_project(db, crew, project_key(n), f"C{letter}{n:04d}")
            add_due_work(db, project, crew, today)
        asked = datetime.combine(today - ASKED_BEFORE, time(10), tzinfo=ZoneInfo(ZONE))
        db.execute(update(ChangeRequest).values(created_at=asked))
        # The status meeting's agenda goes out with the stakeholder report: one run sends both.
        meeting = CommPlanLine.kind == CommKind.STATUS_MEETING
        db.execute(update(CommPlanLine).where(meeting).values(days="fri", local_time="16:00"))


def add_project(db: Session, crew: Crew, key: str, channel_id: str) -> Project:
    """A project its manager made, with the member on its team."""
    manager = Actor(crew.manager)
    charter = Charter(
        name=f"Project {key}",
        key=key,
        timezone=ZONE,
        manager_id=crew.manager,
        sponsor_id=crew.sponsor,
        change_threshold_days=0,  # any delay needs the sponsor too: both are chased
    )
    project = create_project(db=db, actor=manager, channel_id=channel_id, charter=charter)
    add_member(db=db, actor=manager, project=project, user_id=crew.member, role=Role.MEMBER)
    return project


def add_due_work(db: Session, project: Project, crew: Crew, today: date) -> None:
    """The member's late deliverable with its quality review, their risk and their change request."""
    manager = Actor(crew.manager)
    week_ago, late = today - timedelta(days=7), today - timedelta(days=5)
    form = TaskForm(
        title="Build", owner_id=crew.member, start_date=week_ago, due_date=late, is_deliverable=True
    )
    key = task_key(project, add_task(db=db, actor=manager, project=project, form=form))
    plan_review(db=db, actor=manager, project=project, key=key, reviewer_id=crew.member, due=today)
    risk = RiskForm(title="Late parts", probability=4, impact=3, owner_id=crew.member, review_date=today)
    raise_risk(db=db, actor=manager, project=project, form=risk)
    change = ChangeForm(title="Add refunds", schedule_days=2)
    raise_change(db=db, actor=Actor(crew.member), project=project, form=change)

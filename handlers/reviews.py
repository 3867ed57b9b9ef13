"""The `reviews` pass: review-date DMs for risks and quality, and change requests chased.

On its review date (from 09:00 in the project's time zone) a risk's owner gets the review
prompt and a quality review's reviewer the form's button. A change request undecided after
two working days reminds its deciders; after four it goes to the PMO administrators.
Each send is claimed in the delivery log, so it is made once whatever runs the pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks import actions, section
from bot.outbox import Dm, send_dm
from bot.runtime import Runtime
from handlers.change_decisions import change_blocks
from handlers.command import CommandRouter
from handlers.context import job_ctx
from handlers.quality_reviews import record_button
from handlers.risk_prompt import review_blocks
from models.calendar import holidays, working_days_between
from models.change import ChangeDecision, ChangeRequest
from models.change_decisions import ESCALATION, REMINDER, chase_key, decider_ids, decisions_of
from models.changes import change_key
from models.enums import ChangeStatus, Phase, ReviewStatus, RiskStatus
from models.project import Project
from models.quality import QualityReview
from models.quality_reviews import item_key_of, reviewed_item
from models.risk import Risk
from models.risks import risk_key
from models.workspace import Workspace

SEND_FROM = time(9, 0)
REMIND_AFTER = 2
ESCALATE_AFTER = 4


def local_now(project: Project, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(project.timezone))


def open_projects(db: Session) -> list[Project]:
    return list(db.scalars(select(Project).where(Project.phase != Phase.CLOSED)))


def due_risks(db: Session, project: Project, today: date) -> list[Risk]:
    return list(
        db.scalars(
            select(Risk).where(
                Risk.project_id == project.id,
                Risk.status == RiskStatus.OPEN,
                Risk.owner_id.is_not(None),
                Risk.review_date <= today,
            )
        )
    )


def due_quality_reviews(db: Session, project: Project, today: date) -> list[QualityReview]:
    return list(
        db.scalars(
            select(QualityReview).where(
                QualityReview.project_id == project.id,
                QualityReview.status == ReviewStatus.PLANNED,
                QualityReview.due_date <= today,
            )
        )
    )


def pending_changes(db: Session, project: Project) -> list[ChangeRequest]:
    return list(
        db.scalars(
            select(ChangeRequest).where(
                ChangeRequest.project_id == project.id, ChangeRequest.status == ChangeStatus.PENDING
            )
        )
    )


@dataclass(frozen=True)
class Chase:
    """A change request still waiting, and for how many working days."""

    project: Project
    change: ChangeRequest
    decisions: list[ChangeDecision]
    waited: int


class ReviewPass:
    """One pass over one workspace, as of `now`."""

    def __init__(self, runtime: Runtime, team_id: str, now: datetime) -> None:
        self.runtime, self.team_id, self.now = runtime, team_id, now
        self.ctx = job_ctx(runtime, team_id)

    def send(self, dm: Dm) -> None:
        send_dm(self.runtime, team_id=self.team_id, now=self.now, dm=dm)

    def run(self) -> None:
        # Gathered first and sent after, so no transaction stays open while Slack is called.
        with self.runtime.database.session(self.team_id, write=False) as db:
            outgoing = [dm for project in open_projects(db) for dm in self.for_project(db, project)]
        for dm in outgoing:
            self.send(dm)

    def for_project(self, db: Session, project: Project) -> list[Dm]:
        local = local_now(project, self.now)
        if local.time() < SEND_FROM:
            return []
        today = local.date()
        return [
            *self.risk_reviews(db, project, today),
            *self.quality_reviews(db, project, today),
            *self.chase_changes(db, project, today),
        ]

    def risk_reviews(self, db: Session, project: Project, today: date) -> list[Dm]:
        dms = []
        for risk in due_risks(db, project, today):
            t = self.ctx.t_for(risk.owner_id)
            text = t("reviews.risk_due", key=risk_key(project, risk), title=risk.title)
            blocks = review_blocks(project, risk, t)
            key = f"risk_review:{risk.id}:{risk.review_date}"
            dms.append(Dm(key, "risk_review", risk.owner_id or "", text, blocks))
        return dms

    def quality_reviews(self, db: Session, project: Project, today: date) -> list[Dm]:
        dms = []
        for review in due_quality_reviews(db, project, today):
            key = item_key_of(project, reviewed_item(db, review))
            t = self.ctx.t_for(review.reviewer_id)
            text = t("reviews.quality_due", key=key)
            blocks = [section(text), actions(record_button(review, key, t))]
            dms.append(Dm(f"quality_review:{review.id}", "quality_review", review.reviewer_id, text, blocks))
        return dms

    def chase_changes(self, db: Session, project: Project, today: date) -> list[Dm]:
        dms = []
        for change in pending_changes(db, project):
            asked_on = local_now(project, change.created_at).date()
            waited = working_days_between(asked_on, today, holidays(db, asked_on, today))
            chase = Chase(project, change, decisions_of(db, change), waited)
            decided = {decision.user_id for decision in chase.decisions}
            if waited >= REMIND_AFTER:
                deciders = [user for user in decider_ids(project, change) if user not in decided]
                dms += [self.change_dm(chase, REMINDER, user) for user in deciders]
            if waited >= ESCALATE_AFTER:
                admins = sorted(self.runtime.settings.pmo_admins)
                dms += [self.change_dm(chase, ESCALATION, admin) for admin in admins]
        return dms

    def change_dm(self, chase: Chase, kind: str, user: str) -> Dm:
        """The request as its deciders see it, in the language of the one it is sent to."""
        t = self.ctx.t_for(user)
        project, change = chase.project, chase.change
        text = t(f"reviews.{kind}", key=change_key(project, change), days=chase.waited, name=project.name)
        blocks = change_blocks(project, change, chase.decisions, t)
        return Dm(chase_key(kind, change, user), kind, user, text, blocks)


def workspaces(runtime: Runtime) -> list[str]:
    """Every workspace's team id: a pass runs once for each, in its own sessions."""
    with runtime.database.system_session(write=False) as db:
        return list(db.scalars(select(Workspace.team_id)))


def run_reviews(runtime: Runtime, now: datetime) -> None:
    for team_id in workspaces(runtime):
        ReviewPass(runtime, team_id, now).run()


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("reviews", lambda now: run_reviews(runtime, now))

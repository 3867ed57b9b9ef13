"""The `reviews` pass: review-date DMs for risks and quality, and change requests chased.

On its review date (working days from 09:00 in the project's time zone) a risk's owner gets the
review prompt and a quality review's reviewer the form's button. A change request undecided after
two working days reminds its deciders; after four it goes to the PMO administrators. Nobody is
prompted on a holiday or while away: what is due stays due and goes out on their next working
day. Each send is claimed in the delivery log, so it is made once whatever runs the pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.blocks import actions, section
from bot.outbox import Notice
from bot.runtime import Runtime
from handlers.changes.decisions import change_blocks
from handlers.quality.reviews import record_button
from handlers.risks.prompt import review_blocks
from handlers.slack.command import CommandRouter
from handlers.slack.passes import PassFailure, ScheduledPass, run_in_every_workspace
from models.calendar.working_days import holidays, working_days_between
from models.changes.decisions import ESCALATION, REMINDER, chase_key, decider_ids, decisions_of
from models.changes.requests import change_key, pending_changes
from models.changes.tables import ChangeDecision, ChangeRequest
from models.comms.occurrences import REVIEWS
from models.projects.tables import Project
from models.quality.reviews import due_quality_reviews, item_key_of, reviewed_item
from models.risks.register import risk_key
from models.risks.reviews import due_risks

REMIND_AFTER = 2
ESCALATE_AFTER = 4


@dataclass(frozen=True)
class Chase:
    """A change request still waiting, and for how many working days."""

    project: Project
    change: ChangeRequest
    decisions: list[ChangeDecision]
    waited: int


class ReviewPass(ScheduledPass):
    name = "reviews"

    def for_project(self, db: Session, project: Project) -> list[Notice]:
        today = REVIEWS.due_on(self.now, project.timezone)
        if today is None:
            return []
        due = [
            *self.risk_reviews(db, project, today),
            *self.quality_reviews(db, project, today),
            *self.chase_changes(db, project, today),
        ]
        return [dm for dm in due if not self.off(db, dm.channel, today)]

    def risk_reviews(self, db: Session, project: Project, today: date) -> list[Notice]:
        dms = []
        for risk in due_risks(db=db, project=project, today=today):
            t = self.t_for(risk.owner_id)
            text = t("reviews.risk_due", key=risk_key(project, risk), title=risk.title)
            blocks = review_blocks(project, risk, t)
            key = f"risk_review:{risk.id}:{risk.review_date}"
            dms.append(Notice.due(key, "risk_review", risk.owner_id or "", text, blocks))
        return dms

    def quality_reviews(self, db: Session, project: Project, today: date) -> list[Notice]:
        dms = []
        for review in due_quality_reviews(db=db, project=project, today=today):
            key = item_key_of(project, reviewed_item(db, review))
            t = self.t_for(review.reviewer_id)
            text = t("reviews.quality_due", key=key)
            blocks = [section(text), actions(record_button(review, key, t))]
            sent_as = f"quality_review:{review.id}"
            dms.append(Notice.due(sent_as, "quality_review", review.reviewer_id, text, blocks))
        return dms

    def chase_changes(self, db: Session, project: Project, today: date) -> list[Notice]:
        dms = []
        for change in pending_changes(db=db, project=project):
            asked_on = change.created_at.astimezone(ZoneInfo(project.timezone)).date()
            waited = working_days_between(asked_on, today, holidays(db, asked_on, today))
            chase = Chase(project, change, decisions_of(db, change), waited)
            dms += [self.change_dm(chase, kind, user) for user, kind in self.chased(chase).items()]
        return dms

    def chased(self, chase: Chase) -> dict[str, str]:
        """Who is chased and how, each by one DM: a sponsor who is also an administrator gets the
        reminder, not the reminder and the escalation; nobody who has decided is chased."""
        chased: dict[str, str] = {}
        if chase.waited >= REMIND_AFTER:
            chased |= dict.fromkeys(decider_ids(chase.project, chase.change), REMINDER)
        if chase.waited >= ESCALATE_AFTER:
            admins = sorted(self.runtime.settings.pmo_admins)
            chased |= {admin: ESCALATION for admin in admins if admin not in chased}
        decided = {decision.user_id for decision in chase.decisions}
        return {user: kind for user, kind in chased.items() if user not in decided}

    def change_dm(self, chase: Chase, kind: str, user: str) -> Notice:
        """The request as its deciders see it, in the language of the one it is sent to."""
        t = self.t_for(user)
        project, change = chase.project, chase.change
        key = change_key(project, change)
        text = t(f"reviews.{kind}", key=key, days=chase.waited, name=project.name)
        blocks = change_blocks(project, change, chase.decisions, t)
        # A copy of the request with its buttons: edited with the others when it is decided.
        return Notice.due(chase_key(kind, change, user), kind, user, text, blocks, about=key)


def run_reviews(runtime: Runtime, now: datetime) -> list[PassFailure]:
    return run_in_every_workspace(runtime, now, ReviewPass)


def register(app: App, runtime: Runtime, router: CommandRouter) -> None:
    runtime.add_job("reviews", lambda now: run_reviews(runtime, now))

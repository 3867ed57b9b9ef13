"""The `reviews` pass: review-date DMs for risks and quality, and change requests chased.

On its review date (working days from 09:00 in the project's time zone) a risk's owner gets the
review prompt and a quality review's reviewer the form's button. A change request undecided after
two working days reminds its deciders; after four it goes to the PMO administrators. Nobody is
prompted on a holiday or while away: what is due stays due and goes out on their next working
day. Each send is claimed in the delivery log, so it is made once whatever runs the pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from models.changes.decisions import ESCALATION, REMINDER, chase_key, decider_ids, decisions_by_change
from models.changes.requests import change_key, pending_changes
from models.changes.tables import ChangeDecision, ChangeRequest
from models.comms.occurrences import REVIEWS
from models.projects.tables import Project
from models.quality.reviews import due_quality_reviews, item_key_of, reviewed_items
from models.quality.tables import QualityReview
from models.risks.register import risk_key
from models.risks.reviews import due_risks
from models.risks.tables import Risk
from models.tasks.tables import Milestone, Task

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

    def for_projects(self, db: Session, projects: Sequence[Project]) -> dict[int, list[Notice]]:
        # Projects on the same local day are read together: a few days at most, whatever their number.
        by_day: dict[date, list[Project]] = defaultdict(list)
        for project in projects:
            if (today := REVIEWS.due_on(self.now, project.timezone)) is not None:
                by_day[today].append(project)
        sends: dict[int, list[Notice]] = {}
        for today, due in by_day.items():
            sends |= self.due_on(db, due, today)
        return sends

    def due_on(self, db: Session, projects: Sequence[Project], today: date) -> dict[int, list[Notice]]:
        """The prompts due `today` in these projects, but none to anyone off that day."""
        sends = self.prompts(db, projects, today)
        off = self.read_days_off(db, {dm.channel for dms in sends.values() for dm in dms}, [today])
        return {
            project_id: [dm for dm in dms if not self.off(off, dm.channel, today)]
            for project_id, dms in sends.items()
        }

    def prompts(self, db: Session, projects: Sequence[Project], today: date) -> dict[int, list[Notice]]:
        """Every prompt due `today`, its rows read for all these projects at once."""
        risks = due_risks(db, projects, today)
        reviews = due_quality_reviews(db, projects, today)
        items = reviewed_items(db, [review for found in reviews.values() for review in found])
        chases = self.chases(db, projects, today)
        # Each prompt is written in its reader's language: everyone is looked up at once first.
        self.people.load(
            {risk.owner_id for found in risks.values() for risk in found if risk.owner_id}
            | {review.reviewer_id for found in reviews.values() for review in found}
            | {user for found in chases.values() for chase in found for user in self.chased(chase)}
        )
        return {
            project.id: [
                *self.risk_reviews(project, risks.get(project.id, [])),
                *self.quality_reviews(project, reviews.get(project.id, []), items),
                *(dm for chase in chases.get(project.id, []) for dm in self.chase_dms(chase)),
            ]
            for project in projects
        }

    def risk_reviews(self, project: Project, risks: list[Risk]) -> list[Notice]:
        dms = []
        for risk in risks:
            t = self.t_for(risk.owner_id)
            text = t("reviews.risk_due", key=risk_key(project, risk), title=risk.title)
            blocks = review_blocks(project, risk, t)
            key = f"risk_review:{risk.id}:{risk.review_date}"
            dms.append(Notice.due(key, "risk_review", risk.owner_id or "", text, blocks))
        return dms

    def quality_reviews(
        self, project: Project, reviews: list[QualityReview], items: dict[int, Task | Milestone]
    ) -> list[Notice]:
        dms = []
        for review in reviews:
            key = item_key_of(project, items[review.id])
            t = self.t_for(review.reviewer_id)
            text = t("reviews.quality_due", key=key)
            blocks = [section(text), actions(record_button(review, key, t))]
            sent_as = f"quality_review:{review.id}"
            dms.append(Notice.due(sent_as, "quality_review", review.reviewer_id, text, blocks))
        return dms

    def chases(self, db: Session, projects: Sequence[Project], today: date) -> dict[int, list[Chase]]:
        """Each project's change requests still waiting, with their decisions and working days waited."""
        changes = pending_changes(db, projects)
        waiting = [(project, change) for project in projects for change in changes.get(project.id, [])]
        if not waiting:
            return {}
        decisions = decisions_by_change(db, [change.id for _, change in waiting])
        asked = [
            change.created_at.astimezone(ZoneInfo(project.timezone)).date() for project, change in waiting
        ]
        off = holidays(db, min(asked), today)
        found: dict[int, list[Chase]] = defaultdict(list)
        for (project, change), asked_on in zip(waiting, asked, strict=True):
            waited = working_days_between(asked_on, today, off)
            found[project.id].append(Chase(project, change, decisions.get(change.id, []), waited))
        return found

    def chase_dms(self, chase: Chase) -> list[Notice]:
        return [self.change_dm(chase, kind, user) for user, kind in self.chased(chase).items()]

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

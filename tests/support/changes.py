"""Change requests the way people make and decide them: the form, the buttons, the posts they bring."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import ChangeRequest, Milestone, Project
from tests.support.charter import create
from tests.support.flows import field_errors, submit
from tests.support.served import RunningBot
from tests.support.slackdriver import Reply
from tests.support.workspace import CAROL


def requested(bot: RunningBot, values: dict[str, str], thresholds: dict[str, str] | None = None) -> None:
    """Apollo (ends 2027-03-31, budget 120,000) with Carol asking for a change to milestone APL-M1."""
    create(bot, thresholds or {"change_threshold_days": "30", "change_threshold_amount": "50000"})
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("milestone add Beta due 2027-01-15")
    request_change(bot, {"targets": "APL-M1", **values})


def request_change(bot: RunningBot, values: dict[str, str]) -> None:
    """Carol fills in the change request form with `values` on the channel's project."""
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.command("change", user=CAROL)
    view = bot.fake.wait_for("views.open", before + 1)[-1].args["view"]
    assert field_errors(submit(bot, view, values, user=CAROL)) == {}


def click(bot: RunningBot, action: str, user: str, key: str = "APL-C1") -> dict | None:
    """Click Approve or Reject; the note form it opened, or None when the click was refused."""
    before = len(bot.fake.calls_to("views.open"))
    bot.slack.block_action(action, value=key, user=user)
    opened = bot.fake.calls_to("views.open")
    return opened[-1].args["view"] if len(opened) > before else None


def decide(bot: RunningBot, action: str, user: str, note: str = "OK") -> Reply:
    view = click(bot, action, user)
    assert view is not None, f"{user} could not open the decision form"
    return submit(bot, view, {"note": note}, user=user)


def change(bot: RunningBot) -> ChangeRequest:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(ChangeRequest)).one()


def plan(bot: RunningBot) -> tuple[date | None, Decimal | None, date]:
    with bot.database.system_session(write=False) as db:
        project = db.scalars(select(Project)).one()
        milestone = db.scalars(select(Milestone)).one()
        return project.target_end_date, project.budget, milestone.due_date


def request_posts(bot: RunningBot) -> dict[str, dict]:
    """The copies of APL-C1 as posted: by channel (a user id for a DM)."""
    return {
        call.args["channel"]: call.args
        for call in bot.fake.calls_to("chat.postMessage")
        if call.args["text"].startswith("⏳ Change request *APL-C1*")
    }

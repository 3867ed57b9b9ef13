"""Driving modals the way a person does: open with a command, fill fields by name, submit."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.slack_payloads import view_state
from models.core.clock import utcnow
from models.core.database import Database
from tests.support.served import RunningBot
from tests.support.slackdriver import Reply
from tests.support.workspace import ALICE

CHANNEL = "C0001"
# Alice's Slack time zone, which the charter gives the project unless told otherwise.
PROJECT_TZ = "Asia/Shanghai"


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def local_today(tz: str = PROJECT_TZ) -> date:
    """Today where the project is, on the app's clock (a test may have moved it): the test
    machine's own date is a day behind in the evening UTC."""
    return utcnow().astimezone(ZoneInfo(tz)).date()


def open_modal(bot: RunningBot, text: str, *, user: str = ALICE, channel: str = CHANNEL) -> dict[str, Any]:
    """Run a command that opens a modal; the view as the app sent it to views.open."""
    before = len(bot.fake.calls_to("views.open"))
    reply = bot.slack.command(text, user=user, channel=channel)
    assert reply.status == 200, reply.text
    assert reply.text in ("", "null"), f"expected a modal, got an answer: {reply.text}"
    calls = bot.fake.wait_for("views.open", before + 1)
    assert calls[-1].ok, calls[-1].response
    return calls[-1].args["view"]


def fill(view: dict[str, Any], values: dict[str, str | None]) -> dict[str, Any]:
    """State for every input: what the modal was opened with, overridden by `values`."""
    return view_state(view, values)


def submit(
    bot: RunningBot, view: dict[str, Any], values: dict[str, str | None], *, user: str = ALICE
) -> Reply:
    return bot.slack.view_submission(view, fill(view, values), user=user)


def field_errors(reply: Reply) -> dict[str, str]:
    """The errors a submission was answered with, by field ({} when it was accepted)."""
    if reply.text in ("", "null"):
        return {}
    answer = reply.json()
    assert answer.get("response_action") == "errors", answer
    return answer["errors"]


def count_rows(database: Database, model: type) -> int:
    with database.system_session(write=False) as db:
        return db.scalar(select(func.count()).select_from(model))

"""Overdue work and the `reminders` pass that chases it, and the reminders people got."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from models import Issue
from tests.support.charter import create
from tests.support.passes import dms_to, run_passes_now
from tests.support.served import RunningBot
from tests.support.workspace import CAROL


def reminders(bot: RunningBot, at: str) -> None:
    done = run_passes_now(bot, at, "reminders")
    assert done.ok, done.stdout


def overdue(bot: RunningBot) -> None:
    """Carol (Madrid) and Bob (New York) each own a task due Friday 2026-12-04; Alice manages."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("team add <@U0002> member")  # Bob, the sponsor, also does some work
    bot.slack.command("task add Build <@U0003|carol> start 2026-12-01 due 2026-12-04")
    bot.slack.command("task add Docs <@U0002|bob> start 2026-12-01 due 2026-12-04")
    bot.slack.command("issue Flaky CI")
    with bot.database.system_session() as db:
        db.execute(update(Issue).values(owner_id=CAROL, due_date=date(2026, 12, 3)))


def reminder_dms(bot: RunningBot, user: str) -> list[str]:
    return [text for text in dms_to(bot, user) if text.startswith("⏰")]

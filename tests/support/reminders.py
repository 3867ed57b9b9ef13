"""Overdue work and the `reminders` pass that chases it, and the reminders people got."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from models import Issue, Task
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


def overdue_for_many(bot: RunningBot, owners: list[str]) -> None:
    """Each of `owners` owns one task of Apollo due Friday 2026-12-04, as `task add` makes it."""
    create(bot)
    bot.slack.command(f"team add <@{owners[0]}> member")
    bot.slack.command(f"task add Build <@{owners[0]}> start 2026-12-01 due 2026-12-04")
    with bot.database.system_session() as db:
        first = db.scalars(select(Task)).one()
        copied = {column: getattr(first, column) for column in ("team_id", "project_id", "start_date")}
        copied |= {"due_date": first.due_date, "created_by": first.created_by}
        db.add_all(
            Task(**copied, number=number, title=f"Build {number}", owner_id=owner)
            for number, owner in enumerate(owners[1:], start=2)
        )

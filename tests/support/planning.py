"""Planned work: tasks with dates and estimates added by command, and commands' answers as text."""

from __future__ import annotations

from sqlalchemy import select

from models import (
    Task,
)
from tests.support.charter import create
from tests.support.served import RunningBot


def planned(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")


def task(bot: RunningBot, number: int) -> Task:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Task).where(Task.number == number)).one()

"""Planned work: tasks with dates and estimates added by command, and commands' answers as text."""

from __future__ import annotations

from sqlalchemy import select

from models import (
    Task,
)
from tests.support.charter import create
from tests.support.served import RunningBot
from tests.support.workspace import ALICE


def planned(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")


def say(bot: RunningBot, text: str, user: str = ALICE) -> str:
    return bot.slack.command(text, user=user).json()["text"]


def task(bot: RunningBot, number: int) -> Task:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Task).where(Task.number == number)).one()

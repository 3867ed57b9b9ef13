"""A project with a budget set and costs recorded, for the budget tests and those that need one."""

from __future__ import annotations

from tests.support.charter import create
from tests.support.flows import say
from tests.support.served import RunningBot


def budgeted(bot: RunningBot) -> None:
    create(bot)  # a charter budget of 120,000 EUR
    bot.slack.command("team add <@U0003> member")
    say(bot, "budget set Cloud hosting 10,000")
    say(bot, "budget set people 100000")

"""Status questions by command, and a project running with work in progress on a chosen day."""

from __future__ import annotations

from datetime import timedelta

from tests.support.charter import create
from tests.support.flows import CHANNEL, local_today
from tests.support.served import RunningBot
from tests.support.workspace import ALICE


def day(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).isoformat()


def weekdays(first: int, last: int) -> int:
    """Monday-to-Friday days from offset `first` to `last`, both counted, one day at a time."""
    days = (local_today() + timedelta(days=offset) for offset in range(first, last + 1))
    return sum(1 for each in days if each.weekday() < 5)


def nth_weekday(first: int, count: int) -> str:
    """The `count`-th Monday-to-Friday day counted from offset `first` on (the first is 1)."""
    offset, seen = first - 1, 0
    while seen < count:
        offset += 1
        seen += (local_today() + timedelta(days=offset)).weekday() < 5
    return day(offset)


def say(bot: RunningBot, text: str, user: str = ALICE, channel: str = CHANNEL) -> str:
    return bot.slack.command(text, user=user, channel=channel).json()["text"]


def running(bot: RunningBot) -> None:
    """Apollo under way: one task late (in every time zone), one on time, a milestone ahead."""
    create(bot, {"start_date": day(-20), "target_end_date": day(40)})
    say(bot, "team add <@U0003> member")
    say(bot, f"task add Build <@U0003> start {day(-10)} due {day(-2)} est 10")
    say(bot, f"task add Test <@U0003> start {day(-10)} due {day(9)} est 10")
    say(bot, f"milestone add Beta due {day(20)}")
    say(bot, "budget set people 100000")
    say(bot, "cost 1000 people contractor")

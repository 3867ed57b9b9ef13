"""Weekly and portfolio digests: a week's work to digest, the `digests` pass, and the posts it makes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from models import CostEntry, HealthSnapshot, Project, Task
from models.core.enums import Health, TaskStatus
from tests.support.charter import create
from tests.support.flows import CHANNEL
from tests.support.passes import run_passes_now
from tests.support.served import RunningBot

PMO_CHANNEL = "C0PMO"


MONDAY_0905_SHANGHAI = "2026-12-07T01:05+00:00"


def digests(bot: RunningBot, at: str) -> None:
    done = run_passes_now(bot, at, "digests", pmo_portfolio_channel=PMO_CHANNEL)
    assert done.ok, done.stdout


def channel_posts(bot: RunningBot) -> list[str]:
    return [c.args["text"] for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]


def busy_week(bot: RunningBot) -> None:
    """Apollo (Shanghai time) finished Build on Friday, has Test due Wednesday, and spent 1,200."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("task add Build <@U0003|carol> start 2026-12-01 due 2026-12-04")
    bot.slack.command("task add Test <@U0003|carol> start 2026-12-08 due 2026-12-09")
    bot.slack.command("budget set people 10000")
    bot.slack.command("cost 1200 people contractor")
    with bot.database.system_session() as db:
        db.execute(
            update(Task)
            .where(Task.number == 1)
            .values(
                status=TaskStatus.DONE,
                percent_complete=100,
                done_at=datetime.fromisoformat("2026-12-04T09:00+00:00"),
            )
        )
        db.execute(update(CostEntry).values(spent_on=date(2026, 12, 3)))
        project = db.query(Project).one()
        db.add(
            HealthSnapshot(
                team_id=project.team_id, project_id=project.id, week="2026-W49", health=Health.AMBER
            )
        )

"""Reviews coming due (a risk and a quality review) and the `reviews` pass that sends them."""

from __future__ import annotations

from sqlalchemy import select

from models import Task
from tests.support.charter import create
from tests.support.flows import field_errors, open_modal, submit
from tests.support.passes import run_passes_now
from tests.support.served import RunningBot
from tests.support.workspace import CAROL


def jobs(bot: RunningBot, at: str, *, failing: bool = False) -> str:
    """The `reviews` pass as `jobs run` reports it; `failing` when a send is meant to fail."""
    done = run_passes_now(bot, at, "reviews")
    assert done.ok is not failing, done.stdout
    return done.stdout


def with_reviews(bot: RunningBot) -> None:
    """Apollo (time zone Asia/Shanghai from Alice) with a risk and a quality review due 2026-12-07."""
    create(bot)
    bot.slack.command("team add <@U0003> member")
    view = open_modal(bot, "risk")
    values = {"title": "Vendor late", "owner_id": CAROL, "review_date": "2026-12-07"}
    assert field_errors(submit(bot, view, values)) == {}
    bot.slack.command("task add Billing API <@U0003|carol> due 2026-12-20")
    with bot.database.system_session() as db:
        db.scalars(select(Task)).one().is_deliverable = True
    bot.slack.command("quality criterion APL-1 Every endpoint documented")
    bot.slack.command("quality review APL-1 <@U0003|carol> 2026-12-07")


REVIEWS_DUE = "2026-12-07T09:05+08:00"  # Monday, 09:05 in Shanghai: Carol's two reviews are due

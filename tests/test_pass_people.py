"""A scheduled pass looks each person up once, and hands what it learnt down (its memo of people).

A standup prompt needs the person's time zone (is it their morning?), their status (are they
away?) and their locale (which language?). Each of those read the profile cache again; the
pass now asks once per person, however many of those questions it has. The passes of one tick
share that memo: the reminders pass after the standups pass asks again about nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event

from bot.scheduler import run_passes
from handlers.standups.standup import StandupPass
from models.core.database import Database
from tests.support.charter import create
from tests.support.reminders import overdue, reminder_dms
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOB, CAROL, TEAM


@contextmanager
def profile_reads(database: Database) -> Iterator[Counter[str]]:
    """Reads of the profile cache meanwhile, counted by the person they asked about."""
    reads: Counter[str] = Counter()

    def count(*event: Any) -> None:  # before_cursor_execute's connection, cursor, statement, parameters…
        statement, parameters = event[2], event[3]
        if "FROM slack_users" in statement:
            values = parameters.values() if isinstance(parameters, dict) else parameters or ()
            reads.update(str(value) for value in values if value in {ALICE, BOB, CAROL})

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield reads
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_a_standup_pass_reads_each_persons_profile_once(bot: RunningBot) -> None:
    create(bot)  # Alice (Shanghai) manages
    bot.slack.command("team add <@U0003> member")
    bot.slack.command("team add <@U0002> member")
    bot.app.runtime.settle(5)  # the profiles fetched by the commands are in the database cache
    before = len(bot.fake.calls_to("users.info"))
    with profile_reads(bot.database) as reads:
        # 09:35 in Shanghai: Alice is due (time zone, status and language all asked); the others
        # are asked their time zone only.
        StandupPass(bot.app.runtime, TEAM, datetime.fromisoformat("2026-12-07T01:35+00:00")).run()
    prompts = [c.args for c in bot.fake.calls_to("chat.postMessage") if c.args["channel"] == ALICE]
    assert [p["text"] for p in prompts if p["text"].startswith("☀️ Standup for")], "the pass prompted nobody"
    assert reads[ALICE] == 1 and reads[BOB] <= 1 and reads[CAROL] <= 1, reads
    assert len(bot.fake.calls_to("users.info")) == before


def test_the_passes_of_one_tick_read_each_persons_profile_once_between_them(bot: RunningBot) -> None:
    overdue(bot)  # Carol (Madrid) and Bob (New York) own overdue work; all three are on the team
    bot.app.runtime.settle(5)
    # Monday 09:00 in Madrid: Carol's reminder is due; the standups pass asks everyone's time zone.
    with profile_reads(bot.database) as reads:
        outcome = run_passes(bot.app.runtime, datetime.fromisoformat("2026-12-07T08:00+00:00"))
    assert outcome["standups"].ok and outcome["reminders"].ok, outcome
    assert reminder_dms(bot, CAROL), "the reminders pass reminded nobody"
    assert reads[CAROL] == 1 and reads[BOB] == 1 and reads[ALICE] == 1, reads

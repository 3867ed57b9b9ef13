"""The baseline: saved when execution starts, re-saved by an approved change or by the manager
with a reason, each on the record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import AuditEntry
from tests.support.flows import say
from tests.support.planning import planned, task
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, CAROL


def test_the_manager_saves_a_baseline_with_a_reason_and_it_is_audited(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task move APL-1 start 2026-12-08 due 2026-12-10")
    assert task(bot, 1).baseline_due == date(2026, 12, 9)  # the first plan stands until saved
    answer = say(bot, "baseline save vendor slipped a day")
    assert answer.startswith("*APL*'s baseline is now the plan as it is (1 task or milestone)")
    found = task(bot, 1)
    assert (found.baseline_start, found.baseline_due) == (date(2026, 12, 8), date(2026, 12, 10))
    with bot.database.system_session(write=False) as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "baseline.save")).one()
    assert entry.reason == "vendor slipped a day"


def test_a_baseline_needs_a_reason_and_the_manager(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task move APL-1 start 2026-12-08 due 2026-12-10")
    assert say(bot, "baseline save").startswith("Say why you save a new baseline")
    assert say(bot, "baseline").startswith("Write `save` and why")
    assert say(bot, "baseline save because", user=CAROL).startswith("Only the project's manager")
    assert task(bot, 1).baseline_due == date(2026, 12, 9)


def test_entering_execution_saves_the_baseline(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-07 due 2026-12-09")
    say(bot, "task move APL-1 start 2026-12-08 due 2026-12-10")
    say(bot, "phase planning override planned elsewhere", user=ADMIN)
    say(bot, "phase execution override planned elsewhere", user=ADMIN)
    assert task(bot, 1).baseline_due == date(2026, 12, 10)

"""A status read after any write shows the write, though status is kept between reads.

The first read of each test keeps the project's status (models.status.snapshot); every write
after it must show in the next read, over signed HTTP, on SQLite and PostgreSQL: a task done,
a cost logged, a risk raised, a day passing with nothing written, and a write made by another
replica, which this process never saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Project, Task
from models.core.clock import CLOCK, utcnow
from models.core.database import Database
from models.core.enums import TaskStatus
from tests.support.flows import field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.status import day, running, say
from tests.support.workspace import CAROL, TEAM

PROGRESS = "*Phase* initiation · *Progress* {done} of {total} tasks done · {percent}% of the work by estimate"


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    yield
    CLOCK.reset()


def status(bot: RunningBot) -> list[str]:
    return say(bot, "status").splitlines()


def kept(bot: RunningBot) -> list[str]:
    """Read the status twice: the second read comes from what the first kept, and must match it."""
    first = status(bot)
    assert status(bot) == first
    return first


def revision(bot: RunningBot) -> int:
    with bot.database.system_session(write=False) as db:
        return db.scalars(select(Project.revision)).one()


def test_a_task_done_shows_in_the_next_status(bot: RunningBot) -> None:
    running(bot)
    before = kept(bot)
    assert "• 1 task overdue" in before
    assert PROGRESS.format(done=0, total=2, percent=0) in before
    say(bot, "done APL-1", user=CAROL)
    after = status(bot)
    assert "• 1 task overdue" not in after
    assert PROGRESS.format(done=1, total=2, percent=50) in after


def test_a_cost_logged_shows_in_the_next_status(bot: RunningBot) -> None:
    running(bot)
    assert "*Budget* spent 1,000.00 EUR of 120,000.00 EUR · remaining 119,000.00 EUR" in kept(bot)
    say(bot, "cost 2500 people contractor")
    assert "*Budget* spent 3,500.00 EUR of 120,000.00 EUR · remaining 116,500.00 EUR" in status(bot)


def test_a_risk_raised_shows_in_the_next_status(bot: RunningBot) -> None:
    running(bot)
    lines = kept(bot)
    assert lines[lines.index("*Top risks*") + 1] == "• none"
    view = open_modal(bot, "risk")
    assert field_errors(submit(bot, view, {"title": "Vendor late", "probability": "5", "impact": "4"})) == {}
    lines = status(bot)
    assert lines[lines.index("*Top risks*") + 1] == "🔴 *APL-R1* Vendor late · 20"
    assert "• 1 open risk scored 20 or more with no response" in lines


def test_a_day_passing_shows_in_the_next_status_with_nothing_written(bot: RunningBot) -> None:
    running(bot)
    say(bot, f"task add Ship <@{CAROL}> start {day(-5)} due {day(0)} est 10")
    assert "• 1 task overdue" in kept(bot)
    written = revision(bot)
    CLOCK.travel_to(utcnow() + timedelta(days=1))  # Ship was due yesterday now
    assert "• 2 tasks overdue" in status(bot)
    assert revision(bot) == written  # the day alone moved the status, no write did


def test_a_write_by_another_replica_shows_in_the_next_status(bot: RunningBot) -> None:
    """Another process on the same database: nothing told this one, only the revision moved."""
    running(bot)
    assert PROGRESS.format(done=0, total=2, percent=0) in kept(bot)
    other = Database(bot.database.url.render_as_string(hide_password=False))
    try:
        with other.session(TEAM) as db:
            db.scalars(select(Task).where(Task.number == 2)).one().status = TaskStatus.DONE
    finally:
        other.dispose()
    assert PROGRESS.format(done=1, total=2, percent=50) in status(bot)

"""A status read after any write shows the write, though status is kept between reads.

The first read of each test keeps the project's status (models.status.snapshot); every write
after it must show in the next read, over signed HTTP, on SQLite and PostgreSQL: a task done,
a cost logged, a risk raised, a day passing with nothing written, and a write made by another
replica, which this process never saw. Then every kind of write, the schema walked: a row of
each table under a project inserted, changed and deleted, each followed by a `/pmo status`
that must build the status anew at the new revision rather than answer from what it kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from models import Project, Task
from models.core import revisions
from models.core.base import Base
from models.core.clock import CLOCK, utcnow
from models.core.database import Database
from models.core.enums import TaskStatus
from tests.support.builds import StatusBuilds
from tests.support.charter import project
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.rows import make_row, mapper_of, parents_of, touched, under_a_project, with_project_id
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


# -- every kind of write, the schema walked


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> StatusBuilds:
    return StatusBuilds(monkeypatch)


@pytest.fixture
def bare(bot: RunningBot) -> None:
    """A project made from its columns alone, as tests/test_revisions.py makes it: a charter's
    project already has some rows (its communication plan) that a made-up row would collide with."""
    bot.database.ensure_workspace(TEAM)
    with bot.database.session(TEAM) as db:
        made = make_row(db, Base.metadata.tables["projects"], team_id=TEAM, project_id=0)
        made.key, made.channel_id = "BARE", CHANNEL  # the channel's project, for `/pmo status` there


@contextmanager
def read_after(bot: RunningBot, builds: StatusBuilds, what: str) -> Iterator[Session]:
    """A session to write in; once it commits, the next `/pmo status` must build the status anew
    at the project's new revision."""
    with bot.database.session(TEAM) as db:
        yield db
    status(bot)
    built = [(build.project_id, build.revision) for build in builds.taken()]
    assert built == [(project(bot).id, revision(bot))], f"{what}: the next status was not built anew"


def written_and_read(bot: RunningBot, builds: StatusBuilds, table: Table) -> None:
    """A row of `table` in the channel's project inserted, changed and deleted, each in its own commit."""
    project_id, cls = project(bot).id, mapper_of(table).class_
    with bot.database.session(TEAM) as db:
        parents = parents_of(db, table, team_id=TEAM, project_id=project_id)
    kept(bot)  # from here on the status is kept: only a moved revision builds it again
    assert len(builds.taken()) == 1
    with read_after(bot, builds, f"insert into {table.name}") as db:
        row_id = make_row(db, table, team_id=TEAM, project_id=project_id, parents=parents).id
    with read_after(bot, builds, f"update of {table.name}") as db:
        touched(db.get_one(cls, row_id))
    with read_after(bot, builds, f"delete from {table.name}") as db:
        db.delete(db.get_one(cls, row_id))


# Written from a status and never read by one: the week's health a digest records and the day's
# figures the trends pass keeps (the trend charts and the digest's trend line read them, each
# afresh). Named here, not taken from the hook's own list, so a table wrongly added there fails
# the walk.
NOT_READ_BY_A_STATUS = {"health_snapshots", "trend_snapshots"}


@pytest.mark.usefixtures("bare")
@pytest.mark.parametrize("table", [t.name for t in with_project_id(NOT_READ_BY_A_STATUS) + under_a_project()])
def test_a_status_read_after_any_write_to_a_project_table_is_built_anew(
    bot: RunningBot, builds: StatusBuilds, table: str
) -> None:
    written_and_read(bot, builds, Base.metadata.tables[table])


@pytest.mark.usefixtures("bare")
def test_the_walk_fails_for_a_table_whose_writes_leave_the_revision(
    bot: RunningBot, builds: StatusBuilds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk's own check: with the hook blind to risks, a risk written must fail it."""
    monkeypatch.setattr(revisions, "DERIVED", revisions.DERIVED | {"risks"})
    with pytest.raises(AssertionError, match="insert into risks: the next status was not built anew"):
        written_and_read(bot, builds, Base.metadata.tables["risks"])

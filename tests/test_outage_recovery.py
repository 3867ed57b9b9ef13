"""The database goes away while people work and a digest pass runs, then comes back.

PostgreSQL is reached through a TCP proxy the test cuts (open connections drop, new ones are
hung up on). SQLite's disk goes away: the folder holding the file is moved and the pool's open
connections are dropped, as an unmount would. Either way: every request gets a clear answer,
`/healthz` says 503, a modal keeps what was typed and says to try again, and the digest goes
out once when the database is back.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.fakeslack import FakeSlack
from models import Task
from models.database import Database
from tests.conftest import RunningBot, make_settings, serving
from tests.flows import field_errors, open_modal, submit
from tests.tcpproxy import TcpProxy
from tests.test_charter import create
from tests.test_cli import run
from tests.test_digests import MONDAY_0905_SHANGHAI, channel_posts
from tests.test_reviews_job import jobs_env

APOLOGY = "Sorry, I can't reach my database right now, so nothing was changed. Please try again in a minute."


@dataclass
class Outage:
    """The app's database URL, and the switch that takes that database away and brings it back."""

    url: str
    database: Database
    proxy: TcpProxy | None = None
    folder: Path | None = None

    def cut(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
            return
        assert self.folder is not None
        self.folder.rename(self.folder.with_name("gone"))
        self.database.engine.dispose()  # the unmount closes the files the pool held open

    def restore(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
            return
        assert self.folder is not None
        self.folder.with_name("gone").rename(self.folder)


@pytest.fixture
def outage(database_url: str, tmp_path: Path) -> Iterator[Outage]:
    if database_url.startswith("sqlite"):
        folder = tmp_path / "disk"
        folder.mkdir()
        path = folder / "pmo.db"
        shutil.copy(make_url(database_url).database or "", path)
        database = Database(f"sqlite:///{path}")
        yield Outage(f"sqlite:///{path}", database, folder=folder)
        database.dispose()
        return
    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = Database(url)
    yield Outage(url, database, proxy=proxy)
    database.dispose()
    proxy.stop()


@pytest.fixture
def bot_at_risk(fake_slack: FakeSlack, outage: Outage) -> Iterator[RunningBot]:
    app = create_app(make_settings(fake_slack, outage.url), database=outage.database)
    with serving(app, fake_slack) as running:
        yield running


def digests(bot: RunningBot, tmp_path: Path) -> tuple[int, str]:
    done = run(["jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI], jobs_env(bot), tmp_path)
    return done.returncode, done.stderr


def weekly_posts(bot: RunningBot) -> list[str]:
    return [text for text in channel_posts(bot) if text.startswith("📰")]


def test_while_the_database_is_down_everyone_is_told_and_nothing_typed_or_scheduled_is_lost(
    bot_at_risk: RunningBot, outage: Outage, tmp_path: Path
) -> None:
    bot = bot_at_risk
    create(bot)
    view = open_modal(bot, "task")
    typed = {"title": "Ship the release", "due_date": "2027-01-15"}

    outage.cut()
    for text in ("status", "tasks", "task add Write the docs due 2027-01-10", "done APL-1"):
        answer = bot.slack.command(text).json()
        assert answer == {"response_type": "ephemeral", "text": APOLOGY}, text
    assert bot.slack.get("/healthz").status == 503
    # The modal stays open with what was typed (Slack keeps it) and the apology beside it.
    errors = field_errors(submit(bot, view, typed))
    assert list(errors.values()) == [APOLOGY]
    bot.slack.block_action("task_done", value="APL-1")
    assert bot.fake.wait_for("response_url")[-1].args["text"] == APOLOGY
    code, stderr = digests(bot, tmp_path)
    assert code == 1 and stderr.startswith("pmo-bot: cannot use the database at ")
    assert weekly_posts(bot) == []

    outage.restore()
    assert bot.slack.get("/healthz").status == 200
    assert field_errors(submit(bot, view, typed)) == {}
    with bot.database.session("T0001", write=False) as db:
        assert list(db.scalars(select(Task.title))) == ["Ship the release"]
    assert digests(bot, tmp_path)[0] == 0
    assert digests(bot, tmp_path)[0] == 0
    assert len(weekly_posts(bot)) == 1
    assert bot.slack.command("status").json()["text"].startswith("🟢 APL · Apollo — green")

"""The database goes away while people work and a digest pass runs, then comes back.

PostgreSQL is reached through a TCP proxy the test cuts (open connections drop, new ones are
hung up on). SQLite's disk goes away: the folder holding the file is moved and the pool's open
connections are dropped, as an unmount would. Either way: every request gets a clear answer,
`/healthz` says 503, a modal keeps what was typed and says to try again, and the digest goes
out once when the database is back.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.runtime import Runtime
from bot.scheduler import Ticker, run_jobs
from models import Task
from models.core.database import Database
from models.core.enums import DeliveryState
from models.core.records import Delivery
from tests.support.charter import create
from tests.support.digests import MONDAY_0905_SHANGHAI, channel_posts
from tests.support.fakeslack import FakeSlack
from tests.support.flows import field_errors, fill, open_modal, submit
from tests.support.passes import run_passes_now
from tests.support.processes import jobs_env, run_here
from tests.support.served import RunningBot, make_settings, serving
from tests.support.slackdriver import SlackDriver
from tests.support.tcpproxy import TcpProxy
from tests.support.workspace import SIGNING_SECRET, TEAM

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
    done = run_here(["jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI], jobs_env(bot), tmp_path)
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
    assert run_passes_now(bot, MONDAY_0905_SHANGHAI, "digests").ok
    assert run_passes_now(bot, MONDAY_0905_SHANGHAI, "digests").ok
    assert len(weekly_posts(bot)) == 1
    assert bot.slack.command("status").json()["text"].startswith("🟢 APL · Apollo — green")


# The 30 s outage is the full-length soak's (`python -m benchmarks soak`); 10 s here is
# ten ticks and some 200 refused requests, every activity below side by side through all of it.
OUTAGE_S = 10
TICK_S = 1  # the tick comes each second instead of each minute, so the test is not an hour long
DUE = datetime.fromisoformat(MONDAY_0905_SHANGHAI)
COMMANDS = ("status", "tasks", "task add Write the docs due 2027-01-10", "done APL-1")


class RecordingTicker(Ticker):
    """The process's ticker on a clock that starts when the digest is due; notes how each digest pass went."""

    def __init__(self, runtime: Runtime) -> None:
        started = time.monotonic()
        super().__init__(runtime, clock=lambda: DUE + timedelta(seconds=time.monotonic() - started))
        self.scheduler.reschedule_job("tick", trigger=IntervalTrigger(seconds=TICK_S, timezone=UTC))
        self.outcomes: list[str] = []

    def tick(self) -> None:
        self.outcomes.append(run_jobs(self.runtime, self.clock())["digests"])


def until(deadline: float, attempt: Callable[[SlackDriver], None], bot: RunningBot) -> int:
    """Make `attempt` again and again until `deadline`, as its own Slack user would; how many were made."""
    slack = SlackDriver(bot.url, SIGNING_SECRET, fake=bot.fake, team_id=TEAM)
    made = 0
    while time.monotonic() < deadline:
        attempt(slack)
        made += 1
        time.sleep(0.05)
    slack.session.close()
    return made


def digest_deliveries(bot: RunningBot) -> list[DeliveryState]:
    with bot.database.session(TEAM, write=False) as db:
        return list(db.scalars(select(Delivery.state).where(Delivery.key.startswith("digest:"))))


def test_a_sustained_outage_under_load_refuses_clearly_and_the_next_tick_sends_the_digest_once(
    bot_at_risk: RunningBot, outage: Outage
) -> None:
    bot = bot_at_risk
    create(bot)
    view = open_modal(bot, "task")
    typed = {"title": "Ship the release", "due_date": "2027-01-15"}

    def command(slack: SlackDriver) -> None:
        for text in COMMANDS:
            assert slack.command(text).json() == {"response_type": "ephemeral", "text": APOLOGY}, text

    def modal(slack: SlackDriver) -> None:
        # Slack keeps the modal open, with what was typed, whenever the answer is errors.
        errors = field_errors(slack.view_submission(view, fill(view, typed)))
        assert list(errors.values()) == [APOLOGY]

    def health(slack: SlackDriver) -> None:
        assert slack.get("/healthz").status == 503

    outage.cut()
    deadline = time.monotonic() + OUTAGE_S
    with RecordingTicker(bot.app.runtime) as ticker, ThreadPoolExecutor(max_workers=3) as users:
        made = [users.submit(until, deadline, attempt, bot) for attempt in (command, modal, health)]
        assert all(future.result() > 0 for future in made)
        assert len(ticker.outcomes) >= 3, "the scheduler kept trying through the outage"
        assert set(ticker.outcomes) == {"failed"}
        assert weekly_posts(bot) == []

        outage.restore()
        tried = len(ticker.outcomes)
        waited = time.monotonic() + 10 * TICK_S
        while not weekly_posts(bot) or len(ticker.outcomes) < tried + 3:
            assert time.monotonic() < waited, f"no digest after the database came back: {ticker.outcomes}"
            time.sleep(0.1)  # the tick that sends, then more ticks which must find the digest sent
        # A tick under way when the database came back may have failed; every one after it worked.
        assert set(ticker.outcomes[tried + 1 :]) == {"ok"}, ticker.outcomes
    assert len(weekly_posts(bot)) == 1
    assert digest_deliveries(bot) == [DeliveryState.SENT]

    assert bot.slack.get("/healthz").status == 200
    with bot.database.session(TEAM, write=False) as db:
        assert list(db.scalars(select(Task.title))) == [], "nothing was saved while the database was down"
    assert field_errors(submit(bot, view, typed)) == {}
    with bot.database.session(TEAM, write=False) as db:
        assert list(db.scalars(select(Task.title))) == ["Ship the release"]

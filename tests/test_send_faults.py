"""Scheduled sends when Slack fails or the process dies: retried, resumed, and never sent twice.

Everything goes through the `digests` pass as `pmo-bot jobs run digests` runs it (a real process
where one is killed), as an operator (or the minute tick) runs it, so these hold whatever the
scheduler does inside.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Delivery
from models.charter.charters import Charter, create_project
from models.core.access import Actor
from models.core.database import Database
from models.core.enums import DeliveryState
from tests.support.charter import create
from tests.support.closing_flows import wait_until
from tests.support.digests import MONDAY_0905_SHANGHAI
from tests.support.fakeslack import Answer, FakeSlack, Incoming
from tests.support.flows import CHANNEL
from tests.support.passes import run_passes_now
from tests.support.processes import clean_env, jobs_env, pmo_bot, run_here
from tests.support.served import RunningBot
from tests.support.workspace import ALICE, BOT_TOKEN, SIGNING_SECRET, TEAM

POST = "chat.postMessage"
TWO_MINUTES_LATER = "2026-12-07T01:07+00:00"
HELD_S = 20
# A fresh `pmo-bot` process migrates and prepares the digests before its first post: on a loaded
# machine that took longer than the hold itself.
REACH_S = 90


def digests(bot: RunningBot, at: str = MONDAY_0905_SHANGHAI, *, failing: bool = False) -> None:
    """The `digests` pass; `failing` when a send is meant to fail, which the outcome says."""
    done = run_passes_now(bot, at, "digests")
    assert done.ok is not failing, done.stdout


def delivered(fake: FakeSlack) -> Counter[str]:
    """Digests Slack accepted, by channel."""
    return Counter(
        call.args["channel"] for call in fake.calls_to(POST, ok=True) if call.args["text"][:1] == "📰"
    )


def states(database: Database) -> list[tuple[DeliveryState, int]]:
    with database.system_session(write=False) as db:
        # Scheduled sends only: the charter's post is a notice, stored with its payload.
        scheduled = select(Delivery.state, Delivery.attempts).where(Delivery.payload.is_(None))
        return [tuple(row) for row in db.execute(scheduled)]


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (429, 1)])
def test_a_post_slack_fails_once_is_retried_and_delivered_once(
    bot: RunningBot, status: int, retry_after: int | None
) -> None:
    create(bot)
    bot.fake.fail_next(POST, status=status, retry_after=retry_after)
    digests(bot)
    digests(bot)
    assert [call.status for call in bot.fake.calls_to(POST) if call.args["channel"] == CHANNEL][-2:] == [
        status,
        200,
    ]
    assert delivered(bot.fake) == {CHANNEL: 1}
    assert states(bot.database) == [(DeliveryState.SENT, 1)]


def test_a_post_that_keeps_failing_is_tried_again_after_its_back_off_and_delivered_once(
    bot: RunningBot, tmp_path: Path
) -> None:
    create(bot)
    bot.fake.fail_next(POST, status=500, times=3)  # the first try and both of the client's own retries
    digests(bot, failing=True)
    assert delivered(bot.fake) == {} and states(bot.database) == [(DeliveryState.FAILED, 1)]
    listed = run_here(["jobs", "status"], jobs_env(bot), tmp_path).stdout
    assert "failed" in listed and "internal_error" in listed
    digests(bot)  # the same minute: the back-off has not passed
    assert delivered(bot.fake) == {}
    digests(bot, TWO_MINUTES_LATER)
    digests(bot, TWO_MINUTES_LATER)
    assert delivered(bot.fake) == {CHANNEL: 1}
    assert states(bot.database) == [(DeliveryState.SENT, 2)]


class HoldingSlack(FakeSlack):
    """Takes the first `passing` posts as Slack does, then holds every other one open until released.

    A held post is taken once released, as Slack takes a message whose sender died waiting for
    the answer: the hard case for a restarted pass, which must not send it again.
    """

    def __init__(self, passing: int) -> None:
        super().__init__()
        self.passing = passing
        self.release = threading.Event()
        self.held = 0
        self._count_lock = threading.Lock()
        self._seen = 0

    def _route(self, request: Incoming) -> Answer:
        if request.path.endswith(POST):
            with self._count_lock:
                self._seen += 1
                hold = self._seen > self.passing and not self.release.is_set()
                self.held += hold
            if hold:
                self.release.wait(HELD_S)
        return super()._route(request)


@pytest.fixture
def holding_slack() -> Iterator[HoldingSlack]:
    fake = HoldingSlack(passing=2)
    fake.start()
    fake.add_workspace(TEAM, bot_token=BOT_TOKEN, name="Acme")
    fake.add_user(TEAM, ALICE, name="alice", tz="Asia/Shanghai")
    yield fake
    fake.release.set()
    fake.stop()


def projects(database: Database, count: int) -> list[str]:
    """`count` projects in Shanghai time, each in its own channel, with the default digest plan."""
    database.ensure_workspace(TEAM)
    channels = [f"C0KILL{n:02d}" for n in range(count)]
    with database.session(TEAM) as db:
        for n, channel in enumerate(channels):
            charter = Charter(name=f"Project {n}", key=f"K{chr(65 + n)}", timezone="Asia/Shanghai")
            create_project(db=db, actor=Actor(ALICE), channel_id=channel, charter=charter)
    return channels


def test_a_pass_killed_mid_send_is_resumed_on_restart_and_sends_nothing_twice(
    database: Database, holding_slack: HoldingSlack, tmp_path: Path
) -> None:
    channels = projects(database, 8)
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=holding_slack.api_url,
        DATABASE_URL=database.url.render_as_string(hide_password=False),
    )
    command = [*pmo_bot(), "jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + REACH_S
    while holding_slack.held == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # let every sender that is going to block reach Slack
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert holding_slack.held >= 1, "the pass never reached the held posts"
    sent_before_kill = sum(delivered(holding_slack).values())
    holding_slack.release.set()
    # Slack takes the posts it was holding, though their sender is gone.
    wait_until(lambda: sum(delivered(holding_slack).values()) == sent_before_kill + holding_slack.held)

    done = run_here(["jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI], env, tmp_path)
    assert done.returncode == 0, done.stderr
    again = run_here(["jobs", "run", "digests", "--at", MONDAY_0905_SHANGHAI], env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert sent_before_kill == 2
    assert delivered(holding_slack) == dict.fromkeys(channels, 1)

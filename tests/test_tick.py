"""`pmo-bot serve` and `pmo-bot socket` tick on their own (at once on start), unless `--no-scheduler`.

The project's digest is set due at every moment (every day from 00:00, caught up for three
days), so whatever the hour these tests run, a ticking process posts it and one that does not
tick never does.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import update

from models import CommPlanLine
from models.comms.plan import WEEKDAYS
from models.core.enums import CommKind
from tests.support.charter import create
from tests.support.databases import SQLITE_ONLY
from tests.support.flows import CHANNEL
from tests.support.processes import free_port, jobs_env, pmo_bot, wait_healthy
from tests.support.served import RunningBot
from tests.support.socket_server import APP_TOKEN, SocketServer

# What a process logs once its minute tick (and the tick at once on start) is under way.
TICKER_STARTED = "scheduler started: one tick a minute"


def digest_due_whenever(bot: RunningBot) -> None:
    create(bot)
    with bot.database.system_session() as db:
        db.execute(
            update(CommPlanLine)
            .where(CommPlanLine.kind == CommKind.DIGEST)
            .values(days=",".join(WEEKDAYS), local_time="00:00")
        )


def digests_posted(bot: RunningBot) -> list[str]:
    return [
        c.args["text"]
        for c in bot.fake.calls_to("chat.postMessage")
        if c.args["channel"] == CHANNEL and c.args["text"].startswith("📰")
    ]


def wait_for_digest(bot: RunningBot, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not digests_posted(bot):
        assert time.monotonic() < deadline, "no digest: the process did not tick"
        time.sleep(0.1)


@contextmanager
def running(bot: RunningBot, tmp_path: Path, *args: str, **env: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [*pmo_bot(), *args],
        env=jobs_env(bot) | env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def logged(process: subprocess.Popen[str]) -> str:
    """What a process that has ended wrote (its log, on stderr, merged into stdout)."""
    assert process.stdout is not None
    return process.stdout.read()


def test_serve_ticks_at_start(bot: RunningBot, tmp_path: Path) -> None:
    digest_due_whenever(bot)
    port = free_port()
    with running(bot, tmp_path, "serve", "--host", "127.0.0.1", "--port", str(port)) as process:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        wait_for_digest(bot)
    assert len(digests_posted(bot)) == 1


@SQLITE_ONLY
def test_socket_mode_ticks_unless_told_not_to(bot: RunningBot, tmp_path: Path) -> None:
    digest_due_whenever(bot)
    server = SocketServer()
    bot.fake.set_socket_mode_url(server.url)
    try:
        opened = len(bot.fake.calls_to("apps.connections.open"))
        with running(bot, tmp_path, "socket", "--no-scheduler", SLACK_APP_TOKEN=APP_TOKEN) as quiet:
            bot.fake.wait_for("apps.connections.open", opened + 1, timeout=30)
        # A process starts its ticker, and says so, before it connects: this one never did.
        assert TICKER_STARTED not in logged(quiet)
        assert digests_posted(bot) == []
        with running(bot, tmp_path, "socket", SLACK_APP_TOKEN=APP_TOKEN) as ticking:
            wait_for_digest(bot)
        assert TICKER_STARTED in logged(ticking)
        assert len(digests_posted(bot)) == 1
    finally:
        server.close()

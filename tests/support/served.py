"""The real app behind a real HTTP server on loopback: its settings, the server, what tests hold of it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from waitress import wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.app import PmoApp
from bot.settings import Settings
from bot.web import make_server
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.slackdriver import SlackDriver
from tests.support.workspace import ADMIN, BOT_TOKEN, SIGNING_SECRET, TEAM

# How long the driver waits, after each answer, for the notifications the request queued.
SETTLE_S = 30
# How often the test server's loop looks up from select(): how long a stopped server takes to end.
LOOP_TIMEOUT_S = 0.05


def make_settings(fake: FakeSlack, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "pmo_admins": ADMIN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@dataclass
class RunningBot:
    """The real app behind a real HTTP server on loopback, and what tests need around it."""

    app: PmoApp
    url: str
    slack: SlackDriver
    fake: FakeSlack
    database: Database


@contextmanager
def serving(app: PmoApp, fake: FakeSlack) -> Iterator[RunningBot]:
    """Serve `app` with the same server `pmo-bot serve` uses, on an ephemeral loopback port."""
    server = make_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()
    thread = threading.Thread(target=run_until_stopped, args=(server, stopping), name="waitress", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    settle = partial(app.runtime.settle, SETTLE_S)
    driver = SlackDriver(url, SIGNING_SECRET, fake=fake, team_id=TEAM, settle=settle)
    try:
        yield RunningBot(app=app, url=url, slack=driver, fake=fake, database=app.runtime.database)
    finally:
        # Work deferred by the last request must end before the next test replaces the database
        # file: a connection opened in between found an empty file ("no such table: projects").
        settle()
        driver.session.close()
        stopping.set()
        stop_server(server)
        thread.join(timeout=5)


def run_until_stopped(server: BaseWSGIServer | MultiSocketServer, stopping: threading.Event) -> None:
    """Serve as `server.run()` does, but wake every LOOP_TIMEOUT_S rather than every second.

    stop_server closes the sockets from this thread's outside, which select() does not notice:
    with waitress's one-second timeout every test would wait out a second at its end. The loop
    may be inside select() on a socket stop_server closes, which is no failure.
    """
    try:
        wasyncore.loop(timeout=LOOP_TIMEOUT_S, map=server._map, use_poll=server.adj.asyncore_use_poll)
    except OSError:
        if not stopping.is_set():
            raise


def stop_server(server: BaseWSGIServer | MultiSocketServer) -> None:
    """Close the listener and every open connection, so waitress's loop ends at once."""
    for channel in list(server._map.values()):
        channel.close()
    server.task_dispatcher.shutdown(timeout=1)

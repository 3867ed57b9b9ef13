"""`/pmo status` on a big project, over HTTP, against a bare Bolt app answering in the same run.

    python -m benchmarks.status_bench [--requests 40] [--database-url URL]

Prints the median and 95th percentile of both and their ratio. Slack gives a command 3 seconds;
the goal is that a project of 2,000 tasks, 300 risks and 1,000 cost entries answers in a small
multiple of what the bare app costs (see the figures in the README's benchmarks section).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import create_server

from benchmarks.scenario import big_project
from bot.app import Mode, create_app
from bot.fakeslack import FakeSlack
from bot.web import DEFAULT_THREADS
from models.database import Database
from models.migrate import upgrade
from tests.conftest import (
    ALICE,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    make_settings,
    run_until_stopped,
    serving,
    stop_server,
)
from tests.slackdriver import SlackDriver

CHANNEL = "C0BENCH"


def timings(run: Callable[[], object], count: int) -> list[float]:
    run()  # warm caches and connections: the first request is not what users wait for
    found = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        found.append(time.perf_counter() - started)
    return found


@contextmanager
def bare_server(fake: FakeSlack) -> Iterator[SlackDriver]:
    """A bare Bolt app on the same WSGI server and thread count as `pmo-bot serve`."""
    server = create_server(
        SlackRequestHandler(bare_app(fake)), host="127.0.0.1", port=0, threads=DEFAULT_THREADS
    )
    stopping = threading.Event()
    thread = threading.Thread(target=run_until_stopped, args=(server, stopping), daemon=True)
    thread.start()
    try:
        yield SlackDriver(
            f"http://127.0.0.1:{server.effective_port}", SIGNING_SECRET, fake=fake, team_id=TEAM
        )
    finally:
        stopping.set()
        stop_server(server)
        thread.join(timeout=5)


def bare_app(fake: FakeSlack) -> App:
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
    app = App(signing_secret=SIGNING_SECRET, client=client, token_verification_enabled=False)

    @app.command("/pmo")
    def answer(ack: Ack) -> None:
        ack(text="ok")

    return app


def describe(name: str, found: list[float]) -> str:
    p95 = statistics.quantiles(found, n=20)[-1]
    return f"{name:>12}: median {statistics.median(found) * 1000:7.1f} ms · p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        database = Database(url)
        upgrade(database)
        big_project(
            database,
            TEAM,
            key="BIG",
            channel=CHANNEL,
            manager=ALICE,
            tasks=2000,
            risks=300,
            costs=1000,
            today=date.today(),
        )
        fake = FakeSlack().start()
        fake.add_workspace(TEAM, bot_token=BOT_TOKEN, name="Acme")
        fake.add_user(TEAM, ALICE, name="alice", real_name="Alice Chen", tz="Asia/Shanghai")
        try:
            pmo = create_app(make_settings(fake, url), database=database, mode=Mode.HTTP)
            with serving(pmo, fake) as running:
                headline = running.slack.command("status", channel=CHANNEL).json()["text"].splitlines()[0]
                status = timings(
                    lambda: running.slack.command("status", channel=CHANNEL).json(), args.requests
                )
            with bare_server(fake) as bare:
                baseline = timings(lambda: bare.command("status", channel=CHANNEL).text, args.requests)
        finally:
            fake.stop()
            database.dispose()
    print(f"{'answer':>12}: {headline}")
    print(describe("bare Bolt", baseline))
    print(describe("/pmo status", status))
    print(
        f"{'ratio':>12}: {statistics.median(status) / statistics.median(baseline):.1f}× the bare app (median)"
    )


if __name__ == "__main__":
    main()

"""`/pmo status` on a big project, over HTTP, against a bare Bolt app answering in the same run.

    python -m benchmarks status [--requests 200] [--database-url URL]

The project has 2,000 tasks, 300 risks and 1,000 cost entries. Two baselines are served by the
same WSGI server with the same threads: a bare Bolt app as Bolt builds it by default (its HTTP
answer waits on a 10 ms ack-polling loop) and one with `process_before_response=True`, as PMO
bot runs, which is the fair floor for the work status does.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import create_server

from benchmarks.bare_app import bare_app
from benchmarks.harness import (
    Figure,
    fake_slack,
    median,
    milliseconds,
    percentile,
    pmo_app,
    report,
    scratch_database,
    timings,
)
from benchmarks.scenario import Shape, build_workspace
from bot.web import DEFAULT_THREADS
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.served import run_until_stopped, serving, stop_server
from tests.support.slackdriver import SlackDriver
from tests.support.workspace import BOT_TOKEN, SIGNING_SECRET, TEAM

NAME = "status"
BIG = Shape(tasks=2000, risks=300, costs=1000, members=8, milestones=12)
P99_TARGET_MS = 20.0
RATIO_TARGET = 3.0


@contextmanager
def bare_server(fake: FakeSlack, *, before_response: bool) -> Iterator[SlackDriver]:
    """A bare Bolt app acking `/pmo` with fixed text, on the server and threads `pmo-bot serve` uses."""
    server = create_server(
        SlackRequestHandler(
            bare_app(
                fake.api_url, signing_secret=SIGNING_SECRET, token=BOT_TOKEN, before_response=before_response
            )
        ),
        host="127.0.0.1",
        port=0,
        threads=DEFAULT_THREADS,
    )
    stopping = threading.Event()
    thread = threading.Thread(target=run_until_stopped, args=(server, stopping), daemon=True)
    thread.start()
    driver = SlackDriver(f"http://127.0.0.1:{server.effective_port}", SIGNING_SECRET, fake=fake, team_id=TEAM)
    try:
        yield driver
    finally:
        driver.session.close()
        stopping.set()
        stop_server(server)
        thread.join(timeout=5)


def measure(url: str, requests: int) -> tuple[str, dict[str, list[float]]]:
    database = Database(url)
    [project] = build_workspace(database, TEAM, projects=1, shape=BIG, today=date.today())
    # Slack knows the project's people: the one asking is looked up once, then cached for a day.
    fake = fake_slack(people=[project.manager, *project.members])
    found: dict[str, list[float]] = {}
    try:
        with serving(pmo_app(database, fake), fake) as running:
            ask = running.slack.command
            headline = ask("status", channel=project.channel, user=project.manager).json()["text"]
            # Asked by someone Slack knows, as every real asker is: the timed requests used to
            # come from a user the fake Slack did not list, so each paid a `users.info` call
            # answering `user_not_found` (never cached) on top of the status.
            found["status"] = timings(
                lambda: ask("status", channel=project.channel, user=project.manager).json(), requests
            )
        for name, before_response in (("bare", True), ("bare default", False)):
            with bare_server(fake, before_response=before_response) as bare:
                found[name] = timings(lambda bare=bare: bare.command("status").text, requests)
    finally:
        fake.stop()
        database.dispose()
    return headline.splitlines()[0], {name: milliseconds(values) for name, values in found.items()}


def within_ratio(name: str, status: list[float], baseline: list[float], baseline_name: str) -> Figure:
    return Figure(
        name,
        median(status),
        "ms",
        baseline=median(baseline),
        baseline_name=baseline_name,
        target=f"≤ {RATIO_TARGET:g}×",
        met=median(status) <= RATIO_TARGET * median(baseline),
    )


def figures(found: dict[str, list[float]]) -> list[Figure]:
    status, bare, default = found["status"], found["bare"], found["bare default"]
    return [
        Figure("bare Bolt, process_before_response", median(bare), "ms"),
        Figure("bare Bolt, Bolt's default", median(default), "ms"),
        within_ratio("/pmo status median", status, bare, "bare (same config)"),
        within_ratio("/pmo status median vs Bolt default", status, default, "bare (default)"),
        Figure(
            "/pmo status p99",
            percentile(status, 0.99),
            "ms",
            baseline=percentile(bare, 0.99),
            baseline_name="bare p99",
            target=f"< {P99_TARGET_MS:g} ms",
            met=percentile(status, 0.99) < P99_TARGET_MS,
        ),
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=200, help="timed requests per server")


def run(args: argparse.Namespace) -> None:
    with scratch_database(args.database_url) as url:
        headline, found = measure(url, args.requests)
    print(f"answer: {headline}")
    report("/pmo status, 2,000 tasks, 300 risks, 1,000 costs", url, figures(found))

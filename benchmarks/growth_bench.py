"""A workspace doubled step by step: does each cost grow no faster than the work?

    python -m benchmarks growth [--steps 250,500,1000,2000] [--tasks 50] [--seconds 10]
                                [--database-url URL]

The workspace grows to each step's number of projects (each with its own six people, so the
people double with the projects). At each step, as the first tick of a Monday at 10:00 in the
projects' time zone finds it (nothing sent yet that day, nobody's profile cached): the time of
every pass of that tick (standups, reminders, digests and the rest) against a fake Slack
without rate limits; the median of `/pmo status` in one project, over HTTP; and the resident
memory of a `pmo-bot serve` process after clients sent it a short mixed load.

Each figure is compared with the step before: a pass should take about twice as long when the
work doubles (or less), and status and the server's memory should stay about where they were.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.harness import (
    Figure,
    delete_rows,
    fake_slack,
    median,
    milliseconds,
    pmo_app,
    report,
    scratch_database,
    timed,
    timings,
)
from benchmarks.load_bench import Person, drive
from benchmarks.processes import pmo_bot_serve
from benchmarks.scenario import BuiltProject, Shape, build_workspace
from bot.per_tick import one_tick
from bot.runtime import Runtime
from models.core.database import Database
from tests.support.fakeslack import FakeSlack
from tests.support.served import serving
from tests.support.workspace import TEAM

NAME = "growth"
STEPS = (250, 500, 1000, 2000)
PROJECT = Shape(tasks=50, members=6, milestones=3, risks=5, costs=10, checked_tasks=5)
# What a tick has sent is forgotten before the next step's tick, so each finds a whole day's work.
FORGET = ("deliveries", "health_snapshots", "slack_users", "pass_failures")
STATUS_REQUESTS = 50
LOAD_CLIENTS = 10
# A pass this quick at both steps (the pruning passes) is timed, not judged: its ratio is noise.
NOISE_S = 0.1


def monday_ten(today: date) -> datetime:
    """This week's Monday, 10:00 in Asia/Shanghai: standups, reminders and digests all due."""
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    projects: int
    people: int
    passes: dict[str, float]  # seconds each pass of the tick took
    sent: int  # messages the tick posted
    status_ms: float  # median `/pmo status`
    rss_mb: float  # the serve process's resident memory after the load
    requests: int  # requests the load sent


def tick(runtime: Runtime, at: datetime) -> dict[str, float]:
    """Every registered pass as one tick runs them (sharing what they learn), each one timed."""
    took: dict[str, float] = {}
    with one_tick():
        for name, job in runtime.jobs.items():
            took[name] = timed(lambda job=job: job(at))  # type: ignore[misc]
    return took


def status_median(database: Database, fake: FakeSlack, project: BuiltProject) -> float:
    with serving(pmo_app(database, fake), fake) as running:
        ask: Callable[[], object] = lambda: running.slack.command(  # noqa: E731
            "status", channel=project.channel, user=project.manager
        ).json()
        return median(milliseconds(timings(ask, STATUS_REQUESTS)))


def measure(
    url: str, database: Database, fake: FakeSlack, built: list[BuiltProject], args: argparse.Namespace
) -> Step:
    at = monday_ten(date.today())
    delete_rows(database, FORGET)
    runtime = pmo_app(database, fake).runtime  # a fresh process: nothing cached
    before = len(fake.calls_to("chat.postMessage", ok=True))
    passes = tick(runtime, at)
    sent = len(fake.calls_to("chat.postMessage", ok=True)) - before
    status = status_median(database, fake, built[0])
    everyone = [Person(user, project) for project in built for user in project.members]
    clients = [everyone[n * len(everyone) // LOAD_CLIENTS] for n in range(LOAD_CLIENTS)]
    with tempfile.TemporaryDirectory() as folder, pmo_bot_serve(url, fake.api_url, Path(folder)) as served:
        tally = drive(served, fake, clients, args.seconds, 0.0)
        rss = served.rss_mb()
    people = sum(1 + len(project.members) for project in built)
    return Step(len(built), people, passes, sent, status, rss, len(tally.seconds))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--steps",
        type=lambda value: [int(part) for part in value.split(",")],
        default=list(STEPS),
        help="the workspace's projects at each step, comma-separated (default 250,500,1000,2000)",
    )
    parser.add_argument("--tasks", type=int, default=PROJECT.tasks, help="tasks per project")
    parser.add_argument("--seconds", type=float, default=10, help="how long the load runs at each step")


def step_figures(step: Step, previous: Step | None) -> list[Figure]:
    """Each figure of a step beside the step before, its ratio the growth."""

    def figure(name: str, value: float, unit: str, before: float | None, target: str) -> Figure:
        if previous is None or before is None:
            return Figure(name, value, unit)
        if unit == "s" and max(value, before) < NOISE_S:
            return Figure(name, value, unit, baseline=before, baseline_name=f"at {previous.projects}")
        grown = value / before if before else 0.0
        limit = float(target.strip("≤ ×"))
        return Figure(
            name,
            value,
            unit,
            baseline=before,
            baseline_name=f"at {previous.projects}",
            target=target,
            met=grown <= limit,
        )

    work = step.projects / previous.projects if previous else 1.0
    figures = [
        figure(
            f"pass {name}",
            seconds,
            "s",
            previous.passes.get(name) if previous else None,
            f"≤ {work * 1.25:.2g}×",
        )
        for name, seconds in step.passes.items()
    ]
    figures.append(
        figure("tick, all passes", sum(step.passes.values()), "s", _total(previous), f"≤ {work * 1.25:.2g}×")
    )
    figures.append(figure("/pmo status median", step.status_ms, "ms", _of(previous, "status_ms"), "≤ 1.3×"))
    figures.append(figure("serve RSS after load", step.rss_mb, "MB", _of(previous, "rss_mb"), "≤ 1.3×"))
    return figures


def _total(step: Step | None) -> float | None:
    return sum(step.passes.values()) if step else None


def _of(step: Step | None, name: str) -> float | None:
    return getattr(step, name) if step else None


def run(args: argparse.Namespace) -> None:
    shape = replace(PROJECT, tasks=args.tasks)
    today = monday_ten(date.today()).date()
    steps: list[Step] = []
    with scratch_database(args.database_url) as url:
        database = Database(url)
        fake = fake_slack()
        built: list[BuiltProject] = []
        try:
            for size in args.steps:
                started = time.perf_counter()
                grown = build_workspace(
                    database, TEAM, projects=size - len(built), shape=shape, today=today, first=len(built)
                )
                for project in grown:
                    for user in (project.manager, *project.members):
                        fake.add_user(TEAM, user, tz=shape.timezone)
                built += grown
                took = time.perf_counter() - started
                print(f"grew to {size} projects of {args.tasks} tasks in {took:.0f} s")
                steps.append(measure(url, database, fake, built, args))
                last = steps[-1]
                print(
                    f"  {last.people} people: the tick sent {last.sent} messages; "
                    f"the load sent {last.requests} requests"
                )
        finally:
            fake.stop()
            database.dispose()
    for previous, step in zip([None, *steps], steps, strict=False):
        report(f"growth: {step.projects} projects, {step.people} people", url, step_figures(step, previous))

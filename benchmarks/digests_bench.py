"""The weekly digest pass for 1,000 projects of 200 tasks against a fake Slack without rate limits.

    python -m benchmarks digests [--projects 1000] [--tasks 200] [--database-url URL]

Times one `digests` pass (every project due, Monday 09:05 in the projects' time zone) twice:

- as the Monday tick runs it: the `trends` pass kept each project's figures at the first tick
  of its day, and the status it built for them is still current (nothing was written since);
- after a restart: the process has built no status today (the day's figures were kept before
  it started), so the pass builds every one. This is the first pass of the process.

It counts the database statements the pass sends, per project, for a small workspace and the
big one: the count must not grow with the number of projects or their tasks. The baseline is
the same number of `chat.postMessage` calls made straight to the fake Slack, the floor of any
pass.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from benchmarks.harness import (
    Figure,
    QueryCounter,
    delete_rows,
    fake_slack,
    pmo_app,
    report,
    scratch_database,
    timed,
)
from benchmarks.scenario import Shape, build_workspace
from bot.runtime import Runtime
from handlers.digests.weekly import DigestPass
from handlers.trends.daily import TrendPass
from models.core.database import Database
from models.status.snapshot import KEPT
from tests.support.workspace import OTHER_TEAM, TEAM

NAME = "digests"
# The pass may take at most this many times the bare posts it makes (issue 21).
PASS_TARGET_RATIO = 3.0
SMALL = 10
# What each project holds besides its tasks: enough for every line of a digest to have content.
PROJECT = Shape(members=4, milestones=3, risks=5, costs=10, checked_tasks=5)


def monday_morning(today: date) -> datetime:
    """This week's Monday, 09:05 in Asia/Shanghai, when every project's digest is due."""
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, 1, 5, tzinfo=UTC)


def first_minute(at: datetime, timezone: str) -> datetime:
    """The first minute of `at`'s day in `timezone`: the tick that keeps each project's figures."""
    day = at.astimezone(ZoneInfo(timezone)).date()
    return datetime(day.year, day.month, day.day, 0, 1, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def forget_the_day(database: Database, team_id: str) -> None:
    """The workspace's sends, health and trend rows of the day gone, and no status kept: as on a
    Monday before its first tick. None of these rows moves a project's revision."""
    delete_rows(database, ("deliveries", "health_snapshots", "trend_snapshots"), team_id)
    KEPT.clear()


def post_floor(runtime: Runtime, channels: list[str], text: str) -> float:
    """Seconds to post one message per channel, straight through the app's own client."""
    client = runtime.client_for(TEAM)
    return timed(lambda: [client.chat_postMessage(channel=channel, text=text) for channel in channels])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=200, help="tasks per project")


def run(args: argparse.Namespace) -> None:
    at = monday_morning(date.today())
    shape = replace(PROJECT, tasks=args.tasks)
    with scratch_database(args.database_url) as url:
        database = Database(url)
        started = time.perf_counter()
        built = build_workspace(database, TEAM, projects=args.projects, shape=shape, today=at.date())
        small = {"projects": SMALL, "shape": shape, "today": at.date(), "channel_prefix": "C9"}
        build_workspace(database, OTHER_TEAM, **small)
        took = time.perf_counter() - started
        print(f"built {args.projects + SMALL} projects of {args.tasks} tasks in {took:.0f} s")
        fake = fake_slack()
        # One bot token serves both workspaces: the fake Slack does not mind which.
        runtime = pmo_app(database, fake).runtime
        counter = QueryCounter(database.engine)
        with counter.counting():
            DigestPass(runtime, OTHER_TEAM, at).run()
        small_queries = counter.count
        with counter.counting():
            restarted = timed(DigestPass(runtime, TEAM, at).run)
        big_queries = counter.count
        cold_posts = fake.calls_to("chat.postMessage", ok=True)
        sample = cold_posts[-1].args["text"]
        forget_the_day(database, TEAM)
        # The same process, another runtime: this one's pacer would hold every channel's second
        # post for a second, where the tick's last post to them was a week ago.
        runtime = pmo_app(database, fake).runtime
        trends = timed(TrendPass(runtime, TEAM, first_minute(at, shape.timezone)).run)
        fake.reset()
        seconds = timed(DigestPass(runtime, TEAM, at).run)
        posts = fake.calls_to("chat.postMessage", ok=True)
        fake.reset()
        floor = post_floor(runtime, [project.channel for project in built], sample)
        fake.stop()
        database.dispose()
    delivered = len({call.args["channel"] for call in posts})
    print(f"digests posted: {len(posts)} to {delivered} channels (expected {args.projects})")
    print(f"after a restart: {len(cold_posts)} posted (expected {args.projects + SMALL}, both workspaces)")
    bare = f"{args.projects} bare posts"
    report(
        f"weekly digests, {args.projects} projects of {args.tasks} tasks",
        url,
        [
            Figure(
                "digest pass, the Monday tick",
                seconds,
                "s",
                baseline=floor,
                baseline_name=bare,
                target=f"≤ {PASS_TARGET_RATIO:g}× the bare posts",
                met=seconds <= PASS_TARGET_RATIO * floor,
            ),
            Figure("digest pass after a restart", restarted, "s", baseline=floor, baseline_name=bare),
            Figure("trends pass at the day's start", trends, "s", baseline=floor, baseline_name=bare),
            Figure(
                f"queries per project ({args.projects})",
                big_queries / args.projects,
                "",
                baseline=small_queries / SMALL,
                baseline_name=f"with {SMALL} projects",
                target="constant",
                met=big_queries / args.projects <= small_queries / SMALL + 0.5,
            ),
        ],
    )

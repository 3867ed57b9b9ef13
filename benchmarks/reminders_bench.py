"""The overdue-reminder pass over 100,000 tasks: how long it takes to find what is due.

    python -m benchmarks reminders [--tasks 100000] [--database-url URL]

The workspace has projects of 200 tasks, each with its own six people, so there are as many
owners as a big PMO has. Times finding every reminder and manager summary due on a Monday at
10:00 in the owners' time zone: first with nobody's Slack profile cached (the directory read
from Slack, against the fake Slack, whose calls are counted), then as every later minute's tick
finds it, and once everything was sent. The baseline is the database alone counting the
overdue tasks in one plain query. The first pass must learn about people from a few pages of
the directory, not from a call a person.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from benchmarks.harness import Figure, fake_slack, pmo_app, report, scratch_database, timed
from benchmarks.scenario import Shape, build_workspace, people
from handlers.reminders.overdue import ReminderPass
from handlers.slack.directory import PAGE_SIZE
from models.core.database import Database
from tests.support.workspace import TEAM

NAME = "reminders"
FIND_TARGET_S = 1.0
PROJECT = Shape(tasks=200, members=6, milestones=2, risks=2, costs=2, checked_tasks=5)
OVERDUE = """
    SELECT count(*) FROM tasks
    WHERE owner_id IS NOT NULL AND status IN ('todo', 'in_progress', 'blocked') AND due_date < :today
"""


def monday_ten(today: date) -> datetime:
    """This week's Monday, 10:00 in Asia/Shanghai: every owner's reminder time has come."""
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, 2, 0, tzinfo=UTC)


def asked_about_people(asked: dict[str, int], listed: int) -> Figure:
    """The Slack calls the first pass of the day made about people, judged against the directory's
    pages: `users.info` once a person would be thousands of calls, each waiting out its rate."""
    # One page more than the directory fills: Slack may end on an empty page.
    pages = -(-listed // PAGE_SIZE) + 1
    return Figure(
        "Slack asked about people, first",
        asked["users.list"] + asked["users.info"],
        "calls",
        target=f"≤ {pages} users.list pages, no users.info",
        met=asked["users.info"] == 0 and asked["users.list"] <= pages,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tasks", type=int, default=100_000, help="tasks in the workspace")


def run(args: argparse.Namespace) -> None:
    at = monday_ten(date.today())
    projects = max(1, args.tasks // PROJECT.tasks)
    with scratch_database(args.database_url) as url:
        database = Database(url)
        started = time.perf_counter()
        build_workspace(database, TEAM, projects=projects, shape=PROJECT, today=at.date())
        print(f"built {projects} projects of {PROJECT.tasks} tasks in {time.perf_counter() - started:.0f} s")
        everyone = [user for n in range(projects) for user in people(f"{n:04d}", PROJECT.members)]
        fake = fake_slack(people=everyone)
        runtime = pmo_app(database, fake).runtime
        reminder_pass = ReminderPass(runtime, TEAM, at)
        found: list[object] = []
        cold = timed(lambda: found.extend(reminder_pass.due()))
        asked = {method: len(fake.calls_to(method)) for method in ("users.list", "users.info")}
        listed = fake.people_count(TEAM)
        warm = timed(reminder_pass.due)
        with database.engine.connect() as conn:
            overdue = conn.execute(text(OVERDUE), {"today": at.date()}).scalar_one()
            floor = min(
                timed(lambda: conn.execute(text(OVERDUE), {"today": at.date()}).all()) for _ in range(5)
            )
        reminder_pass.run()
        sent = len(fake.calls_to("chat.postMessage", ok=True))
        later = ReminderPass(runtime, TEAM, at + timedelta(minutes=1))
        after = timed(later.run)
        resent = len(fake.calls_to("chat.postMessage", ok=True)) - sent
        fake.stop()
        database.dispose()
    print(
        f"{overdue} overdue tasks of {len(everyone)} people: {len(found)} DMs due, {sent} sent, "
        f"{resent} sent again by the next tick"
    )
    print(f"Slack asked about people by the first pass: {asked}")
    report(
        f"overdue reminders, {projects * PROJECT.tasks} tasks",
        url,
        [
            Figure(
                "find what is due, profiles cached",
                warm,
                "s",
                baseline=floor,
                baseline_name="one SQL count",
                target=f"< {FIND_TARGET_S:g} s",
                met=warm < FIND_TARGET_S,
            ),
            Figure(
                "find what is due, first of the day", cold, "s", baseline=floor, baseline_name="one SQL count"
            ),
            asked_about_people(asked, listed),
            Figure(
                "next tick, everything sent",
                after,
                "s",
                baseline=floor,
                baseline_name="one SQL count",
                target=f"< {FIND_TARGET_S:g} s",
                met=after < FIND_TARGET_S,
            ),
        ],
    )

"""A full reschedule of 2,000 tasks and 4,000 links beside `/pmo status` of the same project,
and `/pmo task move` on that plan timed end to end over HTTP.

    python -m benchmarks reschedule [--requests 20] [--database-url URL]

The project is the status benchmark's (2,000 tasks, a tenth of them parents), with 4,000
finish-to-start, start-to-start and finish-to-finish links drawn at random from each leaf task
not yet done to one of the few that follow it, as a plan's work packages hand over to the next:
the network has no loop and its chains run the length of the project, so moving the first
leaf carries most of the plan (links drawn between any two tasks would mostly jump half the
plan at once, leaving chains of a dozen tasks and a move that carries a handful). The
reschedule is the engine alone (`follow` moving the first leaf a year later, every successor
carried by its links, then the critical path over the result); the move is a signed
`/pmo task move` answered by the app, which reads the plan, reschedules it, saves every task
carried along with its audit line and answers.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import replace
from datetime import date, timedelta
from graphlib import TopologicalSorter

from sqlalchemy import select

from benchmarks.harness import (
    Figure,
    fake_slack,
    median,
    milliseconds,
    pmo_app,
    report,
    scratch_database,
    timings,
)
from benchmarks.scenario import build_workspace
from benchmarks.status_bench import BIG
from models.calendar.project_calendar import project_calendar
from models.core.database import Database
from models.core.enums import LinkKind, TaskStatus
from models.projects.tables import Project
from models.schedule.cpm import Link
from models.schedule.reschedule import follow
from models.tasks.breakdown import dependency_links, schedule_items
from models.tasks.tables import Task, TaskDependency
from tests.support.served import serving
from tests.support.workspace import TEAM

NAME = "reschedule"
LINKS = 4000
KINDS = (
    LinkKind.FINISH_TO_START,
    LinkKind.FINISH_TO_START,
    LinkKind.START_TO_START,
    LinkKind.FINISH_TO_FINISH,
)
MOVE_TARGET_MS = 3000.0  # Slack's deadline for an answer
# A link joins a task to one of the next NEAR leaf tasks: about two work packages ahead.
NEAR = 20
FAR = 260  # working days: a year, past every task's dates, so the whole downstream moves


def link_leaves(database: Database, key: str, rng: random.Random, links: int = LINKS) -> Task:
    """`links` links from each leaf task to one of the NEAR after it (by number): a network
    without loops whose chains run from the first task to the last."""
    with database.session(TEAM) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        parents = set(db.scalars(select(Task.parent_id).where(Task.parent_id.is_not(None))))
        tasks = db.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.number))
        # Done work keeps its dates and stops a move there: links join the work still to do.
        leaves = [task for task in tasks if task.id not in parents and task.status is not TaskStatus.DONE]
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < links:
            first = rng.randrange(len(leaves) - 1)
            second = min(first + rng.randint(1, NEAR), len(leaves) - 1)
            pairs.add((leaves[first].id, leaves[second].id))
        for before, after in pairs:
            db.add(TaskDependency(team_id=TEAM, task_id=after, depends_on_id=before, kind=rng.choice(KINDS)))
        db.flush()
        db.expunge(leaves[0])
        return leaves[0]


def longest_chain(links: list[Link]) -> int:
    """How many tasks the longest chain of links holds: how deep a move can carry."""
    before: dict[int, set[int]] = {}
    for link in links:
        before.setdefault(link.after, set()).add(link.before)
    depth: dict[int, int] = {}
    for node in TopologicalSorter(before).static_order():
        depth[node] = 1 + max((depth[other] for other in before.get(node, ())), default=0)
    return max(depth.values(), default=0)


def reschedule_once(database: Database, key: str, number: int) -> int:
    """The engine alone: move the first leaf past every other date, so all that follows it moves."""
    with database.session(TEAM, write=False) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        items, links = schedule_items(db, project), dependency_links(db, project)
        calendar = project_calendar(db, project)
        moved = db.scalars(select(Task.id).where(Task.project_id == project.id, Task.number == number)).one()
    was = next(item for item in items if item.id == moved)
    assert was.start is not None and was.due is not None
    now = replace(was, start=calendar.add(was.start, FAR), due=calendar.add(was.due, FAR))
    placed = [now if item.id == moved else item for item in items]
    return len(follow(placed, links, calendar, moved=moved, was=was).shifts)


def chain_depth(database: Database, key: str) -> int:
    with database.session(TEAM, write=False) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        return longest_chain(dependency_links(db, project))


def measure(url: str, requests: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    database = Database(url)
    [project] = build_workspace(database, TEAM, projects=1, shape=BIG, today=date.today())
    first = link_leaves(database, project.key, random.Random(11))
    assert first.start_date is not None and first.due_date is not None
    far = timedelta(days=365)
    # Each move swaps the task between its own dates and a year later: every time, all the work
    # after it is carried out, or back.
    places = [(first.start_date + far, first.due_date + far), (first.start_date, first.due_date)]
    fake = fake_slack(people=[project.manager, *project.members])
    found: dict[str, list[float]] = {}
    counts = {
        "carried": reschedule_once(database, project.key, first.number),
        "longest chain": chain_depth(database, project.key),
    }
    try:
        found["reschedule"] = timings(lambda: reschedule_once(database, project.key, first.number), requests)
        with serving(pmo_app(database, fake), fake) as running:
            ask = running.slack.command
            found["status"] = timings(lambda: ask("status", channel=project.channel).json(), requests)
            turns = iter(range(1_000_000))

            def move() -> str:
                start, due = places[next(turns) % 2]
                text: str = ask(
                    f"task move {project.key}-{first.number} start {start.isoformat()} due {due.isoformat()}",
                    channel=project.channel,
                    user=project.manager,
                ).json()["text"]
                return text

            answer = move()
            counts["move lines"] = len(answer.splitlines())
            print(answer.splitlines()[0])
            found["move"] = timings(move, requests, warm=0)
    finally:
        fake.stop()
        database.dispose()
    return {name: milliseconds(values) for name, values in found.items()}, counts


def figures(found: dict[str, list[float]]) -> list[Figure]:
    reschedule, status, move = found["reschedule"], found["status"], found["move"]
    return [
        Figure("/pmo status median", median(status), "ms"),
        Figure(
            "full reschedule median (engine)",
            median(reschedule),
            "ms",
            baseline=median(status),
            baseline_name="/pmo status",
        ),
        Figure(
            "/pmo task move median, end to end",
            median(move),
            "ms",
            target=f"< {MOVE_TARGET_MS:g} ms",
            met=max(move) < MOVE_TARGET_MS,
        ),
        Figure(
            "/pmo task move slowest",
            max(move),
            "ms",
            target=f"< {MOVE_TARGET_MS:g} ms",
            met=max(move) < MOVE_TARGET_MS,
        ),
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=20, help="timed runs of each")


def run(args: argparse.Namespace) -> None:
    with scratch_database(args.database_url) as url:
        found, counts = measure(url, args.requests)
    print(
        f"first move carried {counts['carried']} tasks; the longest chain holds {counts['longest chain']}"
        f" tasks; the answer had {counts['move lines']} lines"
    )
    report("reschedule, 2,000 tasks, 4,000 links", url, figures(found))

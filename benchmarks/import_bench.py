"""Importing a Microsoft Project XML plan of 200 and of 2,000 tasks, beside exporting the same plan.

    python -m benchmarks import [--runs 5] [--database-url URL]

Each plan is the status benchmark's shape (a tenth of the tasks parents of the nine after
them, milestones, a team) with twice as many finish-to-start, start-to-start and
finish-to-finish links as tasks, drawn as the reschedule benchmark draws them. It is exported
with `/pmo export plan`'s writer (the baseline), then imported into an empty project: the
preview (everything checked, dated and written, then rolled back, as `pmo-bot import` without
`--yes` and the Slack form's preview do) timed `--runs` times, and one import saved.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from sqlalchemy import select

from benchmarks.harness import Figure, median, milliseconds, report, scratch_database, timings
from benchmarks.reschedule_bench import link_leaves
from benchmarks.scenario import Shape, build_workspace
from models.core.access import Actor
from models.core.database import Database
from models.projects.tables import Project
from models.schedule.mspdi import read, write
from models.schedule.plan_file import plan_file
from models.schedule.plan_import import Imported, import_plan
from tests.support.workspace import TEAM

NAME = "import"
SIZES = (200, 2000)
TARGET_S = 60.0  # the bound for a 2,000-task plan
EMPTY = Shape(tasks=0, milestones=0, risks=0, costs=0, members=2, checked_tasks=0)


def exported(database: Database, key: str) -> bytes:
    with database.session(TEAM, write=False) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        return write(plan_file(db, project, lambda user: user))


def imported(database: Database, key: str, content: bytes, *, save: bool) -> Imported:
    with database.session(TEAM) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        assert project.manager_id is not None
        done = import_plan(
            db=db,
            actor=Actor(project.manager_id),
            project=project,
            plan=read(content),
            owner=lambda person: person.name,
        )
        if not save:
            db.rollback()
    return done


def measure(url: str, size: int, runs: int) -> list[Figure]:
    database = Database(url)
    try:
        shape = Shape(tasks=size, milestones=12, members=8)
        [source] = build_workspace(database, TEAM, projects=1, shape=shape, today=date.today(), first=size)
        link_leaves(database, source.key, random.Random(11), links=2 * size)
        [target] = build_workspace(
            database, TEAM, projects=1, shape=EMPTY, today=date.today(), first=size + 1
        )
        content = exported(database, source.key)
        export = milliseconds(timings(lambda: exported(database, source.key), runs, warm=1))
        preview = milliseconds(
            timings(lambda: imported(database, target.key, content, save=False), runs, warm=1)
        )
        started = time.perf_counter()
        done = imported(database, target.key, content, save=True)
        saved = time.perf_counter() - started
    finally:
        database.dispose()
    print(
        f"{size} tasks: the file is {len(content) / 1024:.0f} KiB; imported {done.tasks} tasks,"
        f" {done.links} links, {done.milestones} milestones"
    )
    return [
        Figure(f"export, {size} tasks, median", median(export), "ms"),
        Figure(
            f"import preview, {size} tasks, median",
            median(preview),
            "ms",
            baseline=median(export),
            baseline_name="export",
        ),
        Figure(
            f"import saved, {size} tasks",
            saved,
            "s",
            target=f"< {TARGET_S:g} s",
            met=saved < TARGET_S,
        ),
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the export and the preview")


def run(args: argparse.Namespace) -> None:
    for size in SIZES:
        with scratch_database(args.database_url) as url:
            found = measure(url, size, args.runs)
        report(f"import of a Microsoft Project XML plan, {size} tasks", url, found)

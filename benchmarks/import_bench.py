"""Importing a Microsoft Project XML plan of 200 and of 2,000 tasks, beside exporting the same plan.

    python -m benchmarks import [--runs 5] [--database-url URL]

Each plan is the status benchmark's shape (a tenth of the tasks parents of the nine after
them, milestones, a team) with twice as many finish-to-start, start-to-start and
finish-to-finish links as tasks, drawn as the reschedule benchmark draws them. It is exported
with `/pmo export plan`'s writer (the baseline), then imported into an empty project: the
preview (everything checked, dated and written, then rolled back, as `pmo-bot import` without
`--yes` and the Slack form's preview do) timed `--runs` times, and one import saved. Then
`/pmo import` end to end over HTTP into a third, empty project: the answer to the upload's
submission (Slack's 3 s), the time until the preview replaces the form, the answer to
*Import*, and the time until the saved plan is shown.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import date

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
from benchmarks.reschedule_bench import link_leaves
from benchmarks.scenario import BuiltProject, Shape, build_workspace
from bot.slack_payloads import view_state
from models.core.access import Actor
from models.core.database import Database
from models.projects.tables import Project
from models.schedule.mspdi import read, write
from models.schedule.plan_file import plan_file
from models.schedule.plan_import import Imported, import_plan
from tests.support.served import serving
from tests.support.workspace import TEAM

NAME = "import"
SIZES = (200, 2000)
TARGET_S = 60.0  # the bound for a 2,000-task plan
SLACK_ANSWER_S = 3.0  # Slack's deadline for an answer
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


@dataclass(frozen=True)
class SlackTimes:
    upload_answer: float  # s: the submission with the file, answered
    preview_shown: float  # s: from the submission until views.update shows the preview
    import_answer: float  # s: Import pressed, answered
    saved_shown: float  # s: from Import until views.update shows the saved plan


def through_slack(database: Database, project: BuiltProject, content: bytes) -> SlackTimes:
    fake = fake_slack(people=[project.manager, *project.members])
    try:
        with serving(pmo_app(database, fake), fake) as running:
            file_id = fake.add_file(TEAM, filename="plan.xml", content=content)
            running.slack.command("import", channel=project.channel, user=project.manager)
            form = fake.wait_for("views.open")[-1].args["view"]
            started = time.perf_counter()
            answer = running.slack.view_submission(
                form, view_state(form, {"plan_file": file_id}), user=project.manager
            )
            # The driver waits for the work after the answer too; the answer's own time is elapsed.
            upload_answer = answer.elapsed
            assert answer.json()["response_action"] == "update", answer.text
            preview = fake.wait_for("views.update", 1, timeout=TARGET_S)[-1].args["view"]
            preview_shown = time.perf_counter() - started
            started = time.perf_counter()
            import_answer = running.slack.view_submission(preview, {}, user=project.manager).elapsed
            shown = fake.wait_for("views.update", 2, timeout=TARGET_S)[-1].args["view"]
            saved_shown = time.perf_counter() - started
            assert "Imported into" in str(shown), shown
    finally:
        fake.stop()
    return SlackTimes(upload_answer, preview_shown, import_answer, saved_shown)


def answered(name: str, seconds: float) -> Figure:
    """How long Slack waited for an answer, against its 3 s."""
    target = f"< {SLACK_ANSWER_S * 1000:g} ms"
    return Figure(name, seconds * 1000, "ms", target=target, met=seconds < SLACK_ANSWER_S)


def slack_figures(size: int, found: SlackTimes) -> list[Figure]:
    return [
        answered(f"/pmo import upload answered, {size}", found.upload_answer),
        Figure(f"/pmo import preview shown, {size}", found.preview_shown, "s"),
        answered(f"/pmo import Import answered, {size}", found.import_answer),
        Figure(
            f"/pmo import saved and shown, {size}",
            found.saved_shown,
            "s",
            target=f"< {TARGET_S:g} s",
            met=found.saved_shown < TARGET_S,
        ),
    ]


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
        [by_slack] = build_workspace(
            database, TEAM, projects=1, shape=EMPTY, today=date.today(), first=size + 2
        )
        slack = through_slack(database, by_slack, content)
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
        *slack_figures(size, slack),
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the export and the preview")


def run(args: argparse.Namespace) -> None:
    for size in SIZES:
        with scratch_database(args.database_url) as url:
            found = measure(url, size, args.runs)
        report(f"import of a Microsoft Project XML plan, {size} tasks", url, found)

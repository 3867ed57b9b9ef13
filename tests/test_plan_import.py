"""A plan imported from Microsoft Project XML: the round trip of `/pmo export plan`, all or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Project, Task
from models.core.access import Actor
from models.core.claims import upsert_rows
from models.core.clock import utcnow
from models.core.errors import InvalidError
from models.core.workspace import SlackUser
from models.schedule.mspdi import PlanFile, PlanResource, read, write
from models.schedule.plan_file import plan_file
from models.schedule.plan_import import import_plan
from tests.support.charter import create
from tests.support.flows import say
from tests.support.plan_files import JIRA, MS_PROJECT
from tests.support.planning import planned
from tests.support.processes import jobs_env, run_here
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, CAROL, TEAM

NAMES = {CAROL: "Carol Danvers"}


def by_name(resource: PlanResource) -> str | None:
    return {name: user for user, name in NAMES.items()}.get(resource.name)


def plan_file_of(bot: RunningBot, key: str) -> PlanFile:
    with bot.database.session(TEAM, write=False) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        return plan_file(db, project, NAMES.get)


def exported(bot: RunningBot, key: str) -> PlanFile:
    return read(write(plan_file_of(bot, key)))


def imported(bot: RunningBot, key: str, plan: PlanFile) -> None:
    with bot.database.session(TEAM) as db:
        project = db.scalars(select(Project).where(Project.key == key)).one()
        import_plan(db=db, actor=Actor(ALICE), project=project, plan=plan, owner=by_name)


def test_an_exported_plan_imported_into_a_fresh_project_gives_the_same_schedule(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "holidays add 2026-12-10 Company day", user=ADMIN)
    say(bot, "task add Release <@U0003>")
    say(bot, "task add Design <@U0003> under APL-1 start 2026-12-02 due 2026-12-04")
    say(bot, "task add Build under APL-1 duration 3d after APL-2 +1d")
    say(bot, "task add Docs start 2026-12-08 due 2026-12-08")
    say(bot, "task link APL-4 starts with APL-3")
    say(bot, "milestone add Beta after APL-3")
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    bot.slack.command("team add <@U0003> member", channel="C0002")
    original = exported(bot, "APL")

    imported(bot, "ZEUS", original)

    again = exported(bot, "ZEUS")
    assert again == replace(original, name="ZEUS Zeus")
    # Not vacuous: the plan holds the outline, both kinds of link, a lag, a milestone and an owner.
    assert {task.outline_level for task in again.tasks} == {1, 2}
    assert sum(len(task.links) for task in again.tasks) == 3
    assert any(link.lag_days == 1 for task in again.tasks for link in task.links)
    assert [task.name for task in again.tasks if task.milestone] == ["Beta"]
    assert [resource.name for resource in again.resources] == ["Carol Danvers"]


def test_a_plan_is_not_imported_over_an_existing_one_and_nothing_is_saved(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Design start 2026-12-02 due 2026-12-04")
    plan = exported(bot, "APL")
    with pytest.raises(InvalidError) as refused:
        imported(bot, "APL", plan)
    assert refused.value.key == "import.project_has_plan"
    with bot.database.session(TEAM, write=False) as db:
        assert db.scalar(select(func.count()).select_from(Task)) == 1


def task_count(bot: RunningBot) -> int:
    with bot.database.session(TEAM, write=False) as db:
        return db.scalar(select(func.count()).select_from(Task)) or 0


def test_the_command_line_previews_then_saves_with_yes_and_refuses_a_bad_file(
    bot: RunningBot, tmp_path: Path
) -> None:
    planned(bot)
    say(bot, "task add Design <@U0003> start 2026-12-02 due 2026-12-04")
    say(bot, "task add Build duration 3d after APL-1")
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    plan = tmp_path / "plan.xml"
    plan.write_bytes(write(plan_file_of(bot, "APL")))
    command = ["import", str(plan), "--project", "zeus", "--team", TEAM, "--as", ALICE]

    shown = run_here(command, jobs_env(bot), tmp_path)
    assert (shown.returncode, task_count(bot)) == (0, 2)
    # No one in the workspace is called "Carol Danvers": she is listed, the work still comes in.
    assert shown.stdout.splitlines() == [
        "Read as Microsoft Project XML.",
        "Will create 2 tasks, 1 dependency and 0 milestones.",
        "0 people in the file matched to someone on the team.",
        "No one in this workspace goes by these names, so their work comes in without an owner:"
        " Carol Danvers",
        "Nothing saved: run again with `--yes` to save.",
    ]

    saved = run_here([*command, "--yes"], jobs_env(bot), tmp_path)
    assert (saved.returncode, task_count(bot)) == (0, 4)
    again = run_here([*command, "--yes"], jobs_env(bot), tmp_path)
    assert again.returncode == 1 and "already has tasks" in again.stderr
    plan.write_bytes(b"<Project><Tasks><Task><UID>x</UID></Task></Tasks></Project>")
    broken = run_here([*command, "--yes"], jobs_env(bot), tmp_path)
    assert (broken.returncode, task_count(bot)) == (1, 4)


def known_people(bot: RunningBot) -> None:
    """The directory cache as reading users.list leaves it: Carol and Pat by their real names."""
    rows = [
        {"team_id": TEAM, "user_id": user, "name": name, "tz": "UTC", "fetched_at": utcnow()}
        for user, name in ((CAROL, "Carol Díaz"), (ADMIN, "Pat Okafor"))
    ]
    with bot.database.session(TEAM) as db:
        upsert_rows(db, SlackUser, rows, conflict=["team_id", "user_id"])


def imported_tasks(
    bot: RunningBot,
) -> list[tuple[str, int | None, str | None, date | None, date | None, str]]:
    with bot.database.session(TEAM, write=False) as db:
        tasks = db.scalars(select(Task).order_by(Task.number)).all()
        numbers = {task.id: task.number for task in tasks}
        return [
            (
                task.title,
                numbers.get(task.parent_id) if task.parent_id else None,
                task.owner_id,
                task.start_date,
                task.due_date,
                task.status.value,
            )
            for task in tasks
        ]


def test_a_jira_csv_comes_in_with_its_outline_links_and_owners_matched_by_name(
    bot: RunningBot, tmp_path: Path
) -> None:
    planned(bot)
    known_people(bot)
    plan = tmp_path / "jira.csv"
    plan.write_text(JIRA, encoding="utf-8")

    saved = run_here(
        ["import", str(plan), "--project", "apl", "--team", TEAM, "--as", ALICE, "--yes"],
        jobs_env(bot),
        tmp_path,
    )

    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.splitlines()[1:] == [
        "Will create 4 tasks, 3 dependencies and 0 milestones.",
        "1 person in the file matched to someone on the team.",
        "No one in this workspace goes by these names, so their work comes in without an owner: Zed Nobody",
        "These people are not on the project's team, so their work comes in without an owner"
        " (add them with `/pmo team add` first to keep it theirs): Pat Okafor",
        "Imported into *APL*, in one go.",
    ]
    # Design: 16 h is 2 working days up to its due Friday 4 Dec; Build: 24 h is 3 working days
    # from the Monday after Design finishes; the docs: 8 h on their due date.
    assert imported_tasks(bot) == [
        ("Release 2.0", None, None, None, None, "todo"),
        ("Design API", 1, CAROL, date(2026, 12, 3), date(2026, 12, 4), "done"),
        ("Build API", 1, None, date(2026, 12, 7), date(2026, 12, 9), "todo"),
        ("Write docs", None, None, date(2026, 12, 15), date(2026, 12, 15), "todo"),
    ]


def test_a_microsoft_project_csv_with_problems_is_refused_by_row_and_nothing_is_saved(
    bot: RunningBot, tmp_path: Path
) -> None:
    planned(bot)
    plan = tmp_path / "plan.csv"
    # Microsoft Project quotes a list of predecessors, as CSV quotes any value holding a comma.
    broken = MS_PROJECT.replace("2FS+2 days", '"2FS+2 days,7"').replace("Thu 12/3/26", "Thu 13/3/26")
    plan.write_text(broken)

    refused = run_here(
        ["import", str(plan), "--project", "APL", "--team", TEAM, "--as", ALICE, "--yes"],
        jobs_env(bot),
        tmp_path,
    )

    assert (refused.returncode, task_count(bot)) == (1, 0)
    assert refused.stderr.splitlines() == [
        "pmo-bot: The plan was not imported, nothing was saved: 2 problems to correct in the file.",
        "pmo-bot: Row 3: Finish is not a date: Thu 13/3/26.",
        "pmo-bot: Row 4: It waits for 7, which is not in the file.",
    ]

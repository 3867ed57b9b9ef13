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
from models.core.enums import LinkKind
from models.core.errors import InvalidError
from models.core.workspace import SlackUser
from models.schedule.mspdi import PlanFile, PlanResource, read, write
from models.schedule.plan_file import plan_file
from models.schedule.plan_import import import_plan
from models.tasks.tables import Milestone, MilestoneLink, TaskDependency
from tests.support.charter import create
from tests.support.flows import CHANNEL, open_modal, say, submit
from tests.support.plan_files import ASANA, JIRA, MS_PROJECT
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

    # Corrected, but Build starts the day Design finishes (a half day each in the tool): the
    # link holds in days only if Build starts a working day later, its two days kept.
    plan.write_text(
        MS_PROJECT.replace("2FS+2 days", "2").replace("Tue 12/8/26,Wed 12/9/26", "Thu 12/3/26,Fri 12/4/26")
    )
    saved = run_here(
        ["import", str(plan), "--project", "APL", "--team", TEAM, "--as", ALICE, "--yes"],
        jobs_env(bot),
        tmp_path,
    )
    assert saved.returncode == 0, saved.stderr
    assert (
        "1 task starts later than the file says, so that the tasks it waits for finish first"
        " (its length kept)."
    ) in saved.stdout.splitlines()
    build = [row for row in imported_tasks(bot) if row[0] == "Build"]
    assert [(start, due) for _, _, _, start, due, _ in build] == [(date(2026, 12, 4), date(2026, 12, 7))]


def test_the_command_line_matches_people_by_email_as_slack_knows_them(
    bot: RunningBot, tmp_path: Path
) -> None:
    planned(bot)
    bot.fake.add_user(
        TEAM, CAROL, name="carol", real_name="Carol Díaz", tz="Europe/Madrid", email="carol@example.com"
    )
    plan = tmp_path / "tasks.csv"
    # The name Carol set in Asana is not her Slack name; her address is.
    plan.write_text(ASANA.replace("Carol Díaz,carol@example.com", "C. Díaz,Carol@Example.com"))

    saved = run_here(
        ["import", str(plan), "--project", "APL", "--team", TEAM, "--as", ALICE, "--yes"],
        jobs_env(bot),
        tmp_path,
    )

    assert saved.returncode == 0, saved.stderr
    assert [call.args["email"] for call in bot.fake.calls_to("users.lookupByEmail")] == [
        "alice@example.com",
        "carol@example.com",
    ]
    with bot.database.session(TEAM, write=False) as db:
        copy = db.scalars(select(Task).where(Task.title == "Copy")).one()
    assert copy.owner_id == CAROL


def test_pmo_import_previews_an_uploaded_file_then_saves_it_whole_and_tells_the_channel(
    bot: RunningBot,
) -> None:
    planned(bot)
    known_people(bot)
    file_id = bot.fake.add_file(TEAM, filename="plan.csv", content=MS_PROJECT.encode())

    form = open_modal(bot, "import")
    [upload] = [block for block in form["blocks"] if block["type"] == "input"]
    assert upload["element"]["type"] == "file_input" and upload["element"]["max_files"] == 1

    reading = submit(bot, form, {"plan_file": file_id}).json()
    assert reading["response_action"] == "update" and "Reading the file" in str(reading["view"])
    [shown] = bot.fake.wait_for("views.update")
    preview = shown.args["view"]
    lines = " ".join(block["text"]["text"] for block in preview["blocks"])
    assert "Read as Microsoft Project CSV, from the columns ID, Name, Duration" in lines
    assert "Will create 3 tasks, 1 dependency and 1 milestone." in lines
    assert "1 person in the file matched to someone on the team." in lines
    assert task_count(bot) == 0  # a preview saves nothing

    saving = submit(bot, preview, {}).json()
    assert saving["response_action"] == "update"
    done = bot.fake.wait_for("views.update", 2)[-1].args["view"]
    assert "Imported into *APL*, in one go." in str(done)
    [told] = [
        call for call in bot.fake.wait_for("chat.postMessage") if "imported the plan" in call.args["text"]
    ]
    assert told.args["channel"] == CHANNEL
    assert "from a Microsoft Project CSV file: 3 tasks, 1 dependency and 1 milestone" in told.args["text"]
    with bot.database.session(TEAM, write=False) as db:
        links = db.execute(select(TaskDependency.kind, TaskDependency.lag_days)).all()
        beta = db.scalars(select(Milestone)).one()
        followed = db.scalars(select(MilestoneLink.task_id)).all()
        build = db.scalars(select(Task).where(Task.title == "Build")).one()
    # Build waits for Design FS+2 days (the file's own dates keep the link: Thu 3 Dec + 2 days).
    assert links == [(LinkKind.FINISH_TO_START, 2)]
    assert (beta.name, beta.due_date, followed) == ("Beta", date(2026, 12, 9), [build.id])
    assert (build.owner_id, build.start_date, build.due_date) == (CAROL, date(2026, 12, 8), date(2026, 12, 9))


def test_pmo_import_refuses_a_member_and_lists_a_bad_file_by_row(bot: RunningBot) -> None:
    planned(bot)
    assert "Only the project's manager" in say(bot, "import", user=CAROL)
    broken = MS_PROJECT.replace(",3,1,,Yes", ",3FS+lots,1,,Yes").replace("Thu 12/3/26", "someday")
    file_id = bot.fake.add_file(TEAM, filename="plan.csv", content=broken.encode())

    submit(bot, open_modal(bot, "import"), {"plan_file": file_id})

    [shown] = bot.fake.wait_for("views.update")
    texts = [block["text"]["text"] for block in shown.args["view"]["blocks"]]
    assert "submit" not in shown.args["view"]  # nothing to confirm
    assert "\n".join(texts).splitlines() == [
        "The plan was not imported, nothing was saved: 2 problems to correct in the file.",
        "Row 3: Finish is not a date: someday.",
        "Row 5: The predecessor “3FS+lots” is not one of the forms `3`, `3FS+2 days`, `4SS`, `5FF-1 day`.",
    ]
    assert task_count(bot) == 0


def test_pmo_import_matches_an_asana_assignee_by_email_when_the_name_differs(bot: RunningBot) -> None:
    planned(bot)
    bot.fake.add_user(
        TEAM, CAROL, name="carol", real_name="Carol Díaz", tz="Europe/Madrid", email="carol@example.com"
    )
    # Asana writes the name the assignee set in Asana, which need not be their Slack name.
    asana = ASANA.replace("Carol Díaz,carol@example.com", "C. Díaz,Carol@Example.com")
    file_id = bot.fake.add_file(TEAM, filename="tasks.csv", content=asana.encode())

    submit(bot, open_modal(bot, "import"), {"plan_file": file_id})
    preview = bot.fake.wait_for("views.update")[-1].args["view"]
    assert "Read as Asana CSV" in str(preview)
    submit(bot, preview, {})
    bot.fake.wait_for("views.update", 2)

    # The preview and the import each read the file and ask once per address, case folded.
    asked = [call.args["email"] for call in bot.fake.calls_to("users.lookupByEmail")]
    assert asked == ["alice@example.com", "carol@example.com"] * 2
    with bot.database.session(TEAM, write=False) as db:
        copy = db.scalars(select(Task).where(Task.title == "Copy")).one()
        parent = db.scalars(select(Task).where(Task.title == "Launch site")).one()
    assert (copy.owner_id, copy.status.value, copy.parent_id) == (CAROL, "done", parent.id)
    assert "refused whole" in say(bot, "help import")

"""Starting a project from a template over real HTTP: the charter form offers the workspace's
templates, and the project is created with its breakdown scheduled in working days from its
start, its milestones, risks, quality criteria, communication plan and gates."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select

from bot.formats import fmt_date
from models import (
    AcceptanceCriterion,
    CommPlanLine,
    Milestone,
    Project,
    ProjectTemplate,
    Risk,
    Task,
    TaskDependency,
)
from models.core.enums import CommKind
from models.templates.file_format import read_template
from models.templates.library import builtin_templates, keep_template
from tests.support.charter import CHARTER
from tests.support.flows import count_rows, field_errors, open_modal, say, submit
from tests.support.languages import ZH, english_words, texts
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, TEAM, WEI

RELEASE = "builtin:en:software-release"
SATURDAY = date(2026, 12, 5)


def picker_options(view: dict[str, Any]) -> list[tuple[str, str]]:
    block = next(block for block in view["blocks"] if block.get("block_id") == "template")
    return [(option["value"], option["text"]["text"]) for option in block["element"]["options"]]


def expected_dates(start: date) -> dict[str, tuple[date, date]]:
    """The software release's schedule worked out on numpy's Monday-to-Friday calendar directly,
    without the bot's scheduling code: each task starts the working day after what it waits for."""
    template = builtin_templates()[("en", "software-release")]
    finish: dict[str, np.datetime64] = {}
    dates: dict[str, tuple[date, date]] = {}
    first = np.busday_offset(np.datetime64(start), 0, roll="forward")
    for task in template.tasks:
        if task.duration is None:
            continue
        begins = max([first, *(np.busday_offset(finish[wait.task], 1) for wait in task.after)])
        finish[task.id] = np.busday_offset(begins, task.duration - 1)
        dates[task.title] = (begins.astype(date), finish[task.id].astype(date))
    return dates


def test_a_built_in_template_creates_a_project_scheduled_on_working_days(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    assert picker_options(view)[:3] == [
        ("builtin:en:it-rollout", "IT rollout"),
        ("builtin:en:marketing-campaign", "Marketing campaign"),
        (RELEASE, "Software release"),
    ]
    # Starts on a Saturday: the work starts on the Monday after.
    reply = submit(bot, view, {**CHARTER, "start_date": SATURDAY.isoformat(), "template": RELEASE})
    assert field_errors(reply) == {}

    expected = expected_dates(SATURDAY)
    with bot.database.system_session(write=False) as db:
        project = db.scalars(select(Project)).one()
        leaves = {
            task.title: (task.start_date, task.due_date)
            for task in db.scalars(select(Task).where(Task.start_date.is_not(None)))
        }
        milestones = {name: due for name, due in db.execute(select(Milestone.name, Milestone.due_date))}
        risks = [
            tuple(row) for row in db.execute(select(Risk.title, Risk.response_actions).order_by(Risk.number))
        ]
        standup = db.scalars(select(CommPlanLine).where(CommPlanLine.kind == CommKind.STANDUP)).one()
    assert leaves == expected
    assert all(day.weekday() < 5 for pair in leaves.values() for day in pair)
    assert expected["Agree the release backlog"][0] == date(2026, 12, 7)
    assert milestones == {
        "Code freeze": expected["Develop the features"][1],
        "Go live": expected["Staged rollout"][1],
    }
    assert risks[0] == (
        "Key requirements change late",
        "Freeze the backlog at the planning gate; later changes go through a change request.",
    )
    assert len(risks) == 3
    template = builtin_templates()[("en", "software-release")]
    criteria = [*(t.criteria for t in template.tasks), *(m.criteria for m in template.milestones)]
    assert count_rows(bot.database, AcceptanceCriterion) == sum(map(len, criteria))
    assert (project.template_name, project.gate_checks["initiation"]) == (
        "software-release",
        ["charter_complete", "risk_with_response"],
    )
    assert (standup.days, standup.local_time) == ("mon,tue,wed,thu,fri", "09:30")
    # Left blank in the form, so the template's default.
    assert project.stakeholders == CHARTER["stakeholders"]
    assert project.scope_out == CHARTER["scope_out"]

    post = bot.fake.wait_for("chat.postMessage")[-1]
    assert (
        "Set up from the template *Software release*: 8 tasks, 2 milestones and 3 risks, scheduled in"
        " working days from Mon 2026-12-07 to "
        f"{expected['Staged rollout'][1]:%a %Y-%m-%d}."
    ) in str(post.args["blocks"])


def test_a_template_fills_blank_fields_and_asks_for_the_ones_it_requires(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    values = {**CHARTER, "template": "builtin:en:marketing-campaign", "budget": "", "scope_in": ""}
    assert field_errors(submit(bot, view, values)) == {
        "budget": "The template Marketing campaign needs this field."
    }
    assert count_rows(bot.database, Project) == 0
    assert field_errors(submit(bot, view, {**values, "budget": "5000"})) == {}
    with bot.database.system_session(write=False) as db:
        project = db.scalars(select(Project)).one()
    assert project.scope_in == "Creative, media booking, launch and reporting"
    assert count_rows(bot.database, Task) == 5


def test_a_chinese_reader_starts_from_a_chinese_template_and_reads_what_it_set_up(bot: RunningBot) -> None:
    view = open_modal(bot, "new", user=WEI)
    assert picker_options(view) == [
        ("builtin:zh-CN:it-rollout", "信息系统推广"),
        ("builtin:zh-CN:marketing-campaign", "市场营销活动"),
        ("builtin:zh-CN:software-release", "软件发布"),
    ]
    values = {**CHARTER, "start_date": SATURDAY.isoformat(), "template": "builtin:zh-CN:software-release"}
    assert field_errors(submit(bot, view, values, user=WEI)) == {}
    finish = expected_dates(SATURDAY)["Staged rollout"][1]
    said = next(
        line for line in texts(bot.fake.wait_for("chat.postMessage")[-1].args["blocks"]) if "模板" in line
    )
    monday, last = fmt_date(date(2026, 12, 7), ZH), fmt_date(finish, ZH)
    assert said == f"已按模板*软件发布*建立8项任务、2个里程碑和3个风险，按工作日排期，自{monday}至{last}。"
    assert english_words(said) == []
    with bot.database.system_session(write=False) as db:
        titles = set(db.scalars(select(Task.title)))
    assert {"技术设计", "分阶段上线"} <= titles


def durations(bot: RunningBot, key: str) -> dict[str, int]:
    """Each dated task's working days, counted by numpy's Monday-to-Friday calendar."""
    with bot.database.system_session(write=False) as db:
        rows = db.execute(
            select(Task.title, Task.start_date, Task.due_date)
            .join(Project, Project.id == Task.project_id)
            .where(Project.key == key, Task.start_date.is_not(None))
        ).all()
    return {title: int(np.busday_count(start, due)) + 1 for title, start, due in rows}


def test_an_administrator_saves_a_project_as_a_template_the_next_project_starts_from(bot: RunningBot) -> None:
    view = open_modal(bot, "new")
    assert field_errors(submit(bot, view, {**CHARTER, "template": RELEASE})) == {}
    assert say(bot, "template save our-release") == (
        "Only a PMO administrator can save templates: nothing was changed."
    )
    assert "can't name a template" in say(bot, "template save Our!", user=ADMIN)
    assert "Write `template save &lt;name&gt;`" in say(bot, "template keep our-release", user=ADMIN)
    assert count_rows(bot.database, ProjectTemplate) == 0

    assert say(bot, "template save our-release", user=ADMIN) == (
        "Saved the template *our-release* from APL: 8 tasks, 2 milestones and 3 risks."
        " `/pmo new` offers it from now on."
    )
    assert "already has a template called our-release" in say(bot, "template save our-release", user=ADMIN)

    view = open_modal(bot, "new", channel="C0002")
    assert ("saved:our-release", "Apollo") in picker_options(view)
    values = {**CHARTER, "key": "ZEUS", "name": "Zeus", "start_date": "2027-02-01"}
    criteria = count_rows(bot.database, AcceptanceCriterion)
    assert field_errors(submit(bot, view, {**values, "template": "saved:our-release"})) == {}
    assert durations(bot, "ZEUS") == durations(bot, "APL")
    with bot.database.system_session(write=False) as db:
        zeus = db.scalars(select(Project).where(Project.key == "ZEUS")).one()
        names = set(db.scalars(select(Milestone.name).where(Milestone.project_id == zeus.id)))
    assert (zeus.template_name, names) == ("our-release", {"Code freeze", "Go live"})
    assert count_rows(bot.database, AcceptanceCriterion) == 2 * criteria


LINKED = """\
format = 1
name = "linked"
title = "Linked"
language = "en"

[[tasks]]
id = "design"
title = "Design"
duration = 5

[[tasks]]
id = "build"
title = "Build"
duration = 4
after = [{ task = "design", type = "SS", lag = 2 }]

[[tasks]]
id = "docs"
title = "Docs"
duration = 2
after = [{ task = "build", type = "FF" }]

[[tasks]]
id = "ship"
title = "Ship"
duration = 1
after = ["docs", { task = "build", lag = 1 }]
"""


def links_of(bot: RunningBot, key: str) -> set[tuple[str, str, str, int]]:
    before = Task.__table__.alias("before")
    with bot.database.system_session(write=False) as db:
        rows = db.execute(
            select(Task.title, before.c.title, TaskDependency.kind, TaskDependency.lag_days)
            .join(TaskDependency, TaskDependency.task_id == Task.id)
            .join(before, before.c.id == TaskDependency.depends_on_id)
            .join(Project, Project.id == Task.project_id)
            .where(Project.key == key)
        ).all()
    return {(after, first, kind.value, lag) for after, first, kind, lag in rows}


def test_start_and_finish_links_with_lags_come_from_a_template_and_go_back_into_one(bot: RunningBot) -> None:
    say(bot, "help")  # the workspace's first request records it
    with bot.database.session(TEAM) as db:
        keep_template(db, read_template(LINKED), source=LINKED, by=ADMIN)
    view = open_modal(bot, "new")
    monday = date(2026, 12, 7)
    values = {**CHARTER, "start_date": monday.isoformat()}
    assert field_errors(submit(bot, view, {**values, "template": "saved:linked"})) == {}
    assert links_of(bot, "APL") == {
        ("Build", "Design", "ss", 2),
        ("Docs", "Build", "ff", 0),
        ("Ship", "Docs", "fs", 0),
        ("Ship", "Build", "fs", 1),
    }
    # Worked on numpy's Monday-to-Friday calendar: Design Mon 7–Fri 11; Build starts two working
    # days after Design starts (Wed 9) for four days (to Mon 14); Docs finishes with Build, two
    # days (Fri 11–Mon 14); Ship waits a working day after Build's finish (Wed 16).
    with bot.database.system_session(write=False) as db:
        dated = {
            title: (start, due)
            for title, start, due in db.execute(select(Task.title, Task.start_date, Task.due_date))
        }
    expected = {
        "Design": (monday, np.busday_offset(monday, 4).astype(date)),
        "Build": (np.busday_offset(monday, 2).astype(date), np.busday_offset(monday, 5).astype(date)),
        "Docs": (np.busday_offset(monday, 4).astype(date), np.busday_offset(monday, 5).astype(date)),
        "Ship": (np.busday_offset(monday, 7).astype(date), np.busday_offset(monday, 7).astype(date)),
    }
    assert dated == expected

    assert say(bot, "template save relinked", user=ADMIN).startswith("Saved the template *relinked*")
    with bot.database.session(TEAM, write=False) as db:
        saved = read_template(
            db.scalars(select(ProjectTemplate.source).where(ProjectTemplate.name == "relinked")).one()
        )
    waits = {task.title: [(wait.type, wait.lag) for wait in task.after] for task in saved.tasks}
    assert waits == {
        "Design": [],
        "Build": [("SS", 2)],
        "Docs": [("FF", 0)],
        "Ship": [("FS", 1), ("FS", 0)],  # in the order of the tasks waited for
    }

"""The task form (`/pmo task`): every field, dependencies, and each refusal beside its field."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Task, TaskDependency
from tests.support.charter import create
from tests.support.flows import count_rows, field_errors, open_modal, say, submit
from tests.support.planning import planned, task
from tests.support.served import RunningBot
from tests.support.workspace import CAROL

FIELDS = [
    "title",
    "description",
    "owner_id",
    "parent",
    "start_date",
    "due_date",
    "duration_days",
    "estimate_hours",
    "is_deliverable",
    "depends_on",
]


def test_the_task_form_has_every_field_and_adds_a_task_with_its_dependencies(bot: RunningBot) -> None:
    planned(bot)
    say(bot, "task add Build start 2026-12-01 due 2026-12-04")
    say(bot, "task add Review start 2026-12-01 due 2026-12-03")
    say(bot, "task add Release")
    view = open_modal(bot, "task")
    assert [block["block_id"] for block in view["blocks"] if block["type"] == "input"] == FIELDS
    values = {
        "title": "Test",
        "description": "Run the suite against staging",
        "owner_id": CAROL,
        "parent": "APL-3",
        "start_date": "2026-12-07",
        "due_date": "2026-12-09",
        "estimate_hours": "12",
        "is_deliverable": "yes",
        "depends_on": "APL-1, APL-2",
    }
    assert field_errors(submit(bot, view, values)) == {}
    made = task(bot, 4)
    assert (made.description, made.parent_id, made.estimate_hours, made.is_deliverable) == (
        "Run the suite against staging",
        task(bot, 3).id,
        12.0,
        True,
    )
    with bot.database.system_session(write=False) as db:
        waits_for = db.scalars(select(TaskDependency.depends_on_id).where(TaskDependency.task_id == made.id))
        assert set(waits_for) == {task(bot, 1).id, task(bot, 2).id}
    answer = bot.fake.wait_for("chat.postEphemeral")[-1].args["text"]
    assert answer == (
        "Added *APL-4* Test · owner <@U0003> · start Mon 2026-12-07 · due Wed 2026-12-09 · 12 h"
    )


def test_each_refusal_shows_beside_its_field_and_nothing_is_added(bot: RunningBot) -> None:
    planned(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    bot.slack.command("task add Elsewhere", channel="C0002")
    say(bot, "task add Build start 2026-12-01 due 2026-12-04")
    view = open_modal(bot, "task")
    refused = {
        "title": "Test",
        "owner_id": "U0009",
        "parent": "ZEUS-1",
        "start_date": "2026-12-03",
        "estimate_hours": "-2",
        "depends_on": "APL-1 APL-77",
    }
    errors = field_errors(submit(bot, view, refused))
    assert set(errors) == {"owner_id", "parent", "start_date", "estimate_hours", "depends_on"}
    assert "not on this project's team" in errors["owner_id"]
    assert "belongs to another project" in errors["parent"]
    assert "lets it start no earlier than Mon 2026-12-07, not Thu 2026-12-03" in errors["start_date"]
    assert "positive number of hours" in errors["estimate_hours"]
    assert "no task APL-77" in errors["depends_on"]
    assert count_rows(bot.database, Task) == 2 and count_rows(bot.database, TaskDependency) == 0

    unreadable = {"title": "Test", "start_date": "sometime", "due_date": "soon-ish"}
    errors = field_errors(submit(bot, view, unreadable))
    assert set(errors) == {"start_date", "due_date"}
    assert "next friday, in 2 weeks" in errors["due_date"]  # an example of what works
    assert field_errors(submit(bot, view, {"title": "Test", "start_date": "2026-12-07"})) == {}
    assert task(bot, 2).start_date == date(2026, 12, 7)

"""Refused task updates change nothing: another project's key, a private project, a stale button
or form, a percent outside 0–100. End to end over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEntry, Task
from models.core.enums import TaskStatus
from tests.support.charter import create
from tests.support.flows import field_errors, open_modal, submit
from tests.support.served import RunningBot
from tests.support.status import running, say
from tests.support.workspace import ALICE, CAROL

PRIVATE = "G0001"  # a private channel, as Slack names them


def tasks_as_they_were(bot: RunningBot) -> list[tuple[str, TaskStatus, int, str | None]]:
    with bot.database.system_session(write=False) as db:
        rows = db.execute(
            select(Task.title, Task.status, Task.percent_complete, Task.owner_id).order_by(Task.id)
        )
        return [tuple(row) for row in rows]


def audited(bot: RunningBot) -> list[str]:
    with bot.database.system_session(write=False) as db:
        return list(
            db.scalars(select(AuditEntry.action).where(AuditEntry.action.in_(["task.update", "task.assign"])))
        )


def clicked(bot: RunningBot, action: str, key: str, user: str, answers: int) -> str:
    bot.slack.block_action(action, value=key, user=user)
    return bot.fake.wait_for("response_url", answers)[-1].args["text"]


def test_a_task_of_a_project_the_user_is_not_on_is_refused(bot: RunningBot) -> None:
    running(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    say(bot, "task add Elsewhere <@U0001>", channel="C0002")
    before = tasks_as_they_were(bot)
    opened = len(bot.fake.calls_to("views.open"))
    # Carol is on Apollo, not Zeus: a Zeus key typed in Apollo's channel is Zeus's to change.
    assert "Only the project's team (manager, member)" in say(bot, "done ZEUS-1", user=CAROL)
    assert "Only the project's team (manager, member)" in say(bot, "assign ZEUS-1 <@U0003>", user=CAROL)
    assert "Only the project's team (manager, member)" in clicked(bot, "task_done", "ZEUS-1", CAROL, 1)
    view = open_modal(bot, "update ZEUS-1", user=ALICE)
    errors = field_errors(submit(bot, view, {"status": "done"}, user=CAROL))
    assert "Only the project's team (manager, member)" in next(iter(errors.values()))
    assert tasks_as_they_were(bot) == before and audited(bot) == []
    assert len(bot.fake.calls_to("views.open")) == opened + 1  # only Alice's form opened


def test_a_task_in_a_private_project_is_hidden_from_people_outside_it(bot: RunningBot) -> None:
    create(bot, {"key": "SEC", "name": "Secret"}, channel=PRIVATE)
    say(bot, "task add Vault audit", channel=PRIVATE)
    before = tasks_as_they_were(bot)
    refusal = "SEC belongs to a private channel"
    for command in ("done SEC-1", "update SEC-1", "assign SEC-1 <@U0003>", "history SEC-1"):
        assert refusal in say(bot, command, user=CAROL), command
    assert refusal in clicked(bot, "task_done", "SEC-1", CAROL, 1)
    assert refusal in clicked(bot, "task_update", "SEC-1", CAROL, 2)
    view = open_modal(bot, "update SEC-1", channel=PRIVATE)
    errors = field_errors(submit(bot, view, {"percent_complete": "50"}, user=CAROL))
    assert "Only the project's team" in next(iter(errors.values()))
    assert tasks_as_they_were(bot) == before and audited(bot) == []
    # Its manager may, in its own channel (elsewhere the private channel's record stays hidden).
    assert say(bot, "history SEC-1", channel=PRIVATE).startswith("SEC-1 Vault audit — history")


def test_percent_outside_0_to_100_and_stale_buttons_and_forms_are_answered(bot: RunningBot) -> None:
    running(bot)
    view = open_modal(bot, "update APL-2", user=CAROL)
    for given, words in (("-1", "from 0 to 100, not -1"), ("101", "not 101"), ("lots", "not a whole number")):
        errors = field_errors(submit(bot, view, {"percent_complete": given}, user=CAROL))
        assert words in errors["percent_complete"], given
    before = tasks_as_they_were(bot)
    with bot.database.system_session() as db:
        db.delete(db.scalars(select(Task).where(Task.number == 2)).one())
    assert "There is no task APL-2" in clicked(bot, "task_update", "APL-2", CAROL, 1)
    errors = field_errors(submit(bot, view, {"percent_complete": "50"}, user=CAROL))
    assert "That task no longer exists." in next(iter(errors.values()))
    assert tasks_as_they_were(bot) == before[:1] and audited(bot) == []


def test_the_update_form_does_not_open_for_someone_off_the_team(bot: RunningBot) -> None:
    running(bot)
    create(bot, {"key": "ZEUS", "name": "Zeus"}, channel="C0002")
    say(bot, "task add Elsewhere <@U0001>", channel="C0002")
    opened = len(bot.fake.calls_to("views.open"))
    # Carol is on Apollo, not Zeus: the form would only be refused once she had filled it in.
    answer = say(bot, "update ZEUS-1", user=CAROL)
    assert answer.startswith("Only the project's team (manager, member) or a PMO administrator can update")
    assert len(bot.fake.calls_to("views.open")) == opened

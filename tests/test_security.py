"""Nobody let in: forged, stale and replayed requests, other workspaces, roles and private projects.

Each refusal is checked three ways: the answer says what happened (or the request is turned
away as not from Slack), nothing answers 500, and the database holds what it held before.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from sqlalchemy import text

from bot import slack_payloads as payloads
from models.charter.charters import Charter, create_project
from models.core.access import Actor
from models.core.database import Database
from models.tasks.breakdown import TaskForm, add_task
from tests.support.changes import requested
from tests.support.charter import create
from tests.support.flows import CHANNEL, field_errors, open_modal, submit
from tests.support.integrity import contents
from tests.support.served import RunningBot
from tests.support.workspace import ADMIN, ALICE, CAROL, OTHER_TEAM, TEAM

PRIVATE = "G0001"


def command_body(bot: RunningBot, text: str) -> str:
    """A slash command's form body, fixed, so the very same signed request can be sent twice."""
    form = payloads.command_form(
        text, user=ALICE, channel=CHANNEL, team=TEAM, command="/pmo", response_url=bot.fake.response_url(TEAM)
    )
    return urlencode(form)


def test_forged_stale_early_and_replayed_requests_are_turned_away_and_change_nothing(bot: RunningBot) -> None:
    create(bot)
    before = contents(bot.database)
    now = int(time.time())
    refused = [
        bot.slack.command("task add Forged", signature="v0=" + "f" * 64),
        bot.slack.command("task add Stale", timestamp=now - 6 * 60),
        bot.slack.command("task add From the future", timestamp=now + 6 * 60),
        bot.slack.command("task add Unsigned", sign=False),
        bot.slack.block_action("task_done", value="APL-1", signature="v0=" + "0" * 64),
        bot.slack.block_action("task_done", value="APL-1", timestamp=now - 3600),
    ]
    assert [reply.status for reply in refused] == [401] * len(refused)
    assert contents(bot.database) == before

    body = command_body(bot, "task add Captured once")
    assert bot.slack.post_raw(body, timestamp=now).status == 200
    replayed = bot.slack.post_raw(body, timestamp=now)
    assert (replayed.status, replayed.text) == (200, "")  # nothing to tell Slack, nothing done
    after = contents(bot.database)
    assert [row for row in after["tasks"] if "Captured once" in row] and len(after["tasks"]) == 1


def other_workspace(database: Database) -> None:
    """Globex's project SEC, with task SEC-1, in a channel id Acme also has."""
    database.ensure_workspace(OTHER_TEAM)
    with database.session(OTHER_TEAM) as db:
        charter = Charter(name="Globex secret", key="SEC", timezone="UTC")
        project = create_project(db=db, actor=Actor(ALICE), channel_id=CHANNEL, charter=charter)
        add_task(db=db, actor=Actor(ALICE), project=project, form=TaskForm(title="Hidden", owner_id=ALICE))


def test_another_workspaces_project_is_unknown_by_key_in_every_door(bot: RunningBot) -> None:
    other_workspace(bot.database)
    before = contents(bot.database)
    for typed in ("status SEC", "done SEC-1", "history SEC-1", "assign SEC-1 <@U0003>", "charter SEC"):
        answer = bot.slack.command(typed, channel="C0042").json()["text"]
        assert "SEC" in answer and ("no project" in answer or "There is no" in answer), (typed, answer)
        assert "Globex" not in answer and "Hidden" not in answer
    for action in ("task_done", "task_update", "reminder_snooze", "reminder_new_date", "change_approve"):
        bot.slack.block_action(action, value="SEC-1", channel="C0042")
        answer = bot.fake.wait_for("response_url")[-1].args["text"]
        assert "SEC" in answer and "Hidden" not in answer, (action, answer)
    assert bot.fake.calls_to("views.open") == []
    assert contents(bot.database) == before


def test_a_member_cannot_decide_a_change_even_by_forging_the_decision_form(bot: RunningBot) -> None:
    requested(bot, {"title": "Add refunds", "schedule_days": "3"})
    before = contents(bot.database)
    bot.slack.block_action("change_approve", value="APL-C1", user=CAROL)  # Carol asked for it
    refusal = "You asked for APL-C1, so you cannot decide it: <@U0001>, <@U0002> or a PMO administrator"
    assert refusal in bot.fake.wait_for("response_url")[-1].args["text"]
    with bot.database.session(TEAM, write=False) as db:
        project_id, change_id = db.execute(text("SELECT project_id, id FROM change_requests")).one()
    forged = {
        "type": "modal",
        "callback_id": "change_decision",
        "private_metadata": json.dumps(
            {"project_id": project_id, "change_id": change_id, "verdict": "approve"}
        ),
        "title": {"type": "plain_text", "text": "Approve"},
        "blocks": [
            {
                "type": "input",
                "block_id": "note",
                "element": {"type": "plain_text_input", "action_id": "note"},
            }
        ],
    }
    errors = field_errors(submit(bot, forged, {"note": "approved by me"}, user=CAROL))
    assert refusal in errors["note"]
    assert contents(bot.database) == before


def test_someone_outside_a_private_project_cannot_touch_its_tasks(bot: RunningBot) -> None:
    create(bot, {"key": "SEC", "name": "Secret"}, channel=PRIVATE)
    bot.slack.command("task add Hidden work <@U0001> due 2027-01-15", channel=PRIVATE)
    before, opened = contents(bot.database), len(bot.fake.calls_to("views.open"))
    for channel in (PRIVATE, "C0042"):
        for typed in ("done SEC-1", "update SEC-1", "history SEC-1", "assign SEC-1 <@U0003>"):
            answer = bot.slack.command(typed, user=CAROL, channel=channel).json()["text"]
            assert "SEC belongs to a private channel" in answer, (channel, typed, answer)
        for action in ("task_done", "task_update", "reminder_snooze", "reminder_new_date"):
            bot.slack.block_action(action, value="SEC-1", user=CAROL, channel=channel)
            answer = bot.fake.wait_for("response_url")[-1].args["text"]
            assert "SEC belongs to a private channel" in answer, (channel, action, answer)
    assert len(bot.fake.calls_to("views.open")) == opened
    assert contents(bot.database) == before
    assert (
        bot.slack.command("history SEC-1", user=ADMIN, channel=PRIVATE)
        .json()["text"]
        .startswith("SEC-1 Hidden work")
    )


def test_a_task_form_cannot_be_pointed_at_another_workspace_or_a_private_project(bot: RunningBot) -> None:
    create(bot, {"key": "SEC", "name": "Secret"}, channel=PRIVATE)
    other_workspace(bot.database)
    view = open_modal(bot, "task", channel=PRIVATE)
    state = json.loads(view["private_metadata"])
    before = contents(bot.database)
    errors = field_errors(submit(bot, view, {"title": "Sneaked in"}, user=CAROL))
    assert errors and all("Sneaked" not in message for message in errors.values())
    with bot.database.system_session(write=False) as db:
        globex = db.execute(
            text("SELECT id FROM projects WHERE key = 'SEC' AND team_id = :t"), {"t": OTHER_TEAM}
        ).scalar_one()
    view["private_metadata"] = json.dumps(state | {"project_id": globex})
    errors = field_errors(submit(bot, view, {"title": "Sneaked across"}))
    assert errors, "a form naming another workspace's project must be refused"
    assert contents(bot.database) == before


def test_a_member_cannot_close_the_project(bot: RunningBot) -> None:
    create(bot)
    bot.slack.command("team add <@U0003> member")
    before = contents(bot.database)
    answer = bot.slack.command("close", user=CAROL).json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Only the project's manager (<@U0001>) or a PMO administrator can close")
    assert contents(bot.database) == before

"""Oversized and malformed requests, signed as Slack signs: answered in words, no 500, nothing changed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import slack_payloads as payloads
from tests.support.charter import create
from tests.support.flows import CHANNEL, open_modal
from tests.support.integrity import contents
from tests.support.served import RunningBot
from tests.support.slackdriver import Reply
from tests.support.workspace import ALICE, TEAM

TOO_LONG = "That is too long for a command"
UNREADABLE = "I couldn't read that request, so nothing was changed."
UNKNOWN = "That button or form is not one I know"
MEGABYTE = 1_000_000


def interaction(bot: RunningBot, payload: Any) -> Reply:
    """An interaction payload posted as Slack posts them, whatever its shape."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return bot.slack.post_raw(urlencode({"payload": text}))


def envelope(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "team": {"id": TEAM}, "user": {"id": ALICE}, "api_app_id": "A0001"} | fields


def click(bot: RunningBot, action: Any) -> dict[str, Any]:
    return envelope("block_actions", actions=action, response_url=bot.fake.response_url(TEAM))


@pytest.fixture
def planned(bot: RunningBot) -> RunningBot:
    create(bot)
    bot.slack.command("task add Build the thing due 2027-01-15")
    return bot


def test_a_megabyte_of_command_text_is_refused_in_a_short_answer(planned: RunningBot) -> None:
    before = contents(planned.database)
    for text in ("task add " + "x" * MEGABYTE, "y" * MEGABYTE, "issue " + "界" * (MEGABYTE // 9)):
        reply = planned.slack.command(text)
        assert reply.status == 200
        answer = reply.json()
        assert answer["response_type"] == "ephemeral" and answer["text"].startswith(TOO_LONG)
        assert len(reply.text) < 1000
    assert planned.slack.command("z" * 3 * MEGABYTE).status == 413  # past any Slack payload: not read at all
    assert contents(planned.database) == before


def test_a_megabyte_typed_into_a_form_is_refused_beside_its_field(planned: RunningBot) -> None:
    view = open_modal(planned, "task")
    before = contents(planned.database)
    reply = planned.slack.view_submission(
        view, {"title": {"title": {"type": "plain_text_input", "value": "t" * MEGABYTE}}}
    )
    assert reply.status == 200
    errors = reply.json()["errors"]
    assert "at most 300 characters" in errors["title"] and len(reply.text) < 1000
    assert contents(planned.database) == before


def test_clicks_and_forms_shaped_unlike_slacks_are_answered_in_words(planned: RunningBot) -> None:
    bot = planned
    view = open_modal(bot, "task") | {"id": "V0BAD"}
    before = contents(bot.database)
    forms = {
        "no state": envelope("view_submission", view={k: v for k, v in view.items() if k != "state"}),
        "state of the wrong types": envelope(
            "view_submission",
            view=view | {"state": {"values": {"title": {"title": {"type": "plain_text_input", "value": 5}}}}},
        ),
        "values that are null": envelope("view_submission", view=view | {"state": {"values": None}}),
        "metadata that is not ours": envelope(
            "view_submission", view=view | {"private_metadata": "{not json", "state": {"values": {}}}
        ),
        "metadata of the wrong types": envelope(
            "view_submission",
            view=view | {"private_metadata": '{"project_id": "one"}', "state": {"values": {}}},
        ),
    }
    for name, payload in forms.items():
        reply = interaction(bot, payload)
        assert reply.status == 200, name
        assert reply.json() == {
            "response_action": "errors",
            "errors": {"title": reply.json()["errors"]["title"]},
        }
        assert reply.json()["errors"]["title"].startswith(UNREADABLE), name
    clicks = {
        "actions that are a string": "task_done",
        "a value that is an object": [
            {"action_id": "task_done", "type": "button", "value": {"key": "APL-1"}}
        ],
        "a value that is a number": [{"action_id": "reminder_snooze", "type": "button", "value": 1}],
        # Well formed but for the trigger a listener would open a form with: refused before it acts.
        "a click without its trigger": [{"action_id": "task_done", "type": "button", "value": "APL-1"}],
    }
    for name, actions in clicks.items():
        assert interaction(bot, click(bot, actions)).status == 200, name
        assert bot.fake.wait_for("response_url")[-1].args["text"].startswith(UNREADABLE), name
    forms_opened = len(bot.fake.calls_to("views.open"))
    shortcut = envelope(
        "message_action",
        callback_id="log_risk",
        trigger_id="1.2.3",
        message={"type": "message", "text": "Vendor is late"},
        response_url=bot.fake.response_url(TEAM),
    )
    assert interaction(bot, shortcut).status == 200  # no channel: where would the risk go?
    assert bot.fake.wait_for("response_url")[-1].args["text"].startswith(UNREADABLE)
    assert len(bot.fake.calls_to("views.open")) == forms_opened
    # Bolt cannot even read these into a request: turned away as not from Slack.
    for body in ("{{{", "[1, 2]", '"text"', json.dumps(click(bot, []))):
        assert interaction(bot, body).status == 400
    assert contents(bot.database) == before


def test_unknown_buttons_forms_and_shortcuts_are_answered_not_404(planned: RunningBot) -> None:
    bot = planned
    before = contents(bot.database)
    assert bot.slack.block_action("no_such_button", value="APL-1").status == 200
    assert bot.fake.wait_for("response_url")[-1].args["text"].startswith(UNKNOWN)
    view = open_modal(bot, "task") | {"id": "V0OLD", "callback_id": "a_form_from_last_year"}
    reply = bot.slack.view_submission(view, {"title": {"title": {"type": "plain_text_input", "value": "x"}}})
    assert reply.status == 200 and reply.json()["errors"]["title"].startswith(UNKNOWN)
    reply = interaction(bot, envelope("shortcut", callback_id="no_such_shortcut", trigger_id="1.2.3"))
    assert reply.status == 200
    told = bot.fake.wait_for("chat.postMessage")[-1].args
    assert told["channel"] == ALICE and told["text"].startswith(UNKNOWN)
    assert bot.slack.command("help", command="/other").status == 200
    assert contents(bot.database) == before
    assert bot.slack.command("status", channel=CHANNEL).json()["text"].startswith("🟢 APL · Apollo")


def test_commands_share_clicks_and_events_shaped_unlike_slacks_change_nothing(planned: RunningBot) -> None:
    bot = planned
    before = contents(bot.database)
    posted = len(bot.fake.calls_to("chat.postMessage"))
    form = payloads.command_form(
        "task add Sneaky due 2027-01-15",
        user=ALICE,
        channel=CHANNEL,
        team=TEAM,
        response_url=bot.fake.response_url(TEAM),
    )
    del form["channel_id"]
    reply = bot.slack.post_raw(urlencode(form))
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert reply.json()["text"].startswith(UNREADABLE)
    # "Share in channel" clicked where no channel is (a Home tab's copy of the answer).
    share = click(bot, [{"action_id": "pmo_share_reply", "type": "button", "value": "status"}])
    assert interaction(bot, share | {"trigger_id": "1.2.3"}).status == 200
    assert bot.fake.wait_for("response_url")[-1].args["text"].startswith(UNREADABLE)
    assert len(bot.fake.calls_to("chat.postMessage")) == posted
    published = len(bot.fake.calls_to("views.publish"))
    for event in (
        {"type": "app_home_opened", "tab": "home"},  # whose Home?
        {"type": "user_change", "user": "U0003"},  # a profile that is not one
        {"type": "team_join", "user": {"name": "no id"}},
    ):
        assert bot.slack.event(event).status == 200, event
    assert len(bot.fake.calls_to("views.publish")) == published
    assert contents(bot.database) == before

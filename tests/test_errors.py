"""The one error handler: the right shape of apology for each kind of request."""

from __future__ import annotations

import json

from sqlalchemy.exc import OperationalError

from bot.i18n import Translator
from bot.settings import Settings
from handlers.slack.errors import answer, apology, is_database_outage
from tests.support.fakeslack import FakeSlack
from tests.support.workspace import TEAM

OUTAGE = OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
# Slack's own response-URL hosts only: the tests below that post pass their own.
SLACK_ONLY = Settings(_env_file=None)  # type: ignore[call-arg]


def test_database_outages_are_told_apart_from_bugs() -> None:
    assert is_database_outage(OUTAGE)
    assert not is_database_outage(ValueError("bug"))
    t = Translator("en")
    assert apology(OUTAGE, t).startswith("Sorry, I can't reach my database")
    bug = apology(ValueError("bug"), t)
    assert bug.startswith("Sorry, something went wrong on my side") and "(reference " in bug


def test_a_command_gets_an_ephemeral_answer() -> None:
    response = answer({"command": "/pmo", "text": "projects"}, "sorry", settings=SLACK_ONLY)
    assert response.status == 200
    assert json.loads(response.body) == {"response_type": "ephemeral", "text": "sorry"}


def test_a_modal_stays_open_with_the_message_beside_its_first_field() -> None:
    view = {
        "blocks": [
            {"type": "section"},
            {"type": "input", "block_id": "title"},
            {"type": "input", "block_id": "x"},
        ]
    }
    response = answer({"type": "view_submission", "view": view}, "try again", settings=SLACK_ONLY)
    assert json.loads(response.body) == {"response_action": "errors", "errors": {"title": "try again"}}


def test_a_button_click_is_answered_through_its_response_url_on_slacks_hosts_only() -> None:
    fake = FakeSlack().start()
    try:
        fake.add_workspace(TEAM, bot_token="xoxb-x")
        settings = Settings(_env_file=None, slack_api_url=fake.api_url)  # type: ignore[call-arg]
        click = {"type": "block_actions", "response_url": fake.response_url(TEAM)}
        # With settings that allow only Slack's hosts, the fake's URL is not posted to.
        assert answer(click, "not sent", settings=SLACK_ONLY).status == 200
        response = answer(click, "sorry", settings=settings)
        assert response.status == 200
        [posted] = fake.wait_for("response_url")
        assert posted.args["text"] == "sorry"
        assert posted.args["response_type"] == "ephemeral"
        assert fake.violations == []
    finally:
        fake.stop()


def test_an_event_is_acknowledged_so_slack_does_not_retry_a_bug_forever() -> None:
    assert answer({"type": "event_callback", "event": {}}, "sorry", settings=SLACK_ONLY).status == 200

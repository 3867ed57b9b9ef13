"""The fake Slack and the Slack driver, tested against slack-sdk's real clients.

If the fake accepted what Slack rejects, every end-to-end test built on it would be worthless;
so each check is shown to pass a payload right at Slack's limit and to catch one just past it.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from bot.pretend_slack import PretendSlack
from tests.support.fakeslack import Call, FakeSlack
from tests.support.slackdriver import SlackDriver

TEAM, OTHER_TEAM = "T0001", "T0002"
TOKEN, OTHER_TOKEN = "xoxb-test-T0001", "xoxb-test-T0002"
ALICE, BOB = "U0001", "U0002"
SECRET = "test-signing-secret"

JsonDict = dict[str, Any]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_workspace(TEAM, bot_token=TOKEN, name="Acme")
        fake.add_workspace(OTHER_TEAM, bot_token=OTHER_TOKEN, name="Globex")
        fake.add_user(TEAM, ALICE, name="alice", real_name="Alice Chen", tz="Asia/Shanghai", locale="zh-CN")
        fake.add_user(TEAM, BOB, name="bob", status_text="On leave", status_emoji=":palm_tree:")
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.api_url, timeout=5)


def slack_error(call: Any) -> SlackApiError:
    """Make the call, which must fail, and return slack-sdk's error for it."""
    with pytest.raises(SlackApiError) as failure:
        call()
    return failure.value


# -- Block Kit builders, just enough to state each case in one line ---------------------------


def plain(text: str) -> JsonDict:
    return {"type": "plain_text", "text": text}


def section(text: str, **extra: Any) -> JsonDict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def divider(block_id: str | None = None) -> JsonDict:
    return {"type": "divider"} | ({"block_id": block_id} if block_id else {})


def button(text: str = "Go", action_id: str = "go", value: str = "v") -> JsonDict:
    return {"type": "button", "text": plain(text), "action_id": action_id, "value": value}


def actions(*elements: JsonDict) -> JsonDict:
    return {"type": "actions", "elements": list(elements)}


def select(options: int) -> JsonDict:
    choices = [{"text": plain(f"option {n}"), "value": str(n)} for n in range(options)]
    return section("Pick", accessory={"type": "static_select", "action_id": "pick", "options": choices})


def text_input(**element: Any) -> JsonDict:
    return {"type": "input", "label": plain("Name"), "element": {"type": "plain_text_input", **element}}


def message(*blocks: JsonDict, **extra: Any) -> JsonDict:
    return {"channel": "C0001", "text": "fallback", "blocks": list(blocks), **extra}


def modal(*blocks: JsonDict, **extra: Any) -> JsonDict:
    view = {"type": "modal", "title": plain("New project"), "blocks": list(blocks), **extra}
    return {"trigger_id": "1.2.3", "view": view}


def home(*blocks: JsonDict) -> JsonDict:
    return {"user_id": ALICE, "view": {"type": "home", "blocks": list(blocks)}}


# -- a valid call -----------------------------------------------------------------------------


def test_a_valid_post_is_answered_like_slack_and_recorded(fake: FakeSlack, client: WebClient) -> None:
    blocks = [section("*Hello*"), actions(button())]
    first = client.chat_postMessage(channel="C0001", text="Hello", blocks=blocks)
    second = client.chat_postMessage(channel="C0001", text="Again")
    assert first["ok"] is True and first["channel"] == "C0001"
    assert first["message"]["text"] == "Hello" and first["message"]["bot_id"] == "BBOT"
    assert first["ts"] != second["ts"]
    assert all(len(r["ts"].split(".")[1]) == 6 for r in (first, second))
    [call, _] = fake.calls_to("chat.postMessage")
    assert call == Call(
        "chat.postMessage",
        {"channel": "C0001", "text": "Hello", "blocks": blocks},
        TOKEN,
        TEAM,
        status=200,
        response=first.data,
        at=call.at,
    )
    assert fake.violations == []


@pytest.mark.parametrize(
    "encoding",
    [
        pytest.param(lambda url: requests.post(url, json={"user": ALICE}, headers=bearer()), id="json"),
        pytest.param(lambda url: requests.post(url, data={"user": ALICE}, headers=bearer()), id="form"),
        pytest.param(lambda url: requests.get(url, params={"user": ALICE}, headers=bearer()), id="get-query"),
        pytest.param(
            lambda url: requests.post(url, data={"user": ALICE, "token": TOKEN}), id="token-in-body"
        ),
    ],
)
def test_arguments_and_token_are_read_however_they_are_sent(fake: FakeSlack, encoding: Any) -> None:
    answer = encoding(fake.api_url + "users.info").json()
    assert answer["ok"] is True and answer["user"]["id"] == ALICE
    [call] = fake.calls
    assert (call.args, call.token, call.team_id) == ({"user": ALICE}, TOKEN, TEAM)
    assert fake.violations == []


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_json_field_of_a_form_is_decoded(fake: FakeSlack) -> None:
    blocks = [section("form-encoded")]
    form = {"channel": "C0001", "text": "x", "blocks": json.dumps(blocks)}
    assert requests.post(fake.api_url + "chat.postMessage", data=form, headers=bearer()).json()["ok"]
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == blocks


# -- each kind of violation, just inside and just past Slack's limit ---------------------------


@dataclass(frozen=True)
class Case:
    method: str
    good: JsonDict  # at the limit, or otherwise the smallest change from `bad` that Slack accepts
    bad: JsonDict
    error: str
    violation: str  # a part of the violation the bad call must add


CASES = {
    "51 message blocks": Case(
        "chat.postMessage",
        message(*[divider()] * 50),
        message(*[divider()] * 51),
        "invalid_blocks",
        "blocks: 51 blocks, more than 50",
    ),
    "101 modal blocks": Case(
        "views.open",
        modal(*[divider()] * 100),
        modal(*[divider()] * 101),
        "invalid_arguments",
        "view.blocks: 101 blocks, more than 100",
    ),
    "101 home blocks": Case(
        "views.publish",
        home(*[divider()] * 100),
        home(*[divider()] * 101),
        "invalid_arguments",
        "view.blocks: 101 blocks, more than 100",
    ),
    "25-char modal title": Case(
        "views.open",
        modal(title=plain("t" * 24)),
        modal(title=plain("t" * 25)),
        "invalid_arguments",
        "view.title.text: 25 characters, more than 24",
    ),
    "mrkdwn modal title": Case(
        "views.open",
        modal(title=plain("T")),
        modal(title={"type": "mrkdwn", "text": "T"}),
        "invalid_arguments",
        "view.title.type: 'mrkdwn'",
    ),
    "25-char submit": Case(
        "views.open",
        modal(submit=plain("s" * 24)),
        modal(submit=plain("s" * 25)),
        "invalid_arguments",
        "view.submit.text: 25 characters",
    ),
    "input without submit": Case(
        "views.open",
        modal(text_input(), submit=plain("Save")),
        modal(text_input()),
        "invalid_arguments",
        "a modal with an input block needs a submit button",
    ),
    "modal of the wrong type": Case(
        "views.open",
        modal(),
        {"trigger_id": "1", "view": {"type": "home", "blocks": []}},
        "invalid_arguments",
        "view.type: 'home', expected modal",
    ),
    "a modal published as home": Case(
        "views.publish",
        home(),
        {"user_id": ALICE, "view": modal()["view"]},
        "invalid_arguments",
        "view.type: 'modal', expected home",
    ),
    "3,001-char private_metadata": Case(
        "views.open",
        modal(private_metadata="m" * 3000),
        modal(private_metadata="m" * 3001),
        "invalid_arguments",
        "view.private_metadata: 3001 characters",
    ),
    "256-char callback_id": Case(
        "views.open",
        modal(callback_id="c" * 255),
        modal(callback_id="c" * 256),
        "invalid_arguments",
        "view.callback_id: 256 characters",
    ),
    "3,001-char section": Case(
        "chat.postMessage",
        message(section("s" * 3000)),
        message(section("s" * 3001)),
        "invalid_blocks",
        "blocks[0].text.text: 3001 characters, more than 3000",
    ),
    "11 section fields": Case(
        "chat.postMessage",
        message({"type": "section", "fields": [plain("f")] * 10}),
        message({"type": "section", "fields": [plain("f")] * 11}),
        "invalid_blocks",
        "blocks[0].fields: 11 fields, more than 10",
    ),
    "2,001-char field": Case(
        "chat.postMessage",
        message({"type": "section", "fields": [plain("f" * 2000)]}),
        message({"type": "section", "fields": [plain("f" * 2001)]}),
        "invalid_blocks",
        "blocks[0].fields[0].text: 2001 characters",
    ),
    "151-char header": Case(
        "chat.postMessage",
        message({"type": "header", "text": plain("h" * 150)}),
        message({"type": "header", "text": plain("h" * 151)}),
        "invalid_blocks",
        "blocks[0].text.text: 151 characters, more than 150",
    ),
    "duplicate block_id": Case(
        "chat.postMessage",
        message(divider("a"), divider("b")),
        message(divider("a"), divider("a")),
        "invalid_blocks",
        "block_id 'a' is used 2 times",
    ),
    "256-char block_id": Case(
        "chat.postMessage",
        message(divider("b" * 255)),
        message(divider("b" * 256)),
        "invalid_blocks",
        "blocks[0].block_id: 256 characters",
    ),
    "11 context elements": Case(
        "chat.postMessage",
        message({"type": "context", "elements": [plain("c")] * 10}),
        message({"type": "context", "elements": [plain("c")] * 11}),
        "invalid_blocks",
        "blocks[0].elements: 11 elements, more than 10",
    ),
    "26 action elements": Case(
        "chat.postMessage",
        message(actions(*[button(action_id=f"a{n}") for n in range(25)])),
        message(actions(*[button(action_id=f"a{n}") for n in range(26)])),
        "invalid_blocks",
        "blocks[0].elements: 26 elements, more than 25",
    ),
    "duplicate action_id in a block": Case(
        "chat.postMessage",
        message(actions(button(action_id="a"), button(action_id="b"))),
        message(actions(button(action_id="a"), button(action_id="a"))),
        "invalid_blocks",
        "action_id 'a' is used 2 times",
    ),
    "76-char button text": Case(
        "chat.postMessage",
        message(actions(button(text="b" * 75))),
        message(actions(button(text="b" * 76))),
        "invalid_blocks",
        "blocks[0].elements[0].text.text: 76 characters",
    ),
    "2,001-char button value": Case(
        "chat.postMessage",
        message(actions(button(value="v" * 2000))),
        message(actions(button(value="v" * 2001))),
        "invalid_blocks",
        "blocks[0].elements[0].value: 2001 characters",
    ),
    "256-char action_id": Case(
        "chat.postMessage",
        message(actions(button(action_id="a" * 255))),
        message(actions(button(action_id="a" * 256))),
        "invalid_blocks",
        "blocks[0].elements[0].action_id: 256 characters",
    ),
    "101 options": Case(
        "chat.postMessage",
        message(select(100)),
        message(select(101)),
        "invalid_blocks",
        "blocks[0].accessory.options: 101 options, more than 100",
    ),
    "151-char option value": Case(
        "chat.postMessage",
        message(
            section(
                "x",
                accessory={"type": "static_select", "options": [{"text": plain("o"), "value": "v" * 150}]},
            )
        ),
        message(
            section(
                "x",
                accessory={"type": "static_select", "options": [{"text": plain("o"), "value": "v" * 151}]},
            )
        ),
        "invalid_blocks",
        "options[0].value: 151 characters",
    ),
    "76-char option in a group": Case(
        "chat.postMessage",
        message(
            section(
                "x",
                accessory={
                    "type": "static_select",
                    "option_groups": [
                        {"label": plain("g"), "options": [{"text": plain("o" * 75), "value": "v"}]}
                    ],
                },
            )
        ),
        message(
            section(
                "x",
                accessory={
                    "type": "static_select",
                    "option_groups": [
                        {"label": plain("g"), "options": [{"text": plain("o" * 76), "value": "v"}]}
                    ],
                },
            )
        ),
        "invalid_blocks",
        "option_groups[0].options[0].text.text: 76 characters",
    ),
    "input without element": Case(
        "views.open",
        modal(text_input(), submit=plain("Save")),
        modal({"type": "input", "label": plain("Name")}, submit=plain("Save")),
        "invalid_arguments",
        "view.blocks[0]: an input block needs an element",
    ),
    "2,001-char input label": Case(
        "views.open",
        modal(text_input() | {"label": plain("l" * 2000)}, submit=plain("Save")),
        modal(text_input() | {"label": plain("l" * 2001)}, submit=plain("Save")),
        "invalid_arguments",
        "view.blocks[0].label.text: 2001 characters",
    ),
    "3,001-char initial_value": Case(
        "views.open",
        modal(text_input(initial_value="i" * 3000), submit=plain("Save")),
        modal(text_input(initial_value="i" * 3001), submit=plain("Save")),
        "invalid_arguments",
        "view.blocks[0].element.initial_value: 3001 characters",
    ),
    "max_length over 3,000": Case(
        "views.open",
        modal(text_input(max_length=3000), submit=plain("Save")),
        modal(text_input(max_length=3001), submit=plain("Save")),
        "invalid_arguments",
        "view.blocks[0].element.max_length: 3001",
    ),
    "empty text": Case(
        "chat.postMessage",
        message(section("x")),
        message(section("")),
        "invalid_blocks",
        "blocks[0].text.text: must be a non-empty string",
    ),
    "unknown text type": Case(
        "chat.postMessage",
        message({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}]}),
        message({"type": "context", "elements": [{"type": "markdown", "text": "x"}]}),
        "invalid_blocks",
        "blocks[0].elements[0].type: 'markdown'",
    ),
    "image without alt_text": Case(
        "chat.postMessage",
        message({"type": "image", "image_url": "https://example.com/a.png", "alt_text": "chart"}),
        message({"type": "image", "image_url": "https://example.com/a.png"}),
        "invalid_blocks",
        "blocks[0]: needs alt_text",
    ),
    "unknown block type": Case(
        "chat.postMessage",
        message(divider()),
        message({"type": "carousel"}),
        "invalid_blocks",
        "blocks[0]: unknown block type 'carousel'",
    ),
    "40,001-char text": Case(
        "chat.postMessage",
        {"channel": "C0001", "text": "t" * 40_000},
        {"channel": "C0001", "text": "t" * 40_001},
        "msg_too_long",
        "text: 40001 characters, more than 40000",
    ),
    "missing channel": Case(
        "chat.postMessage",
        {"channel": "C0001", "text": "x"},
        {"text": "x"},
        "channel_not_found",
        "missing argument channel",
    ),
    "no text or blocks": Case(
        "chat.postMessage",
        {"channel": "C0001", "text": "x"},
        {"channel": "C0001", "text": ""},
        "no_text",
        "missing argument text or blocks or attachments",
    ),
    "ephemeral without user": Case(
        "chat.postEphemeral",
        {"channel": "C0001", "user": ALICE, "text": "x"},
        {"channel": "C0001", "text": "x"},
        "user_not_found",
        "missing argument user",
    ),
    "update without ts": Case(
        "chat.update",
        {"channel": "C0001", "ts": "1.2", "text": "x"},
        {"channel": "C0001", "text": "x"},
        "message_not_found",
        "missing argument ts",
    ),
    "views.open without trigger_id": Case(
        "views.open", modal(), {"view": modal()["view"]}, "invalid_arguments", "missing argument trigger_id"
    ),
    "views.push without view": Case(
        "views.push", modal(), {"trigger_id": "1"}, "invalid_arguments", "missing argument view"
    ),
    "views.update without an id": Case(
        "views.update",
        {"view_id": "V1", **home()},
        home(),
        "invalid_arguments",
        "missing argument view_id or external_id",
    ),
    "views.publish without user_id": Case(
        "views.publish", home(), {"view": home()["view"]}, "invalid_arguments", "missing argument user_id"
    ),
    "users.info without user": Case(
        "users.info", {"user": ALICE}, {}, "user_not_found", "missing argument user"
    ),
    "conversations.open without users": Case(
        "conversations.open",
        {"users": ALICE},
        {},
        "users_list_not_supplied",
        "missing argument users or channel",
    ),
    "permalink without message_ts": Case(
        "chat.getPermalink",
        {"channel": "C0001", "message_ts": "1.2"},
        {"channel": "C0001"},
        "message_not_found",
        "missing argument message_ts",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_what_slack_rejects_is_a_violation_and_what_it_accepts_is_not(
    fake: FakeSlack, client: WebClient, case: Case
) -> None:
    assert client.api_call(case.method, json=case.good)["ok"] is True
    assert fake.violations == []
    error = slack_error(lambda: client.api_call(case.method, json=case.bad))
    assert error.response["error"] == case.error
    assert fake.violations, "the bad call was refused but not reported"
    assert all(v.startswith(f"{case.method}: ") for v in fake.violations)
    assert any(case.violation in v for v in fake.violations), fake.violations


def test_an_unknown_or_retired_method_is_a_violation(fake: FakeSlack, client: WebClient) -> None:
    error = slack_error(lambda: client.api_call("files.upload", data={"channels": "C0001", "content": "x"}))
    assert error.response["error"] == "unknown_method"
    assert fake.violations == ["files.upload: files.upload is not a method the fake (or Slack) knows"]
    assert [c.method for c in fake.calls] == ["files.upload"]


@pytest.mark.parametrize(
    ("method", "token", "team", "error"),
    [
        ("chat.postMessage", None, None, "not_authed"),
        ("chat.postMessage", "xoxb-nobody-knows", None, "invalid_auth"),
        ("chat.postMessage", "xapp-1-A0001-app", None, "not_allowed_token_type"),
        ("apps.connections.open", TOKEN, TEAM, "not_allowed_token_type"),
        ("apps.connections.open", None, None, "not_authed"),
    ],
)
def test_a_missing_unknown_or_wrong_kind_of_token_is_a_violation(
    fake: FakeSlack, method: str, token: str | None, team: str | None, error: str
) -> None:
    stranger = WebClient(token=token, base_url=fake.api_url, timeout=5)
    answer = slack_error(lambda: stranger.api_call(method, json={"channel": "C0001", "text": "x"})).response
    assert answer["error"] == error
    [violation] = fake.violations
    assert violation.startswith(f"{method}: ")
    [call] = fake.calls
    assert (call.token, call.team_id, call.ok) == (token, team, False)


def test_each_workspace_answers_for_its_own_token(fake: FakeSlack) -> None:
    other = WebClient(token=OTHER_TOKEN, base_url=fake.api_url, timeout=5).auth_test()
    assert (other["team_id"], other["team"], other["url"]) == (
        OTHER_TEAM,
        "Globex",
        "https://globex.slack.com/",
    )
    assert other["user_id"] == "UBOT" and other["bot_id"] == "BBOT"
    assert fake.calls[0].team_id == OTHER_TEAM


# -- failure injection ------------------------------------------------------------------------


def test_a_rate_limited_post_lands_once_after_retry_after(fake: FakeSlack) -> None:
    client = WebClient(
        token=TOKEN, base_url=fake.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    assert client.chat_postMessage(channel="C0001", text="hi")["ok"] is True
    limited, landed = fake.calls_to("chat.postMessage")
    assert (limited.status, limited.response["error"]) == (429, "ratelimited")
    assert landed.status == 200
    assert landed.at - limited.at >= 1.0, "slack-sdk retried before Retry-After"
    assert fake.calls_to("chat.postMessage", ok=True) == [landed]
    assert fake.violations == []


def test_a_429_carries_retry_after_for_the_app_to_honour(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", retry_after=7, times=2)
    for _ in range(2):
        error = slack_error(lambda: client.chat_postMessage(channel="C0001", text="hi"))
        assert error.response.status_code == 429
        assert error.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C0001", text="hi")["ok"] is True


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (500, None, "internal_error"),
        (503, "service_unavailable", "service_unavailable"),
        (200, "is_archived", "is_archived"),
    ],
)
def test_outages_and_ok_false_answers_can_be_injected(
    fake: FakeSlack, client: WebClient, status: int, error: str | None, expected: str
) -> None:
    fake.fail_next("chat.postMessage", status=status, error=error)
    failure = slack_error(lambda: client.chat_postMessage(channel="C0001", text="hi"))
    assert (failure.response.status_code, failure.response["error"]) == (status, expected)
    assert client.chat_postMessage(channel="C0001", text="hi")["ok"] is True
    assert fake.violations == [], "an injected failure is not the app's fault"


def test_an_injected_failure_still_checks_the_call(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=500)
    slack_error(lambda: client.api_call("chat.postMessage", json={"text": "no channel"}))
    assert fake.violations == ["chat.postMessage: missing argument channel"]


def test_a_200_failure_needs_an_error_name(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="error="):
        fake.fail_next("chat.postMessage", status=200)


def test_a_stalled_call_is_held_while_others_go_on_and_runs_when_released(
    fake: FakeSlack, client: WebClient
) -> None:
    stall = fake.stall_next("chat.postMessage", where=lambda args: args.get("channel") == BOB)
    held = threading.Thread(target=lambda: client.chat_postMessage(channel=BOB, text="held"))
    held.start()
    assert stall.arrived.wait(5)
    assert client.chat_postMessage(channel=ALICE, text="not held")["ok"] is True
    assert [c.args["text"] for c in fake.calls_to("chat.postMessage")] == ["not held"]
    stall.release()
    held.join(5)
    assert [c.args["text"] for c in fake.calls_to("chat.postMessage")] == ["not held", "held"]


def test_a_dropped_call_is_done_but_never_answered(fake: FakeSlack) -> None:
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=5, retry_handlers=[])
    fake.drop_next("chat.postMessage")
    with pytest.raises(ConnectionError):
        client.chat_postMessage(channel=BOB, text="did it land?")
    [call] = fake.calls_to("chat.postMessage")
    assert call.ok, "Slack posted it; only the answer was lost"
    assert client.chat_postMessage(channel=BOB, text="again")["ok"] is True


# -- users, conversations, views, auth --------------------------------------------------------


def test_users_info_answers_from_the_users_added(fake: FakeSlack, client: WebClient) -> None:
    alice = client.users_info(user=ALICE, include_locale=True)["user"]
    assert (alice["name"], alice["real_name"], alice["tz"]) == ("alice", "Alice Chen", "Asia/Shanghai")
    assert (alice["tz_offset"], alice["locale"], alice["is_bot"]) == (8 * 3600, "zh-CN", False)
    bob = client.users_info(user=BOB)["user"]
    assert "locale" not in bob
    assert (bob["tz"], bob["tz_offset"]) == ("UTC", 0)
    assert (bob["profile"]["status_text"], bob["profile"]["status_emoji"]) == ("On leave", ":palm_tree:")


def test_an_unknown_user_is_not_found_without_being_a_violation(fake: FakeSlack) -> None:
    other_workspace = WebClient(token=OTHER_TOKEN, base_url=fake.api_url, timeout=5)
    assert slack_error(lambda: other_workspace.users_info(user=ALICE)).response["error"] == "user_not_found"
    assert fake.violations == []


def test_a_dm_channel_is_stable_per_user(client: WebClient) -> None:
    first = client.conversations_open(users=ALICE)["channel"]["id"]
    assert first == client.conversations_open(users=[ALICE])["channel"]["id"] == "D" + ALICE
    assert client.conversations_open(users=BOB)["channel"]["id"] != first


def test_channels_answer_their_state(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel(TEAM, "C0100", name="apollo", is_archived=True)
    info = client.conversations_info(channel="C0100")["channel"]
    assert (info["name"], info["is_archived"], info["is_channel"]) == ("apollo", True, True)
    assert (
        slack_error(lambda: client.chat_postMessage(channel="C0100", text="x")).response["error"]
        == "is_archived"
    )
    assert (
        slack_error(lambda: client.conversations_info(channel="#nope")).response["error"]
        == "channel_not_found"
    )
    assert fake.violations == []


def test_views_get_ids_and_an_update_with_a_stale_hash_conflicts(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="1.2.3", view=modal(callback_id="new")["view"])["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "new" and opened["hash"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal()["view"])["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    stale = slack_error(
        lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal()["view"])
    )
    assert stale.response["error"] == "hash_conflict"
    published = client.views_publish(user_id=ALICE, view=home(section("hi"))["view"])["view"]
    assert published["id"] not in (opened["id"], "") and published["type"] == "home"
    assert fake.violations == []


def test_chat_methods_answer_like_slack(client: WebClient) -> None:
    posted = client.chat_postMessage(channel=ALICE, text="to a user")
    assert posted["channel"] == "D" + ALICE, "posting to a user id lands in the DM"
    assert client.chat_postEphemeral(channel="C0001", user=ALICE, text="psst")["message_ts"]
    assert client.chat_update(channel="C0001", ts=posted["ts"], text="edited")["message"]["text"] == "edited"
    permalink = client.chat_getPermalink(channel="C0001", message_ts="1700000000.000100")["permalink"]
    assert permalink == "https://acme.slack.com/archives/C0001/p1700000000000100"
    assert client.chat_delete(channel="C0001", ts=posted["ts"])["ts"] == posted["ts"]
    assert client.team_info()["team"]["domain"] == "acme"


def test_an_oauth_code_installs_a_workspace_once(fake: FakeSlack) -> None:
    fake.oauth_grant("code-1", team_id="T0777", team_name="Initech", bot_token="xoxb-new", bot_user_id="UNEW")
    anonymous = WebClient(base_url=fake.api_url, timeout=5)
    granted = anonymous.oauth_v2_access(client_id="1.2", client_secret="shh", code="code-1")
    assert (granted["access_token"], granted["token_type"], granted["bot_user_id"]) == (
        "xoxb-new",
        "bot",
        "UNEW",
    )
    assert granted["team"] == {"id": "T0777", "name": "Initech"}
    assert anonymous.auth_test(token="xoxb-new")["team_id"] == "T0777"
    again = slack_error(
        lambda: anonymous.oauth_v2_access(client_id="1.2", client_secret="shh", code="code-1")
    )
    assert again.response["error"] == "invalid_code"
    [exchange, _, _] = fake.calls
    assert exchange.args == {"client_id": "1.2", "client_secret": "shh", "code": "code-1"}
    assert fake.violations == []


def test_socket_mode_needs_an_app_token(fake: FakeSlack) -> None:
    fake.set_socket_mode_url("ws://127.0.0.1:1/link")
    app_client = WebClient(base_url=fake.api_url, timeout=5)
    assert app_client.apps_connections_open(app_token="xapp-1-A0001-x")["url"] == "ws://127.0.0.1:1/link"
    assert fake.calls_to("apps.connections.open")[0].token == "xapp-1-A0001-x"
    assert fake.violations == []


# -- files, response URLs, waiting ------------------------------------------------------------


def test_files_upload_v2_runs_the_three_steps(fake: FakeSlack, client: WebClient) -> None:
    content = b"\x89PNG\r\n\x1a\n fake image"
    uploaded = client.files_upload_v2(channel="C0001", content=content, filename="x.png")
    assert uploaded["file"]["name"] == "x.png"
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    ask, upload, complete = fake.calls
    assert int(ask.args["length"]) == len(content)
    assert upload.args == {"file_id": uploaded["file"]["id"], "filename": "x.png", "length": len(content)}
    assert complete.args["files"][0]["id"] == uploaded["file"]["id"]
    assert complete.args["channel_id"] == "C0001"
    assert fake.violations == []


def test_completing_a_file_whose_bytes_never_arrived_is_a_violation(
    fake: FakeSlack, client: WebClient
) -> None:
    file_id = client.files_getUploadURLExternal(filename="x.png", length=3)["file_id"]
    files = json.dumps([{"id": file_id, "title": "x"}])
    error = slack_error(lambda: client.api_call("files.completeUploadExternal", params={"files": files}))
    assert error.response["error"] == "file_not_found"
    assert fake.violations == [
        f"files.completeUploadExternal: file {file_id!r} was completed before its bytes were uploaded"
    ]


def test_uploading_other_than_the_announced_length_is_a_violation(fake: FakeSlack, client: WebClient) -> None:
    upload_url = client.files_getUploadURLExternal(filename="x.png", length=3)["upload_url"]
    assert upload_url.startswith(fake.url)
    assert requests.post(upload_url, data=b"four", timeout=5).status_code == 400
    assert fake.violations == ["upload: 4 bytes uploaded, but files.getUploadURLExternal announced 3"]


def test_a_response_url_records_the_message(fake: FakeSlack) -> None:
    url = fake.response_url(TEAM)
    assert url.startswith(fake.url)
    sent = WebhookClient(url).send_dict(
        {"response_type": "in_channel", "text": "shared", "blocks": [section("s")]}
    )
    assert sent.status_code == 200
    [posted] = fake.wait_for("response_url")
    assert (posted.args["text"], posted.team_id, posted.token) == ("shared", TEAM, None)
    assert fake.violations == []


@pytest.mark.parametrize(
    ("body", "violation"),
    [
        ({"response_type": "ephemeral"}, "a response URL message needs text or blocks"),
        ({"text": "x", "response_type": "everyone"}, "response_type: 'everyone'"),
        ({"text": "x", "blocks": [divider()] * 51}, "blocks: 51 blocks, more than 50"),
    ],
)
def test_a_bad_response_url_message_is_a_violation(fake: FakeSlack, body: JsonDict, violation: str) -> None:
    assert WebhookClient(fake.response_url(TEAM)).send_dict(body).status_code == 400
    assert any(violation in v for v in fake.violations), fake.violations


def test_a_response_url_works_five_times_and_unknown_ones_never(fake: FakeSlack) -> None:
    webhook = WebhookClient(fake.response_url(TEAM))
    assert [webhook.send(text="x").status_code for _ in range(6)] == [200] * 5 + [404]
    assert WebhookClient(fake.url + "response/T0001/forged").send(text="x").status_code == 404
    assert len(fake.violations) == 2


def test_a_deleting_response_needs_no_text(fake: FakeSlack) -> None:
    assert WebhookClient(fake.response_url(TEAM)).send_dict({"delete_original": True}).status_code == 200
    assert fake.violations == []


def test_wait_for_blocks_until_the_call_arrives(fake: FakeSlack, client: WebClient) -> None:
    later = threading.Timer(0.2, lambda: client.chat_postMessage(channel="C0001", text="late"))
    later.start()
    started = time.monotonic()
    [call] = fake.wait_for("chat.postMessage", timeout=5)
    assert call.args["text"] == "late" and time.monotonic() - started >= 0.15
    later.join()


def test_wait_for_fails_listing_what_arrived(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"0 of 1 views.open calls .*\['auth.test'\]"):
        fake.wait_for("views.open", timeout=0.1)


def test_reset_forgets_calls_and_violations(fake: FakeSlack, client: WebClient) -> None:
    slack_error(lambda: client.api_call("chat.postMessage", json={"text": "x"}))
    assert fake.calls and fake.violations
    fake.reset()
    assert (fake.calls, fake.violations) == ([], [])


# -- the driver -------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    def payload(self) -> JsonDict:
        return json.loads(self.form()["payload"])


class RecordingApp:
    """Stands in for the app: records what the driver sends and acks with an empty 200."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recorder.received.append(Received(self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app() -> Iterator[RecordingApp]:
    app = RecordingApp()
    yield app
    app.close()


@pytest.fixture
def driver(app: RecordingApp, fake: FakeSlack) -> SlackDriver:
    return SlackDriver(app.url, SECRET, fake=fake, team_id=TEAM)


def signature_is_valid(received: Received, secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid(
        body=received.body,
        timestamp=received.headers.get("X-Slack-Request-Timestamp"),
        signature=received.headers.get("X-Slack-Signature"),
    )


def test_a_command_is_signed_and_shaped_like_slacks(
    app: RecordingApp, driver: SlackDriver, fake: FakeSlack
) -> None:
    reply = driver.command("projects mine", user=ALICE, channel="C0100")
    assert reply.status == 200 and reply.json() == {}
    [received] = app.received
    assert received.path == "/slack/events"
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert signature_is_valid(received)
    assert not signature_is_valid(received, "another-secret")
    form = received.form()
    assert (form["command"], form["text"], form["user_id"], form["team_id"]) == (
        "/pmo",
        "projects mine",
        ALICE,
        TEAM,
    )
    assert form["response_url"].startswith(fake.url + "response/") and form["trigger_id"]


@pytest.mark.parametrize(
    ("signing", "valid"),
    [
        ({}, True),
        ({"sign": False}, False),
        ({"signature": "v0=" + "0" * 64}, False),
        ({"timestamp": int(time.time()) - 6 * 60}, False),
    ],
    ids=["signed", "unsigned", "forged", "stale"],
)
def test_forged_and_stale_requests_fail_slacks_own_check(
    app: RecordingApp, driver: SlackDriver, signing: JsonDict, valid: bool
) -> None:
    driver.command("help", **signing)
    [received] = app.received
    assert signature_is_valid(received) is valid
    assert ("X-Slack-Signature" in received.headers) is (signing != {"sign": False})


def test_an_event_is_a_signed_json_envelope_and_retries_say_so(
    app: RecordingApp, driver: SlackDriver
) -> None:
    driver.event({"type": "app_home_opened", "user": ALICE, "tab": "home"}, event_id="Ev1", retry_num=2)
    [received] = app.received
    assert signature_is_valid(received)
    envelope = json.loads(received.body)
    assert (envelope["type"], envelope["event_id"], envelope["team_id"]) == ("event_callback", "Ev1", TEAM)
    assert envelope["event"]["user"] == ALICE and envelope["event"]["event_ts"]
    assert envelope["authorizations"][0] | {"enterprise_id": None} == {
        "enterprise_id": None,
        "team_id": TEAM,
        "user_id": "UBOT",
        "is_bot": True,
        "is_enterprise_install": False,
    }
    assert (received.headers["X-Slack-Retry-Num"], received.headers["X-Slack-Retry-Reason"]) == (
        "2",
        "http_timeout",
    )


def test_interactions_carry_a_payload_like_slacks(app: RecordingApp, driver: SlackDriver) -> None:
    driver.block_action("share", value="projects", channel="C0100")
    opened = {"type": "modal", "callback_id": "new_project", "private_metadata": "C0100", "blocks": []}
    driver.view_submission(opened, {"name": {"value": SlackDriver.text_value("Apollo")}})
    driver.message_shortcut("log_issue", message_text="the build is red")
    click, submission, shortcut = (received.payload() for received in app.received)
    assert all(signature_is_valid(received) for received in app.received)
    assert click["type"] == "block_actions" and click["actions"][0]["action_id"] == "share"
    assert click["actions"][0]["value"] == "projects" and click["container"]["channel_id"] == "C0100"
    assert click["response_url"] and click["trigger_id"]
    assert submission["type"] == "view_submission" and submission["view"]["callback_id"] == "new_project"
    assert submission["view"]["id"].startswith("V") and submission["view"]["private_metadata"] == "C0100"
    assert submission["view"]["state"]["values"]["name"]["value"]["value"] == "Apollo"
    assert shortcut["type"] == "message_action" and shortcut["message"]["text"] == "the build is red"


def test_a_click_in_a_view_has_no_response_url(app: RecordingApp, driver: SlackDriver) -> None:
    view = {"id": "V0042", "type": "modal", "blocks": []}
    option = {"text": plain("High"), "value": "high"}
    driver.block_action("priority", view=view, channel=None, selected_option=option)
    [click] = (received.payload() for received in app.received)
    assert click["container"] == {"type": "view", "view_id": "V0042"}
    assert "response_url" not in click
    assert click["actions"][0]["selected_option"] == option


def test_state_value_helpers_match_slacks_shapes() -> None:
    assert SlackDriver.select_value("high")["selected_option"]["value"] == "high"
    assert SlackDriver.select_value(None) == {"type": "static_select", "selected_option": None}
    assert SlackDriver.users_value(ALICE) == {"type": "users_select", "selected_user": ALICE}
    assert SlackDriver.date_value("2025-01-31") == {"type": "datepicker", "selected_date": "2025-01-31"}


def test_a_request_cut_short_is_answered_400_and_never_recorded(fake: FakeSlack) -> None:
    """A client killed mid-write sends fewer bytes than its Content-Length: Slack never acts on it."""
    body = b"channel=C0001&text=Hello%20there"
    head = (
        "POST /api/chat.postMessage HTTP/1.1\r\nHost: slack\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body) + 40}\r\n\r\n"
    ).encode()
    host, port = urlsplit(fake.api_url).hostname, urlsplit(fake.api_url).port
    with socket.create_connection((host, port), timeout=5) as conn:
        conn.sendall(head + body[:10])  # "channel=C0": the rest never comes
        conn.shutdown(socket.SHUT_WR)
        answer = conn.makefile("rb").read()
    assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400"), answer
    assert fake.calls == [] and fake.violations == []
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=5)
    assert client.chat_postMessage(channel="C0001", text="Hello there")["ok"] is True
    assert [c.args["text"] for c in fake.calls_to("chat.postMessage", ok=True)] == ["Hello there"]


# -- what ships in the wheel -------------------------------------------------------------------


def test_the_packaged_pretend_slack_has_no_faults_oauth_or_socket_mode() -> None:
    """`pmo-bot console` needs none of them: they live in tests/support/fakeslack.py, out of the wheel."""
    with PretendSlack() as slack:
        slack.add_workspace(TEAM, bot_token=TOKEN)
        oauth = requests.post(slack.api_url + "oauth.v2.access", data={"code": "c"}, timeout=5)
        socket_url = requests.post(
            slack.api_url + "apps.connections.open", headers=bearer("xapp-1-A0001-app"), timeout=5
        )
        assert [oauth.json()["error"], socket_url.json()["error"]] == ["unknown_method"] * 2
        test_only = ("fail_next", "stall_next", "drop_next", "oauth_grant", "set_socket_mode_url", "wait_for")
        assert [name for name in test_only if hasattr(slack, name)] == []


def test_the_package_imports_nothing_from_the_tests() -> None:
    """The wheel holds bot/, handlers/ and models/ only: an import of tests/ would fail once installed."""
    root = Path(__file__).resolve().parent.parent
    importers = [
        str(path.relative_to(root))
        for folder in ("bot", "handlers", "models")
        for path in (root / folder).rglob("*.py")
        if re.search(r"^\s*(from|import) (tests|benchmarks)\b", path.read_text(), re.MULTILINE)
    ]
    assert importers == []


# -- Sign in with Slack -------------------------------------------------------------------------


def authorize(fake: FakeSlack, **query: str) -> requests.Response:
    asked = {"response_type": "code", "client_id": "1.2", "scope": "openid,profile,email", **query}
    url = f"{fake.url}/openid/connect/authorize"
    return requests.get(url, params=asked, allow_redirects=False, timeout=5)


def test_sign_in_with_slack_gives_one_code_for_one_token_for_who_is_signed_in(fake: FakeSlack) -> None:
    fake.sign_in_as(TEAM, ALICE)
    back = authorize(fake, state="s1", redirect_uri="https://pmo.example.com/back")
    assert back.status_code == 302
    target = urlsplit(back.headers["Location"])
    assert target.netloc == "pmo.example.com" and target.path == "/back"
    code = parse_qs(target.query)["code"][0]
    assert parse_qs(target.query)["state"] == ["s1"]
    client = WebClient(base_url=fake.api_url)
    exchange = {"client_id": "1.2", "client_secret": "shh", "redirect_uri": "https://pmo.example.com/back"}
    token = client.openid_connect_token(code=code, **exchange)["access_token"]
    info = client.openid_connect_userInfo(token=token)
    assert (info["sub"], info["https://slack.com/team_id"], info["locale"]) == (ALICE, TEAM, "zh-CN")
    again = slack_error(lambda: client.openid_connect_token(code=code, **exchange))
    assert again.response["error"] == "invalid_code"  # a code is good for one exchange
    assert fake.violations == []


def test_an_authorize_link_without_what_slack_needs_is_a_violation(fake: FakeSlack) -> None:
    refused = authorize(fake, scope="openid", redirect_uri="https://pmo.example.com/back")
    assert refused.status_code == 400
    assert fake.violations == [
        "openid.connect.authorize: missing argument state; scope must ask for email, openid, profile"
    ]
    fake.reset()

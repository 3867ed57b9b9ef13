"""Sends the app what Slack sends it: Slack's payload shapes, signed with Slack's v0 scheme.

Tests drive the real app over real HTTP, so signature checks, body parsing and acks run exactly
as in production. Every request goes to one URL, as Slack's do when the manifest points slash
commands, interactivity and events at the same Request URL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from bot import slack_payloads as payloads

if TYPE_CHECKING:
    from tests.support.fakeslack import FakeSlack

EVENTS_PATH = "/slack/events"
# Where a response URL points when no fake is given: a closed loopback port, so nothing leaks out.
NOWHERE = "http://127.0.0.1:9/response"
TIMEOUT_S = 30

JsonDict = dict[str, Any]


class Signing(TypedDict, total=False):
    """How to sign (or mis-sign) a request: tests of forged and stale requests pass these."""

    timestamp: int | None  # default: now
    signature: str | None  # default: the right one for the body and timestamp
    headers: dict[str, str] | None  # more headers, such as X-Slack-Retry-Num
    sign: bool  # False sends neither signature nor timestamp


@dataclass
class Reply:
    """What the app answered."""

    status: int
    text: str
    headers: dict[str, str]
    # Seconds from sending the request to the answer's arrival: Slack gives up after 3.
    elapsed: float = 0.0

    def json(self) -> JsonDict:
        """The JSON body; {} for an empty ack, which is how apps most often answer Slack."""
        return json.loads(self.text) if self.text.strip() else {}


class SlackDriver:
    """Plays Slack towards one app: slash commands, events, interactions, and plain GETs."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        fake: FakeSlack | None = None,
        team_id: str = "T0001",
        settle: Callable[[], bool] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # Waits until the work a request queued for after its answer is done (posts, DMs,
        # Home tabs), so a test reads what Slack was told without sleeping; None: don't wait.
        self.settle = settle
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id
        self.verifier = SignatureVerifier(signing_secret)
        # One session so cookies persist, as a browser's do through the OAuth install flow.
        self.session = requests.Session()

    # -- raw HTTP

    def signature(self, timestamp: int | str, body: bytes | str) -> str:
        signature = self.verifier.generate_signature(timestamp=str(timestamp), body=body)
        assert signature is not None, "slack-sdk signs whenever a timestamp is given"
        return signature

    def post_raw(
        self,
        body: bytes | str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Reply:
        """POST `body` to the events URL, signed as Slack signs unless told otherwise."""
        data = body.encode() if isinstance(body, str) else body
        sent = {"Content-Type": content_type}
        if sign:
            stamp = int(time.time()) if timestamp is None else timestamp
            sent["X-Slack-Request-Timestamp"] = str(stamp)
            sent["X-Slack-Signature"] = signature or self.signature(stamp, data)
        sent |= headers or {}
        reply = self._reply(
            self.session.post(self.base_url + EVENTS_PATH, data=data, headers=sent, timeout=TIMEOUT_S)
        )
        if self.settle is not None:
            assert self.settle(), f"work queued after the answer still running after {TIMEOUT_S}s"
        return reply

    def get(self, path: str) -> Reply:
        return self._reply(self.session.get(self.base_url + path, timeout=TIMEOUT_S))

    # -- what Slack sends

    def command(
        self,
        text: str,
        *,
        user: str = "U0001",
        channel: str = "C0001",
        team: str | None = None,
        command: str = "/pmo",
        trigger_id: str | None = None,
        **signing: Unpack[Signing],
    ) -> Reply:
        """A slash command, form-encoded as Slack sends it."""
        team = team or self.team_id
        form = payloads.command_form(
            text,
            user=user,
            channel=channel,
            team=team,
            command=command,
            response_url=self.response_url(team),
            trigger=trigger_id,
        )
        return self.post_raw(urlencode(form), **signing)

    def event(
        self,
        event: JsonDict,
        *,
        team: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **signing: Unpack[Signing],
    ) -> Reply:
        """An Events API event_callback; `retry_num` makes it Slack's retry of an unacked delivery."""
        envelope = payloads.event_envelope(event, team=team or self.team_id, event_id=event_id)
        headers = dict(signing.pop("headers", None) or {})
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post_raw(
            json.dumps(envelope), content_type="application/json", headers=headers, **signing
        )

    def block_action(
        self,
        action_id: str,
        *,
        value: str | None = None,
        user: str = "U0001",
        channel: str | None = "C0001",
        team: str | None = None,
        block_id: str = "b",
        message: JsonDict | None = None,
        view: JsonDict | None = None,
        selected_option: JsonDict | None = None,
        **signing: Unpack[Signing],
    ) -> Reply:
        """A click in a message (`message`, or an ephemeral one when None) or in a `view`."""
        team = team or self.team_id
        clicked = payloads.action(action_id, block_id, value, selected_option)
        if view is not None:
            payload = payloads.block_action_in_view(clicked, user=user, team=team, view=view)
        elif channel is not None:
            payload = payloads.block_action_in_message(
                clicked,
                user=user,
                team=team,
                channel=channel,
                message=message,
                response_url=self.response_url(team),
            )
        else:
            payload = payloads.interaction_base("block_actions", user, team) | {
                "trigger_id": self.trigger_id(),
                "actions": [clicked],
                "state": {"values": {}},
            }
        return self._interaction(payload, **signing)

    def view_submission(
        self,
        view: JsonDict,
        values: JsonDict,
        *,
        user: str = "U0001",
        team: str | None = None,
        **signing: Unpack[Signing],
    ) -> Reply:
        """Submit a modal: `view` as the app opened it, `values` as {block_id: {action_id: value}}."""
        payload = payloads.view_submission(view, values, user=user, team=team or self.team_id)
        return self._interaction(payload, **signing)

    def message_shortcut(
        self,
        callback_id: str,
        *,
        message_text: str,
        user: str = "U0001",
        channel: str = "C0001",
        team: str | None = None,
        author: str | None = None,
        **signing: Unpack[Signing],
    ) -> Reply:
        """A message shortcut on a message by `author` (default: the clicking user)."""
        team = team or self.team_id
        payload = payloads.message_shortcut(
            callback_id,
            message_text=message_text,
            user=user,
            channel=channel,
            team=team,
            author=author or user,
            response_url=self.response_url(team),
        )
        return self._interaction(payload, **signing)

    # -- values as Slack puts them under view.state.values

    text_value = staticmethod(payloads.text_value)
    select_value = staticmethod(payloads.select_value)
    users_value = staticmethod(payloads.users_value)
    date_value = staticmethod(payloads.date_value)

    # -- ids and URLs like Slack's

    def response_url(self, team: str) -> str:
        return self.fake.response_url(team) if self.fake else NOWHERE

    trigger_id = staticmethod(payloads.trigger_id)
    new_ts = staticmethod(payloads.new_ts)

    def complete_view(self, view: JsonDict, team: str) -> JsonDict:
        return payloads.complete_view(view, team)

    # -- plumbing

    def _interaction(self, payload: JsonDict, **signing: Unpack[Signing]) -> Reply:
        return self.post_raw(urlencode({"payload": json.dumps(payload)}), **signing)

    @staticmethod
    def _reply(response: requests.Response) -> Reply:
        return Reply(
            response.status_code, response.text, dict(response.headers), response.elapsed.total_seconds()
        )

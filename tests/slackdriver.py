"""Sends the app what Slack sends it: Slack's payload shapes, signed with Slack's v0 scheme.

Tests drive the real app over real HTTP, so signature checks, body parsing and acks run exactly
as in production. Every request goes to one URL, as Slack's do when the manifest points slash
commands, interactivity and events at the same Request URL.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from tests.fakeslack import FakeSlack

EVENTS_PATH = "/slack/events"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
# Slack still sends the deprecated verification token; apps must not rely on it (Bolt ignores it).
VERIFICATION_TOKEN = "deprecated-verification-token"
# Where a response URL points when no fake is given: a closed loopback port, so nothing leaks out.
NOWHERE = "http://127.0.0.1:9/response"
TIMEOUT_S = 30

JsonDict = dict[str, Any]

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


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

    def json(self) -> JsonDict:
        """The JSON body; {} for an empty ack, which is how apps most often answer Slack."""
        return json.loads(self.text) if self.text.strip() else {}


class SlackDriver:
    """Plays Slack towards one app: slash commands, events, interactions, and plain GETs."""

    def __init__(
        self, base_url: str, signing_secret: str, *, fake: FakeSlack | None = None, team_id: str = "T0001"
    ) -> None:
        self.base_url = base_url.rstrip("/")
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
        return self._reply(
            self.session.post(self.base_url + EVENTS_PATH, data=data, headers=sent, timeout=TIMEOUT_S)
        )

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
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": team,
            "team_domain": team.lower(),
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.response_url(team),
            "trigger_id": trigger_id or self.trigger_id(),
        }
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
        team = team or self.team_id
        now = time.time()
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": team,
            "api_app_id": APP_ID,
            "event": {"event_ts": f"{now:.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{_next():08d}",
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
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
        payload = self._interaction_base("block_actions", user, team) | {
            "trigger_id": self.trigger_id(),
            "actions": [self._action(action_id, block_id, value, selected_option)],
            "state": {"values": {}},
        }
        if view is not None:
            payload |= {"view": self.complete_view(view, team), "container": {"type": "view"}}
            payload["container"]["view_id"] = payload["view"]["id"]
        elif channel is not None:
            payload |= self._message_context(channel, team, message)
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
        team = team or self.team_id
        submitted = self.complete_view(view, team) | {"state": {"values": values}}
        payload = self._interaction_base("view_submission", user, team) | {
            "trigger_id": self.trigger_id(),
            "view": submitted,
            "response_urls": [],
        }
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
        ts = self.new_ts()
        payload = self._interaction_base("message_action", user, team) | {
            "callback_id": callback_id,
            "trigger_id": self.trigger_id(),
            "action_ts": f"{time.time():.6f}",
            "channel": {"id": channel, "name": channel.lower()},
            "message_ts": ts,
            "message": {"type": "message", "user": author or user, "ts": ts, "text": message_text},
            "response_url": self.response_url(team),
        }
        return self._interaction(payload, **signing)

    # -- values as Slack puts them under view.state.values

    @staticmethod
    def text_value(s: str | None) -> JsonDict:
        return {"type": "plain_text_input", "value": s}

    @staticmethod
    def select_value(v: str | None, text: str | None = None) -> JsonDict:
        """A static_select's state; Slack sends the whole chosen option back, or null."""
        option = None if v is None else {"text": {"type": "plain_text", "text": text or v}, "value": v}
        return {"type": "static_select", "selected_option": option}

    @staticmethod
    def users_value(u: str | None) -> JsonDict:
        return {"type": "users_select", "selected_user": u}

    @staticmethod
    def date_value(d: date | str | None) -> JsonDict:
        return {"type": "datepicker", "selected_date": d.isoformat() if isinstance(d, date) else d}

    # -- ids and URLs like Slack's

    def response_url(self, team: str) -> str:
        return self.fake.response_url(team) if self.fake else NOWHERE

    @staticmethod
    def trigger_id() -> str:
        return f"{_next()}.{int(time.time())}.{_next():032x}"

    @staticmethod
    def new_ts() -> str:
        return f"{int(time.time())}.{_next() % 1_000_000:06d}"

    def complete_view(self, view: JsonDict, team: str) -> JsonDict:
        """The view as Slack sends it back: what the app sent plus id, team and state.

        Accepts either what the app sent to views.open (the fake's call args) or what the fake
        answered (with an id already), so tests can pass whichever they have at hand.
        """
        return {
            "id": f"V{_next():08d}",
            "team_id": team,
            "app_id": APP_ID,
            "app_installed_team_id": team,
            "bot_id": "BBOT",
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            "hash": f"{time.time():.6f}.abcd1234",
            "state": {"values": {}},
            "previous_view_id": None,
            "root_view_id": None,
        } | view

    # -- plumbing

    def _interaction_base(self, kind: str, user: str, team: str) -> JsonDict:
        return {
            "type": kind,
            "token": VERIFICATION_TOKEN,
            "api_app_id": APP_ID,
            "team": {"id": team, "domain": team.lower()},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    @staticmethod
    def _action(
        action_id: str, block_id: str, value: str | None, selected_option: JsonDict | None
    ) -> JsonDict:
        action: JsonDict = {"action_id": action_id, "block_id": block_id, "action_ts": f"{time.time():.6f}"}
        if selected_option is not None:
            return action | {"type": "static_select", "selected_option": selected_option}
        return action | {"type": "button"} | ({} if value is None else {"value": value})

    def _message_context(self, channel: str, team: str, message: JsonDict | None) -> JsonDict:
        """Where a click in a message came from. Slack omits `message` for ephemeral messages."""
        ts = message.get("ts", self.new_ts()) if message else self.new_ts()
        context: JsonDict = {
            "channel": {"id": channel, "name": channel.lower()},
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": message is None,
            },
            "response_url": self.response_url(team),
        }
        return context | ({"message": {"type": "message", "ts": ts} | message} if message else {})

    def _interaction(self, payload: JsonDict, **signing: Unpack[Signing]) -> Reply:
        return self.post_raw(urlencode({"payload": json.dumps(payload)}), **signing)

    @staticmethod
    def _reply(response: requests.Response) -> Reply:
        return Reply(response.status_code, response.text, dict(response.headers))

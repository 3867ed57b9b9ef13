"""What Slack sends an app: slash commands, events, clicks and modal submissions, in Slack's shapes.

The end-to-end tests and `pmo-bot console` both play Slack towards the real app, so both build
their requests here: a request the console sends is one the tests have proved the app reads.
"""

from __future__ import annotations

import itertools
import time
from datetime import date
from typing import Any

JsonDict = dict[str, Any]

APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
# Slack still sends the deprecated verification token; apps must not rely on it (Bolt ignores it).
VERIFICATION_TOKEN = "deprecated-verification-token"

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def trigger_id() -> str:
    return f"{_next()}.{int(time.time())}.{_next():032x}"


def new_ts() -> str:
    return f"{int(time.time())}.{_next() % 1_000_000:06d}"


def command_form(
    text: str,
    *,
    user: str,
    channel: str,
    team: str,
    response_url: str,
    command: str = "/pmo",
    trigger: str | None = None,
) -> dict[str, str]:
    """A slash command's form fields, as Slack posts them."""
    return {
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
        "response_url": response_url,
        "trigger_id": trigger or trigger_id(),
    }


def event_envelope(event: JsonDict, *, team: str, event_id: str | None = None) -> JsonDict:
    """An Events API event_callback carrying `event`."""
    now = time.time()
    return {
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


def interaction_base(kind: str, user: str, team: str) -> JsonDict:
    return {
        "type": kind,
        "token": VERIFICATION_TOKEN,
        "api_app_id": APP_ID,
        "team": {"id": team, "domain": team.lower()},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def action(
    action_id: str, block_id: str, value: str | None = None, selected_option: JsonDict | None = None
) -> JsonDict:
    """One entry of a block_actions payload's `actions`: a button, or a choice from a select."""
    entry: JsonDict = {"action_id": action_id, "block_id": block_id, "action_ts": f"{time.time():.6f}"}
    if selected_option is not None:
        return entry | {"type": "static_select", "selected_option": selected_option}
    return entry | {"type": "button"} | ({} if value is None else {"value": value})


def message_context(channel: str, message: JsonDict | None, response_url: str) -> JsonDict:
    """Where a click in a message came from. Slack omits `message` for ephemeral messages."""
    ts = message.get("ts", new_ts()) if message else new_ts()
    context: JsonDict = {
        "channel": {"id": channel, "name": channel.lower()},
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": message is None,
        },
        "response_url": response_url,
    }
    return context | ({"message": {"type": "message", "ts": ts} | message} if message else {})


def block_action_in_message(
    clicked: JsonDict, *, user: str, team: str, channel: str, message: JsonDict | None, response_url: str
) -> JsonDict:
    """A click in a message (`message`, or an ephemeral one when None)."""
    payload = interaction_base("block_actions", user, team) | {
        "trigger_id": trigger_id(),
        "actions": [clicked],
        "state": {"values": {}},
    }
    return payload | message_context(channel, message, response_url)


def block_action_in_view(clicked: JsonDict, *, user: str, team: str, view: JsonDict) -> JsonDict:
    """A click in a view: the Home tab or a modal."""
    completed = complete_view(view, team)
    return interaction_base("block_actions", user, team) | {
        "trigger_id": trigger_id(),
        "actions": [clicked],
        "state": {"values": {}},
        "view": completed,
        "container": {"type": "view", "view_id": completed["id"]},
    }


def view_submission(view: JsonDict, values: JsonDict, *, user: str, team: str) -> JsonDict:
    """Submit a modal: `view` as the app opened it, `values` as {block_id: {action_id: state}}."""
    submitted = complete_view(view, team) | {"state": {"values": values}}
    return interaction_base("view_submission", user, team) | {
        "trigger_id": trigger_id(),
        "view": submitted,
        "response_urls": [],
    }


def message_shortcut(
    callback_id: str, *, message_text: str, user: str, channel: str, team: str, author: str, response_url: str
) -> JsonDict:
    """A message shortcut on a message by `author`."""
    ts = new_ts()
    return interaction_base("message_action", user, team) | {
        "callback_id": callback_id,
        "trigger_id": trigger_id(),
        "action_ts": f"{time.time():.6f}",
        "channel": {"id": channel, "name": channel.lower()},
        "message_ts": ts,
        "message": {"type": "message", "user": author, "ts": ts, "text": message_text},
        "response_url": response_url,
    }


def complete_view(view: JsonDict, team: str) -> JsonDict:
    """The view as Slack sends it back: what the app sent plus id, team and state.

    Accepts either what the app sent to views.open or what Slack answered (with an id already).
    """
    return {
        "id": f"V{_next():08d}",
        "team_id": team,
        "app_id": APP_ID,
        "app_installed_team_id": team,
        "bot_id": BOT_ID,
        "callback_id": "",
        "private_metadata": "",
        "external_id": "",
        "hash": f"{time.time():.6f}.abcd1234",
        "state": {"values": {}},
        "previous_view_id": None,
        "root_view_id": None,
    } | view


# -- values as Slack puts them under view.state.values


def text_value(s: str | None) -> JsonDict:
    return {"type": "plain_text_input", "value": s}


def select_value(v: str | None, text: str | None = None) -> JsonDict:
    """A static_select's state; Slack sends the whole chosen option back, or null."""
    option = None if v is None else {"text": {"type": "plain_text", "text": text or v}, "value": v}
    return {"type": "static_select", "selected_option": option}


def users_value(u: str | None) -> JsonDict:
    return {"type": "users_select", "selected_user": u}


def date_value(d: date | str | None) -> JsonDict:
    return {"type": "datepicker", "selected_date": d.isoformat() if isinstance(d, date) else d}


# Inputs whose state lists their values: several users, or the files uploaded (Slack sends each
# file's object; the app reads its id and asks files.info for the rest).
SEVERAL_STATES: dict[str, str] = {"multi_users_select": "selected_users", "file_input": "files"}


def _listed(kind: str, part: str) -> object:
    return {"id": part} if kind == "file_input" else part


def element_state(block: JsonDict, value: str | None) -> JsonDict:
    """An input block's state holding `value` (several users or ticked boxes joined by commas)."""
    element = block["element"]
    kind = element["type"]
    if kind == "static_select":
        chosen = next((o for o in element.get("options", []) if o["value"] == value), None)
        return select_value(value, chosen["text"]["text"] if chosen else None)
    if kind == "users_select":
        return users_value(value)
    if kind == "datepicker":
        return date_value(value)
    if kind in SEVERAL_STATES:
        return {
            "type": kind,
            SEVERAL_STATES[kind]: [_listed(kind, part) for part in (value or "").split(",") if part],
        }
    if kind == "checkboxes":
        ticked = (value or "").split(",")
        return {"type": kind, "selected_options": [o for o in element["options"] if o["value"] in ticked]}
    return text_value(value)


def initial_value(block: JsonDict) -> str | None:
    """What an input block shows when the modal opens, in the form `element_state` takes."""
    element = block["element"]
    if "initial_option" in element:
        value: str = element["initial_option"]["value"]
        return value
    if "initial_options" in element:
        return ",".join(item["value"] for item in element["initial_options"])
    if "initial_users" in element:
        return ",".join(element["initial_users"])
    initial: str | None = (
        element.get("initial_user") or element.get("initial_date") or element.get("initial_value")
    )
    return initial


def input_blocks(view: JsonDict) -> dict[str, JsonDict]:
    return {block["block_id"]: block for block in view.get("blocks", []) if block.get("type") == "input"}


def view_state(view: JsonDict, values: dict[str, str | None]) -> JsonDict:
    """State for every input: what the modal was opened with, overridden by `values`."""
    inputs = input_blocks(view)
    unknown = set(values) - set(inputs)
    if unknown:
        raise KeyError(f"no such fields in the modal: {sorted(unknown)}")
    return {
        block_id: {
            block["element"]["action_id"]: element_state(block, values.get(block_id, initial_value(block)))
        }
        for block_id, block in inputs.items()
    }

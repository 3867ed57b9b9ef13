"""A fake Slack Web API on loopback, as strict as real Slack about what it accepts.

End-to-end tests point the app's `WebClient(base_url=fake.api_url)` here, and so does
`pmo-bot console`, which runs the real app against it. The fake answers the way Slack does,
records every call, and notes a *violation* for anything real Slack would reject (a missing
argument, an unknown token, a Block Kit limit), so that a test passing against it does not start
failing the day the app meets production. Tests assert `fake.violations == []`.

It runs a stdlib `ThreadingHTTPServer` on 127.0.0.1 and needs nothing else. Every request is
handled under one lock: the fake is small and fast, and serialising it rules out races in the
fake itself. The Block Kit checks are plain functions (`check_message_payload`,
`check_view_payload`) so tests can also run them on what the app answers over HTTP, which never
passes through the Web API.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from enum import Enum
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

Problems = list[str]
JsonDict = dict[str, Any]

# --------------------------------------------------------------------------------------------
# Block Kit: Slack's documented limits, checked by plain code so a breach names its exact path.
# --------------------------------------------------------------------------------------------

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
MESSAGE_TEXT_MAX = 40_000
ID_MAX = 255  # block_id, action_id, callback_id, external_id
MODAL_TEXT_MAX = 24  # a modal's title, submit and close
PRIVATE_METADATA_MAX = 3_000
HEADER_TEXT_MAX = 150
SECTION_TEXT_MAX = 3_000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2_000
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2_000
URL_MAX = 3_000
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
PLACEHOLDER_MAX = 150
INPUT_LABEL_MAX = 2_000
TEXT_INPUT_MAX = 3_000
RESPONSE_URL_USES_MAX = 5  # Slack honours a response URL five times, then says used_url

TEXT_TYPES = ("plain_text", "mrkdwn")
PLAIN_TEXT = ("plain_text",)
BUTTON_STYLES = (None, "primary", "danger")
RESPONSE_TYPES = (None, "ephemeral", "in_channel")
# How many options each kind of choice element may carry.
OPTIONS_MAX = {
    "static_select": 100,
    "multi_static_select": 100,
    "overflow": 5,
    "radio_buttons": 10,
    "checkboxes": 10,
}
SELECTS_NEEDING_OPTIONS = ("static_select", "multi_static_select")


def length_problems(value: Any, where: str, limit: int) -> Problems:
    if isinstance(value, str) and len(value) > limit:
        return [f"{where}: {len(value)} characters, more than {limit}"]
    return []


def count_problems(items: Any, where: str, what: str, high: int, *, low: int = 0) -> Problems:
    if not isinstance(items, list):
        return [f"{where}: must be a list of {what}"]
    if len(items) > high:
        return [f"{where}: {len(items)} {what}, more than {high}"]
    if len(items) < low:
        return [f"{where}: needs at least {low} {what}"]
    return []


def duplicate_problems(ids: Iterable[Any], where: str, what: str) -> Problems:
    counts = Counter(i for i in ids if i is not None)
    return [f"{where}: {what} {i!r} is used {n} times" for i, n in counts.items() if n > 1]


def text_problems(
    obj: Any, where: str, *, limit: int | None = None, types: tuple[str, ...] = TEXT_TYPES
) -> Problems:
    """A text object: Slack rejects a wrong type or empty text before it ever looks at length."""
    if not isinstance(obj, dict):
        return [f"{where}: must be a text object"]
    problems = [] if obj.get("type") in types else [f"{where}.type: {obj.get('type')!r}, not one of {types}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [*problems, f"{where}.text: must be a non-empty string"]
    return problems + (length_problems(text, f"{where}.text", limit) if limit else [])


def option_problems(option: Any, where: str) -> Problems:
    if not isinstance(option, dict):
        return [f"{where}: must be an option object"]
    return [
        *text_problems(option.get("text"), f"{where}.text", limit=OPTION_TEXT_MAX),
        *length_problems(option.get("value"), f"{where}.value", OPTION_VALUE_MAX),
    ]


def option_list_problems(options: Any, where: str, limit: int) -> Problems:
    problems = count_problems(options, where, "options", limit)
    for n, option in enumerate(options if isinstance(options, list) else []):
        problems += option_problems(option, f"{where}[{n}]")
    return problems


def choice_problems(element: JsonDict, where: str) -> Problems:
    """Selects, overflow menus, radio buttons and checkboxes: the option limits differ by kind."""
    limit = OPTIONS_MAX[element["type"]]
    has_options, groups = "options" in element, element.get("option_groups")
    problems: Problems = []
    if element["type"] in SELECTS_NEEDING_OPTIONS and not has_options and groups is None:
        problems.append(f"{where}: a {element['type']} needs options or option_groups")
    if has_options:
        problems += option_list_problems(element["options"], f"{where}.options", limit)
    if groups is not None:
        problems += count_problems(groups, f"{where}.option_groups", "option groups", limit)
        for n, group in enumerate(groups if isinstance(groups, list) else []):
            here = f"{where}.option_groups[{n}]"
            if not isinstance(group, dict):
                problems.append(f"{here}: must be an option group object")
                continue
            problems += text_problems(
                group.get("label"), f"{here}.label", limit=OPTION_TEXT_MAX, types=PLAIN_TEXT
            )
            problems += option_list_problems(group.get("options"), f"{here}.options", limit)
    return problems


def button_problems(button: JsonDict, where: str) -> Problems:
    problems = text_problems(button.get("text"), f"{where}.text", limit=BUTTON_TEXT_MAX, types=PLAIN_TEXT)
    problems += length_problems(button.get("value"), f"{where}.value", BUTTON_VALUE_MAX)
    problems += length_problems(button.get("url"), f"{where}.url", URL_MAX)
    if button.get("style") not in BUTTON_STYLES:
        problems.append(f"{where}.style: {button['style']!r}, not primary or danger")
    return problems


def text_input_problems(element: JsonDict, where: str) -> Problems:
    problems = length_problems(element.get("initial_value"), f"{where}.initial_value", TEXT_INPUT_MAX)
    for key in ("min_length", "max_length"):
        value = element.get(key)
        if value is not None and not (isinstance(value, int) and 0 <= value <= TEXT_INPUT_MAX):
            problems.append(f"{where}.{key}: {value!r}, not a whole number up to {TEXT_INPUT_MAX}")
    return problems


def image_problems(image: JsonDict, where: str) -> Problems:
    """An image block or image element: Slack needs a source and alt text for screen readers."""
    problems = [] if image.get("image_url") or image.get("slack_file") else [f"{where}: needs image_url"]
    return problems + ([] if image.get("alt_text") else [f"{where}: needs alt_text"])


ElementCheck = Callable[[JsonDict, str], Problems]
ELEMENT_CHECKS: dict[str, ElementCheck] = {
    "button": button_problems,
    "plain_text_input": text_input_problems,
    "image": image_problems,
    **dict.fromkeys(OPTIONS_MAX, choice_problems),
}


def element_problems(element: Any, where: str) -> Problems:
    if not isinstance(element, dict):
        return [f"{where}: must be an element object"]
    problems = length_problems(element.get("action_id"), f"{where}.action_id", ID_MAX)
    if "placeholder" in element:
        placeholder = element["placeholder"]
        problems += text_problems(
            placeholder, f"{where}.placeholder", limit=PLACEHOLDER_MAX, types=PLAIN_TEXT
        )
    check = ELEMENT_CHECKS.get(element.get("type", ""))
    return problems + (check(element, where) if check else [])


def section_problems(block: JsonDict, where: str) -> Problems:
    problems = [] if "text" in block or "fields" in block else [f"{where}: a section needs text or fields"]
    if "text" in block:
        problems += text_problems(block["text"], f"{where}.text", limit=SECTION_TEXT_MAX)
    if "fields" in block:
        fields = block["fields"]
        problems += count_problems(fields, f"{where}.fields", "fields", SECTION_FIELDS_MAX, low=1)
        for n, item in enumerate(fields if isinstance(fields, list) else []):
            problems += text_problems(item, f"{where}.fields[{n}]", limit=FIELD_TEXT_MAX)
    if "accessory" in block:
        problems += element_problems(block["accessory"], f"{where}.accessory")
    return problems


def header_problems(block: JsonDict, where: str) -> Problems:
    return text_problems(block.get("text"), f"{where}.text", limit=HEADER_TEXT_MAX, types=PLAIN_TEXT)


def context_problems(block: JsonDict, where: str) -> Problems:
    elements = block.get("elements")
    problems = count_problems(elements, f"{where}.elements", "elements", CONTEXT_ELEMENTS_MAX, low=1)
    for n, item in enumerate(elements if isinstance(elements, list) else []):
        here = f"{where}.elements[{n}]"
        is_image = isinstance(item, dict) and item.get("type") == "image"
        problems += image_problems(item, here) if is_image else text_problems(item, here)
    return problems


def actions_problems(block: JsonDict, where: str) -> Problems:
    elements = block.get("elements")
    items = elements if isinstance(elements, list) else []
    problems = count_problems(elements, f"{where}.elements", "elements", ACTIONS_ELEMENTS_MAX, low=1)
    for n, item in enumerate(items):
        problems += element_problems(item, f"{where}.elements[{n}]")
    action_ids = (item.get("action_id") for item in items if isinstance(item, dict))
    return problems + duplicate_problems(action_ids, where, "action_id")


def input_problems(block: JsonDict, where: str) -> Problems:
    problems = text_problems(block.get("label"), f"{where}.label", limit=INPUT_LABEL_MAX, types=PLAIN_TEXT)
    if "hint" in block:
        problems += text_problems(block["hint"], f"{where}.hint", limit=INPUT_LABEL_MAX, types=PLAIN_TEXT)
    if "element" not in block:
        return [*problems, f"{where}: an input block needs an element"]
    return problems + element_problems(block["element"], f"{where}.element")


def no_problems(block: JsonDict, where: str) -> Problems:
    """Blocks whose limits the app is unlikely to reach; known so they are not called unknown."""
    return []


BlockCheck = Callable[[JsonDict, str], Problems]
BLOCK_CHECKS: dict[str, BlockCheck] = {
    "section": section_problems,
    "header": header_problems,
    "context": context_problems,
    "actions": actions_problems,
    "input": input_problems,
    "image": image_problems,
    **dict.fromkeys(("divider", "rich_text", "file", "video", "markdown"), no_problems),
}


def block_problems(block: Any, where: str) -> Problems:
    if not isinstance(block, dict):
        return [f"{where}: must be a block object"]
    check = BLOCK_CHECKS.get(block.get("type", ""))
    if check is None:
        return [f"{where}: unknown block type {block.get('type')!r}"]
    return length_problems(block.get("block_id"), f"{where}.block_id", ID_MAX) + check(block, where)


def blocks_problems(blocks: Any, where: str, limit: int) -> Problems:
    problems = count_problems(blocks, where, "blocks", limit)
    items = blocks if isinstance(blocks, list) else []
    problems += duplicate_problems(
        (b.get("block_id") for b in items if isinstance(b, dict)), where, "block_id"
    )
    for n, block in enumerate(items):
        problems += block_problems(block, f"{where}[{n}]")
    return problems


def check_message_payload(payload: Mapping[str, Any]) -> Problems:
    """What Slack would reject in a message: chat.postMessage/update, a response URL, or an ack."""
    problems = length_problems(payload.get("text"), "text", MESSAGE_TEXT_MAX)
    if payload.get("response_type") not in RESPONSE_TYPES:
        problems.append(f"response_type: {payload['response_type']!r}, not ephemeral or in_channel")
    if "blocks" in payload:
        problems += blocks_problems(payload["blocks"], "blocks", MESSAGE_BLOCKS_MAX)
    return problems


def modal_problems(view: JsonDict) -> Problems:
    problems = text_problems(view.get("title"), "view.title", limit=MODAL_TEXT_MAX, types=PLAIN_TEXT)
    for key in ("submit", "close"):
        if key in view:
            problems += text_problems(view[key], f"view.{key}", limit=MODAL_TEXT_MAX, types=PLAIN_TEXT)
    blocks = view.get("blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if has_input and "submit" not in view:
        problems.append("view: a modal with an input block needs a submit button")
    return problems


def check_view_payload(view: Any, *, types: tuple[str, ...] = ("modal", "home")) -> Problems:
    """What Slack would reject in a view; `types` is what the method accepts (views.publish: home)."""
    if not isinstance(view, dict):
        return ["view: must be an object"]
    if view.get("type") not in types:
        return [f"view.type: {view.get('type')!r}, expected {' or '.join(types)}"]
    problems = blocks_problems(view.get("blocks"), "view.blocks", VIEW_BLOCKS_MAX)
    problems += length_problems(view.get("private_metadata"), "view.private_metadata", PRIVATE_METADATA_MAX)
    problems += length_problems(view.get("callback_id"), "view.callback_id", ID_MAX)
    problems += length_problems(view.get("external_id"), "view.external_id", ID_MAX)
    return problems + (modal_problems(view) if view["type"] == "modal" else [])


def check_response_payload(payload: Mapping[str, Any]) -> Problems:
    """A POST to a response URL: a message, unless it only deletes the original."""
    if payload.get("delete_original") in (True, "true"):
        return []
    has_content = bool(payload.get("text")) or bool(payload.get("blocks"))
    return ([] if has_content else ["a response URL message needs text or blocks"]) + check_message_payload(
        payload
    )


# --------------------------------------------------------------------------------------------
# Answers and refusals.
# --------------------------------------------------------------------------------------------


class SlackError(Exception):
    """An ok:false answer.

    With problems, the app broke Slack's contract and each problem becomes a violation. Without,
    it is an answer real Slack gives to well-formed calls too (user_not_found, invalid_code), which
    the app must cope with but is not at fault for.
    """

    def __init__(self, error: str, *problems: str, status: int = 200) -> None:
        super().__init__(error)
        self.error = error
        self.problems = problems
        self.status = status

    def answer(self) -> Answer:
        body: JsonDict = {"ok": False, "error": self.error}
        if self.problems:
            # Slack explains schema errors this way; it makes a failing test's log readable.
            body["response_metadata"] = {"messages": [f"[ERROR] {p}" for p in self.problems]}
        return Answer.json(body, status=self.status)


def reject_if(problems: Problems, error: str) -> None:
    if problems:
        raise SlackError(error, *problems)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer; `payload` keeps the JSON so calls can record what the app was told."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    payload: JsonDict = field(default_factory=dict)

    @classmethod
    def json(
        cls, payload: JsonDict, *, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Answer:
        body = json.dumps(payload).encode()
        return cls(status, body, headers=headers or {}, payload=payload)

    @classmethod
    def text(cls, text: str, *, status: int = 200) -> Answer:
        return cls(status, text.encode(), content_type="text/plain; charset=utf-8")


@dataclass(frozen=True)
class Failure:
    """A failure a test asked for, to see the app survive rate limits and outages."""

    status: int
    retry_after: int | None
    error: str | None

    def answer(self) -> Answer:
        if self.status == 429:
            headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
            return Answer.json(
                {"ok": False, "error": self.error or "ratelimited"}, status=429, headers=headers
            )
        default = "internal_error" if self.status >= 500 else "fatal_error"
        return Answer.json({"ok": False, "error": self.error or default}, status=self.status)


@dataclass
class Stall:
    """A call held before it is answered, to catch the app mid-send (and kill it there).

    `arrived` is set when the call comes in; the call is then held, outside the fake's lock so
    other calls go on, until `release()` (or the timeout). Released, it runs as usual: Slack
    posts what it was asked to post even if whoever asked is gone.
    """

    method: str
    where: Callable[[JsonDict], bool]
    timeout: float
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


# --------------------------------------------------------------------------------------------
# What the fake knows: workspaces, people, channels, and views, uploads and grants in flight.
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the fake received, with what it answered."""

    method: (
        str  # "chat.postMessage", or "response_url" for POSTs to a response URL, or "upload" for file bytes
    )
    args: JsonDict  # the decoded arguments (JSON-decoded where a form field holds JSON such as blocks/view)
    token: str | None
    team_id: str | None  # the workspace the token belongs to
    status: int = 200  # the HTTP status answered
    response: JsonDict = field(default_factory=dict)  # the JSON answered ({} for plain text)
    url_key: str | None = None  # which response URL or upload URL a "response_url"/"upload" call used
    at: float = field(default_factory=time.monotonic)  # when it arrived, to check retry pacing

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok", True) is True


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    tz: str
    locale: str
    status_text: str
    status_emoji: str
    is_bot: bool
    deleted: bool

    def to_slack(self, *, include_locale: bool) -> JsonDict:
        now = datetime.now(ZoneInfo(self.tz))
        offset = now.utcoffset()
        user: JsonDict = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.name,
                "display_name_normalized": self.name,
                "status_text": self.status_text,
                "status_emoji": self.status_emoji,
                "team": self.team_id,
            },
        }
        return user | ({"locale": self.locale} if include_locale else {})


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False

    def to_slack(self) -> JsonDict:
        is_im = self.id.startswith("D")
        channel: JsonDict = {
            "id": self.id,
            "name": self.name,
            "is_channel": not is_im and not self.is_private,
            "is_group": False,
            "is_im": is_im,
            "is_private": self.is_private or is_im,
            "is_archived": self.is_archived,
            "is_member": self.is_member,
            "created": 1_700_000_000,
        }
        # A DM id made by conversations.open is "D" + the user id, so the user is recoverable.
        return channel | ({"user": self.id[1:]} if is_im else {})


@dataclass
class Workspace:
    team_id: str
    name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or self.team_id.lower()

    def channel(self, channel_id: str) -> Channel:
        """A channel added by the test, or one made up from its id (the app may use any it was told of)."""
        known = self.channels.get(channel_id)
        if known:
            return known
        if not re.fullmatch(r"[CGD][A-Z0-9]+", channel_id):
            raise SlackError("channel_not_found")
        return Channel(channel_id, channel_id.lower(), is_private=channel_id.startswith("G"))


@dataclass
class Upload:
    file_id: str
    team_id: str
    filename: str
    length: int
    received: int | None = None
    content: bytes = b""


@dataclass(frozen=True)
class Grant:
    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str
    scope: str
    installer_user_id: str


@dataclass
class ResponseUrl:
    team_id: str
    uses: int = 0


DEFAULT_SOCKET_MODE_URL = "wss://wss-primary.slack.com/link/?ticket=fake-ticket"


class SlackState:
    """Everything the fake remembers between calls. Only touched under FakeSlack's lock."""

    def __init__(self) -> None:
        self.base_url = ""
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # bot token -> team id
        self.views: dict[str, JsonDict] = {}
        self.external_ids: dict[str, str] = {}  # external_id -> view id
        self.uploads: dict[str, Upload] = {}
        self.grants: dict[str, Grant] = {}  # OAuth code -> what it installs
        self.response_urls: dict[str, ResponseUrl] = {}
        self.socket_mode_url = DEFAULT_SOCKET_MODE_URL
        self._serial = itertools.count(1)
        self._ts = itertools.count(1)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._serial):08d}"

    def new_ts(self) -> str:
        """Unique, increasing and shaped like Slack's: seconds, a dot, six digits."""
        n = next(self._ts)
        return f"{1_700_000_000 + n // 10_000}.{n % 10_000 * 100:06d}"

    def workspace(self, call: Call) -> Workspace:
        assert call.team_id is not None, "only called after the token was authenticated"
        return self.workspaces[call.team_id]

    def team_of(self, token: str | None) -> str | None:
        return self.tokens.get(token) if token else None


# --------------------------------------------------------------------------------------------
# The Web API methods: what each needs, and what it answers.
# --------------------------------------------------------------------------------------------


class TokenKind(Enum):
    BOT = "a bot token"
    APP = "an app-level xapp- token"
    NONE = "no token"


@dataclass(frozen=True)
class Need:
    """At least one of `names` must be given, non-empty; `error` is what Slack answers otherwise."""

    names: tuple[str, ...]
    error: str = "invalid_arguments"

    def missing(self, args: Mapping[str, Any]) -> bool:
        return all(args.get(name) in (None, "", [], {}) for name in self.names)

    @property
    def problem(self) -> str:
        return f"missing argument {' or '.join(self.names)}"


Handler = Callable[[SlackState, Call], "JsonDict | Answer"]
PayloadCheck = Callable[[JsonDict], None]


def no_check(args: JsonDict) -> None:
    """For methods without a payload worth checking beyond their required arguments."""


@dataclass(frozen=True)
class Method:
    handler: Handler
    needs: tuple[Need, ...] = ()
    check: PayloadCheck = no_check
    token: TokenKind = TokenKind.BOT

    def admit(self, call: Call) -> None:
        """Refuse the call as Slack would: token first, then arguments, then their content."""
        authenticate(self.token, call)
        missing = [need for need in self.needs if need.missing(call.args)]
        if missing:
            raise SlackError(missing[0].error, *(need.problem for need in missing))
        self.check(call.args)

    def run(self, state: SlackState, call: Call) -> Answer:
        result = self.handler(state, call)
        return result if isinstance(result, Answer) else Answer.json({"ok": True, **result})


def authenticate(kind: TokenKind, call: Call) -> None:
    token = call.token
    if kind is TokenKind.NONE:
        return
    if not token:
        raise SlackError("not_authed", f"no token: {call.method} needs {kind.value}")
    if (kind is TokenKind.APP) != token.startswith("xapp-"):
        raise SlackError("not_allowed_token_type", f"{call.method} needs {kind.value}, not {token[:5]}…")
    if kind is TokenKind.BOT and call.team_id is None:
        raise SlackError("invalid_auth", f"token {token!r} belongs to no workspace the fake knows")


def refusal(error: str, problem: str, *, status: int = 200) -> Method:
    """A method that always refuses: for unknown methods and URLs, which are always the app's fault."""

    def refuse(state: SlackState, call: Call) -> JsonDict:
        raise SlackError(error, problem, status=status)

    return Method(refuse, token=TokenKind.NONE)


def check_message(args: JsonDict) -> None:
    reject_if(length_problems(args.get("text"), "text", MESSAGE_TEXT_MAX), "msg_too_long")
    reject_if(check_message_payload(args), "invalid_blocks")


def check_view(*types: str) -> PayloadCheck:
    def check(args: JsonDict) -> None:
        reject_if(check_view_payload(args.get("view"), types=types), "invalid_arguments")

    return check


def message_of(state: SlackState, call: Call, ts: str) -> JsonDict:
    """The message as Slack echoes it back: posted by the bot user, with what the app sent."""
    workspace = state.workspace(call)
    message = {"type": "message", "user": workspace.bot_user_id, "bot_id": workspace.bot_id, "ts": ts}
    message |= {"team": workspace.team_id, "text": call.args.get("text", "")}
    return message | {
        key: call.args[key] for key in ("blocks", "attachments", "thread_ts") if key in call.args
    }


def postable_channel(state: SlackState, call: Call) -> str:
    """The channel a message lands in; a user id means the DM with that user, as in Slack."""
    target = str(call.args["channel"])
    if target[:1] in ("U", "W"):
        return "D" + target
    channel = state.workspace(call).channel(target)
    if channel.is_archived:
        raise SlackError("is_archived")
    if not channel.is_member:
        raise SlackError("not_in_channel")
    return channel.id


def chat_post_message(state: SlackState, call: Call) -> JsonDict:
    channel, ts = postable_channel(state, call), state.new_ts()
    return {"channel": channel, "ts": ts, "message": message_of(state, call, ts)}


def chat_post_ephemeral(state: SlackState, call: Call) -> JsonDict:
    postable_channel(state, call)
    return {"message_ts": state.new_ts()}


def chat_update(state: SlackState, call: Call) -> JsonDict:
    channel, ts = str(call.args["channel"]), str(call.args["ts"])
    return {
        "channel": channel,
        "ts": ts,
        "text": call.args.get("text", ""),
        "message": message_of(state, call, ts),
    }


def chat_delete(state: SlackState, call: Call) -> JsonDict:
    return {"channel": call.args["channel"], "ts": call.args["ts"]}


def chat_get_permalink(state: SlackState, call: Call) -> JsonDict:
    domain, channel = state.workspace(call).domain, call.args["channel"]
    message_ts = str(call.args["message_ts"]).replace(".", "")
    return {"channel": channel, "permalink": f"https://{domain}.slack.com/archives/{channel}/p{message_ts}"}


def store_view(state: SlackState, call: Call, view_id: str, *, root_view_id: str | None = None) -> JsonDict:
    """Keep the view as Slack would describe it back, with a fresh hash for the next update."""
    workspace, sent = state.workspace(call), call.args["view"]
    view = {
        "id": view_id,
        "team_id": workspace.team_id,
        "app_id": "A0001",
        "bot_id": workspace.bot_id,
        "app_installed_team_id": workspace.team_id,
        "external_id": sent.get("external_id", ""),
        "callback_id": sent.get("callback_id", ""),
        "private_metadata": sent.get("private_metadata", ""),
        "state": {"values": {}},
        "hash": f"{time.time():.6f}.{secrets.token_hex(4)}",
        "clear_on_close": False,
        "notify_on_close": False,
        "previous_view_id": None,
        "root_view_id": root_view_id or view_id,
    } | {
        key: value
        for key, value in sent.items()
        if key not in ("external_id", "callback_id", "private_metadata")
    }
    state.views[view_id] = view
    if view["external_id"]:
        state.external_ids[view["external_id"]] = view_id
    return {"view": view}


def views_open(state: SlackState, call: Call) -> JsonDict:
    return store_view(state, call, state.new_id("V"))


def views_push(state: SlackState, call: Call) -> JsonDict:
    return store_view(state, call, state.new_id("V"))


def views_update(state: SlackState, call: Call) -> JsonDict:
    # An unknown view_id is accepted: tests may click in views they built by hand, never opened here.
    view_id = call.args.get("view_id") or state.external_ids.get(call.args.get("external_id", ""))
    current = state.views.get(view_id or "")
    if current and call.args.get("hash") not in (None, "", current["hash"]):
        raise SlackError("hash_conflict")
    return store_view(
        state, call, view_id or state.new_id("V"), root_view_id=current["root_view_id"] if current else None
    )


def views_publish(state: SlackState, call: Call) -> JsonDict:
    return store_view(state, call, state.new_id("V"))


def is_true(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def users_info(state: SlackState, call: Call) -> JsonDict:
    user = state.workspace(call).users.get(str(call.args["user"]))
    if user is None:
        raise SlackError("user_not_found")
    return {"user": user.to_slack(include_locale=is_true(call.args.get("include_locale")))}


def conversations_open(state: SlackState, call: Call) -> JsonDict:
    if call.args.get("channel"):
        return {"channel": {"id": call.args["channel"]}, "already_open": True}
    users = [user for user in str(call.args["users"]).split(",") if user]
    if len(users) == 1:
        return {"channel": {"id": "D" + users[0]}, "no_op": True, "already_open": True}
    # A group DM: stable for the same people in any order.
    return {"channel": {"id": "G" + "".join(sorted(u.lstrip("UW") for u in users))[:20]}}


def conversations_info(state: SlackState, call: Call) -> JsonDict:
    return {"channel": state.workspace(call).channel(str(call.args["channel"])).to_slack()}


def team_info(state: SlackState, call: Call) -> JsonDict:
    workspace = state.workspace(call)
    icon = {"image_default": True}
    return {
        "team": {"id": workspace.team_id, "name": workspace.name, "domain": workspace.domain, "icon": icon}
    }


def auth_test(state: SlackState, call: Call) -> JsonDict:
    workspace = state.workspace(call)
    return {
        "url": f"https://{workspace.domain}.slack.com/",
        "team": workspace.name,
        "user": "pmo",
        "team_id": workspace.team_id,
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "is_enterprise_install": False,
    }


def files_get_upload_url(state: SlackState, call: Call) -> JsonDict:
    length = str(call.args["length"])
    if not length.isdigit() or int(length) == 0:
        raise SlackError("invalid_arguments", f"length: {length!r}, not a positive number of bytes")
    upload = Upload(state.new_id("F"), state.workspace(call).team_id, str(call.args["filename"]), int(length))
    state.uploads[upload.file_id] = upload
    return {"upload_url": f"{state.base_url}upload/{upload.file_id}", "file_id": upload.file_id}


def upload_bytes(state: SlackState, call: Call, *, content: bytes) -> Answer:
    """The POST of a file's bytes to the URL files.getUploadURLExternal gave out."""
    size = len(content)
    upload = state.uploads.get(call.args["file_id"])
    if upload is None:
        raise SlackError("file_not_found", "bytes sent to an upload URL this fake never gave out", status=404)
    if size != upload.length:
        problem = f"{size} bytes uploaded, but files.getUploadURLExternal announced {upload.length}"
        raise SlackError("invalid_length", problem, status=400)
    upload.received, upload.content = size, content
    return Answer.text(f"OK - {size}")


def uploaded_file(state: SlackState, item: Any) -> JsonDict:
    """One entry of completeUploadExternal's files: its bytes must have arrived first."""
    file_id = item.get("id") if isinstance(item, dict) else None
    upload = state.uploads.get(file_id or "")
    if upload is None or upload.received is None:
        raise SlackError("file_not_found", f"file {file_id!r} was completed before its bytes were uploaded")
    title = item.get("title") or upload.filename
    return {"id": upload.file_id, "title": title, "name": upload.filename, "size": upload.length}


def files_complete_upload(state: SlackState, call: Call) -> JsonDict:
    files = call.args["files"]
    if not isinstance(files, list):
        raise SlackError("invalid_arguments", "files: must be a JSON list of {id, title}")
    return {"files": [uploaded_file(state, item) for item in files]}


def apps_connections_open(state: SlackState, call: Call) -> JsonDict:
    return {"url": state.socket_mode_url}


def oauth_v2_access(state: SlackState, call: Call) -> JsonDict:
    """Exchange a code granted by `FakeSlack.oauth_grant`; the workspace exists from then on."""
    grant = state.grants.pop(str(call.args.get("code")), None)
    if grant is None:
        raise SlackError("invalid_code")
    call.team_id = grant.team_id
    add_workspace(
        state, grant.team_id, bot_token=grant.bot_token, name=grant.team_name, bot_user_id=grant.bot_user_id
    )
    return {
        "access_token": grant.bot_token,
        "token_type": "bot",
        "scope": grant.scope,
        "bot_user_id": grant.bot_user_id,
        "app_id": "A0001",
        "team": {"id": grant.team_id, "name": grant.team_name},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": grant.installer_user_id},
    }


def response_url_post(state: SlackState, call: Call, *, key: str) -> Answer:
    target = state.response_urls.get(key)
    if target is None:
        raise SlackError("expired_url", "a POST to a response URL this fake never gave out", status=404)
    target.uses += 1
    if target.uses > RESPONSE_URL_USES_MAX:
        raise SlackError(
            "used_url", f"a response URL used more than {RESPONSE_URL_USES_MAX} times", status=404
        )
    return Answer.json({"ok": True})


def check_response(args: JsonDict) -> None:
    # Slack answers a bad response URL payload with HTTP 400, unlike the Web API's 200.
    problems = check_response_payload(args)
    if problems:
        raise SlackError("invalid_blocks", *problems, status=400)


CHANNEL = Need(("channel",), "channel_not_found")
MESSAGE_CONTENT = Need(("text", "blocks", "attachments"), "no_text")
VIEW = Need(("view",))
TRIGGER = Need(("trigger_id",))

METHODS: dict[str, Method] = {
    "auth.test": Method(auth_test),
    "chat.postMessage": Method(chat_post_message, (CHANNEL, MESSAGE_CONTENT), check_message),
    "chat.postEphemeral": Method(
        chat_post_ephemeral, (CHANNEL, Need(("user",), "user_not_found"), MESSAGE_CONTENT), check_message
    ),
    "chat.update": Method(chat_update, (CHANNEL, Need(("ts",), "message_not_found")), check_message),
    "chat.delete": Method(chat_delete, (CHANNEL, Need(("ts",), "message_not_found"))),
    "chat.getPermalink": Method(chat_get_permalink, (CHANNEL, Need(("message_ts",), "message_not_found"))),
    "views.open": Method(views_open, (TRIGGER, VIEW), check_view("modal")),
    "views.push": Method(views_push, (TRIGGER, VIEW), check_view("modal")),
    "views.update": Method(
        views_update, (VIEW, Need(("view_id", "external_id"))), check_view("modal", "home")
    ),
    "views.publish": Method(views_publish, (Need(("user_id",)), VIEW), check_view("home")),
    "users.info": Method(users_info, (Need(("user",), "user_not_found"),)),
    "conversations.open": Method(
        conversations_open, (Need(("users", "channel"), "users_list_not_supplied"),)
    ),
    "conversations.info": Method(conversations_info, (CHANNEL,)),
    "team.info": Method(team_info),
    "files.getUploadURLExternal": Method(files_get_upload_url, (Need(("filename",)), Need(("length",)))),
    "files.completeUploadExternal": Method(files_complete_upload, (Need(("files",)),)),
    "apps.connections.open": Method(apps_connections_open, token=TokenKind.APP),
    "oauth.v2.access": Method(
        oauth_v2_access,
        (
            Need(("client_id",), "invalid_client_id"),
            Need(("client_secret",), "bad_client_secret"),
            Need(("code",)),
        ),
        token=TokenKind.NONE,
    ),
}


def add_workspace(
    state: SlackState,
    team_id: str,
    *,
    bot_token: str,
    name: str | None,
    bot_user_id: str,
    bot_id: str = "BBOT",
) -> None:
    workspace = Workspace(team_id, name or team_id, bot_token, bot_user_id, bot_id)
    state.workspaces[team_id] = workspace
    state.tokens[bot_token] = team_id
    # The bot is a user of its workspace too: users.info on it answers like Slack's.
    bot_user = User(
        bot_user_id, team_id, "pmo", "PMO bot", "UTC", "en-US", "", "", is_bot=True, deleted=False
    )
    workspace.users[bot_user_id] = bot_user


# --------------------------------------------------------------------------------------------
# Reading requests: Slack takes arguments from the query string, a form or a JSON body.
# --------------------------------------------------------------------------------------------

# Form fields slack-sdk sends JSON-encoded; decoded so tests read them like a JSON body's.
JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")


@dataclass(frozen=True)
class Incoming:
    verb: str
    path: str
    query: str
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get_content_type() if "Content-Type" in self.headers else None


def decode_json_fields(args: JsonDict) -> Problems:
    problems = []
    for name in JSON_FIELDS:
        value = args.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                args[name] = json.loads(value)
            except ValueError:
                problems.append(f"{name}: not valid JSON")
    return problems


def read_json(body: bytes) -> tuple[JsonDict, Problems]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}, ["the body is not valid JSON"]
    return (value, []) if isinstance(value, dict) else ({}, ["a JSON body must be an object"])


def read_arguments(request: Incoming) -> tuple[JsonDict, Problems]:
    """The call's arguments from the query string and the body, as Slack merges them."""
    args: JsonDict = dict(parse_qsl(request.query, keep_blank_values=True))
    if not request.body:
        return args, decode_json_fields(args)
    if request.content_type == "application/json":
        body, problems = read_json(request.body)
        return args | body, problems
    if request.content_type in (None, "application/x-www-form-urlencoded"):
        args |= parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        return args, decode_json_fields(args)
    return args, [f"Content-Type {request.content_type!r} is not one the Web API takes here"]


def bearer_token(headers: Message) -> str | None:
    scheme, _, credentials = (headers.get("Authorization") or "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


def basic_credentials(headers: Message) -> JsonDict:
    """oauth.v2.access: slack-sdk sends client_id and client_secret as HTTP Basic auth."""
    scheme, _, credentials = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return {}
    try:
        client_id, _, client_secret = base64.b64decode(credentials).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return {}
    return {"client_id": client_id, "client_secret": client_secret}


# --------------------------------------------------------------------------------------------
# The server.
# --------------------------------------------------------------------------------------------


POLL_INTERVAL_S = 0.02
DROPPED = 0  # an Answer status meaning: hang up without answering


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a client that never hangs up must not keep pytest alive

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.fake = fake


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        url = urlsplit(self.path)
        body = self._body()
        if body is None:
            # Slack acts only on a whole request: one cut short (its sender killed mid-write)
            # never reaches a method and is not recorded as a call.
            self.close_connection = True
            self._reply(Answer.text("incomplete request body", status=400))
            return
        self._reply(self.server.fake._route(Incoming(self.command, url.path, url.query, self.headers, body)))

    def _body(self) -> bytes | None:
        """The whole body the headers promise, or None when the sender hung up before sending it."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                return None
            body = self.rfile.read(length)
        except (ValueError, ConnectionError, TimeoutError):
            return None
        return body if len(body) == length else None

    def _reply(self, answer: Answer) -> None:
        if answer.status == DROPPED:
            self.close_connection = True  # no answer at all: the client sees the connection drop
            return
        self.send_response(answer.status)
        headers = {
            "Content-Type": answer.content_type,
            "Content-Length": str(len(answer.body)),
            **answer.headers,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        with suppress(BrokenPipeError, ConnectionResetError):  # a client killed while held (Stall)
            self.end_headers()
            self.wfile.write(answer.body)

    def log_message(self, *args: Any) -> None:
        """Quiet: a line per request would bury the failures pytest shows."""


class FakeSlack:
    """Slack's Web API, response URLs and file upload URLs on one loopback port."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._state = SlackState()
        self._calls: list[Call] = []
        self._violations: list[str] = []
        self._failures: dict[str, deque[Failure]] = {}
        self._stalls: list[Stall] = []
        self._drops: Counter[str] = Counter()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> FakeSlack:
        self._server = _Server(self)
        self._state.base_url = self.url
        # A short poll keeps stop() quick: shutdown() waits for the loop's next wake-up.
        serve = partial(self._server.serve_forever, poll_interval=POLL_INTERVAL_S)
        self._thread = threading.Thread(target=serve, name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    # -- what Slack knows

    def add_workspace(
        self,
        team_id: str,
        *,
        bot_token: str,
        name: str | None = None,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
    ) -> None:
        """A workspace with the app installed; `name` defaults to the team id (and sets the domain)."""
        with self._lock:
            add_workspace(
                self._state, team_id, bot_token=bot_token, name=name, bot_user_id=bot_user_id, bot_id=bot_id
            )

    def add_user(
        self,
        team_id: str,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "UTC",
        locale: str = "en-US",
        status_text: str = "",
        status_emoji: str = "",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        ZoneInfo(tz)  # fail here, in the test's setup, not later inside a request
        name = name or user_id.lower()
        user = User(
            user_id, team_id, name, real_name or name, tz, locale, status_text, status_emoji, is_bot, deleted
        )
        with self._lock:
            self._workspace(team_id).users[user_id] = user

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        is_member: bool = True,
        is_archived: bool = False,
    ) -> None:
        """A channel with a name and state; unknown channel ids still work, named after their id."""
        with self._lock:
            self._workspace(team_id).channels[channel_id] = Channel(
                channel_id, name, is_private=is_private, is_member=is_member, is_archived=is_archived
            )

    def response_url(self, team_id: str) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._state.response_urls[key] = ResponseUrl(team_id)
        return f"{self.url}response/{team_id}/{key}"

    def set_socket_mode_url(self, url: str) -> None:
        with self._lock:
            self._state.socket_mode_url = url

    def oauth_grant(
        self,
        code: str,
        *,
        team_id: str,
        team_name: str,
        bot_token: str,
        bot_user_id: str = "UBOT",
        scope: str = "commands,chat:write",
        installer_user_id: str = "U0001",
    ) -> None:
        """Let oauth.v2.access exchange `code` (once) for an installation of `team_id`."""
        with self._lock:
            self._state.grants[code] = Grant(
                team_id, team_name, bot_token, bot_user_id, scope, installer_user_id
            )

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `method` with a failure instead of running them.

        429 sends Retry-After (unless None); 5xx is an outage; 200 needs `error` and answers
        {"ok": false, "error": error}. The calls are still checked for violations and recorded.
        """
        if status == 200 and not error:
            raise ValueError("a 200 failure needs error=..., such as error='channel_not_found'")
        with self._lock:
            self._failures.setdefault(method, deque()).extend([Failure(status, retry_after, error)] * times)

    def stall_next(
        self, method: str, *, where: Callable[[JsonDict], bool] = lambda args: True, timeout: float = 30
    ) -> Stall:
        """Hold the next call to `method` whose arguments satisfy `where`, until released."""
        stall = Stall(method, where, timeout)
        with self._lock:
            self._stalls.append(stall)
        return stall

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Do the next `times` calls to `method`, then hang up without answering.

        The app cannot know whether Slack acted: the case a blind retry would turn into a
        duplicate post.
        """
        with self._lock:
            self._drops[method] += times

    # -- what the app did

    def uploaded(self, file_id: str) -> Upload | None:
        """A file the app uploaded (its bytes once they arrived), by the id Slack gave it."""
        with self._lock:
            return self._state.uploads.get(file_id)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    @property
    def violations(self) -> list[str]:
        with self._lock:
            return list(self._violations)

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        """Calls to `method`; `ok=True` keeps only those that succeeded (not failed by fail_next)."""
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` arrived: apps often call Slack after they ack."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [c for c in self._calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    arrived = [c.method for c in self._calls] or "nothing"
                    raise AssertionError(
                        f"{len(found)} of {count} {method} calls after {timeout}s; arrived: {arrived}"
                    )
                self._changed.wait(left)
            return found

    def uploaded_bytes(self, filename: str) -> bytes:
        """The bytes of the last file uploaded under `filename`, once they arrived."""
        with self._lock:
            found = [u for u in self._state.uploads.values() if u.filename == filename and u.received]
        if not found:
            raise AssertionError(f"no file {filename!r} was uploaded")
        return found[-1].content

    def reset(self) -> None:
        """Forget calls and violations (not workspaces, grants or pending failures)."""
        with self._lock:
            self._calls.clear()
            self._violations.clear()

    # -- serving

    def _workspace(self, team_id: str) -> Workspace:
        workspace = self._state.workspaces.get(team_id)
        if workspace is None:
            raise KeyError(f"no workspace {team_id}: add_workspace() it first")
        return workspace

    def _route(self, request: Incoming) -> Answer:
        kind, _, rest = request.path.lstrip("/").partition("/")
        if kind == "api":
            self._hold_if_stalled(rest, request)
        with self._lock:
            if kind == "api":
                return self._serve_api(rest, request)
            if kind == "response":
                return self._serve_response_url(rest.rpartition("/")[2], request)
            if kind == "upload":
                return self._serve_upload(rest, request)
            where = f"{request.verb} {request.path}"
            return self._serve(
                refusal("not_found", f"{where} is not a Slack URL", status=404), Call(where, {}, None, None)
            )

    def _hold_if_stalled(self, name: str, request: Incoming) -> None:
        with self._lock:
            if not self._stalls:
                return
            args, _ = read_arguments(request)
            stall = next((s for s in self._stalls if s.method == name and s.where(args)), None)
            if stall is None:
                return
            self._stalls.remove(stall)
        stall.arrived.set()
        stall.released.wait(stall.timeout)

    def _serve_api(self, name: str, request: Incoming) -> Answer:
        args, problems = read_arguments(request)
        body_token = args.pop("token", None)
        token = bearer_token(request.headers) or body_token
        if name == "oauth.v2.access":
            args = basic_credentials(request.headers) | args
        call = Call(name, args, token, self._state.team_of(token))
        method = METHODS.get(name) or refusal(
            "unknown_method", f"{name} is not a method the fake (or Slack) knows"
        )
        return self._serve(method, call, problems)

    def _serve_response_url(self, key: str, request: Incoming) -> Answer:
        args, problems = read_json(request.body)
        if request.content_type != "application/json":
            problems.append(f"a response URL takes a JSON body, not {request.content_type}")
        target = self._state.response_urls.get(key)
        call = Call("response_url", args, None, target.team_id if target else None, url_key=key)
        return self._serve(
            Method(partial(response_url_post, key=key), check=check_response, token=TokenKind.NONE),
            call,
            problems,
        )

    def _serve_upload(self, file_id: str, request: Incoming) -> Answer:
        upload = self._state.uploads.get(file_id)
        args = {
            "file_id": file_id,
            "filename": upload.filename if upload else None,
            "length": len(request.body),
        }
        call = Call("upload", args, None, upload.team_id if upload else None, url_key=file_id)
        return self._serve(Method(partial(upload_bytes, content=request.body), token=TokenKind.NONE), call)

    def _serve(self, method: Method, call: Call, problems: Sequence[str] = ()) -> Answer:
        """Check the call as Slack would, answer it (or fail it as a test asked), record both."""
        queued = self._failures.get(call.method)
        failure = queued.popleft() if queued else None
        try:
            reject_if(list(problems), "invalid_arguments")
            method.admit(call)
            answer = failure.answer() if failure else method.run(self._state, call)
        except SlackError as error:
            self._violations.extend(f"{call.method}: {problem}" for problem in error.problems)
            answer = failure.answer() if failure else error.answer()
        except Exception as error:  # a crash in the fake must fail the test, not vanish in a server thread
            self._violations.append(f"{call.method}: the fake crashed: {error!r}")
            answer = SlackError("internal_error", status=500).answer()
        call.status, call.response = answer.status, answer.payload
        self._calls.append(call)
        self._changed.notify_all()
        if failure is None and self._drops[call.method] > 0:
            self._drops[call.method] -= 1
            return Answer(DROPPED, b"")
        return answer

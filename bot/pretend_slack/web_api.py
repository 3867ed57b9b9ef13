"""The Web API methods the app calls: what each needs, and what it answers.

Each `Method` refuses a call as Slack would (the token first, then missing arguments, then the
payload's content) before its handler answers from the `SlackState`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.blocks import MESSAGE_TEXT_MAX
from bot.pretend_slack.answers import Answer, JsonDict, SlackError, reject_if
from bot.pretend_slack.blockkit import (
    check_message_payload,
    check_response_payload,
    check_view_payload,
    length_problems,
)
from bot.pretend_slack.world import Call, SlackState, Upload

RESPONSE_URL_USES_MAX = 5  # Slack honours a response URL five times, then says used_url
# users.list answers at most this many people a page, however many were asked for.
USERS_PAGE_MAX = 1000


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


def users_lookup_by_email(state: SlackState, call: Call) -> JsonDict:
    """The person with this email address (any case), as users.info gives them."""
    wanted = str(call.args["email"]).strip().casefold()
    users = state.workspace(call).users.values()
    user = next((found for found in users if found.email and found.email.casefold() == wanted), None)
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user.to_slack(include_locale=False)}


def users_list(state: SlackState, call: Call) -> JsonDict:
    """One page of the workspace's people, in a stable order, as Slack pages them with cursors.

    A limit of 0 (or none) asks for everyone, which Slack serves only up to its page maximum;
    a cursor must be one a previous page gave, else Slack answers invalid_cursor.
    """
    limit = str(call.args.get("limit") or 0)
    if not limit.isdigit():
        raise SlackError("invalid_limit", f"limit: {limit!r}, not a number")
    size = min(int(limit) or USERS_PAGE_MAX, USERS_PAGE_MAX)
    users = sorted(state.workspace(call).users.values(), key=lambda user: user.id)
    start = cursor_position(str(call.args.get("cursor") or ""), len(users))
    page, following = users[start : start + size], start + size
    include_locale = is_true(call.args.get("include_locale"))
    return {
        "members": [user.to_slack(include_locale=include_locale) for user in page],
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": page_cursor(following) if following < len(users) else ""},
    }


def page_cursor(position: int) -> str:
    """Slack's cursors are opaque base64 of where the next page starts."""
    return base64.b64encode(f"user:{position}".encode()).decode()


def cursor_position(cursor: str, total: int) -> int:
    if not cursor:
        return 0
    try:
        kind, _, position = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        kind, position = "", ""
    if kind != "user" or not position.isdigit() or int(position) > total:
        raise SlackError("invalid_cursor", f"cursor {cursor!r} was not given out by users.list")
    return int(position)


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


def files_info(state: SlackState, call: Call) -> JsonDict:
    """A file of the caller's workspace, with the URL its bytes are downloaded from."""
    upload = state.uploads.get(str(call.args["file"]))
    if upload is None or upload.received is None or upload.team_id != state.workspace(call).team_id:
        raise SlackError("file_not_found")
    return {
        "file": {
            "id": upload.file_id,
            "name": upload.filename,
            "title": upload.filename,
            "filetype": upload.filename.rpartition(".")[2].lower(),
            "size": upload.received,
            "url_private": f"{state.base_url}files-pri/{upload.file_id}/{upload.filename}",
            "url_private_download": f"{state.base_url}files-pri/{upload.file_id}/download/{upload.filename}",
        }
    }


def download_bytes(state: SlackState, call: Call) -> Answer:
    """A file's bytes from its url_private_download: only with a bot token of its workspace."""
    upload = state.uploads.get(str(call.args["file_id"]))
    if upload is None or upload.received is None:
        raise SlackError("file_not_found", f"no file {call.args['file_id']!r} to download", status=404)
    if upload.team_id != call.team_id:
        raise SlackError("not_allowed", "a file is downloaded with a token of its own workspace", status=403)
    return Answer(200, upload.content, content_type="application/octet-stream")


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
    "users.list": Method(users_list),
    "conversations.open": Method(
        conversations_open, (Need(("users", "channel"), "users_list_not_supplied"),)
    ),
    "conversations.info": Method(conversations_info, (CHANNEL,)),
    "team.info": Method(team_info),
    "files.getUploadURLExternal": Method(files_get_upload_url, (Need(("filename",)), Need(("length",)))),
    "files.completeUploadExternal": Method(files_complete_upload, (Need(("files",)),)),
    "files.info": Method(files_info, (Need(("file",)),)),
    "users.lookupByEmail": Method(users_lookup_by_email, (Need(("email",)),)),
}

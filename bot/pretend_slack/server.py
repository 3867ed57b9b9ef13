"""The pretend Slack's HTTP side: Slack's Web API, response URLs and file upload URLs on one
loopback port.

A stdlib `ThreadingHTTPServer` on 127.0.0.1 that needs nothing else. Every request is handled
under one lock: the pretend Slack is small and fast, and serialising it rules out races in it.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from email.message import Message
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from bot.pretend_slack.answers import Answer, JsonDict, Problems, SlackError, reject_if
from bot.pretend_slack.web_api import (
    METHODS,
    Method,
    TokenKind,
    check_response,
    download_bytes,
    refusal,
    response_url_post,
    upload_bytes,
)
from bot.pretend_slack.world import (
    Call,
    Channel,
    ResponseUrl,
    SlackState,
    Upload,
    User,
    Workspace,
    add_workspace,
)

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


# --------------------------------------------------------------------------------------------
# The server.
# --------------------------------------------------------------------------------------------


POLL_INTERVAL_S = 0.02


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a client that never hangs up must not keep pytest alive

    def __init__(self, slack: PretendSlack) -> None:
        super().__init__(("127.0.0.1", 0), slack.request_handler)
        self.slack = slack


class RequestHandler(BaseHTTPRequestHandler):
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
        self._reply(self.server.slack._route(Incoming(self.command, url.path, url.query, self.headers, body)))

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
        self.send_response(answer.status)
        headers = {
            "Content-Type": answer.content_type,
            "Content-Length": str(len(answer.body)),
            **answer.headers,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        with suppress(BrokenPipeError, ConnectionResetError):  # a client gone before its answer
            self.end_headers()
            self.wfile.write(answer.body)

    def log_message(self, *args: Any) -> None:
        """Quiet: a line per request would bury the failures pytest shows."""


class PretendSlack:
    """Slack's Web API, response URLs and file upload URLs on one loopback port.

    The app's `WebClient(base_url=slack.api_url)` points here. It answers the way Slack does,
    records every call, and notes a *violation* for anything real Slack would reject (a missing
    argument, an unknown token, a Block Kit limit), so that what works against it does not start
    failing the day the app meets production.
    """

    request_handler: ClassVar[type[RequestHandler]] = RequestHandler

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._state = SlackState()
        self._methods: dict[str, Method] = dict(METHODS)
        self._calls: list[Call] = []
        self._violations: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> Self:
        self._server = _Server(self)
        self._state.base_url = self.url
        # A short poll keeps stop() quick: shutdown() waits for the loop's next wake-up.
        serve = partial(self._server.serve_forever, poll_interval=POLL_INTERVAL_S)
        self._thread = threading.Thread(target=serve, name="pretend-slack", daemon=True)
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

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the pretend Slack is not started: call start() first")
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
        email: str = "",
    ) -> None:
        ZoneInfo(tz)  # fail here, in the test's setup, not later inside a request
        name = name or user_id.lower()
        user = User(
            user_id,
            team_id,
            name,
            real_name or name,
            tz,
            locale,
            status_text,
            status_emoji,
            is_bot,
            deleted,
            email,
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

    def add_file(self, team_id: str, *, filename: str, content: bytes) -> str:
        """A file a person uploaded (into a form's file input, say); files.info gives its URL."""
        with self._lock:
            self._workspace(team_id)
            file_id = self._state.new_id("F")
            self._state.uploads[file_id] = Upload(
                file_id, team_id, filename, len(content), received=len(content), content=content
            )
            return file_id

    def response_url(self, team_id: str) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._state.response_urls[key] = ResponseUrl(team_id)
        return f"{self.url}response/{team_id}/{key}"

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

    # -- serving

    def _workspace(self, team_id: str) -> Workspace:
        workspace = self._state.workspaces.get(team_id)
        if workspace is None:
            raise KeyError(f"no workspace {team_id}: add_workspace() it first")
        return workspace

    def _route(self, request: Incoming) -> Answer:
        kind, _, rest = request.path.lstrip("/").partition("/")
        with self._lock:
            if kind == "api":
                return self._serve_api(rest, request)
            if kind == "response":
                return self._serve_response_url(rest.rpartition("/")[2], request)
            if kind == "upload":
                return self._serve_upload(rest, request)
            if kind == "files-pri":
                return self._serve_download(rest.partition("/")[0], request)
            where = f"{request.verb} {request.path}"
            return self._serve(
                refusal("not_found", f"{where} is not a Slack URL", status=404), Call(where, {}, None, None)
            )

    def _serve_api(self, name: str, request: Incoming) -> Answer:
        args, problems = self._arguments(name, request)
        body_token = args.pop("token", None)
        token = bearer_token(request.headers) or body_token
        call = Call(name, args, token, self._state.team_of(token))
        method = self._methods.get(name) or refusal(
            "unknown_method", f"{name} is not a method the fake (or Slack) knows"
        )
        return self._serve(method, call, problems)

    def _arguments(self, name: str, request: Incoming) -> tuple[JsonDict, Problems]:
        return read_arguments(request)

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

    def _serve_download(self, file_id: str, request: Incoming) -> Answer:
        token = bearer_token(request.headers)
        call = Call("file_download", {"file_id": file_id}, token, self._state.team_of(token), url_key=file_id)
        return self._serve(Method(download_bytes), call)

    def _serve(self, method: Method, call: Call, problems: Sequence[str] = ()) -> Answer:
        """Check the call as Slack would, answer it, record both."""
        answer = self._answer(method, call, problems)
        self._record(call, answer)
        return answer

    def _answer(self, method: Method, call: Call, problems: Sequence[str]) -> Answer:
        try:
            reject_if(list(problems), "invalid_arguments")
            method.admit(call)
            return method.run(self._state, call)
        except SlackError as error:
            self._violations.extend(f"{call.method}: {problem}" for problem in error.problems)
            return error.answer()
        except Exception as error:  # a crash here must show as a violation, not vanish in a thread
            self._violations.append(f"{call.method}: the fake crashed: {error!r}")
            return SlackError("internal_error", status=500).answer()

    def _record(self, call: Call, answer: Answer) -> None:
        call.status, call.response = answer.status, answer.payload
        self._calls.append(call)

"""The pretend Slack with what only tests need: faults, held and dropped calls, OAuth and waiting.

`FakeSlack` is `bot.pretend_slack.PretendSlack`, which `pmo-bot console` runs too, plus:

- `fail_next`: answer the next calls to a method with a 429, an outage or an ok:false, to see
  the app survive them; the calls are still checked for violations and recorded;
- `stall_next` and `drop_next`: hold a call until released, or do it and hang up unanswered, to
  catch the app mid-send;
- `oauth_grant` and `set_socket_mode_url`: oauth.v2.access and apps.connections.open, which
  only the install flow and Socket Mode call;
- `sign_in_as`: Sign in with Slack (the dashboard's): the authorize page, which sends the
  browser back with a code for whoever is signed in to Slack there, and openid.connect.token
  and openid.connect.userInfo;
- `calls_to`, `wait_for`, `uploaded_bytes` and `reset`: what tests ask about the calls.

Tests assert `fake.violations == []` (the `fake_slack` fixture does so for every test).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.message import Message
from typing import Final
from urllib.parse import parse_qsl, urlencode

from bot.pretend_slack.answers import Answer, JsonDict, Problems, SlackError
from bot.pretend_slack.server import Incoming, PretendSlack, RequestHandler, read_arguments
from bot.pretend_slack.web_api import Method, Need, TokenKind, refusal
from bot.pretend_slack.world import Call, SlackState, add_workspace

__all__ = ["Answer", "Call", "Failure", "FakeSlack", "Incoming", "Stall", "read_arguments"]

DEFAULT_SOCKET_MODE_URL = "wss://wss-primary.slack.com/link/?ticket=fake-ticket"
OAUTH_ACCESS = "oauth.v2.access"
OIDC_TOKEN = "openid.connect.token"
OIDC_AUTHORIZE = "/openid/connect/authorize"
OIDC_SCOPES = frozenset({"openid", "profile", "email"})
# An answer that is no answer: the handler hangs up, and the client sees the connection drop.
HANG_UP: Final = Answer(0, b"")


@dataclass(frozen=True)
class Failure:
    """A failure a test asked for, to see the app survive rate limits and outages."""

    status: int
    retry_after: int | None
    error: str | None
    where: Callable[[JsonDict], bool] = lambda args: True  # which calls it meets

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


@dataclass(frozen=True)
class Grant:
    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str
    scope: str
    installer_user_id: str


@dataclass(frozen=True)
class SignedIn:
    """Who Sign in with Slack vouches for: a code's or a token's person, and the code's redirect."""

    team_id: str
    user_id: str
    redirect_uri: str = ""
    client_id: str = ""


class _HangingUpHandler(RequestHandler):
    def _reply(self, answer: Answer) -> None:
        if answer is HANG_UP:
            self.close_connection = True
            return
        super()._reply(answer)


def not_run(state: SlackState, call: Call) -> JsonDict:
    """The handler of a call a test fails: Slack never acts on it."""
    return {}


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


class FakeSlack(PretendSlack):
    """The pretend Slack, with faults to inject, OAuth and Socket Mode, and calls to wait for."""

    request_handler = _HangingUpHandler

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition(self._lock)
        self._failures: dict[str, deque[Failure]] = {}
        self._stalls: list[Stall] = []
        self._drops: Counter[str] = Counter()
        self._grants: dict[str, Grant] = {}  # OAuth code -> what it installs
        self._socket_mode_url = DEFAULT_SOCKET_MODE_URL
        self._browser: SignedIn | None = None  # who is signed in to Slack in "the browser"
        self._oidc_codes: dict[str, SignedIn] = {}
        self._oidc_tokens: dict[str, SignedIn] = {}
        self._methods[OIDC_TOKEN] = Method(
            self._oidc_token,
            (
                Need(("client_id",), "invalid_client_id"),
                Need(("client_secret",), "bad_client_secret"),
                Need(("code",)),
            ),
            token=TokenKind.NONE,
        )
        self._methods["openid.connect.userInfo"] = Method(self._oidc_user_info, token=TokenKind.NONE)
        self._methods["apps.connections.open"] = Method(self._connections_open, token=TokenKind.APP)
        self._methods[OAUTH_ACCESS] = Method(
            self._oauth_access,
            (
                Need(("client_id",), "invalid_client_id"),
                Need(("client_secret",), "bad_client_secret"),
                Need(("code",)),
            ),
            token=TokenKind.NONE,
        )

    # -- what Slack knows

    def set_socket_mode_url(self, url: str) -> None:
        with self._lock:
            self._socket_mode_url = url

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
            self._grants[code] = Grant(team_id, team_name, bot_token, bot_user_id, scope, installer_user_id)

    def sign_in_as(self, team_id: str, user_id: str | None) -> None:
        """Whom the authorize page signs in (None: nobody, as if they pressed Cancel)."""
        with self._lock:
            self._browser = SignedIn(team_id, user_id) if user_id else None

    def user_object(self, team_id: str, user_id: str) -> JsonDict:
        """The person as Slack's events describe them: users.info's user, without the locale."""
        with self._lock:
            return self._workspace(team_id).users[user_id].to_slack(include_locale=False)

    def people_count(self, team_id: str) -> int:
        """Everyone users.list lists in the workspace, the bot user included."""
        with self._lock:
            return len(self._workspace(team_id).users)

    # -- faults

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        times: int = 1,
        where: Callable[[JsonDict], bool] = lambda args: True,
    ) -> None:
        """Answer the next `times` calls to `method` whose arguments satisfy `where` with a
        failure instead of running them.

        429 sends Retry-After (unless None); 5xx is an outage; 200 needs `error` and answers
        {"ok": false, "error": error}. The calls are still checked for violations and recorded.
        """
        if status == 200 and not error:
            raise ValueError("a 200 failure needs error=..., such as error='channel_not_found'")
        failure = Failure(status, retry_after, error, where)
        with self._lock:
            self._failures.setdefault(method, deque()).extend([failure] * times)

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

    def _route(self, request: Incoming) -> Answer:
        if request.path == OIDC_AUTHORIZE:
            return self._oidc_authorize(request)
        kind, _, name = request.path.lstrip("/").partition("/")
        if kind == "api":
            self._hold_if_stalled(name, request)
        return super()._route(request)

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

    def _arguments(self, name: str, request: Incoming) -> tuple[JsonDict, Problems]:
        args, problems = super()._arguments(name, request)
        if name in (OAUTH_ACCESS, OIDC_TOKEN):
            args = basic_credentials(request.headers) | args
        return args, problems

    def _failure_for(self, call: Call) -> Failure | None:
        """The first failure asked for that meets this call, taken off the queue."""
        with self._lock:
            queued = self._failures.get(call.method, deque())
            failure = next((failure for failure in queued if failure.where(call.args)), None)
            if failure is not None:
                queued.remove(failure)
            return failure

    def _serve(self, method: Method, call: Call, problems: Sequence[str] = ()) -> Answer:
        failure = self._failure_for(call)
        if failure is not None:
            # Checked as Slack would check it, so a broken call is still a violation, but not run.
            self._answer(replace(method, handler=not_run), call, problems)
            answer = failure.answer()
            self._record(call, answer)
            return answer
        answer = super()._serve(method, call, problems)
        if self._drops[call.method] > 0:
            self._drops[call.method] -= 1
            return HANG_UP
        return answer

    def _record(self, call: Call, answer: Answer) -> None:
        super()._record(call, answer)
        self._changed.notify_all()  # wakes wait_for

    # -- the methods only tests call

    def _connections_open(self, state: SlackState, call: Call) -> JsonDict:
        return {"url": self._socket_mode_url}

    def _oauth_access(self, state: SlackState, call: Call) -> JsonDict:
        """Exchange a code granted by `oauth_grant`; the workspace exists from then on."""
        grant = self._grants.pop(str(call.args.get("code")), None)
        if grant is None:
            raise SlackError("invalid_code")
        call.team_id = grant.team_id
        add_workspace(
            state,
            grant.team_id,
            bot_token=grant.bot_token,
            name=grant.team_name,
            bot_user_id=grant.bot_user_id,
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

    # -- Sign in with Slack

    def _oidc_authorize(self, request: Incoming) -> Answer:
        """The page a browser is sent to: back to redirect_uri with a code, or with error=access_denied."""
        args = dict(parse_qsl(request.query))
        call = Call("openid.connect.authorize", args, None, None)
        with self._lock:
            problems = [
                f"missing argument {name}"
                for name in ("client_id", "redirect_uri", "state")
                if not args.get(name)
            ]
            if args.get("response_type") != "code":
                problems.append("response_type must be code")
            if not set(args.get("scope", "").split(",")) >= OIDC_SCOPES:
                problems.append(f"scope must ask for {', '.join(sorted(OIDC_SCOPES))}")
            if problems:
                return self._serve(refusal("invalid_request", "; ".join(problems), status=400), call)
            outcome = {"state": args["state"]}
            if self._browser is None:
                outcome["error"] = "access_denied"
            else:
                code = f"oidc-code-{secrets.token_hex(8)}"
                self._oidc_codes[code] = replace(
                    self._browser, redirect_uri=args["redirect_uri"], client_id=args["client_id"]
                )
                outcome["code"] = code
            answer = Answer(302, b"", headers={"Location": f"{args['redirect_uri']}?{urlencode(outcome)}"})
            self._record(call, answer)
            return answer

    def _oidc_token(self, state: SlackState, call: Call) -> JsonDict:
        """Exchange a code the authorize page gave (once, for the same redirect and client)."""
        signed = self._oidc_codes.pop(str(call.args.get("code")), None)
        if signed is None:
            raise SlackError("invalid_code")
        if call.args.get("redirect_uri") != signed.redirect_uri:
            raise SlackError("bad_redirect_uri", "redirect_uri differs from the one authorized")
        if call.args.get("client_id") != signed.client_id:
            raise SlackError("invalid_client_id", "client_id differs from the one authorized")
        token = f"xoxp-oidc-{secrets.token_hex(8)}"
        self._oidc_tokens[token] = signed
        call.team_id = signed.team_id
        return {"access_token": token, "token_type": "Bearer", "id_token": "header.claims.signature"}

    def _oidc_user_info(self, state: SlackState, call: Call) -> JsonDict:
        signed = self._oidc_tokens.get(call.token or "")
        if signed is None:
            raise SlackError(
                "invalid_auth", "openid.connect.userInfo needs the token openid.connect.token gave"
            )
        user = self._workspace(signed.team_id).users[signed.user_id]
        return {
            "sub": user.id,
            "https://slack.com/user_id": user.id,
            "https://slack.com/team_id": signed.team_id,
            "email": f"{user.name}@example.com",
            "email_verified": True,
            "name": user.real_name,
            "locale": user.locale,
        }

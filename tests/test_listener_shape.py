"""One listener shape: every listener takes the request context the middleware built, and the
payload as the middleware checked it; nothing else builds a context or reads the raw body.

Read from the app itself (every listener Bolt would run, with the names it would hand them)
and from the source (ast), so a listener added tomorrow is held to the same shape.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.middleware.custom_middleware import CustomMiddleware

from bot.app import PmoApp, create_app
from handlers.slack.payloads import CHECKED_KEYS
from tests.support.fakeslack import FakeSlack
from tests.support.served import make_settings

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = ROOT / "handlers"
# What a listener may name: Bolt's answer functions, the request context, and the payload
# checked by `refuse_misshapen` (handlers.slack.payloads).
LISTENER_ARGUMENTS = {"ack", "respond", "ctx", *CHECKED_KEYS}
# How a request context is made: by the middleware alone (a scheduled pass's `job_ctx` is
# nobody's request).
CONTEXT_MAKERS = {"Ctx", "request_ctx", "unsettled_ctx", "build_request_context"}
# The raw request: only middleware, and the error handler that answers in its shape (and
# settles the language of a request refused before its context was built), read it.
RAW_REQUEST = {"BoltContext", "BoltRequest"}
ERROR_HANDLER_MODULE = "handlers.slack.errors"
# The order add_middleware gives, and why it matters (see its docstring).
MIDDLEWARE_ORDER = [
    "attach_runtime",
    "refuse_replays",
    "remove_control_characters",
    "refuse_misshapen",
    "handle_each_event_once",
    "name_each_submission",
    "build_request_context",
    "refuse_unseen",
]


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[PmoApp]]:
    """The app as one workspace's token builds it and as OAuth (many workspaces) does."""
    fake = FakeSlack().start()
    folder = tmp_path_factory.mktemp("listeners")
    try:
        yield [
            create_app(make_settings(fake, f"sqlite:///{folder / 'token.db'}")),
            create_app(
                make_settings(
                    fake,
                    f"sqlite:///{folder / 'oauth.db'}",
                    slack_bot_token=None,
                    slack_client_id="1.2",
                    slack_client_secret="secret",
                )
            ),
        ]
    finally:
        fake.stop()


def listener_functions(app: App) -> Iterator[Callable[..., Any]]:
    """Every function Bolt runs for a request: each listener's, and its lazy ones, but Bolt's own
    (the token revocation listeners it adds for OAuth)."""
    for listener in app._listeners:
        for function in [listener.ack_function, *listener.lazy_functions]:
            if not function.__module__.startswith("slack_bolt"):
                yield function


def misshapen(functions: Iterator[Callable[..., Any]]) -> list[str]:
    """Listeners that name something besides the context and the checked payload, or not the context."""
    found = []
    for function in functions:
        names = set(inspect.signature(function).parameters)
        where = f"{function.__module__}.{function.__qualname__}"
        if names - LISTENER_ARGUMENTS:
            found.append(f"{where} takes {sorted(names - LISTENER_ARGUMENTS)}")
        if "ctx" not in names:
            found.append(f"{where} takes no ctx")
    return found


def middleware_names(app: App) -> list[str]:
    return [m.func.__name__ for m in app._middleware_list if isinstance(m, CustomMiddleware)]


def middleware_modules(app: App) -> set[str]:
    return {m.func.__module__ for m in app._middleware_list if isinstance(m, CustomMiddleware)}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def strays(source: str, module: str, plumbing: set[str]) -> list[str]:
    """Where a module outside the middleware reads the raw request or makes a context."""
    if module in plumbing:
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found += [
                f"line {node.lineno}: imports {alias.name}"
                for alias in node.names
                if alias.name in RAW_REQUEST
            ]
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in CONTEXT_MAKERS:
                found.append(f"line {node.lineno}: calls {name}")
    return found


def test_middleware_runs_in_the_order_add_middleware_gives(apps: list[PmoApp]) -> None:
    for app in apps:
        assert middleware_names(app) == MIDDLEWARE_ORDER


def test_every_listener_takes_the_context_and_the_checked_payload_only(apps: list[PmoApp]) -> None:
    for app in apps:
        functions = list(listener_functions(app))
        assert len(functions) > 40  # every capability's listeners were read
        assert misshapen(iter(functions)) == []


def test_no_listener_has_middleware_of_its_own(apps: list[PmoApp]) -> None:
    """All of a request's checks run in add_middleware's order, none hidden on one listener (Bolt
    gives event listeners one of its own)."""
    for app in apps:
        ours = [
            m
            for listener in app._listeners
            for m in listener.middleware
            if not type(m).__module__.startswith("slack_bolt")
        ]
        assert ours == []


def handler_modules() -> list[Path]:
    return sorted(HANDLERS.rglob("*.py"))


@pytest.mark.parametrize("path", handler_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_only_middleware_reads_the_raw_request_or_makes_a_context(path: Path, apps: list[PmoApp]) -> None:
    plumbing = middleware_modules(apps[0]) | {ERROR_HANDLER_MODULE}
    assert strays(path.read_text(encoding="utf-8"), module_name(path), plumbing) == []


def test_the_checks_find_a_listener_of_another_shape() -> None:
    """The checks can fail: a listener that reads the raw body, one that skips the context, a
    module that makes its own context or reads Bolt's."""
    app = App(token="xoxb-1", signing_secret="secret", token_verification_enabled=False)

    @app.action("raw")
    def reads_the_body(ack: Any, ctx: Any, body: dict[str, Any]) -> None:
        ack(body["actions"][0])

    @app.view("no_ctx")
    def without_context(ack: Any, submitted: Any) -> None:
        ack()

    found = misshapen(listener_functions(app))
    assert len(found) == 2
    assert found[0].endswith("reads_the_body takes ['body']")
    assert found[1].endswith("without_context takes no ctx")
    source = (
        "from slack_bolt import BoltContext\n"
        "def on_click(context: BoltContext):\n"
        "    return Ctx(runtime=None, team_id=context.team_id)\n"
    )
    assert strays(source, "handlers.tasks.updates", set()) == [
        "line 1: imports BoltContext",
        "line 3: calls Ctx",
    ]
    assert strays(source, "handlers.slack.context", {"handlers.slack.context"}) == []

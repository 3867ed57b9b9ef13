"""The app factory: a Bolt app wired to the database, the handlers and the Web API."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

import handlers
from bot.runtime import RUNTIME_KEY, Runtime
from bot.scopes import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from bot.settings import Settings
from bot.signing import SlackSignature
from bot.slack_client import build_web_client
from handlers.slack.context import build_request_context
from handlers.slack.events import handle_each_event_once
from handlers.slack.installations import installation_store, state_store
from handlers.slack.once import name_each_submission
from handlers.slack.payloads import refuse_misshapen, remove_control_characters
from handlers.slack.replays import refuse_replays
from handlers.slack.visibility import refuse_unseen
from models.core.database import Database, one_wait

log = logging.getLogger(__name__)


class Mode(StrEnum):
    HTTP = "http"
    SOCKET = "socket"


class _TokenBesideClient(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself even when given a client built with that very token,
    and then warns on every start that the token "will be unused": true, and no news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOGGER = logging.getLogger("slack_bolt")
BOLT_LOGGER.addFilter(_TokenBesideClient())


class PmoApp(App):
    """A Bolt app that keeps the runtime it was built with, for the server, scheduler and CLI."""

    def __init__(self, runtime: Runtime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.router = handlers.CommandRouter()

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        """Answer one request; its writes wait for SQLite's write lock once in all (models.core.database).

        Every way in (HTTP, Socket Mode, the console) comes through here, and lazy listeners and
        the work queued after the answer run on other threads, outside the request's budget.
        """
        with one_wait():
            return super().dispatch(req)


def create_app(settings: Settings, *, database: Database | None = None, mode: Mode = Mode.HTTP) -> PmoApp:
    """Build the Bolt app with every handler registered.

    `process_before_response` makes the HTTP answer leave as soon as the listener returns, not
    after Bolt's 10 ms ack-polling loop; slow work goes to lazy listeners.
    """
    database = database or Database(settings.database_url)
    runtime = Runtime(settings=settings, database=database)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    common: dict[str, Any] = {
        "runtime": runtime,
        # Unnamed, Bolt names an app after its caller's file by walking the whole call stack with
        # inspect.stack(), reading source files: 80 ms for each app made under a test runner.
        "name": "pmo-bot",
        "signing_secret": secret,
        "process_before_response": True,
        # A click or form no listener knows reaches the error handler, which answers it in words.
        "raise_error_for_unhandled_request": True,
        # Bolt's own check raises on a malformed timestamp or signature, and the error handler
        # then saw the unverified body; ours answers 401 instead, at the same point in the chain
        # (right before authorisation). Socket Mode requests come over the app's own connection.
        "request_verification_enabled": False,
        "before_authorize": SlackSignature(secret),
        "logger": BOLT_LOGGER,
    }
    if settings.uses_oauth and mode is Mode.HTTP:
        oauth = _oauth_settings(settings, database)
        app = PmoApp(client=build_web_client(settings), oauth_settings=oauth, **common)
        runtime.clients = installed_clients(settings, oauth.installation_store)
    else:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        # No auth.test at start: the bot starts (and /healthz answers) even while Slack can't
        # be reached; the token is checked on the first request.
        app = PmoApp(client=build_web_client(settings, token), token_verification_enabled=False, **common)
        single = app.client
        runtime.clients = lambda team_id: single
    add_middleware(app, runtime)
    handlers.register_all(app, runtime, app.router)
    return app


def add_middleware(app: App, runtime: Runtime) -> None:
    """Our middleware, in the order it runs: after Bolt's own (the signature check, which is
    `before_authorize`, then authorisation) and before any listener.

    1. The runtime goes into the context first: everything after reads it from there.
    2. A replayed request is refused before anything reads or writes on its behalf.
    3. Control characters go before anything reads the body's text, the shape check included.
    4. A click or form shaped unlike Slack's is answered before anything reads its actions or
       state.
    5. A re-delivered event stops before its person is looked up or its listeners run.
    6. The submission key comes before the request context, which carries it to the first write.
    7. The request context (who, which workspace, their language) is built once, after every
       refusal above, so a refused request costs no lookup.
    8. The visibility rule for clicks and shortcuts reads that context (who asks, as what).
    """

    @app.use
    def attach_runtime(context: BoltContext, next: Callable[[], None]) -> None:
        context[RUNTIME_KEY] = runtime
        next()

    app.use(refuse_replays)
    app.use(remove_control_characters)
    app.use(refuse_misshapen)
    app.use(handle_each_event_once)
    app.use(name_each_submission)
    app.use(build_request_context)
    app.use(refuse_unseen)


def installed_clients(settings: Settings, store: InstallationStore) -> Callable[[str], WebClient]:
    """Each workspace's client, with the bot token its installation stored."""

    def client_for(team_id: str) -> WebClient:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise LookupError(f"the app is not installed in workspace {team_id}")
        return build_web_client(settings, bot.bot_token)

    return client_for


def _oauth_settings(settings: Settings, database: Database) -> OAuthSettings:
    client_id = settings.slack_client_id or ""
    return OAuthSettings(
        client_id=client_id,
        client_secret=settings.slack_client_secret.get_secret_value()
        if settings.slack_client_secret
        else None,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installation_store(database, client_id),
        state_store=state_store(database),
    )

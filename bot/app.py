"""The app factory: a Bolt app wired to the database, the handlers and the Web API."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

import handlers
from bot.runtime import Runtime
from bot.scopes import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from bot.settings import Settings
from bot.signing import SlackSignature
from bot.slack_client import build_web_client
from models.core.database import Database, one_wait
from models.core.migrate import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

log = logging.getLogger(__name__)

OAUTH_STATE_TTL_S = 600


class Mode(StrEnum):
    HTTP = "http"
    SOCKET = "socket"


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
        "signing_secret": secret,
        "process_before_response": True,
        # A click or form no listener knows reaches the error handler, which answers it in words.
        "raise_error_for_unhandled_request": True,
        # Bolt's own check raises on a malformed timestamp or signature, and the error handler
        # then saw the unverified body; ours answers 401 instead, at the same point in the chain
        # (right before authorisation). Socket Mode requests come over the app's own connection.
        "request_verification_enabled": False,
        "before_authorize": SlackSignature(secret),
        "logger": logging.getLogger("slack_bolt"),
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
    handlers.register_all(app, runtime, app.router)
    return app


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
        installation_store=SQLAlchemyInstallationStore(
            client_id=client_id,
            engine=database.engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        ),
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_TTL_S, engine=database.engine, table_name=OAUTH_STATES_TABLE
        ),
    )

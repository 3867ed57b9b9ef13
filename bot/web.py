"""HTTP mode: Slack's requests, a health check and the dashboard, served by waitress (a production
WSGI server)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.app import PmoApp
from bot.runtime import ANSWERING, Answering
from bot.scopes import EVENTS_PATH
from bot.signing import is_signed, verifier_for
from handlers.dashboard.site import Dashboard

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
# Slack's payloads are a few kilobytes; anything near this is not from Slack.
MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_THREADS = 8
UNREADABLE = (ValueError, TypeError, AttributeError, LookupError)

StartResponse = Callable[..., Any]


class WebApp:
    """The WSGI application: /slack/events (and the OAuth pages) for Bolt, /healthz for operators."""

    def __init__(self, app: PmoApp) -> None:
        self.app = app
        self.slack = SlackRequestHandler(app, path=EVENTS_PATH)
        secret = app.runtime.settings.slack_signing_secret
        self.verifier = verifier_for(secret.get_secret_value() if secret else None)
        # Off unless PMO_PUBLIC_URL says where browsers reach the bot (Slack signs readers in there).
        self.dashboard = Dashboard(app.runtime) if app.runtime.settings.dashboard_enabled else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.health(start_response)
        # The dashboard's pages, and its one form (sign-out), are for browsers, not for Slack.
        if self.dashboard is not None and Dashboard.serves(environ.get("PATH_INFO", "")):
            return self.dashboard(environ, start_response)
        # Every POST is Slack's or nobody's; the OAuth install pages and the health check are GETs.
        if environ.get("REQUEST_METHOD") == "POST" and not self.from_slack(environ):
            log.warning("refused a request whose Slack signature could not be verified")
            return plain(start_response, "401 Unauthorized", b"")
        answering = self.app.runtime.answering()
        token = ANSWERING.set(answering)
        try:
            body = self.slack(environ, start_response)
        except UNREADABLE as error:
            # Bolt reads the body into its listeners' arguments before any of our code runs: a
            # payload that is not a JSON object, or a click without actions, fails there.
            log.warning("refused a body Bolt could not read: %s", error.__class__.__name__)
            answering.release()
            return plain(start_response, "400 Bad Request", b"not a Slack request")
        except BaseException:
            answering.release()
            raise
        finally:
            ANSWERING.reset(token)
        return AnsweredFirst(body, answering.answered())

    def from_slack(self, environ: dict[str, Any]) -> bool:
        """Check the signature before Bolt, any middleware or the error handler reads the body.

        The body is read here and put back for Bolt, which reads it again.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return is_signed(
            self.verifier,
            body,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            environ.get("HTTP_X_SLACK_SIGNATURE"),
        )

    def health(self, start_response: StartResponse) -> Iterable[bytes]:
        healthy = self.app.runtime.database.ping()
        status = "200 OK" if healthy else "503 Service Unavailable"
        body = json.dumps({"status": "ok" if healthy else "unavailable", "database": healthy}).encode()
        return plain(start_response, status, body, "application/json")


class AnsweredFirst:
    """The answer's body; the server closes it once written, and only then do notifications start.

    WSGI servers call `close()` after the last byte is handed over, whatever happened, so the
    queued work (channel posts, DMs, Home refreshes) never delays or changes the answer.
    """

    def __init__(self, body: Iterable[bytes], answering: Answering) -> None:
        self.body = body
        self.answering = answering

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.answering.release()


def plain(
    start_response: StartResponse, status: str, body: bytes, kind: str = "text/plain"
) -> Iterable[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


def make_server(
    app: PmoApp, *, host: str = "0.0.0.0", port: int = 3000, threads: int = DEFAULT_THREADS
) -> BaseWSGIServer | MultiSocketServer:
    return create_server(
        WebApp(app),
        host=host,
        port=port,
        threads=threads,
        ident="pmo-bot",
        max_request_body_size=MAX_BODY_BYTES,
        clear_untrusted_proxy_headers=True,
    )

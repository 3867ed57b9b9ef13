"""HTTP mode: Slack's requests and a health check, served by waitress (a production WSGI server)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.app import PmoApp
from bot.scopes import EVENTS_PATH

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
# Slack's payloads are a few kilobytes; anything near this is not from Slack.
MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_THREADS = 8

StartResponse = Callable[..., Any]


class WebApp:
    """The WSGI application: /slack/events (and the OAuth pages) for Bolt, /healthz for operators."""

    def __init__(self, app: PmoApp) -> None:
        self.app = app
        self.slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.health(start_response)
        return self.slack(environ, start_response)

    def health(self, start_response: StartResponse) -> Iterable[bytes]:
        healthy = self.app.runtime.database.ping()
        status = "200 OK" if healthy else "503 Service Unavailable"
        body = json.dumps({"status": "ok" if healthy else "unavailable", "database": healthy}).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
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

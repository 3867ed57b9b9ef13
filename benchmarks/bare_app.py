"""The baseline every HTTP figure is compared with: a bare Bolt app acking `/pmo` with fixed text.

    python -m benchmarks.bare_app --port 3999 --api-url URL --signing-secret S --token T --threads 8

Served by the same WSGI server with the same threads as `pmo-bot serve`, with `/healthz`
answering 200 at once, so start-up, memory and latency can be set side by side with the app's.
It imports nothing of PMO bot: its start-up and memory are Bolt's and waitress's alone.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve

HEALTH_PATH = "/healthz"
StartResponse = Callable[..., Any]


def bare_app(api_url: str, *, signing_secret: str, token: str, before_response: bool = True) -> App:
    """`before_response=True` answers as soon as the listener returns, as PMO bot does."""
    app = App(
        signing_secret=signing_secret,
        client=WebClient(token=token, base_url=api_url),
        token_verification_enabled=False,
        process_before_response=before_response,
    )

    @app.command("/pmo")
    def answer(ack: Ack) -> None:
        ack(text="ok")

    @app.action(re.compile(".*"))
    def click(ack: Ack) -> None:
        ack()

    return app


class BareWeb:
    """The bare app behind the same two paths `pmo-bot serve` has."""

    def __init__(self, app: App) -> None:
        self.slack = SlackRequestHandler(app)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return self.slack(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--signing-secret", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    app = bare_app(args.api_url, signing_secret=args.signing_secret, token=args.token)
    serve(BareWeb(app), host="127.0.0.1", port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()

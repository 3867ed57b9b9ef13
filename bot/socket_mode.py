"""Socket Mode: the same app over a WebSocket that the bot opens to Slack, for teams without a public URL."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.app import PmoApp
from bot.runtime import ANSWERING


class AnswerFirstHandler(SocketModeHandler):
    """Sends each envelope's answer before the notifications its listener queued (bot.runtime)."""

    app: PmoApp

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        answering = self.app.runtime.answering()
        token = ANSWERING.set(answering)
        try:
            super().handle(client, req)
        finally:
            ANSWERING.reset(token)
            answering.release()


def socket_handler(app: PmoApp, app_token: str) -> SocketModeHandler:
    # The app's own client carries SLACK_API_URL and the retry policy to apps.connections.open.
    return AnswerFirstHandler(app, app_token=app_token, web_client=app.client)
